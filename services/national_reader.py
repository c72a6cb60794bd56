"""An independent reader of techledger-national-export/1: it builds registry rows from export
records alone, as the national database (or anyone) would, in the column names of our own
registry and contract views, so the two can be compared field by field.

It also states which view columns are public (the allow-list the public API serves): the same
facts the export carries (services/national_schema.py names the rule of each).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from services import national_codes as nc
from services.national_schema import FORMAT

Row = dict[str, Any]
PUBLIC_ACHIEVEMENT_COLUMNS: Final = (
    "id", "registration_number", "registry_code", "title", "category", "hefei_subtype", "forms",
    "field", "keywords", "summary", "owners", "region_code", "fiscal", "project_id",
    "maturity_stage", "trl", "patents", "status", "disclosed_on", "companies", "registered_on",
    "position")
PUBLIC_CONTRACT_COLUMNS: Final = (
    "id", "type", "variant", "field", "seller_kind", "buyer_kind", "seller_region",
    "buyer_region", "achievement_ids", "signed_on", "term_end", "pricing", "exchange_id",
    "status", "registered_on", "terminated_on")
PUBLIC_OWNER_KEYS: Final = ("id", "name", "kind", "region_code")
PUBLIC_PATENT_KEYS: Final = ("number", "kind", "title", "grant_date", "expiry_date", "status")


def public_owner(owner: Row) -> Row:
    """An owner as published: an individual by kind and region only (PIPL art. 13)."""
    keys = ("kind", "region_code") if owner.get("kind") == "individual" else PUBLIC_OWNER_KEYS
    return {k: owner.get(k) for k in keys}


def public_achievement(row: Row) -> Row:
    """The public columns of a registry view row (decoded, as projections.registry_queries)."""
    out = {c: row.get(c) for c in PUBLIC_ACHIEVEMENT_COLUMNS}
    out["owners"] = [public_owner(o) for o in row.get("owners") or []]
    out["patents"] = [{k: p.get(k) for k in PUBLIC_PATENT_KEYS} for p in row.get("patents") or []]
    return out


def public_contract(row: Row) -> Row:
    return {c: row.get(c) for c in PUBLIC_CONTRACT_COLUMNS}


def _owner(unit: Row) -> Row:
    return public_owner({"id": unit.get("unit_id"), "name": unit.get("unit_name"),
                         "kind": nc.value_of(nc.PARTY_KIND, unit.get("unit_kind_code")),
                         "region_code": unit.get("region_code")})


def _patent(p: Row) -> Row:
    return {"number": p["patent_no"], "kind": nc.value_of(nc.PATENT_KIND, p["patent_kind_code"]),
            "title": p["patent_name"], "grant_date": p.get("grant_date"),
            "expiry_date": p.get("expiry_date"),
            "status": nc.value_of(nc.PATENT_STATUS, p["patent_status_code"])}


def _registered(r: Row) -> Row:
    return {
        "id": r["id"], "registration_number": r["registration_no"],
        "registry_code": r["registry_code"], "title": r["achievement_name"],
        "category": nc.value_of(nc.CATEGORY, r["category_code"]),
        "hefei_subtype": nc.value_of(nc.HEFEI_SUBTYPE, r.get("hefei_subtype_code")),
        "forms": r["forms"], "field": r["technical_field"], "keywords": r["keywords"],
        "summary": r.get("summary", ""), "owners": [_owner(u) for u in r["completing_units"]],
        "region_code": r.get("region_code"), "fiscal": r["fiscal_funded"],
        "project_id": r.get("project_id"),
        "maturity_stage": nc.value_of(nc.MATURITY, r["maturity_code"]), "trl": r.get("trl"),
        "patents": [_patent(p) for p in r["patents"]], "status": "registered",
        "disclosed_on": None, "companies": 0, "registered_on": r["effective_date"],
    }


def _contract(r: Row) -> Row:
    return {
        "id": r["id"], "type": nc.value_of(nc.CONTRACT_TYPE, r["contract_type_code"]),
        "variant": nc.value_of(nc.CONTRACT_VARIANT, r.get("contract_variant_code")),
        "field": r["technical_field"], "seller_kind": nc.value_of(nc.PARTY_KIND,
                                                                 r["seller_kind_code"]),
        "buyer_kind": nc.value_of(nc.PARTY_KIND, r["buyer_kind_code"]),
        "seller_region": r.get("seller_region_code"), "buyer_region": r.get("buyer_region_code"),
        "achievement_ids": r["achievement_ids"], "signed_on": r["signed_date"],
        "term_end": r.get("term_end_date"), "pricing": nc.value_of(nc.PRICING,
                                                                   r.get("pricing_code")),
        "exchange_id": r["exchange_id"], "status": "registered",
        "registered_on": r["effective_date"], "terminated_on": None,
    }


class UnsupportedFormat(ValueError):
    """A record of another format version than this reader understands."""


class NationalReader:
    """Registry rows (achievements, registered contracts) from export records alone."""

    def __init__(self) -> None:
        self.achievements: dict[str, Row] = {}
        self.contracts: dict[str, Row] = {}

    def apply_all(self, records: Iterable[Row]) -> NationalReader:
        for record in records:
            self.apply(record)
        return self

    def apply(self, r: Row) -> None:
        if r["format"] != FORMAT:
            raise UnsupportedFormat(f"cannot read {r['format']!r} records")
        if r["record_kind"] == "contract":
            self._apply_contract(r)
        else:
            self._apply_achievement(r)

    def _apply_achievement(self, r: Row) -> None:
        event, day = r["event_type"], r["effective_date"]
        if event == "achievement_registered":
            self.achievements[r["id"]] = _registered(r)
        row = self.achievements[r["id"]]
        row["position"] = r["position"]
        if event == "achievement_disclosed":
            row["disclosed_on"] = day
        elif event == "registration_cancelled":
            row["status"] = "cancelled"
        elif event == "company_formed":
            row["companies"] += 1
        elif event == "patent_status_changed":
            status = nc.value_of(nc.PATENT_STATUS, r["patent_status_code"])
            for patent in row["patents"]:
                if patent["number"] == r["patent_no"]:
                    patent["status"] = status

    def _apply_contract(self, r: Row) -> None:
        event = r["event_type"]
        if event == "contract_registered":
            self.contracts[r["id"]] = _contract(r)
        row = self.contracts[r["id"]]
        if event == "contract_amended":
            row["term_end"] = r.get("term_end_date")  # absent: the term has no end
        elif event == "contract_terminated":
            row.update(status="terminated", terminated_on=r["effective_date"])

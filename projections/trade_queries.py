"""Queries over the trade views: contracts, pledges, and the bank's questions — is this
achievement or patent pledged on a date (as the ledger knows it now, or knew it at a time),
a bank's exposure, and pledges whose collateral weakened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson

from projections.store import Row, Tx
from projections.trades import instant

JSON_COLUMNS = ("achievement_ids", "items", "consents", "support", "patent_numbers", "patents",
                "notice", "disputes")
WEAK_PATENT = frozenset({"lapsed", "invalidated", "expired", "fee_overdue"})
PLEDGE_COLUMNS = (
    "p.id AS pledge_id, p.pledgor_id, r.name AS pledgor_name, p.pledgee_id, "
    "e.name AS pledgee_name, p.debtor_id, p.secured_amount, p.loan_start, p.loan_end, p.status")
PLEDGE_JOINS = (" JOIN pledges p ON p.id = i.pledge_id LEFT JOIN parties e ON e.id = p.pledgee_id"
                " LEFT JOIN parties r ON r.id = p.pledgor_id")


def _decode(row: Row) -> Row:
    out = dict(row)
    for column in JSON_COLUMNS:
        if isinstance(out.get(column), str):
            out[column] = orjson.loads(out[column])
    return out


def views_position(tx: Tx, name: str = "views") -> int:
    rows = tx.execute("SELECT position FROM view_tracking WHERE name = ?", (name,))
    return int(rows[0]["position"]) if rows else 0


@dataclass(frozen=True)
class ContractFilter:
    type: str | None = None
    seller_id: str | None = None
    buyer_id: str | None = None
    achievement_id: str | None = None
    status: str | None = None
    signed_from: date | None = None
    signed_to: date | None = None  # inclusive


def _contract_where(f: ContractFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column in ("type", "seller_id", "buyer_id", "status"):
        value = getattr(f, column)
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if f.achievement_id is not None:
        clauses.append("id IN (SELECT contract_id FROM contract_achievements "
                       "WHERE achievement_id = ?)")
        params.append(f.achievement_id)
    if f.signed_from is not None:
        clauses.append("signed_on >= ?")
        params.append(f.signed_from.isoformat())
    if f.signed_to is not None:
        clauses.append("signed_on <= ?")
        params.append(f.signed_to.isoformat())
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def list_contracts(tx: Tx, f: ContractFilter, *, page: int, page_size: int
                   ) -> tuple[list[Row], int]:
    """Registered contracts, latest signed first."""
    where, params = _contract_where(f)
    total = int(tx.execute(f"SELECT COUNT(*) AS n FROM contracts{where}", params)[0]["n"])
    rows = tx.execute(f"SELECT * FROM contracts{where} ORDER BY signed_on DESC, contract_number "
                      "LIMIT ? OFFSET ?", [*params, page_size, (page - 1) * page_size])
    return [_decode(r) for r in rows], total


def get_contract(tx: Tx, contract_id: str) -> Row | None:
    rows = tx.execute("SELECT * FROM contracts WHERE id = ?", (contract_id,))
    return _decode(rows[0]) if rows else None


def get_pledge(tx: Tx, pledge_id: str) -> Row | None:
    """One pledge with its parties' names and its per-achievement intervals."""
    rows = tx.execute(
        "SELECT p.*, e.name AS pledgee_name, r.name AS pledgor_name FROM pledges p "
        "LEFT JOIN parties e ON e.id = p.pledgee_id LEFT JOIN parties r ON r.id = p.pledgor_id "
        "WHERE p.id = ?", (pledge_id,))
    if not rows:
        return None
    intervals = tx.execute("SELECT * FROM pledge_intervals WHERE pledge_id = ? "
                           "ORDER BY achievement_id", (pledge_id,))
    return {**_decode(rows[0]), "intervals": [_decode(r) for r in intervals]}


def _known(known_at: datetime | None) -> str | None:
    return instant(known_at) if known_at is not None else None


def _active(as_of: date, known: str | None) -> tuple[str, list[Any]]:
    """start_effective <= as_of < end_effective, counting only facts recorded by `known`."""
    day = as_of.isoformat()
    if known is None:
        return ("i.start_effective <= ? AND (i.end_effective IS NULL OR i.end_effective > ?)",
                [day, day])
    return ("i.start_effective <= ? AND i.start_recorded <= ? AND (i.end_effective IS NULL "
            "OR i.end_effective > ? OR i.end_recorded > ?)", [day, known, day, known])


def pledge_status(tx: Tx, *, achievement_id: str | None, patent_number: str | None,
                  as_of: date, known_at: datetime | None) -> dict[str, Any]:
    """Is the achievement (or the patent) pledged on `as_of`, as the ledger knows it now or,
    with `known_at`, as it knew it then? An end recorded after `known_at` is not yet known."""
    if achievement_id is None and patent_number is None:
        raise ValueError("name an achievement_id or a patent_number")
    known = _known(known_at)
    active, params = _active(as_of, known)
    clauses, lookup = [active], list(params)
    if achievement_id is not None:
        clauses.append("i.achievement_id = ?")
        lookup.append(achievement_id)
    if patent_number is not None:
        clauses.append("EXISTS (SELECT 1 FROM pledge_patents c WHERE c.pledge_id = i.pledge_id "
                       "AND c.achievement_id = i.achievement_id AND c.patent_number = ?)")
        lookup.append(patent_number)
    rows = tx.execute(
        f"SELECT i.achievement_id, i.patent_numbers, i.start_effective, i.start_recorded, "
        f"i.start_position AS registration_position, i.end_effective, i.end_recorded, "
        f"i.end_position, {PLEDGE_COLUMNS} FROM pledge_intervals i{PLEDGE_JOINS} "
        f"WHERE {' AND '.join(clauses)} ORDER BY i.start_effective, i.start_position",
        lookup)
    pledges = [_as_known(_decode(r), known) for r in rows]
    return {"pledged": bool(pledges), "pledges": pledges, "as_of": as_of.isoformat(),
            "known_at": known, "achievement_id": achievement_id,
            "patent_number": patent_number, "views_position": views_position(tx)}


def _as_known(row: Row, known: str | None) -> Row:
    """What the ledger knew at `known`: a later end is hidden, and so is today's status."""
    if known is not None:
        if row["end_recorded"] is not None and row["end_recorded"] > known:
            row.update(end_effective=None, end_recorded=None, end_position=None)
        row["status"] = None
    return row


def _active_pledges(tx: Tx, bank_id: str | None, as_of: date) -> list[Row]:
    day = as_of.isoformat()
    sql = (f"SELECT {PLEDGE_COLUMNS}, p.items, p.registered_on, p.defaulted_on, p.support, "
           "p.position FROM pledges p LEFT JOIN parties e ON e.id = p.pledgee_id LEFT JOIN "
           "parties r ON r.id = p.pledgor_id WHERE p.registered_on <= ? "
           "AND (p.ended_on IS NULL OR p.ended_on > ?)")
    params: list[Any] = [day, day]
    if bank_id is not None:
        sql += " AND p.pledgee_id = ?"
        params.append(bank_id)
    return [_decode(r) for r in tx.execute(sql + " ORDER BY p.loan_end, p.id", params)]


def bank_pledges(tx: Tx, bank_id: str, as_of: date) -> dict[str, Any]:
    """A bank's pledges binding on `as_of` and its exposure: the secured amounts summed, and
    the part whose loans had defaulted by then."""
    rows = _active_pledges(tx, bank_id, as_of)
    day = as_of.isoformat()
    defaulted = [r for r in rows if r["defaulted_on"] is not None and r["defaulted_on"] <= day]
    names = tx.execute("SELECT name FROM parties WHERE id = ?", (bank_id,))
    return {"bank_id": bank_id, "bank_name": names[0]["name"] if names else None,
            "as_of": day, "count": len(rows), "exposure": _sum(rows, "secured_amount"),
            "defaulted_exposure": _sum(defaulted, "secured_amount"),
            "support_received": str(sum((Decimal(s["amount"]) for r in rows
                                         for s in r["support"]), Decimal("0.00"))),
            "pledges": rows, "views_position": views_position(tx)}


def _sum(rows: list[Row], column: str) -> str:
    return str(sum((Decimal(r[column]) for r in rows), Decimal("0.00")))


def pledge_alerts(tx: Tx, bank_id: str | None, as_of: date) -> dict[str, Any]:
    """Pledges binding on `as_of` whose covered patents lapsed, were invalidated, expired or
    fell into fee arrears, or whose patents expire before the loan ends."""
    pledges = {r["pledge_id"]: r for r in _active_pledges(tx, bank_id, as_of)}
    alerts: list[Row] = []
    patents_of: dict[str, dict[str, Any]] = {}
    for pledge_id, pledge in pledges.items():
        covered = tx.execute("SELECT achievement_id, patent_number FROM pledge_patents "
                             "WHERE pledge_id = ? ORDER BY achievement_id, patent_number",
                             (pledge_id,))
        for c in covered:
            if c["achievement_id"] not in patents_of:
                patents_of[c["achievement_id"]] = _patents(tx, c["achievement_id"])
            patent = patents_of[c["achievement_id"]].get(c["patent_number"])
            for reason in _reasons(patent, pledge["loan_end"]):
                alerts.append({**{k: v for k, v in pledge.items() if k not in (
                    "items", "support")}, "achievement_id": c["achievement_id"],
                    "patent_number": c["patent_number"], "reason": reason,
                    "patent_status": patent["status"] if patent else None,
                    "expiry_date": patent["expiry_date"] if patent else None})
    return {"as_of": as_of.isoformat(), "bank_id": bank_id, "alerts": alerts,
            "views_position": views_position(tx)}


def _patents(tx: Tx, achievement_id: str) -> dict[str, Any]:
    rows = tx.execute("SELECT patents FROM achievements WHERE id = ?", (achievement_id,))
    if not rows or not rows[0]["patents"]:
        return {}
    return {p["number"]: p for p in orjson.loads(rows[0]["patents"])}


def _reasons(patent: dict[str, Any] | None, loan_end: str) -> list[str]:
    if patent is None:
        return ["patent_unknown"]
    reasons = [f"patent_{patent['status']}"] if patent["status"] in WEAK_PATENT else []
    if patent.get("expiry_date") and patent["expiry_date"] < loan_end:
        reasons.append("expires_before_loan_end")
    return reasons

"""Export fields of an achievement's events (techledger-national-export/1, services/
national_schema.py): what the registration record and the disclosure make public (BD 2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.achievement import Achievement
from domain.values import PartyKind, Patent
from services import national_codes as nc

if TYPE_CHECKING:
    from services.national_export import ExportContext

Record = dict[str, Any]


def _unit(ctx: ExportContext, party_id: UUID) -> Record:
    """A completing unit (完成单位); an individual owner shows only kind and region, since a
    person's name and id are personal information (PIPL art. 13, no legal basis to publish)."""
    party = ctx.aggregate(party_id)
    unit: Record = {"unit_kind_code": nc.code(nc.PARTY_KIND, party.kind.value),
                    "region_code": party.region_code}
    if party.kind is not PartyKind.INDIVIDUAL:
        unit.update(unit_id=str(party_id), unit_name=party.name, credit_code=party.credit_code)
    return {k: v for k, v in unit.items() if v is not None}


def patent_record(p: Patent) -> Record:
    record = {"patent_no": p.number, "patent_kind_code": nc.code(nc.PATENT_KIND, p.kind.value),
              "patent_name": p.title,
              "grant_date": p.grant_date.isoformat() if p.grant_date else None,
              "expiry_date": p.expiry_date.isoformat() if p.expiry_date else None,
              "patent_status_code": nc.code(nc.PATENT_STATUS, p.status.value)}
    return {k: v for k, v in record.items() if v is not None}


def registered(ctx: ExportContext, e: Achievement.Registered) -> Record:
    d = e.draft
    units = [_unit(ctx, owner) for owner in d.owner_ids]
    return {
        "registration_no": e.registration_number, "registry_code": e.registry_code,
        "achievement_name": d.title, "category_code": nc.code(nc.CATEGORY, d.category.value),
        "hefei_subtype_code": nc.code(nc.HEFEI_SUBTYPE, d.hefei_subtype and d.hefei_subtype.value),
        "forms": [f.value for f in d.forms],
        "technical_field_code": nc.field_code(d.field), "technical_field": d.field,
        "keywords": list(d.keywords), "summary": d.summary, "completing_units": units,
        "region_code": units[0].get("region_code"), "fiscal_funded": d.funding.fiscal,
        "project_id": str(d.funding.project_id) if d.funding.project_id else None,
        "maturity_code": nc.code(nc.MATURITY, d.maturity_stage.value), "trl": d.trl,
        "patents": [patent_record(p) for p in d.patents], "completer_count": len(d.completers),
    }


def disclosed(_ctx: ExportContext, e: Achievement.Disclosed) -> Record:
    """The disclosure's public part: intent and IP status; inventors' names are withheld."""
    return {"transfer_intent_code": nc.code(nc.TRANSFER_INTENT, e.transfer_intent.value),
            "ip_status": e.ip_status}


def patent_status_changed(_ctx: ExportContext, e: Achievement.PatentStatusChanged) -> Record:
    return {"patent_no": e.patent_number,
            "patent_status_code": nc.code(nc.PATENT_STATUS, e.status.value)}


def cancelled(_ctx: ExportContext, e: Achievement.RegistrationCancelled) -> Record:
    """The reason class only: the detail and the decision reference belong to the misconduct
    record (BD 9), which is not published through this channel."""
    return {"cancellation_reason_code": nc.code(nc.CANCELLATION_REASON, e.reason.value)}

"""Integrity (科研诚信, Baoding item 9): misconduct decisions recorded by auditors, and the
blacklist — for the ledger's users, for a party's full record, and for the public."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from api.auth import Anyone, require
from api.deps import LedgerDep, ViewsDep, accepted, created
from api.schemas.common import WriteAccepted
from api.schemas.integrity import (
    AppealCreate,
    AppealDecisionCreate,
    CorrectionCreate,
    MisconductCreate,
)
from domain.access import Role
from domain.errors import NotFound
from domain.misconduct import Decision, SanctionTerms
from domain.standing import SanctionScope
from projections import integrity_queries as q
from services import integrity_commands as i
from services.handlers.access import Principal

router = APIRouter(tags=["integrity"])
Auditor = Annotated[Principal, Depends(require(Role.AUDITOR))]
OVERSEERS = (Role.AUDITOR, Role.REGISTRAR)  # also the web console's party-record page
Overseer = Annotated[Principal, Depends(require(*OVERSEERS))]
AsOf = Annotated[date | None, Query(description="the date asked about (default: today)")]
RECORDS = "/v1/misconduct-records"


def to_decision(body: MisconductCreate) -> Decision:
    sanctions = tuple(SanctionTerms(s.kind, tuple(s.scopes), s.start, s.end)
                      for s in body.sanctions)
    return Decision(
        subject_id=body.subject_id, role=body.role, category=body.category,
        severity=body.severity, findings=body.findings, authority=body.authority.strip(),
        decision_ref=body.decision_ref.strip(), decided_on=body.decided_on, sanctions=sanctions,
        evaluation_ids=tuple(body.evaluation_ids), achievement_ids=tuple(body.achievement_ids),
        cancel_registrations=body.cancel_registrations, published=body.published)


@router.post(RECORDS, status_code=201, response_model=WriteAccepted)
def record(body: MisconductCreate, principal: Auditor, ledger: LedgerDep,
           response: Response) -> WriteAccepted:
    """A decision, its sanctions on the party's standing, and — for evaluation fraud — the
    linked evaluations revoked and, if asked, the linked registrations cancelled: one save."""
    outcome = ledger.record_misconduct(i.RecordMisconduct(to_decision(body)),
                                       actor=principal.actor)
    return created(ledger, outcome, response, "misconduct-records")


@router.post(f"{RECORDS}/{{record_id}}/appeal", response_model=WriteAccepted)
def appeal(record_id: UUID, body: AppealCreate, principal: Auditor,
           ledger: LedgerDep) -> WriteAccepted:
    """申诉 filed; the sanctions stand while it is heard."""
    outcome = ledger.appeal_misconduct(i.AppealMisconduct(record_id, **body.model_dump()),
                                       actor=principal.actor)
    return accepted(ledger, record_id, outcome.position)


@router.post(f"{RECORDS}/{{record_id}}/appeal-decision", response_model=WriteAccepted)
def decide_appeal(record_id: UUID, body: AppealDecisionCreate, principal: Auditor,
                  ledger: LedgerDep) -> WriteAccepted:
    outcome = ledger.decide_appeal(i.DecideAppeal(record_id, **body.model_dump()),
                                   actor=principal.actor)
    return accepted(ledger, record_id, outcome.position)


@router.post(f"{RECORDS}/{{record_id}}/correction", response_model=WriteAccepted)
def correct(record_id: UUID, body: CorrectionCreate, principal: Auditor,
            ledger: LedgerDep) -> WriteAccepted:
    """更正: new findings; sanction end dates moved (null: permanent)."""
    ends = tuple((x.sanction_id, x.end) for x in body.sanction_ends)
    outcome = ledger.correct_misconduct(i.CorrectMisconduct(
        record_id, body.findings, body.note, ends, body.effective_date), actor=principal.actor)
    return accepted(ledger, record_id, outcome.position)


@router.get(f"{RECORDS}/{{record_id}}")
def get_record(record_id: UUID, views: ViewsDep, ledger: LedgerDep,
               _: Overseer) -> dict[str, Any]:
    found = q.get_record(views, str(record_id), today=ledger.today())
    if found is None:
        raise NotFound("misconduct_record", record_id)
    return found


@router.get("/v1/integrity/blacklist")
def blacklist(views: ViewsDep, ledger: LedgerDep, _: Anyone, as_of: AsOf = None,
              scope: SanctionScope | None = None) -> dict[str, Any]:
    """Parties barred on the date (any scope, or one), their scopes, until when, and why."""
    return q.blacklist(views, as_of=ledger.effective(as_of), scope=scope and scope.value)


@router.get("/v1/integrity/expiring")
def expiring(views: ViewsDep, ledger: LedgerDep, _: Anyone, as_of: AsOf = None,
             days: Annotated[int, Query(ge=1, le=3650)] = 30) -> dict[str, Any]:
    """Sanctions that end within the next `days` days."""
    return q.expiring(views, as_of=ledger.effective(as_of), within_days=days)


@router.get("/v1/parties/{party_id}/integrity")
def party_record(party_id: UUID, views: ViewsDep, ledger: LedgerDep,
                 _: Overseer) -> dict[str, Any]:
    """The party's full record: every decision (overturned ones marked), every sanction's
    state today, and what it is barred from today."""
    return q.party_record(views, str(party_id), today=ledger.today())


@router.get("/v1/public/blacklist")
def public_blacklist(views: ViewsDep, ledger: LedgerDep, as_of: AsOf = None) -> dict[str, Any]:
    """No key needed: published decisions' active sanctions, public fields only."""
    return q.public_blacklist(views, as_of=ledger.effective(as_of))

"""The registry's steps on a registration case (技术合同登记: 受理, 补正, 争议, 登记完成 or
不予登记) and its desk: the backlog with deadlines and the on-time record [N]."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from api.auth import require
from api.deps import LedgerDep, ViewsDep, accepted
from api.schemas.common import WriteAccepted
from api.schemas.trades import (
    AmendmentCreate,
    DisputeCreate,
    DisputeDecision,
    RegistrationStepCreate,
)
from domain.access import Role
from projections import registration_queries as q
from services import trade_commands as t
from services.handlers.access import Principal

router = APIRouter(prefix="/v1", tags=["contract registration"])
Registrant = Annotated[Principal, Depends(require(Role.EXCHANGE_OPERATOR, Role.REGISTRAR))]
Overseer = Annotated[Principal, Depends(require(Role.EXCHANGE_OPERATOR, Role.REGISTRAR,
                                                Role.AUDITOR))]
CASE = "/contracts/{contract_id}/registration"


@router.post(f"{CASE}/completion", response_model=WriteAccepted)
def complete(contract_id: UUID, body: RegistrationStepCreate, principal: Registrant,
             ledger: LedgerDep) -> WriteAccepted:
    """登记完成: refused with `registration_on_hold` while a correction, a dispute or the public
    notice holds the case; the achievements' rights change in the same save."""
    outcome = ledger.complete_contract_registration(
        t.RegistrationStep(contract_id, body.reason, body.effective_date), actor=principal.actor)
    return accepted(ledger, contract_id, outcome.position)


@router.post(f"{CASE}/refusal", response_model=WriteAccepted)
def refuse(contract_id: UUID, body: RegistrationStepCreate, principal: Registrant,
           ledger: LedgerDep) -> WriteAccepted:
    """不予登记, with the reason."""
    outcome = ledger.refuse_contract_registration(
        t.RegistrationStep(contract_id, body.reason, body.effective_date), actor=principal.actor)
    return accepted(ledger, contract_id, outcome.position)


@router.post(f"{CASE}/correction-request", response_model=WriteAccepted)
def request_correction(contract_id: UUID, body: RegistrationStepCreate, principal: Registrant,
                       ledger: LedgerDep) -> WriteAccepted:
    """补正: the clock stops until the corrected application arrives."""
    outcome = ledger.request_contract_correction(
        t.RegistrationStep(contract_id, body.reason, body.effective_date), actor=principal.actor)
    return accepted(ledger, contract_id, outcome.position)


@router.post(f"{CASE}/correction", response_model=WriteAccepted)
def submit_correction(contract_id: UUID, body: AmendmentCreate, principal: Registrant,
                      ledger: LedgerDep) -> WriteAccepted:
    """The corrected application; the clock starts again from its date."""
    outcome = ledger.submit_contract_correction(
        t.AmendContract(contract_id, **body.model_dump()), actor=principal.actor)
    return accepted(ledger, contract_id, outcome.position)


@router.post(f"{CASE}/disputes", response_model=WriteAccepted)
def raise_dispute(contract_id: UUID, body: DisputeCreate, principal: Registrant,
                  ledger: LedgerDep) -> WriteAccepted:
    """An objection to the public notice, or a dispute over the case (the limit becomes 30
    working days)."""
    outcome = ledger.raise_contract_dispute(t.RaiseDispute(contract_id, **body.model_dump()),
                                            actor=principal.actor)
    return accepted(ledger, contract_id, outcome.position)


@router.post(f"{CASE}/disputes/{{number}}/decision", response_model=WriteAccepted)
def decide_dispute(contract_id: UUID, number: int, body: DisputeDecision,
                   principal: Registrant, ledger: LedgerDep) -> WriteAccepted:
    """Upheld refuses the registration in the same save; dismissed lets it go on."""
    outcome = ledger.resolve_contract_dispute(
        t.ResolveDispute(contract_id, number, **body.model_dump()), actor=principal.actor)
    return accepted(ledger, contract_id, outcome.position)


@router.get("/contract-registrations/backlog")
def backlog(views: ViewsDep, ledger: LedgerDep, _: Overseer,
            as_of: Annotated[date | None, Query(description="read the clocks on this day "
                                                           "(default: today)")] = None,
            exchange_id: UUID | None = None, overdue_only: bool = False) -> dict[str, Any]:
    """Open cases, most urgent first: stage (awaiting_correction, disputed, notice_running,
    ready), deadline, working days left, overdue; counts per stage."""
    return q.registration_backlog(views, as_of=ledger.effective(as_of),
                                  exchange_id=str(exchange_id) if exchange_id else None,
                                  overdue_only=overdue_only)


@router.get("/contract-registrations/service-record")
def service_record(views: ViewsDep, _: Overseer, completed_from: date, completed_to: date,
                   exchange_id: UUID | None = None) -> dict[str, Any]:
    """Registrations completed between the two dates (inclusive): on time or late."""
    return q.service_record(views, completed_from=completed_from, completed_to=completed_to,
                            exchange_id=str(exchange_id) if exchange_id else None)

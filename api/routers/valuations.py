"""Valuations of achievements (资产评估, Baoding items 11 and 13) and the bank's pledge review:
an achievement's latest finalized evaluation grade and latest valuation on a date.

Who records: the registrar (S&T bureau, 成果登记), the exchange operator (valuations for listed
transfers) and banks (the appraisal behind a pledge loan). An auditor may also withdraw a
defective report. Valuations are commercially sensitive: reads need one of these keys."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from api.auth import require
from api.deps import LedgerDep, ViewsDep, accepted, created
from api.schemas.common import WriteAccepted
from api.schemas.valuations import ValuationCreate, WithdrawalCreate
from domain.access import Role
from domain.errors import NotFound
from domain.valuation import ValuationReport
from projections import valuation_queries as q
from projections.trade_queries import views_position
from services import valuation_commands as v
from services.handlers.access import Principal

router = APIRouter(tags=["valuations"])
RECORDERS = (Role.REGISTRAR, Role.EXCHANGE_OPERATOR, Role.BANK)
Recorder = Annotated[Principal, Depends(require(*RECORDERS))]
# Withdrawing and reading: the recorders, and auditors checking reports.
Inquirer = Annotated[Principal, Depends(require(*RECORDERS, Role.AUDITOR))]
AsOf = Annotated[date | None, Query(description="business date asked about (default: today)")]


@router.post("/v1/achievements/{achievement_id}/valuations", status_code=201,
             response_model=WriteAccepted)
def record_valuation(achievement_id: UUID, body: ValuationCreate, principal: Recorder,
                     ledger: LedgerDep, response: Response) -> WriteAccepted:
    """Record an appraisal report (appraiser, method, value, base date) on the achievement."""
    report = ValuationReport(achievement_id, body.appraiser_id, body.report_number, body.method,
                             body.value, body.base_date, body.purpose, body.valid_until)
    outcome = ledger.record_valuation(v.RecordValuation(report, body.effective_date),
                                      actor=principal.actor)
    return created(ledger, outcome, response, "valuations")


@router.post("/v1/valuations/{valuation_id}/withdrawal", response_model=WriteAccepted)
def withdraw_valuation(valuation_id: UUID, body: WithdrawalCreate, principal: Inquirer,
                       ledger: LedgerDep) -> WriteAccepted:
    """Withdraw a defective report: it stays in the history, marked, and no longer counts."""
    command = v.WithdrawValuation(valuation_id, body.reason, body.effective_date)
    outcome = ledger.withdraw_valuation(command, actor=principal.actor)
    return accepted(ledger, valuation_id, outcome.position)


@router.get("/v1/valuations/{valuation_id}")
def get_valuation(valuation_id: UUID, views: ViewsDep, _: Inquirer) -> dict[str, Any]:
    """One valuation, withdrawn or not."""
    row = q.get_valuation(views, str(valuation_id))
    if row is None:
        raise NotFound("valuation", valuation_id)
    return row


@router.get("/v1/achievements/{achievement_id}/valuations")
def valuation_history(achievement_id: UUID, views: ViewsDep, _: Inquirer) -> dict[str, Any]:
    """Every valuation of the achievement, newest base date first; withdrawn ones marked."""
    if q.achievement_row(views, str(achievement_id)) is None:
        raise NotFound("achievement", achievement_id)
    return {"achievement_id": str(achievement_id),
            "items": q.valuation_history(views, str(achievement_id)),
            "views_position": views_position(views)}


@router.get("/v1/achievements/{achievement_id}/pledge-review")
def pledge_review(achievement_id: UUID, views: ViewsDep, ledger: LedgerDep, _: Inquirer,
                  as_of: AsOf = None) -> dict[str, Any]:
    """What a bank sees before lending on the achievement: its latest finalized evaluation
    grade and its latest valuation with base date on or before `as_of` (`expired` past its
    period of use). Revoked evaluations and withdrawn valuations never count."""
    review = q.pledge_review(views, str(achievement_id), as_of or ledger.today())
    if review is None:
        raise NotFound("achievement", achievement_id)
    return review

"""IP pledge financing (知识产权质押融资, Baoding items 10-11): registration by the lending
bank, consents, release, default, enforcement, subsidies; and the banks' questions — pledged
on a date (as known now or at a time), exposure, weakened collateral."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AwareDatetime

from api.auth import require
from api.deps import IdempotencyKey, LedgerDep, Receipt, RuntimeDep, ViewsDep, accepted, created
from api.problems import ApiProblem
from api.receipts import aggregate_positions, build_receipt
from api.schemas.common import WriteAccepted
from api.schemas.trades import (
    ConsentCreate,
    EnforcementCreate,
    PledgeCreate,
    PledgeStepCreate,
    SupportCreate,
)
from domain.access import Role
from domain.codes import normalize_patent_number
from domain.errors import NotFound
from domain.pledge import LoanTerms, Pledge, PledgeItem
from projections import trade_queries as q
from projections import valuation_queries
from services import trade_commands as t
from services.handlers.access import Principal
from services.ledger import Ledger
from services.uow import Outcome, UnitOfWork

router = APIRouter(tags=["pledges"])
# Named so the web console (api/console) admits exactly the same roles.
LENDERS = (Role.BANK,)
# Subsidies (贴息, 风险补偿) are paid by the S&T bureau, which holds the registrar role.
BUREAU = (Role.REGISTRAR,)
Bank = Annotated[Principal, Depends(require(*LENDERS))]
Bureau = Annotated[Principal, Depends(require(*BUREAU))]
INQUIRERS = (Role.BANK, Role.AUDITOR, Role.REGISTRAR, Role.EXCHANGE_OPERATOR)
SUPERVISORS = (Role.BANK, Role.AUDITOR, Role.REGISTRAR)
Inquirer = Annotated[Principal, Depends(require(*INQUIRERS))]
Supervisor = Annotated[Principal, Depends(require(*SUPERVISORS))]
AsOf = Annotated[date | None, Query(description="business date asked about (default: today)")]


def bank_of(principal: Principal) -> UUID | None:
    """A bank key bound to its party acts and asks only as that bank."""
    return principal.party_id if principal.role is Role.BANK else None


def _require_own(principal: Principal, pledgee_id: UUID) -> None:
    if bank_of(principal) not in (None, pledgee_id):
        raise ApiProblem(403, "not_the_pledgee",
                         "a bank key acts only on pledges its own bank holds")


def to_terms(body: PledgeCreate) -> LoanTerms:
    items = tuple(PledgeItem(i.achievement_id, tuple(normalize_patent_number(n)
                                                     for n in i.patent_numbers))
                  for i in body.items)
    return LoanTerms(body.pledgor_id, body.pledgee_id, body.debtor_id, items,
                     body.secured_amount, body.loan_start, body.loan_end, body.other_collateral)


@router.post("/v1/pledges", status_code=201, response_model=WriteAccepted)
def register_pledge(body: PledgeCreate, principal: Bank, ledger: LedgerDep, response: Response,
                    idempotency_key: IdempotencyKey = None) -> WriteAccepted:
    """质押登记: every item owned by the pledgor, its patents in force past the loan's end, and
    none under another active pledge."""
    _require_own(principal, body.pledgee_id)
    outcome = ledger.register_pledge(t.RegisterPledge(to_terms(body), body.effective_date),
                                     actor=principal.actor, key=idempotency_key)
    return created(ledger, outcome, response, "pledges")


def _step(ledger: Ledger, principal: Principal, pledge_id: UUID,
          run: Callable[..., Outcome[None]], command: Any) -> WriteAccepted:
    if bank_of(principal) is not None:
        pledge = UnitOfWork(ledger.repository, {}).get(Pledge, pledge_id, "pledge")
        assert pledge.terms is not None
        _require_own(principal, pledge.terms.pledgee_id)
    outcome = run(command, actor=principal.actor)
    return accepted(ledger, pledge_id, outcome.position)


@router.post("/v1/pledges/{pledge_id}/consents", response_model=WriteAccepted)
def grant_consent(pledge_id: UUID, body: ConsentCreate, principal: Bank,
                  ledger: LedgerDep) -> WriteAccepted:
    """The pledgee consents to a named transfer or license (Civil Code art. 444)."""
    command = t.GrantConsent(pledge_id, body.contract_number, body.effective_date)
    return _step(ledger, principal, pledge_id, ledger.grant_consent, command)


@router.post("/v1/pledges/{pledge_id}/release", response_model=WriteAccepted)
def release(pledge_id: UUID, body: PledgeStepCreate, principal: Bank,
            ledger: LedgerDep) -> WriteAccepted:
    """注销: the loan is repaid; from `effective_date` on the items are free."""
    command = t.PledgeStep(pledge_id, body.note, effective_date=body.effective_date)
    return _step(ledger, principal, pledge_id, ledger.release_pledge, command)


@router.post("/v1/pledges/{pledge_id}/default", response_model=WriteAccepted)
def default(pledge_id: UUID, body: PledgeStepCreate, principal: Bank,
            ledger: LedgerDep) -> WriteAccepted:
    """The debtor defaulted; the pledge keeps binding until enforced."""
    command = t.PledgeStep(pledge_id, body.note, effective_date=body.effective_date)
    return _step(ledger, principal, pledge_id, ledger.default_pledge, command)


@router.post("/v1/pledges/{pledge_id}/enforcement", response_model=WriteAccepted)
def enforce(pledge_id: UUID, body: EnforcementCreate, principal: Bank,
            ledger: LedgerDep) -> WriteAccepted:
    """质权实现 after a default, with the proceeds; the pledge stops binding."""
    command = t.PledgeStep(pledge_id, body.note, body.proceeds, body.effective_date)
    return _step(ledger, principal, pledge_id, ledger.enforce_pledge, command)


@router.post("/v1/pledges/{pledge_id}/support", response_model=WriteAccepted)
def record_support(pledge_id: UUID, body: SupportCreate, principal: Bureau,
                   ledger: LedgerDep) -> WriteAccepted:
    """贴息 or 风险补偿 paid by the S&T bureau on a pledge loan."""
    command = t.RecordPledgeSupport(pledge_id, **body.model_dump())
    return _step(ledger, principal, pledge_id, ledger.record_pledge_support, command)


@router.get("/v1/pledges/{pledge_id}")
def get_pledge(pledge_id: UUID, views: ViewsDep, ledger: LedgerDep, _: Inquirer,
               as_of: AsOf = None) -> dict[str, Any]:
    """One pledge: terms, status, consents, subsidies, and per achievement when it bound; its
    `review` gives each pledged achievement's latest finalized evaluation grade and latest
    valuation on `as_of` (see /v1/achievements/{id}/pledge-review)."""
    row = q.get_pledge(views, str(pledge_id))
    if row is None:
        raise NotFound("pledge", pledge_id)
    return {**row, "review": valuation_queries.pledge_reviews(views, row, as_of or ledger.today())}


@router.get("/v1/pledge-status")
def pledge_status(
    views: ViewsDep, ledger: LedgerDep, _: Inquirer, achievement_id: UUID | None = None,
    patent_number: Annotated[str | None, Query(max_length=40)] = None, as_of: AsOf = None,
    known_at: Annotated[AwareDatetime | None, Query(
        description="answer as the ledger knew it at this time (ISO 8601 with offset)")] = None,
) -> dict[str, Any]:
    """Is the achievement, or the patent, pledged on `as_of`? Ends are exclusive: a pledge
    released on 2026-06-30 no longer binds that day. With `known_at`, only facts recorded by
    then count."""
    if achievement_id is None and patent_number is None:
        raise ApiProblem(422, "missing_field", "name an achievement_id or a patent_number",
                         zh="缺少查询条件", en="Missing query")
    number = normalize_patent_number(patent_number) if patent_number is not None else None
    return q.pledge_status(views, achievement_id=str(achievement_id) if achievement_id else None,
                           patent_number=number, as_of=as_of or ledger.today(),
                           known_at=known_at)


@router.get("/v1/achievements/{achievement_id}/pledge-status", response_model=None)
def achievement_pledge_status(
    achievement_id: UUID, views: ViewsDep, runtime: RuntimeDep, _: Inquirer,
    as_of: AsOf = None, receipt: Receipt = False,
) -> dict[str, Any]:
    """Is it pledged on `as_of` (default today)? With `receipt=true`: a receipt with the events
    of the achievement and of every pledge that ever named it, proved against a checkpoint."""
    day = as_of or runtime.ledger.today()
    answer = q.pledge_status(views, achievement_id=str(achievement_id), patent_number=None,
                           as_of=day, known_at=None)
    if not receipt:
        return answer
    answer.pop("views_position")  # how far the views were is not a claim about the ledger
    pledges = [r["pledge_id"] for r in views.execute(
        "SELECT DISTINCT pledge_id FROM pledge_intervals WHERE achievement_id = ? "
        "ORDER BY pledge_id", (str(achievement_id),))]
    question = {"endpoint": "/v1/achievements/{id}/pledge-status", "id": str(achievement_id),
                "as_of": day.isoformat()}
    return build_receipt(runtime, question, answer,
                         aggregate_positions(views, [str(achievement_id), *pledges]))


@router.get("/v1/banks/{bank_id}/pledges")
def bank_pledges(bank_id: UUID, views: ViewsDep, ledger: LedgerDep, principal: Supervisor,
                 as_of: AsOf = None) -> dict[str, Any]:
    """A bank's pledges binding on `as_of`, with its exposure (secured amounts summed)."""
    if bank_of(principal) not in (None, bank_id):
        raise ApiProblem(403, "not_the_bank", "a bank key sees only its own bank's exposure")
    return q.bank_pledges(views, str(bank_id), as_of or ledger.today())


@router.get("/v1/pledge-alerts")
def pledge_alerts(views: ViewsDep, ledger: LedgerDep, principal: Supervisor,
                  bank_id: UUID | None = None, as_of: AsOf = None) -> dict[str, Any]:
    """Binding pledges whose patents lapsed, were invalidated, expired, are in fee arrears,
    or expire before the loan ends. A bank key sees its own bank's."""
    own = bank_of(principal)
    if own is not None and bank_id not in (None, own):
        raise ApiProblem(403, "not_the_bank", "a bank key sees only its own bank's alerts")
    bank = own or bank_id
    return q.pledge_alerts(views, str(bank) if bank else None, as_of or ledger.today())

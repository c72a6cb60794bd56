"""Technology contracts (技术合同登记, Baoding items 4-5): registration by an exchange, then
amendments, payments and termination; the contract registry."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from api.auth import Anyone, require
from api.deps import LedgerDep, PagingDep, RuntimeDep, ViewsDep, accepted, created, page_of
from api.schemas.common import Page, WriteAccepted
from api.schemas.trades import AmendmentCreate, ContractCreate, PaymentCreate, TerminationCreate
from domain.access import Role
from domain.contract import ContractStatus, ContractTerms, ContractType
from domain.errors import NotFound
from domain.registration_service import PublicNotice
from projections import trade_queries as q
from services import trade_commands as t
from services.handlers.access import Principal

router = APIRouter(prefix="/v1/contracts", tags=["contracts"])
REGISTRANTS = (Role.EXCHANGE_OPERATOR, Role.REGISTRAR)
Registrant = Annotated[Principal, Depends(require(*REGISTRANTS))]


def to_terms(body: ContractCreate) -> ContractTerms:
    # Stripped here: consents name the stripped number, and rights compare it as given.
    return ContractTerms(
        contract_number=body.contract_number.strip(), title=body.title,
        contract_type=body.contract_type, variant=body.variant, seller_id=body.seller_id,
        buyer_id=body.buyer_id, achievement_ids=tuple(body.achievement_ids),
        turnover=body.turnover, transaction_amount=body.transaction_amount,
        signed_on=body.signed_on, term_end=body.term_end, field=body.field,
        exchange_id=body.exchange_id, pricing=body.pricing)


@router.post("", status_code=201, response_model=WriteAccepted)
def register_contract(body: ContractCreate, principal: Registrant, ledger: LedgerDep,
                      response: Response) -> WriteAccepted:
    """技术合同登记: the exchange accepts a contract for registration (`status` accepted) and
    completes it at once (`status` registered) unless held; the achievements' rights (owners,
    licenses) change when it completes. The contract number is the idempotency key."""
    notice = PublicNotice(**body.notice.model_dump()) if body.notice else None
    command = t.RegisterContract(to_terms(body), body.effective_date, notice, body.review)
    outcome = ledger.register_contract(command, actor=principal.actor)
    return created(ledger, outcome, response, "contracts")


@router.post("/{contract_id}/amendments", response_model=WriteAccepted)
def amend(contract_id: UUID, body: AmendmentCreate, principal: Registrant,
          ledger: LedgerDep) -> WriteAccepted:
    """A registered change of the amounts or the term."""
    outcome = ledger.amend_contract(t.AmendContract(contract_id, **body.model_dump()),
                                    actor=principal.actor)
    return accepted(ledger, contract_id, outcome.position)


@router.post("/{contract_id}/payments", response_model=WriteAccepted)
def record_payment(contract_id: UUID, body: PaymentCreate, principal: Registrant,
                   ledger: LedgerDep) -> WriteAccepted:
    """A payment made under the contract."""
    outcome = ledger.record_payment(t.RecordPayment(contract_id, **body.model_dump()),
                                    actor=principal.actor)
    return accepted(ledger, contract_id, outcome.position)


@router.post("/{contract_id}/termination", response_model=WriteAccepted)
def terminate(contract_id: UUID, body: TerminationCreate, principal: Registrant,
              ledger: LedgerDep) -> WriteAccepted:
    """Terminate the contract; a license ends on its achievements (a transfer stays done)."""
    outcome = ledger.terminate_contract(t.TerminateContract(contract_id, **body.model_dump()),
                                        actor=principal.actor)
    return accepted(ledger, contract_id, outcome.position)


@router.get("", response_model=Page)
def search(views: ViewsDep, runtime: RuntimeDep, paging: PagingDep, _: Anyone,
           type: ContractType | None = None, seller_id: UUID | None = None,
           buyer_id: UUID | None = None, achievement_id: UUID | None = None,
           status: ContractStatus | None = None, signed_from: date | None = None,
           signed_to: date | None = None) -> dict[str, Any]:
    """Registered contracts by type, party, achievement, status and signing dates (inclusive);
    latest signed first."""
    f = q.ContractFilter(
        type=type.value if type else None, seller_id=_text(seller_id), buyer_id=_text(buyer_id),
        achievement_id=_text(achievement_id), status=status.value if status else None,
        signed_from=signed_from, signed_to=signed_to)
    items, total = q.list_contracts(views, f, page=paging.page, page_size=paging.page_size)
    return page_of(items, total, paging, runtime)


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)


@router.get("/{contract_id}")
def get_one(contract_id: UUID, views: ViewsDep, _: Anyone) -> dict[str, Any]:
    """One registered contract with its amounts, payments so far and status."""
    row = q.get_contract(views, str(contract_id))
    if row is None:
        raise NotFound("contract", contract_id)
    return row

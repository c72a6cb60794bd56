"""IP pledge financing (知识产权质押融资): Baoding items 10-11; the CNIPA pledge-registration
refusals and Civil Code art. 444 summarised in DOMAIN.md [N]."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from domain.base import LedgerAggregate, require_text
from domain.contract import CENT
from domain.errors import InvalidInput, InvalidTransition


class PledgeStatus(StrEnum):
    REGISTERED = "registered"  # 质押登记
    RELEASED = "released"  # 注销
    DEFAULTED = "defaulted"
    ENFORCED = "enforced"  # 质权实现


@dataclass(frozen=True)
class PledgeItem:
    """An achievement, or some of its patents (empty `patent_numbers`: the whole achievement)."""

    achievement_id: UUID
    patent_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class LoanTerms:
    pledgor_id: UUID
    pledgee_id: UUID  # a bank
    debtor_id: UUID
    items: tuple[PledgeItem, ...]
    secured_amount: Decimal
    loan_start: date
    loan_end: date
    other_collateral: str = ""  # combined collateral (equity, physical assets), described


def check_loan(terms: LoanTerms) -> LoanTerms:
    if not terms.items:
        raise InvalidInput("a pledge names at least one item", field="items")
    ids = [i.achievement_id for i in terms.items]
    if len(set(ids)) != len(ids):
        raise InvalidInput("list each achievement once", field="items")
    amount = terms.secured_amount
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise InvalidInput("secured_amount must be a positive CNY amount", field="secured_amount")
    if terms.loan_end <= terms.loan_start:
        raise InvalidInput("loan_end must be after loan_start", field="loan_end")
    if terms.pledgee_id == terms.pledgor_id:
        raise InvalidInput("pledgor and pledgee must differ", field="pledgee_id")
    return terms


class Pledge(LedgerAggregate):
    """One pledge registration; its items are also marked on their achievements, in the same
    save, so that racing pledges and transfers of one achievement serialise there."""

    no_steps_before_creation = True

    class Registered(LedgerAggregate.Created):
        terms: LoanTerms

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, Pledge)
            aggregate.terms = self.terms

    class ConsentGranted(LedgerAggregate.Event):
        """The pledgee consents to a named transfer or license (Civil Code art. 444)."""

        contract_number: str

        def apply(self, aggregate: Pledge) -> None:
            aggregate.consents = (*aggregate.consents, self.contract_number)

    class Released(LedgerAggregate.Event):
        note: str

        def apply(self, aggregate: Pledge) -> None:
            aggregate.status = PledgeStatus.RELEASED

    class Defaulted(LedgerAggregate.Event):
        note: str

        def apply(self, aggregate: Pledge) -> None:
            aggregate.status = PledgeStatus.DEFAULTED

    class Enforced(LedgerAggregate.Event):
        note: str
        proceeds: Decimal

        def apply(self, aggregate: Pledge) -> None:
            aggregate.status = PledgeStatus.ENFORCED

    class SupportRecorded(LedgerAggregate.Event):
        """贴息 (interest subsidy) or 风险补偿 (risk compensation), Baoding items 10-11."""

        kind: str
        amount: Decimal
        payer: str

        def apply(self, aggregate: Pledge) -> None:
            aggregate.support = (*aggregate.support, (self.kind, self.amount))

    def __init__(self) -> None:
        super().__init__()
        self.terms: LoanTerms | None = None
        self.status = PledgeStatus.REGISTERED
        self.consents: tuple[str, ...] = ()
        self.support: tuple[tuple[str, Decimal], ...] = ()

    @classmethod
    def register(cls, terms: LoanTerms, *, id: UUID, request_digest: str, effective_date: date,
                 actor: str) -> Pledge:
        return cls._create(cls.Registered, id=id, request_digest=request_digest,
                           effective_date=effective_date, actor=actor, terms=check_loan(terms))

    @property
    def active(self) -> bool:
        """Registered or defaulted: the pledge still binds its items."""
        return self.status in (PledgeStatus.REGISTERED, PledgeStatus.DEFAULTED)

    def grant_consent(self, contract_number: str, *, effective_date: date, actor: str) -> None:
        self._require_active("consent")
        number = require_text(contract_number, "contract_number", max_length=64)
        if number in self.consents:
            raise InvalidTransition(f"consent to contract {number} is already recorded")
        self.trigger_event(self.ConsentGranted, contract_number=number,
                           effective_date=effective_date, actor=actor)

    def release(self, *, note: str, effective_date: date, actor: str) -> None:
        self._require(PledgeStatus.REGISTERED, "release")
        self.trigger_event(self.Released, note=note.strip(), effective_date=effective_date,
                           actor=actor)

    def default(self, *, note: str, effective_date: date, actor: str) -> None:
        self._require(PledgeStatus.REGISTERED, "default")
        self.trigger_event(self.Defaulted, note=note.strip(), effective_date=effective_date,
                           actor=actor)

    def enforce(self, *, note: str, proceeds: Decimal, effective_date: date, actor: str) -> None:
        self._require(PledgeStatus.DEFAULTED, "enforcement")
        if not proceeds.is_finite() or proceeds < 0 or proceeds != proceeds.quantize(CENT):
            raise InvalidInput("proceeds must be a non-negative CNY amount", field="proceeds")
        self.trigger_event(self.Enforced, note=note.strip(), proceeds=proceeds,
                           effective_date=effective_date, actor=actor)

    def record_support(self, kind: str, amount: Decimal, payer: str, *, effective_date: date,
                       actor: str) -> None:
        if kind not in ("interest_subsidy", "risk_compensation"):
            raise InvalidInput("kind is interest_subsidy or risk_compensation", field="kind")
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
            raise InvalidInput("amount must be a positive CNY amount", field="amount")
        self.trigger_event(self.SupportRecorded, kind=kind, amount=amount,
                           payer=require_text(payer, "payer", max_length=200),
                           effective_date=effective_date, actor=actor)

    def _require_active(self, step: str) -> None:
        if not self.active:
            raise InvalidTransition(f"{step} refused: the pledge is {self.status.value}")

    def _require(self, status: PledgeStatus, step: str) -> None:
        if self.status is not status:
            raise InvalidTransition(f"{step} needs status {status.value}; the pledge is "
                                    f"{self.status.value}")

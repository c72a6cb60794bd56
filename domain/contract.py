"""Technology contracts (技术合同) as registered by a technology exchange (技术合同登记).

Baoding items 4-5 (regional technology market, contract registration); contract types and the
two amounts follow the national contract-registration rules summarised in DOMAIN.md [N].

Registration is a case: accepted (受理), perhaps sent back for correction (补正) or disputed,
then completed (登记完成) or refused (不予登记). Only a completed registration changes the
achievements' rights and counts in statistics; a straightforward case completes on acceptance.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.base import LedgerAggregate, derived_id, require_text
from domain.errors import DomainError, ErrorKind, InvalidInput, InvalidTransition
from domain.registration_service import PublicNotice

CENT = Decimal("0.01")


class ContractType(StrEnum):
    DEVELOPMENT = "development"  # 技术开发
    TRANSFER = "transfer"  # 技术转让
    LICENSE = "license"  # 技术许可
    CONSULTING = "consulting"  # 技术咨询
    SERVICE = "service"  # 技术服务


class ContractVariant(StrEnum):
    ENTRUSTED = "entrusted"  # 委托开发
    COOPERATIVE = "cooperative"  # 合作开发
    EXCLUSIVE = "exclusive"  # 独占许可
    SOLE = "sole"  # 排他许可
    ORDINARY = "ordinary"  # 普通许可


VARIANTS: dict[ContractType, frozenset[ContractVariant]] = {
    ContractType.DEVELOPMENT: frozenset({ContractVariant.ENTRUSTED, ContractVariant.COOPERATIVE}),
    ContractType.LICENSE: frozenset({ContractVariant.EXCLUSIVE, ContractVariant.SOLE,
                                     ContractVariant.ORDINARY}),
}
# Types that dispose of an achievement: the seller must hold it (DOMAIN.md: trades).
DISPOSING = frozenset({ContractType.TRANSFER, ContractType.LICENSE})


class PricingMethod(StrEnum):
    """Law on Promoting the Transformation of S&T Achievements art. 18: how a university or
    state-established institute prices a transfer or license."""

    AGREEMENT = "agreement"  # 协议定价 (needs a public notice first)
    LISTING = "listing"  # 挂牌交易
    AUCTION = "auction"  # 拍卖


class ContractStatus(StrEnum):
    ACCEPTED = "accepted"  # 受理: under review by the registry
    REGISTERED = "registered"  # 登记完成
    REFUSED = "refused"  # 不予登记
    TERMINATED = "terminated"  # registered, then terminated


@dataclass(frozen=True)
class Dispute:
    """An objection to the public notice, or any dispute over the registration (争议)."""

    number: int
    raised_by: str
    reason: str
    raised_on: date
    upheld: bool | None = None  # None while open


class RegistrationOnHold(DomainError):
    code = "registration_on_hold"
    title_zh = "登记尚不能完成"
    title_en = "Registration cannot be completed yet"


@dataclass(frozen=True)
class ContractTerms:
    """What the parties agreed, as the exchange registers it."""

    contract_number: str  # the parties' own number; pledgee consents name it
    title: str
    contract_type: ContractType
    variant: ContractVariant | None
    seller_id: UUID
    buyer_id: UUID
    achievement_ids: tuple[UUID, ...]
    turnover: Decimal  # 成交额, CNY
    transaction_amount: Decimal  # 技术交易额, CNY, 0 <= it <= turnover
    signed_on: date
    term_end: date | None
    field: str
    exchange_id: UUID
    pricing: PricingMethod | None = None


class AmountsInconsistent(DomainError):
    kind = ErrorKind.INVALID
    code = "transaction_amount_exceeds_turnover"
    title_zh = "技术交易额不得超过成交额"
    title_en = "Technology transaction amount exceeds turnover"


def check_terms(terms: ContractTerms) -> ContractTerms:
    """Input rules no ledger state could fix; returns the terms with a trimmed number."""
    terms = replace(terms, contract_number=require_text(terms.contract_number,
                                                        "contract_number", max_length=64))
    require_text(terms.title, "title")
    require_text(terms.field, "field", max_length=100)
    for name in ("turnover", "transaction_amount"):
        _check_money(getattr(terms, name), name)
    if terms.transaction_amount > terms.turnover:
        raise AmountsInconsistent(
            f"技术交易额 {terms.transaction_amount} exceeds 成交额 {terms.turnover}",
            field="transaction_amount")
    allowed = VARIANTS.get(terms.contract_type, frozenset())
    if (terms.variant is None) != (not allowed) or (terms.variant and terms.variant not in allowed):
        names = ", ".join(sorted(v.value for v in allowed)) or "none"
        raise InvalidInput(f"a {terms.contract_type.value} contract takes variant: {names}",
                           field="variant")
    if terms.seller_id == terms.buyer_id:
        raise InvalidInput("seller and buyer must differ", field="buyer_id")
    if terms.contract_type in DISPOSING and not terms.achievement_ids:
        raise InvalidInput("a transfer or license names the achievements it covers",
                           field="achievement_ids")
    if len(set(terms.achievement_ids)) != len(terms.achievement_ids):
        raise InvalidInput("each achievement once", field="achievement_ids")
    if terms.term_end is not None and terms.term_end < terms.signed_on:
        raise InvalidInput("term_end is before signed_on", field="term_end")
    return terms


def _check_money(value: Decimal, field: str) -> None:
    if not value.is_finite() or value < 0 or value != value.quantize(CENT):
        raise InvalidInput(f"{field} must be a non-negative CNY amount with at most 2 decimals",
                           field=field)


class TechContract(LedgerAggregate):
    """A registered technology contract: amended, paid, terminated."""

    class Accepted(LedgerAggregate.Created):
        """受理: the registry accepted the application; the service-level clock starts."""

        terms: ContractTerms
        seller_region: str | None
        buyer_region: str | None
        notice: PublicNotice | None

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, TechContract)
            aggregate.terms = self.terms
            aggregate.notice = self.notice
            aggregate.clock_started_on = self.effective_date

    class CorrectionRequested(LedgerAggregate.Event):
        """补正: the clock stops until the applicant corrects the application."""

        reason: str

        def apply(self, aggregate: TechContract) -> None:
            aggregate.awaiting_correction = True

    class CorrectionSubmitted(LedgerAggregate.Event):
        """The corrected application; the clock starts again from this day."""

        turnover: Decimal
        transaction_amount: Decimal
        term_end: date | None
        note: str

        def apply(self, aggregate: TechContract) -> None:
            assert aggregate.terms is not None
            aggregate.terms = _amended(aggregate.terms, self)
            aggregate.awaiting_correction = False
            aggregate.clock_started_on = self.effective_date

    class DisputeRaised(LedgerAggregate.Event):
        dispute: Dispute

        def apply(self, aggregate: TechContract) -> None:
            aggregate.disputes = (*aggregate.disputes, self.dispute)

    class DisputeResolved(LedgerAggregate.Event):
        number: int
        upheld: bool
        note: str

        def apply(self, aggregate: TechContract) -> None:
            aggregate.disputes = tuple(replace(x, upheld=self.upheld) if x.number == self.number
                                       else x for x in aggregate.disputes)

    class RegistrationCompleted(LedgerAggregate.Event):
        """登记完成: the contract is registered; its achievements' rights change with it."""

        def apply(self, aggregate: TechContract) -> None:
            aggregate.status = ContractStatus.REGISTERED

    class RegistrationRefused(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: TechContract) -> None:
            aggregate.status = ContractStatus.REFUSED

    class Amended(LedgerAggregate.Event):
        turnover: Decimal
        transaction_amount: Decimal
        term_end: date | None
        note: str

        def apply(self, aggregate: TechContract) -> None:
            assert aggregate.terms is not None
            aggregate.terms = _amended(aggregate.terms, self)

    class PaymentRecorded(LedgerAggregate.Event):
        amount: Decimal
        note: str

        def apply(self, aggregate: TechContract) -> None:
            aggregate.paid += self.amount

    class Terminated(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: TechContract) -> None:
            aggregate.status = ContractStatus.TERMINATED

    def __init__(self) -> None:
        super().__init__()
        self.terms: ContractTerms | None = None
        self.status = ContractStatus.ACCEPTED
        self.paid = Decimal(0)
        self.notice: PublicNotice | None = None
        self.clock_started_on = date.min
        self.awaiting_correction = False
        self.disputes: tuple[Dispute, ...] = ()

    @staticmethod
    def id_for(contract_number: str) -> UUID:
        return derived_id("contract", contract_number.strip())

    @classmethod
    def accept(cls, terms: ContractTerms, *, seller_region: str | None,
               buyer_region: str | None, notice: PublicNotice | None, request_digest: str,
               effective_date: date, actor: str) -> TechContract:
        if effective_date < terms.signed_on:
            raise InvalidInput(f"a contract signed on {terms.signed_on} cannot be accepted for "
                               f"registration on {effective_date}", field="effective_date")
        return cls._create(cls.Accepted, id=cls.id_for(terms.contract_number),
                           request_digest=request_digest, effective_date=effective_date,
                           actor=actor, terms=check_terms(terms), seller_region=seller_region,
                           buyer_region=buyer_region, notice=notice)

    @property
    def open_disputes(self) -> tuple[Dispute, ...]:
        return tuple(x for x in self.disputes if x.upheld is None)

    def holds_on(self, day: date) -> list[str]:
        """Why the registration cannot complete on `day` (empty: it can)."""
        holds = []
        if self.awaiting_correction:
            holds.append("awaiting the applicant's correction (补正)")
        if self.open_disputes:
            holds.append(f"{len(self.open_disputes)} open dispute(s)")
        if self.notice is not None and day <= self.notice.ends_on:
            holds.append(f"the public notice (公示) runs until {self.notice.ends_on}")
        return holds

    def complete(self, *, effective_date: date, actor: str) -> None:
        """登记完成, once nothing holds it (the notice over without a standing objection)."""
        self._require_status(ContractStatus.ACCEPTED, "completing the registration")
        holds = self.holds_on(effective_date)
        if holds:
            raise RegistrationOnHold("the registration cannot complete: " + "; ".join(holds),
                                     holds=holds)
        self.trigger_event(self.RegistrationCompleted, effective_date=effective_date, actor=actor)

    def refuse(self, *, reason: str, effective_date: date, actor: str) -> None:
        self._require_status(ContractStatus.ACCEPTED, "refusing the registration")
        self.trigger_event(self.RegistrationRefused, reason=require_text(reason, "reason"),
                           effective_date=effective_date, actor=actor)

    def request_correction(self, *, reason: str, effective_date: date, actor: str) -> None:
        self._require_status(ContractStatus.ACCEPTED, "a correction request")
        if self.awaiting_correction:
            raise InvalidTransition("a correction is already awaited")
        self.trigger_event(self.CorrectionRequested, reason=require_text(reason, "reason"),
                           effective_date=effective_date, actor=actor)

    def submit_correction(self, *, turnover: Decimal, transaction_amount: Decimal,
                          term_end: date | None, note: str, effective_date: date,
                          actor: str) -> None:
        self._require_status(ContractStatus.ACCEPTED, "a correction")
        if not self.awaiting_correction:
            raise InvalidTransition("no correction was requested")
        assert self.terms is not None
        check_terms(_replace_amounts(self.terms, turnover, transaction_amount, term_end))
        self.trigger_event(self.CorrectionSubmitted, turnover=turnover,
                           transaction_amount=transaction_amount, term_end=term_end,
                           note=note.strip(), effective_date=effective_date, actor=actor)

    def raise_dispute(self, *, raised_by: str, reason: str, effective_date: date,
                      actor: str) -> int:
        """An objection to the notice or a dispute over the case; the 30-day limit applies."""
        self._require_status(ContractStatus.ACCEPTED, "a dispute")
        dispute = Dispute(len(self.disputes) + 1, require_text(raised_by, "raised_by"),
                          require_text(reason, "reason"), effective_date)
        self.trigger_event(self.DisputeRaised, dispute=dispute, effective_date=effective_date,
                           actor=actor)
        return dispute.number

    def resolve_dispute(self, number: int, *, upheld: bool, note: str, effective_date: date,
                        actor: str) -> None:
        """An upheld dispute refuses the registration; a dismissed one lets it go on."""
        self._require_status(ContractStatus.ACCEPTED, "deciding a dispute")
        if not any(x.number == number for x in self.open_disputes):
            raise InvalidTransition(f"dispute {number} is not open on this contract")
        self.trigger_event(self.DisputeResolved, number=number, upheld=upheld, note=note.strip(),
                           effective_date=effective_date, actor=actor)
        if upheld:
            self.refuse(reason=f"dispute {number} upheld: {note.strip() or 'no note'}",
                        effective_date=effective_date, actor=actor)

    def amend(self, *, turnover: Decimal, transaction_amount: Decimal, term_end: date | None,
              note: str, effective_date: date, actor: str) -> None:
        self._require_status(ContractStatus.REGISTERED, "an amendment")
        assert self.terms is not None
        check_terms(_replace_amounts(self.terms, turnover, transaction_amount, term_end))
        if turnover < self.paid:
            raise InvalidInput(f"成交额 {turnover} would be below the {self.paid} already paid",
                               field="turnover")
        self.trigger_event(self.Amended, turnover=turnover, transaction_amount=transaction_amount,
                           term_end=term_end, note=note.strip(), effective_date=effective_date,
                           actor=actor)

    def record_payment(self, amount: Decimal, *, note: str, effective_date: date,
                       actor: str) -> None:
        self._require_status(ContractStatus.REGISTERED, "a payment")
        _check_money(amount, "amount")
        if amount == 0:
            raise InvalidInput("a payment is above zero", field="amount")
        assert self.terms is not None
        if self.paid + amount > self.terms.turnover:
            raise InvalidInput(f"payments would total {self.paid + amount}, above the contract's "
                               f"成交额 {self.terms.turnover}", field="amount")
        self.trigger_event(self.PaymentRecorded, amount=amount, note=note.strip(),
                           effective_date=effective_date, actor=actor)

    def terminate(self, *, reason: str, effective_date: date, actor: str) -> None:
        self._require_status(ContractStatus.REGISTERED, "termination")
        self.trigger_event(self.Terminated, reason=require_text(reason, "reason"),
                           effective_date=effective_date, actor=actor)

    def trigger_event(self, *args: Any, **kwargs: Any) -> None:
        """Nothing happens to a contract before it was signed (it may be registered later)."""
        assert self.terms is not None
        signed_on = self.terms.signed_on
        if kwargs["effective_date"] < signed_on:
            raise InvalidInput(f"effective_date {kwargs['effective_date']} is before the "
                               f"contract was signed ({signed_on})", field="effective_date")
        super().trigger_event(*args, **kwargs)

    def _require_status(self, status: ContractStatus, step: str) -> None:
        if self.status is not status:
            raise InvalidTransition(f"{step} refused: the contract is {self.status.value}")


def _replace_amounts(terms: ContractTerms, turnover: Decimal, amount: Decimal,
                     term_end: date | None) -> ContractTerms:
    return replace(terms, turnover=turnover, transaction_amount=amount, term_end=term_end)


def _amended(terms: ContractTerms,
             event: TechContract.Amended | TechContract.CorrectionSubmitted) -> ContractTerms:
    return _replace_amounts(terms, event.turnover, event.transaction_amount, event.term_end)

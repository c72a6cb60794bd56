"""Technology demand (技术需求): an enterprise's posted need, which the exchange matches with
achievements (Baoding items 4-5: the regional technology market brings supply and demand
together — 技术供需对接). DOMAIN.md, Who uses it: exchange operators run the market.

Open → Matched (an introduction led to a registered contract) | Closed (withdrawn or met
elsewhere) | Expired (its deadline passed unmet). An open demand may be updated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from domain.base import LedgerAggregate, require_text
from domain.codes import validate_region_code
from domain.contract import CENT
from domain.errors import InvalidInput, InvalidTransition

MAX_KEYWORDS = 10


@dataclass(frozen=True)
class DemandTerms:
    """What the enterprise needs; budget bounds of None mean 面议 (negotiable)."""

    enterprise_id: UUID
    title: str
    description: str
    field: str
    keywords: tuple[str, ...]
    region_code: str
    deadline: date
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None


def _check_money(value: Decimal | None, name: str) -> None:
    if value is None:
        return
    if not value.is_finite() or value < 0 or value != value.quantize(CENT):
        raise InvalidInput(f"{name} must be a CNY amount ≥ 0 with at most 2 decimals", field=name)


def check_terms(terms: DemandTerms, day: date) -> DemandTerms:
    """Input rules; returns the terms trimmed (keywords de-duplicated, order kept)."""
    keywords = tuple(dict.fromkeys(k.strip() for k in terms.keywords if k.strip()))
    if not keywords or len(keywords) > MAX_KEYWORDS:
        raise InvalidInput(f"between 1 and {MAX_KEYWORDS} keywords", field="keywords")
    _check_money(terms.budget_min, "budget_min")
    _check_money(terms.budget_max, "budget_max")
    if terms.budget_min is not None and terms.budget_max is not None \
            and terms.budget_min > terms.budget_max:
        raise InvalidInput("budget_min is above budget_max", field="budget_min")
    if terms.deadline < day:
        raise InvalidInput(f"deadline {terms.deadline} is before {day}", field="deadline")
    return replace(
        terms, title=require_text(terms.title, "title", max_length=200),
        description=require_text(terms.description, "description", max_length=4000),
        field=require_text(terms.field, "field", max_length=50), keywords=keywords,
        region_code=validate_region_code(terms.region_code))


class DemandStatus(StrEnum):
    OPEN = "open"
    MATCHED = "matched"  # an introduction led to a registered contract
    CLOSED = "closed"
    EXPIRED = "expired"


class TechDemand(LedgerAggregate):
    """One posted need; its id comes from the client's idempotency key."""

    no_steps_before_creation = True

    class Posted(LedgerAggregate.Created):
        terms: DemandTerms

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, TechDemand)
            aggregate.terms = self.terms

    class Updated(LedgerAggregate.Event):
        terms: DemandTerms

        def apply(self, aggregate: TechDemand) -> None:
            aggregate.terms = self.terms

    class Matched(LedgerAggregate.Event):
        match_id: UUID
        contract_id: UUID

        def apply(self, aggregate: TechDemand) -> None:
            aggregate.status = DemandStatus.MATCHED

    class Closed(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: TechDemand) -> None:
            aggregate.status = DemandStatus.CLOSED

    class Expired(LedgerAggregate.Event):
        def apply(self, aggregate: TechDemand) -> None:
            aggregate.status = DemandStatus.EXPIRED

    def __init__(self) -> None:
        super().__init__()
        self.terms: DemandTerms | None = None
        self.status = DemandStatus.OPEN

    @classmethod
    def post(cls, terms: DemandTerms, *, id: UUID, request_digest: str, effective_date: date,
             actor: str) -> TechDemand:
        return cls._create(cls.Posted, id=id, request_digest=request_digest,
                           effective_date=effective_date, actor=actor,
                           terms=check_terms(terms, effective_date))

    def _require_open(self, step: str) -> None:
        if self.status is not DemandStatus.OPEN:
            raise InvalidTransition(f"cannot {step} a demand that is {self.status.value}")

    def update(self, terms: DemandTerms, *, effective_date: date, actor: str) -> None:
        """New terms for an open demand; the enterprise stays the same."""
        self._require_open("update")
        assert self.terms is not None
        if terms.enterprise_id != self.terms.enterprise_id:
            raise InvalidInput("a demand's enterprise cannot change", field="enterprise_id")
        self.trigger_event(self.Updated, terms=check_terms(terms, effective_date),
                           effective_date=effective_date, actor=actor)

    def mark_matched(self, match_id: UUID, contract_id: UUID, *, effective_date: date,
                     actor: str) -> None:
        """An introduction led to a registered contract: the need is met."""
        self._require_open("match")
        self.trigger_event(self.Matched, match_id=match_id, contract_id=contract_id,
                           effective_date=effective_date, actor=actor)

    def close(self, reason: str, *, effective_date: date, actor: str) -> None:
        self._require_open("close")
        self.trigger_event(self.Closed, reason=require_text(reason, "reason"),
                           effective_date=effective_date, actor=actor)

    def expire(self, *, effective_date: date, actor: str) -> None:
        """Only after the deadline: until then the enterprise may still be served."""
        self._require_open("expire")
        assert self.terms is not None
        if effective_date <= self.terms.deadline:
            raise InvalidTransition(f"the deadline {self.terms.deadline} has not passed")
        self.trigger_event(self.Expired, effective_date=effective_date, actor=actor)

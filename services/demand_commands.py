"""Command inputs of the technology market's demand side: demands (技术需求), listings (挂牌)
and matches introduced (对接). `effective_date=None` means today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.demand import DemandTerms
from domain.listing import ListingTerms
from domain.match import MatchOutcome


@dataclass(frozen=True)
class PostDemand:
    terms: DemandTerms
    effective_date: date | None = None


@dataclass(frozen=True)
class DemandChanges:
    """New terms without the enterprise, which a demand keeps: the handler takes it from the
    demand itself, so an update right after the post does not depend on the views."""

    title: str
    description: str
    field: str
    keywords: tuple[str, ...]
    region_code: str
    deadline: date
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None

    def for_enterprise(self, enterprise_id: UUID) -> DemandTerms:
        return DemandTerms(enterprise_id, self.title, self.description, self.field,
                           self.keywords, self.region_code, self.deadline, self.budget_min,
                           self.budget_max)


@dataclass(frozen=True)
class UpdateDemand:
    demand_id: UUID
    terms: DemandTerms | DemandChanges
    effective_date: date | None = None


@dataclass(frozen=True)
class ExpireOverdueDemands:
    """The expiry sweep: every candidate still open with its deadline before `as_of`."""

    demand_ids: tuple[UUID, ...]  # candidates, e.g. from the views; each is checked again
    as_of: date | None = None


@dataclass(frozen=True)
class CloseDemand:
    demand_id: UUID
    reason: str
    effective_date: date | None = None


@dataclass(frozen=True)
class ExpireDemand:
    demand_id: UUID
    effective_date: date | None = None


@dataclass(frozen=True)
class ListAchievement:
    terms: ListingTerms
    effective_date: date | None = None  # default: the listing's first day


@dataclass(frozen=True)
class WithdrawListing:
    listing_id: UUID
    reason: str
    effective_date: date | None = None


@dataclass(frozen=True)
class IntroduceMatch:
    demand_id: UUID
    achievement_id: UUID
    note: str = ""
    score: str | None = None  # the matching score the operator saw
    effective_date: date | None = None
    # The achievement's evaluations, as the views list them; each is loaded from the ledger
    # and a revoked one refuses the match (the views only say which exist).
    evaluation_ids: tuple[UUID, ...] = ()


@dataclass(frozen=True)
class RecordMatchOutcome:
    match_id: UUID
    outcome: MatchOutcome
    contract_id: UUID | None = None
    note: str = ""
    effective_date: date | None = None

"""Command inputs of the technology market's demand side: demands (技术需求), listings (挂牌)
and matches introduced (对接). `effective_date=None` means today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.demand import DemandTerms
from domain.listing import ListingTerms
from domain.match import MatchOutcome


@dataclass(frozen=True)
class PostDemand:
    terms: DemandTerms
    effective_date: date | None = None


@dataclass(frozen=True)
class UpdateDemand:
    demand_id: UUID
    terms: DemandTerms
    effective_date: date | None = None


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


@dataclass(frozen=True)
class RecordMatchOutcome:
    match_id: UUID
    outcome: MatchOutcome
    contract_id: UUID | None = None
    note: str = ""
    effective_date: date | None = None

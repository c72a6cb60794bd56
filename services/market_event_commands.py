"""Command inputs for market events (路演, 科技成果直通车, 创新挑战赛; Baoding items 4-5).
`effective_date=None` means today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.market_event_plan import EventPlan


@dataclass(frozen=True)
class ScheduleEvent:
    plan: EventPlan
    effective_date: date | None = None


@dataclass(frozen=True)
class FeatureAchievement:
    event_id: UUID
    achievement_id: UUID
    effective_date: date | None = None


@dataclass(frozen=True)
class UnfeatureAchievement:
    event_id: UUID
    achievement_id: UUID
    reason: str
    effective_date: date | None = None


@dataclass(frozen=True)
class FeatureDemand:
    event_id: UUID
    demand_id: UUID
    effective_date: date | None = None


@dataclass(frozen=True)
class UnfeatureDemand:
    event_id: UUID
    demand_id: UUID
    reason: str
    effective_date: date | None = None


@dataclass(frozen=True)
class RegisterAttendee:
    event_id: UUID
    party_id: UUID
    effective_date: date | None = None


@dataclass(frozen=True)
class RecordAttendance:
    event_id: UUID
    party_id: UUID
    effective_date: date | None = None


@dataclass(frozen=True)
class HoldEvent:
    event_id: UUID
    effective_date: date | None = None


@dataclass(frozen=True)
class CancelEvent:
    event_id: UUID
    reason: str
    effective_date: date | None = None

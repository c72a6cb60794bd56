"""Market event schemas (路演, 科技成果直通车, 创新挑战赛). Dates are ISO dates."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import Field

from api.schemas.common import EffectiveDate, Strict, Text
from domain.market_event_plan import EventKind


class EventCreate(Strict):
    """Schedule an event; `Idempotency-Key` makes retries safe."""

    kind: EventKind = Field(description="roadshow 路演 · direct_train 科技成果直通车 · "
                            "challenge 创新挑战赛")
    title: Text = Field(description="活动名称, in Chinese")
    organiser_id: UUID = Field(description="a technology-transfer agency or government body")
    starts_on: date
    ends_on: date
    region_code: Annotated[str, Field(description="GB/T 2260, 6 digits")]
    venue: Annotated[str, Field(max_length=200, strict=True)] = ""
    effective_date: EffectiveDate = None


class AchievementPick(Strict):
    achievement_id: UUID
    effective_date: EffectiveDate = None


class DemandPick(Strict):
    demand_id: UUID
    effective_date: EffectiveDate = None


class PartyPick(Strict):
    party_id: UUID
    effective_date: EffectiveDate = None

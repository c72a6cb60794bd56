"""Demand (技术需求), listing (挂牌) and match (对接) schemas. Money is a string."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import Field

from api.schemas.common import EffectiveDate, LongText, Money, Strict, Text
from domain.match import MatchOutcome

Keyword = Annotated[str, Field(min_length=1, max_length=50, strict=True)]
Price = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=2,
                                 description="CNY amount, as a string")]


class DemandBody(Strict):
    """What the enterprise needs. Budget bounds left out: negotiable (面议)."""

    title: Text = Field(description="需求名称, in Chinese")
    description: LongText = Field(description="需求描述: the problem, the expected solution")
    field: Annotated[str, Field(min_length=1, max_length=50, strict=True)]
    keywords: list[Keyword] = Field(min_length=1, max_length=10)
    budget_min: Money | None = None
    budget_max: Money | None = None
    region_code: Annotated[str, Field(description="GB/T 2260, 6 digits")]
    deadline: date = Field(description="last day the need stands")


class DemandCreate(DemandBody):
    """An enterprise's need, posted by the exchange. `Idempotency-Key` makes retries safe."""

    enterprise_id: UUID
    effective_date: EffectiveDate = None


class DemandUpdate(DemandBody):
    effective_date: EffectiveDate = None


class ReasonBody(Strict):
    reason: Text
    effective_date: EffectiveDate = None


class StepBody(Strict):
    effective_date: EffectiveDate = None


class SweepBody(Strict):
    """The expiry sweep: open demands whose deadline is before `as_of` (default today)."""

    as_of: date | None = None


class ListingCreate(Strict):
    """挂牌: the seller holds the achievement; no asking price means negotiable (面议)."""

    seller_id: UUID
    exchange_id: UUID
    asking_price: Price | None = None
    terms: LongText = Field(description="交易条件: transfer or license, payment, support")
    listed_from: date
    listed_until: date
    effective_date: EffectiveDate = None


class MatchCreate(Strict):
    """对接: the exchange introduces the enterprise of an open demand to an achievement."""

    demand_id: UUID
    achievement_id: UUID
    note: Annotated[str, Field(max_length=2000, strict=True)] = ""
    score: Annotated[str | None, Field(max_length=20, description="the score shown")] = None
    effective_date: EffectiveDate = None


class OutcomeCreate(Strict):
    outcome: MatchOutcome = Field(description="negotiating 洽谈中 · declined 未达成 · "
                                  "contracted 签约 (with contract_id)")
    contract_id: UUID | None = None
    note: Annotated[str, Field(max_length=2000, strict=True)] = ""
    effective_date: EffectiveDate = None

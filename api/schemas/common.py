"""Shared schema pieces: strictness, money, write receipts, pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Request bodies refuse unknown fields."""

    model_config = ConfigDict(extra="forbid")


Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2,
                                 description="CNY amount, as a string, e.g. \"150000.00\"")]
Text = Annotated[str, Field(min_length=1, max_length=500, strict=True)]
LongText = Annotated[str, Field(max_length=8000, strict=True)]
EffectiveDate = Annotated[date | None, Field(
    default=None, description="Business date the action takes effect (default: today, Asia/Shanghai)")]


class WriteAccepted(BaseModel):
    """A write the ledger accepted. Pass `position` as `wait_for_position` to read your write."""

    id: UUID
    position: int
    replayed: bool = False
    registration_number: str | None = None
    status: str | None = None


class Page(BaseModel):
    items: list[dict[str, Any]]
    total: int
    page: int
    page_size: int
    views_position: int

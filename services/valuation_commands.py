"""Command inputs of valuations (资产评估). `effective_date=None` means today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.valuation import ValuationReport


@dataclass(frozen=True)
class RecordValuation:
    report: ValuationReport
    effective_date: date | None = None  # when the report is recorded; its base_date is not later


@dataclass(frozen=True)
class WithdrawValuation:
    valuation_id: UUID
    reason: str
    effective_date: date | None = None

"""Valuation (资产评估) schemas. Money is a string."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import Field

from api.schemas.common import EffectiveDate, Strict, Text
from domain.valuation import ValuationMethod

ReportNumber = Annotated[str, Field(min_length=1, max_length=64, strict=True,
                                    description="the appraisal firm's report number (评估报告编号)")]
Value = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=2,
                                 description="appraised value, CNY, as a string")]


class ValuationCreate(Strict):
    """An appraisal report (资产评估报告) on the achievement. The report number is the
    idempotency key: the same body again replays, another body is refused (409)."""

    appraiser_id: UUID
    report_number: ReportNumber
    method: ValuationMethod = Field(description="income 收益法 · market 市场法 · cost 成本法")
    value: Value
    base_date: date = Field(description="评估基准日: the date the value speaks of")
    valid_until: date | None = Field(
        default=None, description="last day of use (default and longest: base date + 1 year - 1 day)")
    purpose: Text = Field(description="e.g. 质押融资, 转让, 作价入股")
    effective_date: EffectiveDate = None


class WithdrawalCreate(Strict):
    """The report was found defective: it stays in the history, no longer counts."""

    reason: Text
    effective_date: EffectiveDate = None

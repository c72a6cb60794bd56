"""Valuation of an achievement (资产评估): Baoding items 11 and 13 — banks lend against appraised
IP, and state-owned sellers price transfers from an appraisal (Law on Promoting the
Transformation of S&T Achievements art. 18 [N]). DOMAIN.md, Valuation.

One aggregate per appraisal report. A report found defective is withdrawn, never deleted: the
valuation history of state-owned intangible assets stays whole.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from domain.base import LedgerAggregate, derived_id, require_text
from domain.contract import CENT
from domain.errors import DomainError, InvalidInput, InvalidTransition
from domain.values import PartyKind


class ValuationMethod(StrEnum):
    """The three approaches of 资产评估执业准则——无形资产 (中评协〔2017〕37号) [N]."""

    INCOME = "income"  # 收益法
    MARKET = "market"  # 市场法
    COST = "cost"  # 成本法


# Appraisal firms (资产评估机构) are companies; evaluation agencies and transfer agencies also
# issue appraisals. Individuals, banks and authorities do not [D].
APPRAISER_KINDS = frozenset({PartyKind.ENTERPRISE, PartyKind.EVALUATION_AGENCY,
                             PartyKind.TRANSFER_AGENCY})


@dataclass(frozen=True)
class ValidityPolicy:
    """How long a valuation conclusion may be used after its base date (评估基准日)."""

    version: str
    source: str
    years: int
    effective_from: date

    def valid_until(self, base_date: date) -> date:
        """The last day of use: `years` after the base date, less one day."""
        try:
            end = base_date.replace(year=base_date.year + self.years)
        except ValueError:  # 29 February: the anniversary falls on 1 March
            end = date(base_date.year + self.years, 3, 1)
        return end - timedelta(days=1)


# Newest last. Each valuation records the version that set its validity.
VALIDITY_POLICIES = (
    ValidityPolicy(
        version="valuation-validity-1992.1",
        source="国有资产评估管理办法施行细则 (国资办发〔1992〕36号) art. 36: results are valid one "
               "year from the base date; kept by 企业国有资产评估管理暂行办法 (国资委令第12号) and "
               "资产评估执业准则——资产评估报告 (the report states its period of use) [N]",
        years=1, effective_from=date(1992, 7, 18)),
)


def validity_policy_on(day: date) -> ValidityPolicy:
    """The validity policy in force on a valuation's base date."""
    in_force = [p for p in VALIDITY_POLICIES if p.effective_from <= day]
    return in_force[-1] if in_force else VALIDITY_POLICIES[0]


class ValuationReportTaken(DomainError):
    code = "valuation_report_taken"
    title_zh = "该评估报告编号已记录"
    title_en = "Valuation report number already recorded"


class ValuationWithdrawn(InvalidTransition):
    code = "valuation_already_withdrawn"
    title_zh = "评估报告已撤回"
    title_en = "Valuation already withdrawn"


@dataclass(frozen=True)
class ValuationReport:
    """What an appraisal report (资产评估报告) concludes about one achievement."""

    achievement_id: UUID
    appraiser_id: UUID
    report_number: str
    method: ValuationMethod
    value: Decimal  # CNY
    base_date: date  # 评估基准日: the date the value speaks of
    purpose: str  # 质押融资, 转让, 作价入股 ...
    valid_until: date | None = None  # None: as the validity policy sets it


def check_report(report: ValuationReport, day: date) -> ValuationReport:
    """Input rules; returns the report trimmed, with its last day of use filled in."""
    number = require_text(report.report_number, "report_number", max_length=64)
    purpose = require_text(report.purpose, "purpose", max_length=200)
    value = report.value
    if not value.is_finite() or value <= 0 or value != value.quantize(CENT):
        raise InvalidInput("value must be a positive CNY amount with at most 2 decimals",
                           field="value")
    if report.base_date > day:
        # A conclusion about a date still to come is a forecast, not a value to lend on [D].
        raise InvalidInput(f"base_date {report.base_date} is after the recording date {day}",
                           field="base_date")
    policy = validity_policy_on(report.base_date)
    longest = policy.valid_until(report.base_date)
    until = report.valid_until or longest
    if not report.base_date <= until <= longest:
        # A report may state a shorter period of use, never a longer one than the policy's.
        raise InvalidInput(f"valid_until must fall between the base date and {longest} "
                           f"(policy {policy.version})", field="valid_until")
    return replace(report, report_number=number, purpose=purpose, valid_until=until)


class ValuationStatus(StrEnum):
    RECORDED = "recorded"
    WITHDRAWN = "withdrawn"  # found defective: it no longer counts


class Valuation(LedgerAggregate):
    """One appraisal report on one achievement; its id comes from the report number."""

    no_steps_before_creation = True

    class Recorded(LedgerAggregate.Created):
        report: ValuationReport
        policy_version: str  # the validity policy that set report.valid_until

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, Valuation)
            aggregate.report = self.report

    class Withdrawn(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: Valuation) -> None:
            aggregate.status = ValuationStatus.WITHDRAWN

    def __init__(self) -> None:
        super().__init__()
        self.report: ValuationReport | None = None
        self.status = ValuationStatus.RECORDED

    @staticmethod
    def id_for(achievement_id: UUID, report_number: str) -> UUID:
        """Re-sending a report finds it: the same report number on the same achievement."""
        return derived_id("valuation", f"{achievement_id}:{report_number.strip()}")

    @classmethod
    def record(cls, report: ValuationReport, *, request_digest: str, effective_date: date,
               actor: str) -> Valuation:
        report = check_report(report, effective_date)
        return cls._create(cls.Recorded, id=cls.id_for(report.achievement_id, report.report_number),
                           request_digest=request_digest, effective_date=effective_date,
                           actor=actor, report=report,
                           policy_version=validity_policy_on(report.base_date).version)

    def withdraw(self, reason: str, *, effective_date: date, actor: str) -> None:
        """The report was found defective (or replaced): it stays on record, marked."""
        if self.status is ValuationStatus.WITHDRAWN:
            raise ValuationWithdrawn("this valuation is already withdrawn")
        self.trigger_event(self.Withdrawn, reason=require_text(reason, "reason"),
                           effective_date=effective_date, actor=actor)

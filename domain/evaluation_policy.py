"""Evaluation policy as data: indicators, weights, grade thresholds and deadlines, versioned.

Hefei arts. 3, 6, 7, 8, 13. An evaluation records the version it used; publishing a new
version never changes a result already reviewed under an older one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from domain.base import LedgerAggregate, derived_id, require_text
from domain.errors import InvalidInput

VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
INDICATOR_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class Grade(StrEnum):
    """Hefei art. 6 grades; below C an achievement is a cultivation candidate (art. 9)."""

    A = "A"
    B = "B"
    C = "C"
    CULTIVATION = "cultivation"  # 培育对象


class SupportTier(StrEnum):
    """Hefei art. 7: the support each library grade is matched with."""

    DIRECT_SUPPORT = "direct_support"  # A: 直接给予支持 + 优先作为基金拟支持项目
    BONUS_POINTS = "bonus_points"  # B: 评审加分 + 基金备选支持项目
    COACHING = "coaching"  # C: 基金运营团队指导


@dataclass(frozen=True)
class Indicator:
    key: str
    name_zh: str
    weight: int  # percent of the total


@dataclass(frozen=True)
class GradeThreshold:
    grade: Grade
    minimum: Decimal  # inclusive


@dataclass(frozen=True)
class EvaluationPolicy:
    """One version of the transferable-achievement evaluation rules."""

    version: str
    source: str
    indicators: tuple[Indicator, ...]
    thresholds: tuple[GradeThreshold, ...]
    publicity_days: int  # 公示 window, calendar days [D]: the seeds name no length
    company_deadline_months: int  # Hefei art. 8
    effective_from: date
    effective_to: date | None  # inclusive; Hefei art. 13: the measure is valid 2 years
    trim_from_panel_size: int = 5  # drop one highest and one lowest score from this size [D]

    @property
    def indicator_keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.indicators)

    def grade_for(self, total: Decimal) -> Grade:
        """Hefei art. 6: the highest grade whose inclusive minimum the total reaches."""
        for threshold in self.thresholds:
            if total >= threshold.minimum:
                return threshold.grade
        return Grade.CULTIVATION

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


SUPPORT_BY_GRADE: dict[Grade, SupportTier] = {
    Grade.A: SupportTier.DIRECT_SUPPORT,
    Grade.B: SupportTier.BONUS_POINTS,
    Grade.C: SupportTier.COACHING,
}
LIBRARY_GRADES = frozenset(SUPPORT_BY_GRADE)  # Hefei art. 7: C and above enter the library


def check_policy(policy: EvaluationPolicy) -> EvaluationPolicy:
    """Refuse a policy that cannot score consistently (weights must sum to 100)."""
    if not VERSION.match(policy.version):
        raise InvalidInput("version: letters, digits, '.', '_' or '-', at most 40", field="version")
    require_text(policy.source, "source")
    _check_indicators(policy.indicators)
    _check_thresholds(policy.thresholds)
    if not 1 <= policy.publicity_days <= 90:
        raise InvalidInput("publicity_days must be 1-90", field="publicity_days")
    if not 1 <= policy.company_deadline_months <= 60:
        raise InvalidInput("company_deadline_months must be 1-60", field="company_deadline_months")
    if policy.effective_to is not None and policy.effective_to < policy.effective_from:
        raise InvalidInput("effective_to is before effective_from", field="effective_to")
    if policy.trim_from_panel_size < 3:
        raise InvalidInput("trim_from_panel_size must be at least 3", field="trim_from_panel_size")
    return policy


def _check_indicators(indicators: tuple[Indicator, ...]) -> None:
    keys = [i.key for i in indicators]
    if not indicators or len(set(keys)) != len(keys):
        raise InvalidInput("indicators must be given, each key once", field="indicators")
    for indicator in indicators:
        if not INDICATOR_KEY.match(indicator.key) or indicator.weight <= 0:
            raise InvalidInput(f"indicator {indicator.key!r}: key a-z0-9_, weight above 0",
                               field="indicators")
    total = sum(i.weight for i in indicators)
    if total != 100:
        raise InvalidInput(f"indicator weights sum to {total}, not 100 / 权重合计须为100",
                           field="indicators", weight_sum=total)


def _check_thresholds(thresholds: tuple[GradeThreshold, ...]) -> None:
    grades = [t.grade for t in thresholds]
    minimums = [t.minimum for t in thresholds]
    if grades != [Grade.A, Grade.B, Grade.C]:
        raise InvalidInput("thresholds must be given for A, B and C, in that order",
                           field="thresholds")
    if not all(Decimal(0) < m <= Decimal(100) for m in minimums) or minimums != sorted(
            set(minimums), reverse=True):
        raise InvalidInput("threshold minimums must fall strictly from A to C, within 0-100",
                           field="thresholds")


def _hefei_indicators() -> tuple[Indicator, ...]:
    """Hefei art. 3: the seven indicators and their weights."""
    return (
        Indicator("team", "团队能力及团队成员参与度", 15),
        Indicator("ip_clarity", "知识产权清晰度", 10),
        Indicator("innovativeness", "创新性", 20),
        Indicator("advancement", "先进性", 20),
        Indicator("maturity", "成熟度", 25),
        Indicator("market_prospects", "市场前景", 5),
        Indicator("transformation_risk", "转化风险", 5),
    )


HEFEI_THRESHOLDS = (
    GradeThreshold(Grade.A, Decimal(95)),
    GradeThreshold(Grade.B, Decimal(85)),
    GradeThreshold(Grade.C, Decimal(80)),
)

# The built-in version. The seed gives its start as "2022年X月X日" and a 2-year validity
# (art. 13); we date it from the day after its public consultation closed (4 June 2022) [D].
HEFEI_2022 = check_policy(EvaluationPolicy(
    version="HF-2022", source="合肥市可转化科技成果分类评价办法(试行) arts. 3, 6-8, 13",
    indicators=_hefei_indicators(), thresholds=HEFEI_THRESHOLDS, publicity_days=7,
    company_deadline_months=6, effective_from=date(2022, 6, 5), effective_to=date(2024, 6, 4),
))
BUILTIN_POLICIES: dict[str, EvaluationPolicy] = {HEFEI_2022.version: HEFEI_2022}


class PolicyRecord(LedgerAggregate):
    """A policy version published on the ledger (by the S&T bureau); immutable once published."""

    class Published(LedgerAggregate.Created):
        policy: EvaluationPolicy

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, PolicyRecord)
            aggregate.policy = self.policy

    def __init__(self) -> None:
        super().__init__()
        self.policy = HEFEI_2022

    @staticmethod
    def id_for(version: str) -> UUID:
        return derived_id("evaluation-policy", version)

    @classmethod
    def publish(cls, policy: EvaluationPolicy, *, request_digest: str, effective_date: date,
                actor: str) -> PolicyRecord:
        return cls._create(cls.Published, id=cls.id_for(policy.version),
                           request_digest=request_digest, effective_date=effective_date,
                           actor=actor, policy=check_policy(policy))

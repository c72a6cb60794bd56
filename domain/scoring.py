"""Hefei scoring: indicator means over the panel, the weighted total and its grade.

Hefei art. 3 (weights), art. 6 (grades); the trimming and rounding rules are ours [D] and
documented in DOMAIN.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from domain.errors import InvalidInput
from domain.evaluation_policy import EvaluationPolicy, Grade

CENT = Decimal("0.01")
MAX_SCORE = Decimal(100)

Scores = Mapping[str, Decimal]


@dataclass(frozen=True)
class Result:
    indicator_scores: dict[str, Decimal]
    total: Decimal
    grade: Grade


def check_scores(scores: Scores, policy: EvaluationPolicy) -> dict[str, Decimal]:
    """One expert's sheet: every indicator of the policy exactly once, each 0-100."""
    missing = [key for key in policy.indicator_keys if key not in scores]
    unknown = [key for key in scores if key not in policy.indicator_keys]
    if missing or unknown:
        raise InvalidInput(
            f"scores must cover exactly the policy's indicators (missing: {missing}, "
            f"unknown: {unknown}) / 评分须覆盖全部指标", field="scores", missing=missing,
            unknown=unknown)
    for key, value in scores.items():
        if not value.is_finite() or not Decimal(0) <= value <= MAX_SCORE or value != value.quantize(CENT):
            raise InvalidInput(f"score for {key} must be 0-100 with at most 2 decimals, got {value}",
                               field="scores", indicator=key)
    return {key: scores[key] for key in policy.indicator_keys}


def indicator_score(values: Sequence[Decimal], trim_from: int) -> Decimal:
    """The panel's mean for one indicator, dropping one highest and one lowest from `trim_from`
    experts (exact: no rounding until the total)."""
    ordered = sorted(values)
    if len(ordered) >= trim_from:
        ordered = ordered[1:-1]
    return sum(ordered, Decimal(0)) / len(ordered)


def score(sheets: Mapping[UUID, Scores], policy: EvaluationPolicy) -> Result:
    """Total = sum of weight x indicator score / 100, rounded half-up to 2 places."""
    if not sheets:
        raise InvalidInput("no expert has scored", field="scores")
    means = {
        key: indicator_score([sheet[key] for sheet in sheets.values()],
                             policy.trim_from_panel_size)
        for key in policy.indicator_keys
    }
    exact = sum((Decimal(i.weight) * means[i.key] for i in policy.indicators), Decimal(0)) / 100
    total = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    shown = {key: mean.quantize(CENT, rounding=ROUND_HALF_UP) for key, mean in means.items()}
    return Result(shown, total, policy.grade_for(total))

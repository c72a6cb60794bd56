"""Hefei scoring and policy rules, pure domain (no I/O), each test named after its source.

Hefei art. 3 (indicators and weights), art. 6 (grade boundaries), art. 13 (a 2-year policy);
the trimming and half-up rounding rules are ours [D] (DOMAIN.md, "Evaluation").
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.evaluation import add_months
from domain.evaluation_policy import (
    HEFEI_2022,
    LIBRARY_GRADES,
    SUPPORT_BY_GRADE,
    EvaluationPolicy,
    Grade,
    GradeThreshold,
    Indicator,
    SupportTier,
    check_policy,
)
from domain.scoring import Scores, check_scores, indicator_score, score

KEYS = HEFEI_2022.indicator_keys


def uniform(value: str) -> dict[str, Decimal]:
    """One expert's sheet with the same score on every indicator."""
    return {key: Decimal(value) for key in KEYS}


def sheet(**overrides: str) -> dict[str, Decimal]:
    """A sheet of 80.00 everywhere except the indicators named."""
    return {**uniform("80.00"), **{k: Decimal(v) for k, v in overrides.items()}}


def panel(*sheets: Scores) -> dict[UUID, Scores]:
    return {uuid4(): s for s in sheets}


# --- Hefei art. 6: grade boundaries -----------------------------------------------------------

BOUNDARIES = [
    ("95.00", Grade.A), ("94.99", Grade.B), ("85.00", Grade.B), ("84.99", Grade.C),
    ("80.00", Grade.C), ("79.99", Grade.CULTIVATION),
]


@pytest.mark.parametrize(("total", "grade"), BOUNDARIES)
def test_hefei_art6_grade_boundaries(total: str, grade: Grade) -> None:
    assert HEFEI_2022.grade_for(Decimal(total)) is grade
    # The same totals reached through scoring: a uniform sheet scores its own value ...
    result = score(panel(uniform(total)), HEFEI_2022)
    assert (result.total, result.grade) == (Decimal(total), grade)
    # ... and so does a mixed panel of four whose weighted means land on the boundary.
    high, low = Decimal(total) + 1, Decimal(total) - 1
    mixed = panel(uniform(str(high)), uniform(str(low)), uniform(total), uniform(total))
    assert score(mixed, HEFEI_2022).total == Decimal(total)
    assert score(mixed, HEFEI_2022).grade is grade


def test_hefei_art6_extremes_and_art7_library() -> None:
    assert HEFEI_2022.grade_for(Decimal("100.00")) is Grade.A
    assert HEFEI_2022.grade_for(Decimal("0.00")) is Grade.CULTIVATION
    assert frozenset({Grade.A, Grade.B, Grade.C}) == LIBRARY_GRADES
    assert SUPPORT_BY_GRADE == {Grade.A: SupportTier.DIRECT_SUPPORT,
                                Grade.B: SupportTier.BONUS_POINTS, Grade.C: SupportTier.COACHING}


# --- Hefei art. 3: weights and the total ------------------------------------------------------

def test_hefei_art3_weights_and_total() -> None:
    weights = {i.key: i.weight for i in HEFEI_2022.indicators}
    assert weights == {"team": 15, "ip_clarity": 10, "innovativeness": 20, "advancement": 20,
                       "maturity": 25, "market_prospects": 5, "transformation_risk": 5}
    assert sum(weights.values()) == 100

    # Worked by hand: 15*80 + 10*90 + 20*85 + 20*70 + 25*60 + 5*100 + 5*50 = 7450 -> 74.50.
    worked = {"team": Decimal(80), "ip_clarity": Decimal(90), "innovativeness": Decimal(85),
              "advancement": Decimal(70), "maturity": Decimal(60),
              "market_prospects": Decimal(100), "transformation_risk": Decimal(50)}
    result = score(panel(worked), HEFEI_2022)
    assert result.total == Decimal("74.50")
    assert result.grade is Grade.CULTIVATION
    assert result.indicator_scores == {k: v.quantize(Decimal("0.01")) for k, v in worked.items()}

    # Two experts: means 85, 90, 80, 75, 70, 90, 60 ->
    # (15*85 + 10*90 + 20*80 + 20*75 + 25*70 + 5*90 + 5*60) / 100 = 7775 / 100 = 77.75.
    other = {"team": Decimal(90), "ip_clarity": Decimal(90), "innovativeness": Decimal(75),
             "advancement": Decimal(80), "maturity": Decimal(80),
             "market_prospects": Decimal(80), "transformation_risk": Decimal(70)}
    assert score(panel(worked, other), HEFEI_2022).total == Decimal("77.75")


def test_hefei_art3_total_rounds_half_up_to_two_places() -> None:
    # 5 * 0.10 / 100 = 0.005 exactly: 80.005 rounds up to 80.01 (half-even would give 80.00).
    result = score(panel(sheet(market_prospects="80.10")), HEFEI_2022)
    assert result.total == Decimal("80.01")
    assert Decimal("80.005").quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN) == Decimal("80.00")
    # 5 * 0.30 / 100 = 0.015: 80.015 -> 80.02.
    assert score(panel(sheet(transformation_risk="80.30")), HEFEI_2022).total == Decimal("80.02")
    # 0.004 rounds down.
    assert score(panel(sheet(market_prospects="80.08")), HEFEI_2022).total == Decimal("80.00")
    # Grading follows the rounded total: 79.995 rounds to 80.00, which is C [D].
    below = score(panel(sheet(market_prospects="79.90")), HEFEI_2022)
    assert (below.total, below.grade) == (Decimal("80.00"), Grade.C)


def test_indicator_means_are_exact_until_the_total() -> None:
    # maturity 80, 80, 81 -> mean 80.333..; 25 * 0.333.. / 100 = 0.08333.. -> total 80.08.
    sheets = panel(sheet(), sheet(), sheet(maturity="81"))
    result = score(sheets, HEFEI_2022)
    assert result.total == Decimal("80.08")
    assert result.indicator_scores["maturity"] == Decimal("80.33")
    # A mean rounded early would change this total: team 80.00 / 80.01 has the exact mean
    # 80.005, market 80.08 for both. Exact: 80 + 15*0.005/100 + 5*0.08/100 = 80.00475 -> 80.00;
    # rounding team to 80.01 first would give 80.0055 -> 80.01.
    two = score(panel(sheet(market_prospects="80.08"),
                      sheet(team="80.01", market_prospects="80.08")), HEFEI_2022)
    assert two.total == Decimal("80.00")
    assert two.indicator_scores["team"] == Decimal("80.01")  # shown rounded, used exact


def test_no_sheets_cannot_be_scored() -> None:
    with pytest.raises(InvalidInput):
        score({}, HEFEI_2022)


# --- Trimming [D]: one highest and one lowest per indicator from 5 experts ---------------------

def test_trimming_drops_one_highest_and_one_lowest_from_five_experts() -> None:
    values = [Decimal(0), Decimal(80), Decimal(80), Decimal(80), Decimal(100)]
    assert HEFEI_2022.trim_from_panel_size == 5
    assert indicator_score(values, 5) == Decimal(80)
    five = panel(*(sheet(team=str(v)) for v in values))
    result = score(five, HEFEI_2022)
    assert result.indicator_scores["team"] == Decimal("80.00")
    assert result.total == Decimal("80.00")


def test_trimming_drops_one_each_per_indicator_independently() -> None:
    # The expert lowest on team is the highest on maturity: each indicator trims on its own.
    sheets = panel(sheet(team="0", maturity="100"), sheet(team="100", maturity="0"),
                   sheet(), sheet(), sheet())
    result = score(sheets, HEFEI_2022)
    assert result.indicator_scores["team"] == Decimal("80.00")
    assert result.indicator_scores["maturity"] == Decimal("80.00")
    assert result.total == Decimal("80.00")


def test_no_trimming_with_four_experts() -> None:
    values = [Decimal(0), Decimal(80), Decimal(80), Decimal(100)]
    assert indicator_score(values, 5) == Decimal(65)
    result = score(panel(*(sheet(team=str(v)) for v in values)), HEFEI_2022)
    assert result.indicator_scores["team"] == Decimal("65.00")
    # 80 - 15 * 15 / 100 = 77.75
    assert result.total == Decimal("77.75")


def test_trimming_keeps_only_one_copy_of_tied_extremes() -> None:
    values = [Decimal(60), Decimal(60), Decimal(90), Decimal(90), Decimal(90), Decimal(90)]
    assert indicator_score(values, 5) == Decimal(60 + 90 + 90 + 90) / 4


# --- Properties ---------------------------------------------------------------------------------

SCORE = st.integers(min_value=0, max_value=10_000).map(lambda n: Decimal(n).scaleb(-2))
SHEET = st.fixed_dictionaries(dict.fromkeys(KEYS, SCORE))
PANELS = st.lists(SHEET, min_size=1, max_size=9)


def with_ids(sheets: list[dict[str, Decimal]]) -> dict[UUID, Scores]:
    return {UUID(int=i + 1): s for i, s in enumerate(sheets)}


@settings(max_examples=200, deadline=None)
@given(PANELS)
def test_total_stays_within_the_submitted_scores(sheets: list[dict[str, Decimal]]) -> None:
    everything = [value for s in sheets for value in s.values()]
    total = score(with_ids(sheets), HEFEI_2022).total
    assert min(everything) <= total <= max(everything)
    assert total == total.quantize(Decimal("0.01"))


@settings(max_examples=200, deadline=None)
@given(PANELS, st.randoms(use_true_random=False))
def test_permuting_experts_never_changes_the_result(
        sheets: list[dict[str, Decimal]], rng: random.Random) -> None:
    shuffled = list(sheets)
    rng.shuffle(shuffled)
    # Other ids and another insertion order: the same panel, the same result.
    renamed = {UUID(int=1000 - i): s for i, s in enumerate(shuffled)}
    assert score(renamed, HEFEI_2022) == score(with_ids(sheets), HEFEI_2022)


@st.composite
def raised_panel(draw: st.DrawFn) -> tuple[list[dict[str, Decimal]], list[dict[str, Decimal]]]:
    sheets = draw(PANELS)
    expert = draw(st.integers(min_value=0, max_value=len(sheets) - 1))
    key = draw(st.sampled_from(KEYS))
    old = sheets[expert][key]
    new = draw(SCORE.filter(lambda v: v >= old))
    raised = [dict(s) for s in sheets]
    raised[expert][key] = new
    return sheets, raised


@settings(max_examples=300, deadline=None)
@given(raised_panel())
def test_raising_any_one_score_never_lowers_the_total(
        pair: tuple[list[dict[str, Decimal]], list[dict[str, Decimal]]]) -> None:
    before, after = pair
    assert score(with_ids(after), HEFEI_2022).total >= score(with_ids(before), HEFEI_2022).total


@settings(max_examples=100, deadline=None)
@given(SHEET)
def test_a_single_expert_total_is_the_weighted_sum(one: dict[str, Decimal]) -> None:
    expected = sum((Decimal(i.weight) * one[i.key] for i in HEFEI_2022.indicators),
                   Decimal(0)) / 100
    assert abs(score(with_ids([one]), HEFEI_2022).total - expected) <= Decimal("0.005")


# --- check_scores: one expert's sheet -----------------------------------------------------------

@pytest.mark.parametrize("bad", ["-1", "-0.01", "100.01", "101", "50.001", "Infinity"])
def test_check_scores_refuses_out_of_range_and_too_precise(bad: str) -> None:
    with pytest.raises(InvalidInput) as info:
        check_scores(sheet(team=bad), HEFEI_2022)
    assert info.value.context["field"] == "scores"
    assert info.value.context["indicator"] == "team"


def test_check_scores_accepts_the_range_ends_and_orders_by_policy() -> None:
    given_ = {**sheet(team="0", maturity="100.00")}
    reversed_sheet = dict(reversed(list(given_.items())))
    checked = check_scores(reversed_sheet, HEFEI_2022)
    assert list(checked) == list(KEYS)
    assert checked["team"] == 0 and checked["maturity"] == 100


def test_check_scores_refuses_missing_indicator() -> None:
    partial = sheet()
    del partial["maturity"]
    with pytest.raises(InvalidInput) as info:
        check_scores(partial, HEFEI_2022)
    assert info.value.context["missing"] == ["maturity"]
    assert info.value.context["unknown"] == []


def test_check_scores_refuses_unknown_indicator() -> None:
    with pytest.raises(InvalidInput) as info:
        check_scores({**sheet(), "beauty": Decimal(90)}, HEFEI_2022)
    assert info.value.context["unknown"] == ["beauty"]
    assert info.value.context["missing"] == []


# --- Policy as data (Hefei arts. 3, 6, 13) -------------------------------------------------------

def with_weight(key: str, weight: int) -> tuple[Indicator, ...]:
    return tuple(replace(i, weight=weight) if i.key == key else i for i in HEFEI_2022.indicators)


@pytest.mark.parametrize(("maturity", "total"), [(24, 99), (26, 101)])
def test_policy_weights_must_sum_to_100(maturity: int, total: int) -> None:
    policy = replace(HEFEI_2022, version="X-1", indicators=with_weight("maturity", maturity))
    with pytest.raises(InvalidInput) as info:
        check_policy(policy)
    assert info.value.context["weight_sum"] == total
    assert check_policy(replace(HEFEI_2022, version="X-2")).version == "X-2"


def test_policy_indicators_need_positive_weights_and_unique_keys() -> None:
    zero = (*with_weight("market_prospects", 0), Indicator("extra", "额外", 5))
    with pytest.raises(InvalidInput):
        check_policy(replace(HEFEI_2022, indicators=zero))
    doubled = (*HEFEI_2022.indicators[:-1], replace(HEFEI_2022.indicators[0], weight=5))
    with pytest.raises(InvalidInput):
        check_policy(replace(HEFEI_2022, indicators=doubled))


@pytest.mark.parametrize("minimums", [
    ("85", "85", "80"),  # A not above B
    ("95", "80", "80"),  # B not above C
    ("80", "85", "95"),  # reversed
    ("95", "85", "0"),  # C must be above 0
    ("101", "85", "80"),  # above 100
])
def test_policy_thresholds_must_fall_from_a_to_c(minimums: tuple[str, str, str]) -> None:
    thresholds = tuple(GradeThreshold(g, Decimal(m))
                       for g, m in zip((Grade.A, Grade.B, Grade.C), minimums, strict=True))
    with pytest.raises(InvalidInput) as info:
        check_policy(replace(HEFEI_2022, thresholds=thresholds))
    assert info.value.context["field"] == "thresholds"


def test_policy_thresholds_name_a_b_c_in_order() -> None:
    swapped = (HEFEI_2022.thresholds[1], HEFEI_2022.thresholds[0], HEFEI_2022.thresholds[2])
    with pytest.raises(InvalidInput):
        check_policy(replace(HEFEI_2022, thresholds=swapped))
    with pytest.raises(InvalidInput):
        check_policy(replace(HEFEI_2022, thresholds=HEFEI_2022.thresholds[:2]))


def test_policy_effective_to_before_effective_from_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        check_policy(replace(HEFEI_2022, effective_from=date(2024, 6, 5),
                             effective_to=date(2024, 6, 4)))
    assert info.value.context["field"] == "effective_to"
    one_day = replace(HEFEI_2022, effective_from=date(2024, 6, 5), effective_to=date(2024, 6, 5))
    assert check_policy(one_day).in_force_on(date(2024, 6, 5))


@pytest.mark.parametrize("version", ["", "has space", "-leading", "x" * 41])
def test_policy_version_format(version: str) -> None:
    with pytest.raises(InvalidInput):
        check_policy(replace(HEFEI_2022, version=version))


def test_hefei_art13_in_force_on_boundaries() -> None:
    # Two years from the day after consultation closed (4 June 2022), both ends inclusive.
    assert not HEFEI_2022.in_force_on(date(2022, 6, 4))
    assert HEFEI_2022.in_force_on(date(2022, 6, 5))
    assert HEFEI_2022.in_force_on(date(2024, 6, 4))
    assert not HEFEI_2022.in_force_on(date(2024, 6, 5))
    open_ended: EvaluationPolicy = replace(HEFEI_2022, effective_to=None)
    assert open_ended.in_force_on(date(2099, 1, 1))
    assert not open_ended.in_force_on(date(2022, 6, 4))


def test_hefei_art8_company_deadline_is_six_months() -> None:
    assert HEFEI_2022.company_deadline_months == 6


# --- add_months (Hefei art. 8 countdown) ---------------------------------------------------------

@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2023, 3, 8), 6, date(2023, 9, 8)),
    (date(2022, 8, 31), 6, date(2023, 2, 28)),  # end of a common-year February
    (date(2023, 8, 31), 6, date(2024, 2, 29)),  # leap year
    (date(2023, 8, 30), 6, date(2024, 2, 29)),
    (date(2023, 8, 29), 6, date(2024, 2, 29)),
    (date(2023, 8, 28), 6, date(2024, 2, 28)),
    (date(2023, 12, 31), 2, date(2024, 2, 29)),
    (date(2023, 12, 15), 1, date(2024, 1, 15)),  # year rollover
    (date(2023, 7, 31), 6, date(2024, 1, 31)),
    (date(2023, 5, 31), 6, date(2023, 11, 30)),  # 30-day month
    (date(2023, 6, 30), 6, date(2023, 12, 30)),
    (date(2023, 1, 31), 0, date(2023, 1, 31)),
    (date(2023, 1, 31), 12, date(2024, 1, 31)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
])
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected

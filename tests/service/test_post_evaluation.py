"""Post-evaluation (后评价, Baoding general requirements) on SQLite and PostgreSQL: what followed finalized
evaluations within 6/12/24 months — trades, 技术交易额, licences, transfers, companies, pledges,
revocations, cancellations — by grade, agency and expert, with windows not yet elapsed censored.

The story (all finalized 2023-03-08 unless said): A1 licensed in May, company in June,
transferred in November; A2 pledged in April, never traded; B3 (another agency) licensed in
August, revoked in October; C4 never traded, registration cancelled in December; C5 licensed in
April jointly with an unevaluated achievement (100000.01 split 50000.01 / 50000.00); cultivation
K7 licensed only before its evaluation and once under review (not completed), its technical
expert recused; A6 finalized 2023-10-09, licensed in December — too young for a 12-month window
on 2024-03-20.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any
from uuid import UUID

import pytest

from api.runtime import Runtime
from domain.contract import ContractType, ContractVariant
from domain.values import CancellationReason, EvaluationClass, PartyKind, Qualification
from projections import post_evaluation as pe
from projections.post_evaluation_experts import by_expert
from projections.post_evaluation_facts import Filters
from services import commands as c
from services import evaluation_commands as e
from services import trade_commands as t
from tests.service.test_evaluation_views import D, World, world  # noqa: F401 (fixture)
from tests.service.trade_world import World as TradeWorld
from tests.service.trade_world import register_party, whole

FINALIZED, LATER = D + timedelta(days=7), date(2023, 10, 2)  # the second finalized 2023-10-09
AS_OF = date(2024, 3, 20)
Q = {"turnover": Decimal("200000.00")}


def trader(w: World) -> TradeWorld:
    """The trade builders, selling the evaluation world's achievements (its university owns them)."""
    party = partial(register_party, w.ledger)
    k = PartyKind
    return TradeWorld(
        w.ledger, university=w.uni, institute=party("保定市农业科学研究所", k.RESEARCH_INSTITUTE, 101),
        enterprise=party("保定某新能源科技有限公司", k.ENTERPRISE, 102),
        other_enterprise=party("北京某材料科技有限公司", k.ENTERPRISE, 103),
        exchange=party("保定技术交易市场", k.TRANSFER_AGENCY, 104),
        registry=party("保定市科学技术局", k.GOVERNMENT, 105),
        bank=party("中国银行保定分行", k.BANK, 106), other_bank=party("河北银行保定分行", k.BANK, 107))


@dataclass
class Story:
    runtime: Runtime
    world: World
    ev: dict[str, UUID]
    other_agency: UUID


def licence(tw: TradeWorld, number: str, *achievements: UUID, on: date,
            amount: str = "450000.00", review: bool = False) -> None:
    terms = tw.terms(number, achievements, kind=ContractType.LICENSE,
                     variant=ContractVariant.ORDINARY, signed_on=on, amount=Decimal(amount),
                     turnover=max(Decimal(amount), Decimal("500000.00")))
    tw.ledger.register_contract(t.RegisterContract(terms, on, review=review), actor="exchange")


def second_agency(w: World) -> World:
    agency = w.party("第二评价机构", PartyKind.EVALUATION_AGENCY)
    w.ledger.record_qualification(e.RecordQualification(agency, Qualification(
        (EvaluationClass.TRANSFERABLE,), "保定市科技局", "Q-2", date(2022, 1, 1),
        date(2025, 12, 31))), actor="test")
    return dataclasses.replace(w, agency=agency)


@pytest.fixture
def story(runtime: Runtime, world: World) -> Story:  # noqa: F811 (the imported fixture)
    w, tw = world, trader(world)
    a = {name: w.achievement(f"成果{name}") for name in ("A1", "A2", "B3", "C4", "C5", "A6", "K7")}
    other = second_agency(w)
    marks = {"A1": 96, "A2": 96, "C4": 82, "C5": 82}
    ev = {name: w.evaluate(a[name], mark, D) for name, mark in marks.items()}
    ev["B3"] = other.evaluate(a["B3"], 88, D)
    ev["K7"] = w.evaluate(a["K7"], 70, D, recuse=(w.experts[0], "与完成人有合作关系"))
    ev["A6"] = w.evaluate(a["A6"], 96, LATER)
    licence(tw, "L-A1", a["A1"], on=date(2023, 5, 10))
    w.company(a["A1"], date(2023, 6, 1))
    tw.transfer("T-A1", a["A1"], signed_on=date(2023, 11, 20))  # 450000.00
    tw.pledge(whole(a["A2"]), on=date(2023, 4, 1), end=date(2024, 3, 31))  # 1000000.00
    licence(tw, "L-B3", a["B3"], on=date(2023, 8, 1), amount="100000.00")
    w.ledger.revoke_evaluation(e.RevokeEvaluation(ev["B3"], "评价造假", "决定-1", date(2023, 10, 1)),
                               actor="test")
    w.ledger.cancel_registration(c.CancelRegistration(
        a["C4"], CancellationReason.FRAUD, "检测报告伪造", "撤-1", date(2023, 12, 1)), actor="test")
    licence(tw, "L-C5", a["C5"], w.achievement("未评价成果"), on=date(2023, 4, 15),
            amount="100000.01")
    licence(tw, "L-K7-before", a["K7"], on=date(2023, 2, 1))
    licence(tw, "L-K7-review", a["K7"], on=date(2023, 5, 1), review=True)
    licence(tw, "L-A6", a["A6"], on=date(2023, 12, 1), amount="80000.00")
    runtime.follower.catch_up()
    return Story(runtime, w, {**ev, **{f"ach-{k}": v for k, v in a.items()}}, other.agency)


def by_grade(s: Story, window: int = 12, as_of: date = AS_OF, **f: Any) -> dict[str, Any]:
    with s.runtime.views.read() as tx:
        return pe.by_grade(tx, window, as_of, Filters(**f))


def rows(result: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    return {r[key]: r for r in result["rows"]}


def pick(row: dict[str, Any], *keys: str) -> tuple[Any, ...]:
    return tuple(row[k] for k in keys)


def test_twelve_months_by_grade_with_exact_shares_sums_and_medians(story: Story) -> None:
    result = by_grade(story)
    grade = rows(result, "grade")
    assert pick(grade["A"], "evaluations", "observed", "not_yet_observable", "traded",
                "share_traded", "licensed", "transferred", "company_formed", "share_company_formed",
                "pledged", "share_pledged", "contracts", "secured_amount") == (
        3, 2, 1, 1, "0.5000", 1, 1, 1, "0.5000", 1, "0.5000", 2, "1000000.00")
    assert pick(grade["A"], "transaction_amount", "mean_transaction_amount",
                "median_transaction_amount", "mean_transaction_amount_traded",
                "median_transaction_amount_traded") == (
        "900000.00", "450000.00", "450000.00", "900000.00", "900000.00")
    assert pick(grade["B"], "observed", "traded", "transaction_amount", "revoked",
                "share_revoked") == (1, 1, "100000.00", 1, "1.0000")
    assert pick(grade["C"], "observed", "share_traded", "transaction_amount",
                "mean_transaction_amount", "median_transaction_amount",
                "registrations_cancelled") == (2, "0.5000", "50000.01", "25000.01", "25000.01", 1)
    assert pick(grade["cultivation"], "observed", "traded", "share_traded",
                "mean_transaction_amount", "mean_transaction_amount_traded") == (
        1, 0, "0.0000", "0.00", None)
    assert pick(result["totals"], "evaluations", "observed", "not_yet_observable", "traded",
                "share_traded", "revoked") == (7, 6, 1, 3, "0.5000", 1)
    assert result["predictor"]["grades"] == {
        "A": {"observed": 2, "traded": 1, "share_traded": "0.5000"},
        "B": {"observed": 1, "traded": 1, "share_traded": "1.0000"},
        "C": {"observed": 2, "traded": 1, "share_traded": "0.5000"}}
    assert result["predictor"]["line"].endswith("A 0.5000 (1/2) · B 1.0000 (1/1) · C 0.5000 (1/2)")


def test_windows_and_censoring_move_with_as_of(story: Story) -> None:
    six = rows(by_grade(story, 6), "grade")["A"]
    assert pick(six, "observed", "traded", "transferred", "company_formed", "pledged",
                "transaction_amount") == (2, 1, 0, 1, 1, "450000.00")
    young = rows(by_grade(story, 24), "grade")
    assert all(r["observed"] == 0 and r["share_traded"] is None for r in young.values())
    assert sum(r["not_yet_observable"] for r in young.values()) == 7
    later = by_grade(story, 12, date(2024, 10, 9))  # A6's year has now elapsed
    assert pick(rows(later, "grade")["A"], "observed", "not_yet_observable", "traded",
                "share_traded", "transaction_amount") == (3, 0, 2, "0.6667", "980000.00")
    before = by_grade(story, 12, date(2023, 9, 1))  # nothing had a full year; B3 not yet revoked
    assert pick(before["totals"], "evaluations", "observed", "revoked") == (6, 0, 0)


def test_by_agency_shows_whose_grades_were_revoked(story: Story) -> None:
    with story.runtime.views.read() as tx:
        result = pe.by_agency(tx, 12, AS_OF)
        only = pe.by_grade(tx, 12, AS_OF, Filters(agency_id=str(story.other_agency)))
    first, second = result["rows"]
    assert pick(first, "agency_id", "agency_name", "evaluations", "revoked", "share_revoked",
                "revoked_grades", "grades") == (
        str(story.other_agency), "第二评价机构", 1, 1, "1.0000", {"B": 1},
        {"A": 0, "B": 1, "C": 0, "cultivation": 0})
    assert pick(second, "agency_name", "evaluations", "observed", "share_traded", "revoked",
                "grades") == ("评价机构", 6, 5, "0.4000", 0,
                              {"A": 3, "B": 0, "C": 2, "cultivation": 1})
    assert only["totals"]["evaluations"] == 1 and rows(only, "grade")["B"]["traded"] == 1


def test_by_expert_sheet_totals_against_outcomes(story: Story) -> None:
    with story.runtime.views.read() as tx:
        result = rows(by_expert(tx, 12, AS_OF), "expert_id")
    recused, other = result[str(story.world.experts[0])], result[str(story.world.experts[1])]
    assert pick(recused, "evaluations", "scored", "mean_sheet_total", "mean_result_total",
                "observed", "traded", "share_traded", "revoked") == (
        6, 6, "90.00", "90.00", 5, 3, "0.6000", 1)
    assert pick(other, "evaluations", "mean_sheet_total", "observed", "share_traded") == (
        7, "87.14", 6, "0.5000")


def test_one_evaluation_window_by_window(story: Story) -> None:
    with story.runtime.views.read() as tx:
        a1 = pe.evaluation_outcomes(tx, str(story.ev["A1"]), AS_OF)
        b3_early = pe.evaluation_outcomes(tx, str(story.ev["B3"]), date(2023, 9, 1))
        c4 = pe.evaluation_outcomes(tx, str(story.ev["C4"]), AS_OF)
        unfinished = pe.evaluation_outcomes(tx, str(story.ev["A6"]), date(2023, 10, 8))
    assert a1 is not None and b3_early is not None and c4 is not None and unfinished is None
    assert pick(a1, "grade", "total", "finalized_on", "achievement_id", "revoked") == (
        "A", "96.00", "2023-03-08", str(story.ev["ach-A1"]), False)
    assert [pick(w, "window_months", "ends_on", "status", "contracts", "transaction_amount",
                 "licensed", "transferred", "company_formed") for w in a1["windows"]] == [
        (6, "2023-09-08", "observed", 1, "450000.00", True, False, True),
        (12, "2024-03-08", "observed", 2, "900000.00", True, True, True),
        (24, "2025-03-08", "not_yet_observable", 2, "900000.00", True, True, True)]
    assert pick(b3_early, "revoked", "revoked_on") == (False, None)
    assert pick(c4, "registration_cancelled_on", "revoked") == ("2023-12-01", False)

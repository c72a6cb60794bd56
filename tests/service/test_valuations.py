"""Valuations (资产评估) on real stores, and what a bank sees when reviewing a pledge: DOMAIN.md,
Valuation and IP pledge.

Sources: Baoding items 10-11 and 13 (pledge financing on appraised IP) [BD]; the three approaches
of 资产评估执业准则——无形资产 and the one-year period of use from the base date (国资办发〔1992〕
36号 art. 36) [N]; Hefei arts. 6-7 (grades; only a finalized, unrevoked evaluation counts) [HF].
Every refusal is checked for its code and for writing nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.runtime import Runtime
from domain.evaluation_policy import HEFEI_2022
from domain.pledge import LoanTerms, PledgeItem
from domain.valuation import Valuation, ValuationMethod, ValuationReport, ValuationStatus
from domain.values import (
    CancellationReason,
    EvaluationClass,
    EvaluationForm,
    ExpertType,
    PartyKind,
    Qualification,
)
from projections import trade_queries, valuation_queries
from services import commands as c
from services import evaluation_commands as e
from services import trade_commands as t
from services import valuation_commands as v
from services.ledger import Ledger
from tests.factories import university
from tests.service.test_evaluation_views import D
from tests.service.test_evaluation_views import World as GradedWorld
from tests.service.trade_world import World, head, refused

BASE = date(2026, 2, 28)  # 评估基准日 of the usual report
ON = date(2026, 3, 15)  # the usual report is recorded on this day


@pytest.fixture
def world(runtime: Runtime) -> World:
    return World.build(runtime.ledger)


@pytest.fixture
def appraiser(world: World) -> UUID:
    return world.party("保定中诚资产评估有限公司", PartyKind.EVALUATION_AGENCY)


def report(achievement: UUID, appraiser: UUID, number: str = "中诚评报字〔2026〕第0101号", *,
           method: ValuationMethod = ValuationMethod.INCOME, value: str = "3200000.00",
           base: date = BASE, until: date | None = None, purpose: str = "质押融资"
           ) -> ValuationReport:
    return ValuationReport(achievement, appraiser, number, method, Decimal(value), base, purpose,
                           until)


def record(ledger: Ledger, valuation: ValuationReport, on: date = ON) -> UUID:
    return ledger.record_valuation(v.RecordValuation(valuation, on), actor="bank").value.id


def loaded(ledger: Ledger, valuation_id: UUID) -> Valuation:
    found: object = ledger.repository.get(valuation_id)
    assert isinstance(found, Valuation)
    return found


def withdraw(ledger: Ledger, valuation_id: UUID, on: date, reason: str = "报告有误") -> None:
    ledger.withdraw_valuation(v.WithdrawValuation(valuation_id, reason, on), actor="registrar")


# --- recording ---------------------------------------------------------------------------------

def test_a_report_is_recorded_once_under_its_number(world: World, appraiser: UUID) -> None:
    ach, other = world.achievement(), world.achievement()
    first = world.ledger.record_valuation(v.RecordValuation(report(ach, appraiser), ON),
                                          actor="bank")
    valuation = loaded(world.ledger, first.value.id)
    assert valuation.id == Valuation.id_for(ach, "中诚评报字〔2026〕第0101号")
    assert valuation.report is not None and valuation.status is ValuationStatus.RECORDED
    # The default period of use: one year from the base date, less a day (versioned policy).
    assert valuation.report.valid_until == date(2027, 2, 27)

    before = head(world.ledger)
    again = world.ledger.record_valuation(v.RecordValuation(report(ach, appraiser), ON),
                                          actor="bank")
    assert (again.value.id, again.value.replayed, again.position) == (valuation.id, True, None)
    assert head(world.ledger) == before
    with refused(world.ledger, "valuation_report_taken"):
        record(world.ledger, report(ach, appraiser, value="3300000.00"))
    # Report numbers are the appraisal firm's: the same number on another achievement is its own.
    assert record(world.ledger, report(other, appraiser)) != valuation.id


def test_the_event_carries_the_validity_policy_version(world: World, appraiser: UUID) -> None:
    ach = world.achievement()
    valuation_id = record(world.ledger, report(ach, appraiser, base=date(2024, 2, 29),
                                               until=date(2024, 12, 31)), on=date(2026, 3, 1))
    recorded = next(iter(world.ledger.events.get(valuation_id)))
    assert isinstance(recorded, Valuation.Recorded)
    assert recorded.policy_version == "valuation-validity-1992.1"
    assert recorded.report.valid_until == date(2024, 12, 31)  # a shorter stated period is kept


@pytest.mark.parametrize("kind", [PartyKind.ENTERPRISE, PartyKind.EVALUATION_AGENCY,
                                  PartyKind.TRANSFER_AGENCY])
def test_appraisal_firms_may_appraise(world: World, kind: PartyKind) -> None:
    firm = world.party("某资产评估有限公司", kind)
    assert loaded(world.ledger, record(world.ledger, report(world.achievement(), firm))).report


def test_others_are_not_appraisal_firms(world: World) -> None:
    ach = world.achievement()
    person = world.ledger.register_party(c.RegisterParty(name="李评估", kind=PartyKind.INDIVIDUAL),
                                         actor="test").value.id
    for not_a_firm in (person, world.bank, world.university, world.registry):
        with refused(world.ledger, "wrong_party_kind") as info:
            record(world.ledger, report(ach, not_a_firm))
        assert info.value.context == {"field": "appraiser_id"}


def test_the_achievement_must_exist_and_be_registered(world: World, appraiser: UUID) -> None:
    with refused(world.ledger, "achievement_not_found"):
        record(world.ledger, report(uuid4(), appraiser))
    cancelled = world.achievement()
    with refused(world.ledger, "party_not_found"):
        record(world.ledger, report(cancelled, uuid4()))
    world.ledger.cancel_registration(c.CancelRegistration(
        cancelled, CancellationReason.PLAGIARISM, "抄袭", effective_date=ON), actor="registry")
    with refused(world.ledger, "invalid_state_transition"):
        record(world.ledger, report(cancelled, appraiser))


@pytest.mark.parametrize(("changes", "field"), [
    ({"base": ON + timedelta(days=1)}, "base_date"),  # a forecast, not a value to lend on
    ({"value": "0.00"}, "value"),
    ({"value": "-1.00"}, "value"),
    ({"value": "100.001"}, "value"),
    ({"until": date(2027, 2, 28)}, "valid_until"),  # longer than the one-year period of use
    ({"until": BASE - timedelta(days=1)}, "valid_until"),
    ({"number": "  "}, "report_number"),
    ({"purpose": ""}, "purpose"),
])
def test_bad_reports_are_refused(world: World, appraiser: UUID, changes: dict[str, Any],
                                 field: str) -> None:
    ach = world.achievement()
    with refused(world.ledger, "invalid_input") as info:
        record(world.ledger, report(ach, appraiser, **changes))
    assert info.value.context == {"field": field}


# --- withdrawal --------------------------------------------------------------------------------

def test_withdrawal_keeps_the_report_marked(world: World, appraiser: UUID) -> None:
    valuation_id = record(world.ledger, report(world.achievement(), appraiser))
    with refused(world.ledger, "invalid_input"):  # before the report was recorded
        withdraw(world.ledger, valuation_id, ON - timedelta(days=1))
    with refused(world.ledger, "invalid_input"):
        withdraw(world.ledger, valuation_id, ON, reason=" ")
    withdraw(world.ledger, valuation_id, ON + timedelta(days=20), "评估报告未披露专利年费欠缴")
    assert loaded(world.ledger, valuation_id).status is ValuationStatus.WITHDRAWN
    with refused(world.ledger, "valuation_already_withdrawn"):
        withdraw(world.ledger, valuation_id, ON + timedelta(days=30))
    with refused(world.ledger, "valuation_not_found"):
        withdraw(world.ledger, uuid4(), ON)


# --- the views ---------------------------------------------------------------------------------

def views(runtime: Runtime) -> Any:
    runtime.follower.catch_up()
    return runtime.views.read()


def test_history_and_latest_as_of(runtime: Runtime, world: World, appraiser: UUID) -> None:
    ach = world.achievement()
    old = record(world.ledger, report(ach, appraiser, "R-1", method=ValuationMethod.COST,
                                      value="1000000.00", base=date(2025, 1, 31)))
    mid = record(world.ledger, report(ach, appraiser, "R-2", method=ValuationMethod.MARKET,
                                      value="2000000.00", base=date(2025, 12, 31)))
    new = record(world.ledger, report(ach, appraiser, "R-3", base=BASE))
    withdraw(world.ledger, new, ON + timedelta(days=5))
    with views(runtime) as tx:
        history = valuation_queries.valuation_history(tx, str(ach))
        latest = {day: valuation_queries.latest_valuation(tx, str(ach), day) for day in (
            date(2025, 1, 30), date(2025, 6, 30), date(2026, 1, 31), date(2027, 1, 1))}
    assert [(r["valuation_id"], r["withdrawn"]) for r in history] == [
        (str(new), True), (str(mid), False), (str(old), False)]
    assert (history[0]["appraiser_name"], history[0]["withdrawn_on"]) == (
        "保定中诚资产评估有限公司", "2026-03-20")
    assert latest[date(2025, 1, 30)] is None  # nothing valued yet
    found = {day: (r["valuation_id"], r["value"], r["method"], r["expired"])
             for day, r in latest.items() if r is not None}
    assert found == {
        date(2025, 6, 30): (str(old), "1000000.00", "cost", False),
        date(2026, 1, 31): (str(mid), "2000000.00", "market", False),
        # The withdrawn report never counts; the one before it is past its year of use.
        date(2027, 1, 1): (str(mid), "2000000.00", "market", True),
    }


def graded_world(ledger: Ledger) -> GradedWorld:
    """The evaluation stories' cast: a university, a qualified agency, a full panel."""
    uni = university(ledger)
    w = GradedWorld(ledger, uni, uni, ())
    w.agency = w.party("评价机构", PartyKind.EVALUATION_AGENCY)
    ledger.record_qualification(e.RecordQualification(w.agency, Qualification(
        (EvaluationClass.TRANSFERABLE,), "保定市科技局", "Q-1", date(2022, 1, 1),
        date(2025, 12, 31))), actor="test")
    types = (ExpertType.TECHNICAL, *ExpertType)
    w.experts = tuple(w.party(f"专家{i}", PartyKind.INDIVIDUAL, expert_type=t)
                      for i, t in enumerate(types))
    return w


def reviewed_only(w: GradedWorld, achievement: UUID, mark: int, day: date) -> UUID:
    """An evaluation reviewed (会议审议) but not yet publicized nor finalized."""
    led = w.ledger
    ev = led.commission_evaluation(e.CommissionEvaluation(
        EvaluationClass.TRANSFERABLE, achievement, w.uni, w.agency, day), actor="test").value.id
    led.set_plan(e.SetPlan(ev, (EvaluationForm.ON_SITE,), "HF-2022", day), actor="test")
    led.form_panel(e.FormPanel(ev, w.experts, day), actor="test")
    for expert in w.experts:
        led.submit_scores(e.SubmitScores(ev, expert, dict.fromkeys(
            HEFEI_2022.indicator_keys, Decimal(mark)), day), actor="test")
    led.review_evaluation(e.EvaluationStep(ev, day), actor="test")
    return ev


def test_pledge_review_shows_the_latest_finalized_grade_and_valuation(runtime: Runtime) -> None:
    w = graded_world(runtime.ledger)
    ach, cancelled = w.achievement("一种电池管理系统"), w.achievement("一种传感器")
    firm = w.party("保定中诚资产评估有限公司", PartyKind.ENTERPRISE)
    bank = w.party("保定银行", PartyKind.BANK)
    graded = w.evaluate(ach, 88, D)  # B, finalized 2023-03-08
    revoked = w.evaluate(ach, 96, D + timedelta(days=30))  # A, then found fraudulent
    w.ledger.revoke_evaluation(e.RevokeEvaluation(revoked, "评价造假", "决定-1",
                                                  D + timedelta(days=60)), actor="test")
    reviewed_only(w, ach, 70, D + timedelta(days=70))  # not finalized: does not count
    w.evaluate(cancelled, 90, D)
    w.ledger.cancel_registration(c.CancelRegistration(
        cancelled, CancellationReason.FRAUD, "造假", effective_date=D + timedelta(days=60)),
        actor="test")
    valued = record(w.ledger, report(ach, firm, base=date(2023, 5, 31)), on=date(2023, 6, 10))
    terms = LoanTerms(w.uni, bank, w.uni, (PledgeItem(ach),), Decimal("1000000.00"),
                      date(2023, 7, 1), date(2024, 6, 30))
    pledge = w.ledger.register_pledge(t.RegisterPledge(terms), actor="bank").value.id

    with views(runtime) as tx:
        before = valuation_queries.pledge_review(tx, str(ach), date(2023, 3, 7))
        review = valuation_queries.pledge_review(tx, str(ach), date(2023, 7, 1))
        void = valuation_queries.pledge_review(tx, str(cancelled), date(2023, 7, 1))
        row = trade_queries.get_pledge(tx, str(pledge))
        assert row is not None
        reviews = valuation_queries.pledge_reviews(tx, row, date(2023, 7, 1))
        unknown = valuation_queries.pledge_review(tx, str(uuid4()), date(2023, 7, 1))
    assert before is not None and (before["evaluation"], before["valuation"]) == (None, None)
    assert review is not None and review["title"] == "一种电池管理系统"
    assert review["evaluation"] == {
        "evaluation_id": str(graded), "grade": "B", "total": "88.00",
        "finalized_on": "2023-03-08", "policy_version": "HF-2022",
        "evaluator_id": str(w.agency), "evaluator_name": "评价机构"}
    valuation = review["valuation"]
    assert (valuation["valuation_id"], valuation["value"], valuation["valid_until"],
            valuation["expired"]) == (str(valued), "3200000.00", "2024-05-30", False)
    assert void is not None and (void["status"], void["evaluation"]) == ("cancelled", None)
    assert [r["achievement_id"] for r in reviews] == [str(ach)] and reviews[0] == review
    assert unknown is None


def test_rebuild_reproduces_the_valuation_rows(runtime: Runtime, world: World,
                                               appraiser: UUID) -> None:
    ach = world.achievement()
    withdraw(world.ledger, record(world.ledger, report(ach, appraiser, "R-1")), ON)
    record(world.ledger, report(ach, appraiser, "R-2"))
    with views(runtime) as tx:
        first = tx.execute("SELECT * FROM valuations ORDER BY id")
    runtime.follower.rebuild()
    with runtime.views.read() as tx:
        assert tx.execute("SELECT * FROM valuations ORDER BY id") == first
    assert len(first) == 2

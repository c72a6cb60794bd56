"""Evaluation rules that keep results honest: dates in order, an independent agency, recused
experts stay off, a cancelled registration leaves the library, sanctions well-formed."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from api.runtime import Runtime
from domain.errors import InvalidInput
from domain.evaluation import PanelRuleBroken, StepOutOfOrder
from domain.standing import IntegrityStanding, Sanction, SanctionScope
from domain.values import (
    CancellationReason,
    Category,
    EvaluationClass,
    ExpertType,
    PartyKind,
    Relation,
    RelationKind,
)
from projections.evaluation_queries import library
from services import commands as c
from services import evaluation_commands as e
from tests.factories import draft
from tests.service.test_evaluation_rules import SETUP, D, World, refuse, uniform


@pytest.fixture
def world(runtime: Runtime) -> World:
    return World(runtime.ledger)


def test_steps_may_not_be_dated_before_the_previous_step(world: World) -> None:
    ev = world.commission()
    refuse(world.ledger, InvalidInput, lambda: world.plan(ev, date(2023, 2, 1)))
    refuse(world.ledger, InvalidInput, lambda: world.commission(day=date(2022, 12, 1)))
    world.plan(ev)


def test_baoding_item7_agency_related_to_the_owner_is_refused(world: World) -> None:
    world.ledger.declare_relation(c.DeclareRelation(
        world.uni, Relation(world.agency, RelationKind.SHAREHOLDING, "参股"), SETUP), actor="t")
    refuse(world.ledger, PanelRuleBroken, world.commission)


def test_baoding_item7_a_recused_expert_cannot_rejoin(world: World) -> None:
    ev = world.commission()
    world.plan(ev)
    world.form(ev)
    technical = world.experts[ExpertType.TECHNICAL]
    world.ledger.recuse_expert(e.RecuseExpert(ev, technical, "与完成人有合作", D), actor="t")
    refuse(world.ledger, PanelRuleBroken, lambda: world.form(ev))
    spare = world.expert("替补技术专家", ExpertType.TECHNICAL)
    world.form(ev, tuple(spare if m == technical else m for m in world.panel))


def test_a_cancelled_registration_leaves_the_library(world: World, runtime: Runtime) -> None:
    world.through_finalization(world.achievement, [uniform("90.00")] * 4)

    def in_library() -> int:
        runtime.follower.catch_up()
        with runtime.views.read() as tx:
            return library(tx, grade=None, subtype=None, field=None, page=1, page_size=10)[1]

    assert in_library() == 1
    world.ledger.cancel_registration(c.CancelRegistration(
        world.achievement, CancellationReason.FRAUD, "数据造假", "保科诚〔2023〕2号",
        date(2023, 5, 1)), actor="t")
    assert in_library() == 0


def test_baoding_item9_sanctions_are_recorded_once_and_withdrawn_only_if_standing() -> None:
    standing = IntegrityStanding.open(uuid4(), effective_date=D, actor="t")
    sanction = Sanction(uuid4(), "禁止参与评价", (SanctionScope.EVALUATION_EXPERT,), D, None)
    standing.impose(sanction, effective_date=D, actor="t")
    with pytest.raises(InvalidInput):
        standing.impose(sanction, effective_date=D, actor="t")
    with pytest.raises(InvalidInput):
        standing.withdraw(uuid4(), effective_date=D, actor="t")
    standing.withdraw(sanction.sanction_id, effective_date=date(2023, 6, 1), actor="t")
    with pytest.raises(InvalidInput):
        standing.withdraw(sanction.sanction_id, effective_date=date(2023, 7, 1), actor="t")
    assert standing.bar(SanctionScope.EVALUATION_EXPERT, date(2023, 5, 31)) is not None
    assert standing.bar(SanctionScope.EVALUATION_EXPERT, date(2023, 6, 1)) is None


def test_a_step_the_class_does_not_have_is_out_of_order(world: World) -> None:
    bureau = world.org("保定市科学技术局", PartyKind.GOVERNMENT)
    basic = world.ledger.register_achievement(c.RegisterAchievement(
        draft(world.uni, "一类新型拓扑材料的理论研究", Category.BASIC_THEORY), "1306", SETUP),
        actor="t").value.id
    ev = world.ledger.commission_evaluation(e.CommissionEvaluation(
        EvaluationClass.BASIC_RESEARCH, basic, world.uni, bureau, D), actor="t")
    error = refuse(world.ledger, StepOutOfOrder, lambda: world.plan(ev.value.id))
    assert error.code == "evaluation_step_out_of_order"


def test_hefei_art11_no_scoring_while_a_recusal_left_a_type_missing(world: World) -> None:
    ev = world.commission()
    world.plan(ev)
    world.form(ev)
    market = world.experts[ExpertType.MARKET]
    world.ledger.recuse_expert(e.RecuseExpert(ev, market, "持有申请人股份", D), actor="t")
    technical = world.experts[ExpertType.TECHNICAL]
    refuse(world.ledger, PanelRuleBroken, lambda: world.ledger.submit_scores(
        e.SubmitScores(ev, technical, uniform("88.00"), D), actor="t"))
    world.form(ev, (*[x for x in world.panel if x != market],
                    world.expert("替补市场专家", ExpertType.MARKET)))
    world.ledger.submit_scores(e.SubmitScores(ev, technical, uniform("88.00"), D), actor="t")

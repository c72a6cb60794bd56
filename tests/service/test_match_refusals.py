"""Introducing a match (对接) is refused, on the aggregates, for every barrier the matching
views apply — each with its reason: a cancelled registration and a revoked evaluation (Baoding
item 9), a pledge without the pledgee's consent (Civil Code art. 444), an owner barred from
trading (Baoding item 9). A refusal writes nothing; an achievement with no barrier is accepted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest

from domain.demand import DemandTerms, TechDemand
from domain.values import CancellationReason, PartyKind
from services import commands as c
from services import demand_commands as d
from services import evaluation_commands as e
from services.handlers.results import Created
from services.ledger import Ledger
from services.settings import Settings
from services.uow import Outcome
from tests.service.test_evaluation_rules import D
from tests.service.test_evaluation_rules import World as EvaluationWorld
from tests.service.trade_world import World, refused, whole

TODAY = date(2026, 4, 10)


def post(ledger: Ledger, enterprise: UUID, day: date) -> UUID:
    terms = DemandTerms(enterprise, "寻求电池管理系统技术", "需要电池管理系统。", "新材料",
                        ("电池",), "130600", date(day.year, 12, 31))
    return ledger.post_demand(d.PostDemand(terms, day), actor="exchange", key="need").value.id


@pytest.fixture
def ledger(sqlite_settings: Settings) -> Iterator[Ledger]:
    with Ledger(sqlite_settings) as opened:
        yield opened


def test_each_barrier_refuses_with_its_reason(ledger: Ledger) -> None:
    world = World.build(ledger)
    demand = post(ledger, world.enterprise, date(2026, 4, 2))
    cancelled, pledged, clean = (world.achievement() for _ in range(3))
    ledger.cancel_registration(c.CancelRegistration(
        cancelled, CancellationReason.FRAUD, "数据造假", "保科诚〔2026〕1号", date(2026, 4, 3)),
        actor="registry")
    world.pledge(whole(pledged))
    owner = world.party("被限制交易的研究所", PartyKind.RESEARCH_INSTITUTE)
    barred = world.achievement(owner)
    world.sanction(owner, start=date(2026, 3, 1), end=date(2027, 2, 28))
    for achievement, reason in ((cancelled, "registration_cancelled"),
                                (pledged, "pledged_without_consent"),
                                (barred, "owner_barred_from_trading")):
        with refused(ledger, "achievement_not_offered") as info:
            ledger.introduce_match(d.IntroduceMatch(demand, achievement, effective_date=TODAY),
                                   actor="exchange")
        assert info.value.context["reason"] == reason
    accepted = ledger.introduce_match(d.IntroduceMatch(demand, clean, effective_date=TODAY),
                                      actor="exchange")
    assert accepted.position is not None


def test_a_revoked_evaluation_refuses_the_match(ledger: Ledger) -> None:
    world = EvaluationWorld(ledger)
    demand = post(ledger, world.org("保定某电池企业", PartyKind.ENTERPRISE), D)
    evaluation = world.commission()
    other = world.commission(world.register(world.uni, "另一项成果"))

    def introduce(*evaluations: UUID) -> Outcome[Created]:
        return ledger.introduce_match(d.IntroduceMatch(
            demand, world.achievement, effective_date=D, evaluation_ids=evaluations),
            actor="exchange", key=f"match-{len(evaluations)}")

    ledger.revoke_evaluation(e.RevokeEvaluation(evaluation, "评价中弄虚作假", "保科信〔2023〕7号",
                                                D), actor="auditor")
    ledger.revoke_evaluation(e.RevokeEvaluation(other, "弄虚作假", "D-2", D), actor="auditor")
    with refused(ledger, "achievement_not_offered") as info:
        introduce(other, evaluation)
    assert info.value.context["reason"] == "evaluation_revoked"
    # Another achievement's revoked evaluation is no barrier to this one.
    assert introduce(other).position is not None


def test_an_update_right_after_the_post_keeps_the_demands_enterprise(ledger: Ledger) -> None:
    """No views involved: the enterprise comes from the demand aggregate (PUT /v1/demands)."""
    world = World.build(ledger)
    demand = post(ledger, world.enterprise, date(2026, 4, 2))
    changes = d.DemandChanges("寻求储能电池管理技术", "新的描述。", "新能源", ("储能",), "130600",
                              date(2026, 11, 30))
    ledger.update_demand(d.UpdateDemand(demand, changes, date(2026, 4, 3)), actor="exchange")
    updated: object = ledger.repository.get(demand)
    assert isinstance(updated, TechDemand) and updated.terms is not None
    assert updated.terms.enterprise_id == world.enterprise
    assert updated.terms.title == "寻求储能电池管理技术"
    assert updated.terms.deadline == date(2026, 11, 30)

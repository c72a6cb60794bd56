"""Technology demands (技术需求), listings (挂牌) and matching (技术供需对接) on real stores:
Baoding items 4-5 (the regional technology market), with the barriers of Civil Code art. 444
(no disposal of a pledged achievement without the pledgee's consent) and Baoding item 9 (a party
barred from trading). Every refusal is checked for its code and for writing nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from api.runtime import Runtime
from domain.achievement import AchievementDraft
from domain.contract import ContractVariant
from domain.demand import DemandTerms
from domain.listing import ListingTerms
from domain.match import MatchOutcome
from domain.values import Category, Completer, Funding, MaturityStage
from projections import demand_queries, matching
from services import commands as c
from services import demand_commands as d
from services import trade_commands as t
from tests.service.trade_world import REGISTERED_ON, World, refused, whole

TODAY = date(2026, 4, 10)


@pytest.fixture
def world(runtime: Runtime) -> World:
    return World.build(runtime.ledger)


def register(world: World, title: str, field: str, keywords: tuple[str, ...],
             summary: str) -> UUID:
    draft = AchievementDraft(
        title=title, category=Category.APPLIED_TECHNOLOGY, owner_ids=(world.university,),
        completers=(Completer("李明"),), field=field, keywords=keywords,
        funding=Funding(fiscal=False), maturity_stage=MaturityStage.PILOT, summary=summary)
    return world.ledger.register_achievement(c.RegisterAchievement(draft, "1306", REGISTERED_ON),
                                             actor="registry").value.id


def demand_terms(world: World, **changes: Any) -> DemandTerms:
    base: dict[str, Any] = {
        "enterprise_id": world.enterprise, "title": "寻求磷酸铁锂储能系统热管理技术",
        "description": "我公司建设储能电站，需要储能系统电池热管理与安全预警技术。",
        "field": "新能源", "keywords": ("储能", "锂电池"), "region_code": "130600",
        "deadline": date(2026, 12, 31), "budget_min": Decimal("500000.00"),
        "budget_max": Decimal("2000000.00")}
    return DemandTerms(**{**base, **changes})


def post(world: World, key: str = "demand-1", **changes: Any) -> UUID:
    cmd = d.PostDemand(demand_terms(world, **changes), date(2026, 4, 2))
    return world.ledger.post_demand(cmd, actor="exchange", key=key).value.id


@pytest.fixture
def market(world: World) -> dict[str, UUID]:
    return {
        "storage": register(world, "磷酸铁锂储能系统热管理关键技术研究与应用", "新能源",
                            ("储能", "锂电池", "热管理"),
                            "面向储能电站，研制储能系统电池热管理与安全预警装置。"),
        "solar": register(world, "高效异质结光伏组件产业化示范", "新能源", ("光伏",),
                          "本成果面向新能源领域，围绕光伏开展研究与开发。"),
        "wheat": register(world, "抗旱高产小麦新品种选育", "现代农业", ("小麦育种",),
                          "本成果面向现代农业领域，选育抗旱小麦。"),
        "demand": post(world),
    }


def candidates(runtime: Runtime, demand: UUID) -> dict[str, Any]:
    runtime.follower.catch_up()
    with runtime.views.read() as tx:
        found = matching.candidates_for_demand(tx, str(demand), TODAY, 10)
    assert found is not None
    return found


def test_the_relevant_achievement_ranks_first_and_says_why(runtime: Runtime, world: World,
                                                            market: dict[str, UUID]) -> None:
    found = candidates(runtime, market["demand"])
    ids = [item["achievement_id"] for item in found["items"]]
    assert ids[0] == str(market["storage"])
    assert str(market["wheat"]) not in ids  # another field, no shared word: below the minimum
    why = found["items"][0]["why"]
    assert why["field_match"] and why["shared_keywords"] == ["储能", "锂电池"]
    assert why["text_similarity"] > 0.3 and "储能" in why["shared_terms"]
    assert found["policy"]["version"] == "matching-2026.1"


def test_a_pledged_achievement_without_consent_is_never_offered(
        runtime: Runtime, world: World, market: dict[str, UUID]) -> None:
    pledge = world.pledge(whole(market["storage"]))
    found = candidates(runtime, market["demand"])
    assert str(market["storage"]) not in [i["achievement_id"] for i in found["items"]]
    assert found["excluded"][0]["achievement_id"] == str(market["storage"])
    assert found["excluded"][0]["reasons"] == ["pledged_without_consent"]
    with refused(world.ledger, "achievement_not_offered"):
        world.ledger.introduce_match(d.IntroduceMatch(market["demand"], market["storage"],
                                                      effective_date=TODAY), actor="exchange")
    # With the pledgee's consent to a disposal, it may be offered again.
    world.ledger.grant_consent(t.GrantConsent(pledge, "2026-BD-0001", TODAY), actor="bank")
    assert candidates(runtime, market["demand"])["items"][0]["achievement_id"] == \
        str(market["storage"])


def test_an_owner_barred_from_trading_keeps_the_achievement_out(
        runtime: Runtime, world: World, market: dict[str, UUID]) -> None:
    world.sanction(world.university, start=date(2026, 3, 1), end=date(2027, 2, 28))
    found = candidates(runtime, market["demand"])
    assert found["items"] == []
    assert {tuple(x["reasons"]) for x in found["excluded"]} == {("owner_barred_from_trading",)}
    with runtime.views.read() as tx:
        back = matching.demands_for_achievement(tx, str(market["storage"]), TODAY, 5)
    assert back is not None and not back["offerable"] and back["items"] == []


def test_an_achievement_finds_the_open_demands_it_could_serve(
        runtime: Runtime, world: World, market: dict[str, UUID]) -> None:
    farm = post(world, "demand-2", title="寻求小麦抗旱育种技术", field="现代农业",
                description="需要抗旱小麦品种。", keywords=("小麦育种",))
    world.ledger.close_demand(d.CloseDemand(farm, "企业已自行解决", TODAY), actor="exchange")
    runtime.follower.catch_up()
    with runtime.views.read() as tx:
        found = matching.demands_for_achievement(tx, str(market["storage"]), TODAY, 5)
        wheat = matching.demands_for_achievement(tx, str(market["wheat"]), TODAY, 5)
    assert found is not None and [i["demand_id"] for i in found["items"]] == [str(market["demand"])]
    assert wheat is not None and wheat["items"] == []  # the farm's demand is closed


def test_a_match_that_led_to_a_contract_converts_the_demand(
        runtime: Runtime, world: World, market: dict[str, UUID]) -> None:
    ledger = world.ledger
    match = ledger.introduce_match(d.IntroduceMatch(
        market["demand"], market["storage"], "推荐对接", "0.91", date(2026, 3, 20)),
        actor="exchange", key="match-1").value.id
    ledger.record_match_outcome(d.RecordMatchOutcome(match, MatchOutcome.NEGOTIATING,
                                                     effective_date=date(2026, 3, 25)), actor="x")
    other = world.transfer("2026-BD-0009", market["solar"])  # not the matched achievement
    with refused(ledger, "invalid_input"):
        ledger.record_match_outcome(d.RecordMatchOutcome(match, MatchOutcome.CONTRACTED, other,
                                                         effective_date=TODAY), actor="x")
    contract = world.license("2026-BD-0010", market["storage"], ContractVariant.ORDINARY, term_end=None)
    ledger.record_match_outcome(d.RecordMatchOutcome(match, MatchOutcome.CONTRACTED, contract,
                                                     effective_date=TODAY), actor="x")
    with refused(ledger, "invalid_state_transition"):  # settled, and the demand is matched
        ledger.record_match_outcome(d.RecordMatchOutcome(match, MatchOutcome.DECLINED,
                                                         effective_date=TODAY), actor="x")
    runtime.follower.catch_up()
    with runtime.views.read() as tx:
        demand = demand_queries.get_demand(tx, str(market["demand"]))
        stats = demand_queries.conversion(tx, posted_from=None, posted_to=None, field="新能源")
    assert demand is not None and demand["status"] == "matched"
    assert demand["contract_id"] == str(contract)
    assert demand["matches"][0]["contract_number"] == "2026-BD-0010"
    assert stats["demands"] == 1 and stats["demands_with_deal"] == 1
    assert stats["share_dealt"] == "1.0000" and stats["turnover"] == "500000.00"
    assert stats["transaction_amount"] == "450000.00"


def test_demand_rules_and_idempotency(world: World, market: dict[str, UUID]) -> None:
    ledger = world.ledger
    assert post(world) == market["demand"]  # same key, same body: the first result
    with refused(ledger, "idempotency_key_reused"):
        post(world, title="另一个需求")
    with refused(ledger, "invalid_input"):
        post(world, "demand-x", budget_min=Decimal("3000000.00"))
    with refused(ledger, "wrong_party_kind"):
        post(world, "demand-y", enterprise_id=world.university)
    with refused(ledger, "invalid_state_transition"):  # the deadline has not passed
        ledger.expire_demand(d.ExpireDemand(market["demand"], TODAY), actor="exchange")
    ledger.update_demand(d.UpdateDemand(market["demand"], demand_terms(
        world, deadline=date(2026, 5, 31)), TODAY), actor="exchange")
    ledger.expire_demand(d.ExpireDemand(market["demand"], date(2026, 6, 1)), actor="exchange")
    with refused(ledger, "invalid_state_transition"):
        ledger.close_demand(d.CloseDemand(market["demand"], "重复", date(2026, 6, 2)), actor="x")


def test_listing_needs_the_holder_and_shows_with_the_candidates(
        runtime: Runtime, world: World, market: dict[str, UUID]) -> None:
    terms = ListingTerms(market["storage"], world.enterprise, world.exchange, "独占许可，分期付款",
                         date(2026, 4, 1), date(2026, 9, 30))
    with refused(world.ledger, "seller_not_owner"):
        world.ledger.list_achievement(d.ListAchievement(terms), actor="exchange", key="l-1")
    listing = world.ledger.list_achievement(
        d.ListAchievement(replace(terms, seller_id=world.university)), actor="exchange",
        key="l-1").value.id
    item = candidates(runtime, market["demand"])["items"][0]
    assert item["listing"] == {"listing_id": str(listing), "asking_price": None,
                               "negotiable": True, "listed_until": "2026-09-30"}

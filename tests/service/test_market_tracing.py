"""Backward tracing (回溯) of the technology market's records (Baoding items 4-5) on SQLite and
PostgreSQL: an achievement's timeline shows where it was listed (挂牌), the demand it was
introduced to (对接) and the outcome, and the event that featured and presented it, each entry
with its ledger position, business date and actor; the organiser's and the enterprise's
timelines show their part."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from api.runtime import Runtime
from domain.contract import ContractVariant
from domain.listing import ListingTerms
from domain.match import MatchOutcome
from projections import tracing_queries as q
from services import demand_commands as d
from services import market_event_commands as m
from tests.service.test_market_events import HELD, post_demand, schedule
from tests.service.trade_world import World

MARKET_LIFE = ["listing.listed", "market_event.achievement_featured", "market_event.held",
               "match.introduced", "match.outcome_recorded", "demand.matched"]


@pytest.fixture
def world(runtime: Runtime) -> World:
    return World.build(runtime.ledger)


def market_story(world: World) -> tuple[UUID, UUID, UUID]:
    """List, feature and present the achievement, introduce it to a demand, contract it."""
    ledger, on = world.ledger, date(2026, 4, 20)
    ach = world.achievement()
    demand = post_demand(world, world.enterprise)
    ledger.list_achievement(d.ListAchievement(ListingTerms(
        ach, world.university, world.exchange, "普通许可", date(2026, 4, 3),
        date(2026, 9, 30))), actor="desk:listing", key="listing-1")
    event = schedule(world)
    ledger.feature_achievement(m.FeatureAchievement(event, ach, on), actor="desk:events")
    ledger.hold_event(m.HoldEvent(event, HELD), actor="desk:events")
    match = ledger.introduce_match(d.IntroduceMatch(demand, ach, "路演后洽谈", None,
                                                    date(2026, 5, 12)),
                                   actor="desk:matching", key="match-1").value.id
    contract = world.license("HT-1", ach, ContractVariant.ORDINARY, signed_on=date(2026, 6, 1),
                             term_end=date(2027, 5, 31))
    ledger.record_match_outcome(d.RecordMatchOutcome(match, MatchOutcome.CONTRACTED, contract,
                                                     effective_date=date(2026, 6, 2)),
                                actor="desk:matching")
    return ach, event, demand


def timeline(runtime: Runtime, which: str, subject: UUID) -> dict[str, Any]:
    runtime.follower.catch_up()
    with runtime.views.read() as tx:
        answer = getattr(q, f"{which}_timeline")(tx, str(subject))
    assert isinstance(answer, dict)
    return answer


def test_the_market_appears_on_the_achievement_timeline(runtime: Runtime, world: World) -> None:
    ach, event, _ = market_story(world)
    entries = timeline(runtime, "achievement", ach)["entries"]
    market = [e for e in entries if e["event"].split(".")[0] in ("listing", "market_event",
                                                                  "match", "demand")]
    assert [e["event"] for e in market] == MARKET_LIFE
    positions = [e["position"] for e in entries]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    listed, featured, held, introduced, outcome, met = market
    assert (listed["effective_date"], listed["actor"], listed["roles"]) == \
        ("2026-04-03", "desk:listing", ["listed"])
    assert "挂牌" in listed["summary"]["zh"] and "面议" in listed["summary"]["zh"]
    assert (featured["aggregate_id"], featured["effective_date"], featured["roles"]) == \
        (str(event), "2026-04-20", ["featured"])
    assert (held["effective_date"], held["roles"]) == ("2026-05-10", ["presented"])
    assert introduced["actor"] == "desk:matching" and "寻求储能电池热管理技术" in \
        introduced["summary"]["zh"]
    assert outcome["summary"]["zh"] == "对接结果：签约" and met["roles"] == ["demand_met"]


def test_a_cancelled_event_and_the_organiser_and_enterprise_timelines(
        runtime: Runtime, world: World) -> None:
    ledger = world.ledger
    ach = world.achievement()
    event = schedule(world, "event-c")
    ledger.feature_achievement(m.FeatureAchievement(event, ach, date(2026, 4, 20)), actor="x")
    ledger.register_attendee(m.RegisterAttendee(event, world.enterprise, date(2026, 4, 21)),
                             actor="x")
    ledger.cancel_event(m.CancelEvent(event, "场地调整", date(2026, 5, 1)), actor="x")
    names = [e["event"] for e in timeline(runtime, "achievement", ach)["entries"]]
    assert names[-2:] == ["market_event.achievement_featured", "market_event.cancelled"]
    organiser = [(e["event"], e["roles"]) for e in
                 timeline(runtime, "party", world.exchange)["entries"]
                 if e["event"].startswith("market_event")]
    assert organiser == [("market_event.scheduled", ["organiser"]),
                         ("market_event.achievement_featured", ["organiser"]),
                         ("market_event.attendee_registered", ["organiser"]),
                         ("market_event.cancelled", ["organiser"])]
    enterprise = timeline(runtime, "party", world.enterprise)["entries"]
    assert ("market_event.attendee_registered", ["registered_attendee"]) in \
        [(e["event"], e["roles"]) for e in enterprise]

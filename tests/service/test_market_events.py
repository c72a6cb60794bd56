"""Market events (路演, 科技成果直通车, 创新挑战赛; Baoding items 4-5) on SQLite and PostgreSQL:
an event's line-up and attendance, the deals that followed it under policy events-2026.1
(registered within 6 months after the event), a cancelled event with none, the rules with
their codes (each refusal writes nothing), and a rebuild that reproduces the views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from api.runtime import Runtime
from domain.contract import ContractVariant
from domain.demand import DemandTerms
from domain.market_event_plan import EventKind, EventPlan
from domain.market_event_policy import (
    FollowOnWindow,
    Showing,
    add_months,
    deal_reasons,
    event_policy_on,
)
from domain.values import CancellationReason
from projections import market_event_queries as q
from projections.market_events import MarketEvents
from services import commands as c
from services import demand_commands as d
from services import market_event_commands as m
from tests.service.trade_world import World, refused

HELD = date(2026, 5, 10)
ACTOR = "exchange"


@dataclass
class Show:
    """A roadshow with two featured achievements and a featured demand, one attendee."""

    world: World
    event: UUID
    featured: UUID
    featured_late: UUID
    other: UUID
    demand: UUID


def plan(world: World, **changes: Any) -> EventPlan:
    base: dict[str, Any] = {"kind": EventKind.ROADSHOW, "title": "2026年保定市新能源科技成果路演",
                            "organiser_id": world.exchange, "starts_on": HELD, "ends_on": HELD,
                            "region_code": "130600", "venue": "保定国家高新区"}
    return EventPlan(**{**base, **changes})


def schedule(world: World, key: str = "event-1", **changes: Any) -> UUID:
    cmd = m.ScheduleEvent(plan(world, **changes), date(2026, 4, 1))
    return world.ledger.schedule_event(cmd, actor=ACTOR, key=key).value.id


def post_demand(world: World, enterprise: UUID) -> UUID:
    terms = DemandTerms(enterprise, "寻求储能电池热管理技术", "储能电站需要电池热管理技术。", "新能源",
                        ("储能",), "130600", date(2026, 12, 31))
    return world.ledger.post_demand(d.PostDemand(terms, date(2026, 4, 2)), actor=ACTOR,
                                    key=f"demand-{enterprise}").value.id


def roadshow(world: World) -> Show:
    ledger, on = world.ledger, date(2026, 4, 20)
    a, b, other = world.achievement(), world.achievement(), world.achievement()
    demand = post_demand(world, world.other_enterprise)
    event = schedule(world)
    for achievement in (a, b):
        ledger.feature_achievement(m.FeatureAchievement(event, achievement, on), actor=ACTOR)
    ledger.feature_demand(m.FeatureDemand(event, demand, on), actor=ACTOR)
    ledger.register_attendee(m.RegisterAttendee(event, world.enterprise, on), actor=ACTOR)
    ledger.hold_event(m.HoldEvent(event, HELD), actor=ACTOR)
    ledger.record_attendance(m.RecordAttendance(event, world.enterprise, HELD), actor=ACTOR)
    return Show(world, event, a, b, other, demand)


@pytest.fixture
def world(runtime: Runtime) -> World:
    return World.build(runtime.ledger)


def read(runtime: Runtime, event: UUID) -> dict[str, Any]:
    runtime.follower.catch_up()
    with runtime.views.read() as tx:
        found = q.get_event(tx, str(event))
    assert found is not None
    return found


def test_contracts_within_six_months_count_and_say_why(runtime: Runtime, world: World) -> None:
    show = roadshow(world)
    world.license("HT-BEFORE", show.featured, ContractVariant.ORDINARY,  # before the event
                  signed_on=date(2026, 4, 30), term_end=date(2027, 4, 30))
    five = world.transfer("HT-5M", show.featured, signed_on=date(2026, 10, 10))
    world.transfer("HT-7M", show.featured_late, signed_on=date(2026, 12, 10))  # 7 months: out
    by_demand = world.transfer("HT-DM", show.other, buyer=world.other_enterprise,
                               signed_on=date(2026, 8, 1))
    event = read(runtime, show.event)
    assert event["status"] == "held" and event["held_on"] == "2026-05-10"
    assert [f["item_id"] for f in event["featured_achievements"]] == \
        [str(show.featured), str(show.featured_late)]
    assert event["featured_demands"][0]["enterprise_id"] == str(world.other_enterprise)
    assert [(p["party_id"], p["registered_on"], p["attended_on"]) for p in event["attendees"]] \
        == [(str(world.enterprise), "2026-04-20", "2026-05-10")]
    after = event["follow_on"]
    assert after["policy"]["version"] == "events-2026.1"
    assert after["window"] == {"from": "2026-05-10", "to": "2026-11-10"}
    assert [(x["contract_id"], x["reasons"]) for x in after["contracts"]] == [
        (str(by_demand), ["featured_demand"]),
        (str(five), ["featured_achievement", "buyer_attended"])]
    assert after["deals"] == 2 and after["turnover"] == "1000000.00"
    assert after["transaction_amount"] == "900000.00"


def test_the_window_holds_its_first_day_and_exactly_six_months_after(
        runtime: Runtime, world: World) -> None:
    """events-2026.1 on the stored path (views, SQL): both ends inclusive, a day later out."""
    show = roadshow(world)
    counted = [world.license(number, show.featured, ContractVariant.ORDINARY, signed_on=day,
                             term_end=date(2031, 5, 10))
               for number, day in (("HT-DAY0", HELD), ("HT-6M", date(2026, 11, 10)))]
    world.license("HT-6M1D", show.featured, ContractVariant.ORDINARY,
                  signed_on=date(2026, 11, 11), term_end=date(2031, 5, 10))
    world.license("HT-EVE", show.featured, ContractVariant.ORDINARY,
                  signed_on=date(2026, 5, 9), term_end=date(2031, 5, 10))
    after = read(runtime, show.event)["follow_on"]
    assert after["window"] == {"from": "2026-05-10", "to": "2026-11-10"}
    assert [x["contract_id"] for x in after["contracts"]] == [str(c) for c in counted]


def test_statistics_per_event_and_a_cancelled_event_shows_no_deals(
        runtime: Runtime, world: World) -> None:
    show = roadshow(world)
    ledger = world.ledger
    cancelled = schedule(world, "event-2", title="科技成果直通车·走进高新区",
                         kind=EventKind.DIRECT_TRAIN)
    ledger.feature_achievement(m.FeatureAchievement(cancelled, show.featured, date(2026, 4, 20)),
                               actor=ACTOR)
    ledger.cancel_event(m.CancelEvent(cancelled, "场地调整", date(2026, 5, 1)), actor=ACTOR)
    world.transfer("HT-5M", show.featured, signed_on=date(2026, 10, 10))
    runtime.follower.catch_up()
    with runtime.views.read() as tx:
        stats = q.statistics(tx, q.EventFilter())
    by_id = {i["event_id"]: i for i in stats["items"]}
    held, off = by_id[str(show.event)], by_id[str(cancelled)]
    assert (held["featured"], held["attendees"], held["deals"], held["turnover"]) == \
        (3, 1, 1, "500000.00")
    assert (off["status"], off["deals"], off["turnover"]) == ("cancelled", 0, "0.00")
    assert stats["events_with_deals"] == 1 and stats["contracts"] == 1
    with refused(ledger, "invalid_state_transition"):  # nothing changes after cancellation
        ledger.register_attendee(m.RegisterAttendee(cancelled, world.enterprise,
                                                    date(2026, 5, 2)), actor=ACTOR)


def test_what_may_be_featured(world: World) -> None:
    ledger, on = world.ledger, date(2026, 4, 20)
    event = schedule(world)
    gone = world.achievement()
    ledger.cancel_registration(c.CancelRegistration(gone, CancellationReason.FRAUD, "伪造数据",
                                                    effective_date=date(2026, 3, 1)), actor="x")
    with refused(ledger, "not_featurable") as info:
        ledger.feature_achievement(m.FeatureAchievement(event, gone, on), actor=ACTOR)
    assert info.value.context["reason"] == "registration_cancelled"
    barred = world.achievement()
    world.sanction(world.university, start=date(2026, 4, 1), end=date(2027, 3, 31))
    with refused(ledger, "not_featurable"):
        ledger.feature_achievement(m.FeatureAchievement(event, barred, on), actor=ACTOR)
    demand = post_demand(world, world.enterprise)
    ledger.close_demand(d.CloseDemand(demand, "企业已自行解决", on), actor=ACTOR)
    with refused(ledger, "not_featurable") as info:
        ledger.feature_demand(m.FeatureDemand(event, demand, on), actor=ACTOR)
    assert info.value.context["reason"] == "demand_closed"


def test_the_event_lifecycle_rules(world: World) -> None:
    ledger, on = world.ledger, date(2026, 4, 20)
    event = schedule(world)
    achievement = world.achievement()
    with refused(ledger, "invalid_state_transition"):  # nothing featured yet
        ledger.hold_event(m.HoldEvent(event, HELD), actor=ACTOR)
    ledger.feature_achievement(m.FeatureAchievement(event, achievement, on), actor=ACTOR)
    with refused(ledger, "invalid_state_transition"):
        ledger.feature_achievement(m.FeatureAchievement(event, achievement, on), actor=ACTOR)
    with refused(ledger, "invalid_state_transition"):  # attendance only once held
        ledger.record_attendance(m.RecordAttendance(event, world.enterprise, on), actor=ACTOR)
    with refused(ledger, "invalid_state_transition"):  # not before its first day
        ledger.hold_event(m.HoldEvent(event, date(2026, 5, 9)), actor=ACTOR)
    ledger.hold_event(m.HoldEvent(event, HELD), actor=ACTOR)
    with refused(ledger, "invalid_state_transition"):  # the line-up is fixed once held
        ledger.unfeature_achievement(m.UnfeatureAchievement(event, achievement, "撤回", HELD),
                                     actor=ACTOR)
    with refused(ledger, "invalid_state_transition"):
        ledger.cancel_event(m.CancelEvent(event, "取消", HELD), actor=ACTOR)
    ledger.record_attendance(m.RecordAttendance(event, world.institute, HELD), actor=ACTOR)
    with refused(ledger, "invalid_state_transition"):
        ledger.record_attendance(m.RecordAttendance(event, world.institute, HELD), actor=ACTOR)


def test_a_challenge_needs_a_demand_and_scheduling_is_idempotent(world: World) -> None:
    ledger = world.ledger
    challenge = schedule(world, "challenge-1", kind=EventKind.CHALLENGE,
                         title="2026保定创新挑战赛", organiser_id=world.registry)
    assert schedule(world, "challenge-1", kind=EventKind.CHALLENGE, title="2026保定创新挑战赛",
                    organiser_id=world.registry) == challenge
    with refused(ledger, "idempotency_key_reused"):
        schedule(world, "challenge-1", title="另一场路演")
    ledger.feature_achievement(m.FeatureAchievement(challenge, world.achievement(),
                                                    date(2026, 4, 20)), actor=ACTOR)
    with refused(ledger, "invalid_state_transition"):  # a challenge puts demands to solvers
        ledger.hold_event(m.HoldEvent(challenge, HELD), actor=ACTOR)
    with refused(ledger, "wrong_party_kind"):
        schedule(world, "event-x", organiser_id=world.enterprise)
    with refused(ledger, "invalid_input"):
        schedule(world, "event-y", title="Tech roadshow")
    with refused(ledger, "invalid_input"):
        schedule(world, "event-z", ends_on=date(2026, 5, 9))
    with refused(ledger, "invalid_region_code"):
        schedule(world, "event-r", region_code="999999")


def test_taken_off_and_rebuild_reproduces_the_views(runtime: Runtime, world: World) -> None:
    ledger, on = world.ledger, date(2026, 4, 20)
    event = schedule(world, "event-2")
    achievement = world.achievement()
    ledger.feature_achievement(m.FeatureAchievement(event, achievement, on), actor=ACTOR)
    ledger.unfeature_achievement(m.UnfeatureAchievement(event, achievement, "权属待核实",
                                                        date(2026, 4, 22)), actor=ACTOR)
    assert read(runtime, event)["taken_off"][0]["remove_reason"] == "权属待核实"
    ledger.feature_achievement(m.FeatureAchievement(event, achievement, date(2026, 4, 25)),
                               actor=ACTOR)
    roadshow(world)
    world.transfer("HT-5M", achievement, signed_on=date(2026, 6, 1))
    ledger.hold_event(m.HoldEvent(event, HELD), actor=ACTOR)
    before = dump(runtime)
    assert read(runtime, event)["taken_off"] == []
    assert read(runtime, event)["follow_on"]["deals"] == 1
    runtime.follower.rebuild()
    assert dump(runtime) == before


def dump(runtime: Runtime) -> dict[str, Any]:
    runtime.follower.catch_up()
    with runtime.views.read() as tx:
        rows = {t: tx.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3") for t in MarketEvents.tables}
        return {**rows, "statistics": q.statistics(tx, q.EventFilter())["items"]}


def test_policy_window_and_reasons() -> None:
    showing = Showing({"a1"}, {"buyer-of-demand"}, {"guest"})
    assert deal_reasons(showing, ["a1"], "guest") == ("featured_achievement", "buyer_attended")
    assert deal_reasons(showing, ["a2"], "guest") == ()  # came, but bought nothing shown
    assert deal_reasons(showing, ["a2"], "buyer-of-demand") == ("featured_demand",)
    window = FollowOnWindow.of(date(2026, 5, 10), date(2026, 5, 11), event_policy_on(HELD))
    assert window.holds(date(2026, 11, 11)) and not window.holds(date(2026, 11, 12))
    assert not window.holds(date(2026, 5, 9))
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 5, 10), 6) == date(2026, 11, 10)

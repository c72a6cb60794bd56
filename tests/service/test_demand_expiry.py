"""Demands past their deadline become expired (技术需求到期): the command expires each open
candidate once, as of the day after its deadline, and skips the rest; two sweeps at once still
expire each demand once; the sweep finds its candidates in the views; the serving process's
sweeper does it by itself, once before it starts serving, and outlives a failing sweep; the
matching index is warmed at start-up whether or not the sweeper runs."""

from __future__ import annotations

import logging
import threading
import time
from datetime import date, timedelta
from uuid import UUID

import pytest

from api.demand_expiry import ExpirySweeper, sweep
from api.runtime import Runtime
from domain.demand import DemandStatus, TechDemand
from projections import matching_index
from services import demand_commands as d
from services.ledger import Ledger
from tests.service.test_demands import demand_terms
from tests.service.trade_world import World, refused

POSTED = date(2026, 4, 2)
SWEPT = date(2026, 6, 10)


def post(world: World, key: str, deadline: date) -> UUID:
    cmd = d.PostDemand(demand_terms(world, deadline=deadline), POSTED)
    return world.ledger.post_demand(cmd, actor="exchange", key=key).value.id


def demand(ledger: Ledger, demand_id: UUID) -> TechDemand:
    found: object = ledger.repository.get(demand_id)
    assert isinstance(found, TechDemand)
    return found


def wait_while_open(ledger: Ledger, demand_id: UUID, timeout_s: float = 20) -> None:
    """Deadline-bounded polling for a background sweep to expire the demand."""
    deadline = time.monotonic() + timeout_s
    while demand(ledger, demand_id).status is DemandStatus.OPEN and time.monotonic() < deadline:
        time.sleep(0.05)


def expired_events(ledger: Ledger, demand_id: UUID) -> list[TechDemand.Expired]:
    return [e for e in ledger.events.get(demand_id) if isinstance(e, TechDemand.Expired)]


def three(world: World) -> tuple[UUID, UUID, UUID]:
    """An overdue demand, an overdue one already closed, one not yet due."""
    overdue = post(world, "overdue", date(2026, 5, 31))
    closed = post(world, "closed", date(2026, 5, 15))
    world.ledger.close_demand(d.CloseDemand(closed, "企业已自行解决", date(2026, 5, 1)),
                              actor="exchange")
    return overdue, closed, post(world, "later", date(2026, 12, 31))


def test_the_command_expires_each_overdue_open_demand_once(runtime: Runtime) -> None:
    ledger = runtime.ledger
    overdue, closed, later = three(World.build(ledger))
    command = d.ExpireOverdueDemands((overdue, closed, later), SWEPT)
    assert ledger.expire_overdue_demands(command, actor="sweep").value == [overdue]
    again = ledger.expire_overdue_demands(command, actor="sweep")
    assert again.value == [] and again.position is None  # nothing written
    assert demand(ledger, overdue).status is DemandStatus.EXPIRED
    assert expired_events(ledger, overdue)[0].effective_date == date(2026, 6, 1)
    assert demand(ledger, closed).status is DemandStatus.CLOSED
    assert demand(ledger, later).status is DemandStatus.OPEN


def test_a_sweep_as_of_a_later_day_is_refused(runtime: Runtime) -> None:
    """It would expire for good a demand still running today."""
    ledger = runtime.ledger
    later = post(World.build(ledger), "later", ledger.today() + timedelta(days=30))
    runtime.follower.catch_up()
    ahead = ledger.today() + timedelta(days=60)
    with refused(ledger, "invalid_input") as info:
        ledger.expire_overdue_demands(d.ExpireOverdueDemands((later,), ahead), actor="sweep")
    assert info.value.context["field"] == "as_of"
    with refused(ledger, "invalid_input"):
        sweep(ledger, runtime.views, ahead)
    assert demand(ledger, later).status is DemandStatus.OPEN
    assert sweep(ledger, runtime.views, ledger.today()).expired == []  # today is allowed


def test_two_sweeps_at_once_expire_each_demand_once(runtime: Runtime) -> None:
    ledger = runtime.ledger
    world = World.build(ledger)
    ids = tuple(post(world, f"need-{k}", date(2026, 5, 31)) for k in range(12))
    results: list[list[UUID]] = []
    start = threading.Barrier(4)

    def run() -> None:
        start.wait()
        results.append(ledger.expire_overdue_demands(d.ExpireOverdueDemands(ids, SWEPT),
                                                     actor="sweep").value)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(i for r in results for i in r) == sorted(ids)  # each expired by one sweep
    assert all(len(expired_events(ledger, i)) == 1 for i in ids)


def test_the_sweep_takes_its_candidates_from_the_views(runtime: Runtime) -> None:
    overdue, _, later = three(World.build(runtime.ledger))
    runtime.follower.catch_up()
    result = sweep(runtime.ledger, runtime.views, SWEPT)
    assert result.candidates == 1 and result.expired == [overdue]
    runtime.follower.catch_up()
    assert sweep(runtime.ledger, runtime.views, SWEPT).candidates == 0
    with runtime.views.read() as tx:
        rows = tx.execute("SELECT id, status, ended_on FROM demands WHERE id IN (?, ?)",
                          (str(overdue), str(later)))
    assert {(r["id"], r["status"], r["ended_on"]) for r in rows} == {
        (str(overdue), "expired", "2026-06-01"), (str(later), "open", None)}


def test_the_background_sweeper_expires_overdue_demands(runtime: Runtime) -> None:
    """Real today is past this deadline (it was at most a few weeks after the posting)."""
    world = World.build(runtime.ledger)
    overdue = post(world, "overdue", date(2026, 5, 31))
    world.achievement()
    runtime.follower.catch_up()
    sweeper = ExpirySweeper(runtime.ledger, runtime.views, interval_s=0.05).start()
    try:
        wait_while_open(runtime.ledger, overdue)
    finally:
        sweeper.stop()
    assert demand(runtime.ledger, overdue).status is DemandStatus.EXPIRED
    assert sweeper.last is not None and sweeper.last.as_of == runtime.ledger.today()


def test_the_sweeper_sweeps_before_start_returns(runtime: Runtime) -> None:
    """So a request served after start-up never sees the start-up sweep write under it."""
    overdue = post(World.build(runtime.ledger), "overdue", date(2026, 5, 31))
    runtime.follower.catch_up()
    sweeper = ExpirySweeper(runtime.ledger, runtime.views, interval_s=3600).start()
    try:
        assert demand(runtime.ledger, overdue).status is DemandStatus.EXPIRED
        assert sweeper.last is not None and sweeper.last.expired == [overdue]
    finally:
        sweeper.stop()


def test_a_failing_sweep_is_logged_and_the_next_one_runs(
        runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    overdue = post(World.build(runtime.ledger), "overdue", date(2026, 5, 31))
    runtime.follower.catch_up()
    with runtime.views.write() as tx:  # the views lose their demands: the sweep cannot read
        tx.execute("ALTER TABLE demands RENAME TO demands_away")
    with caplog.at_level(logging.ERROR, logger="api.demand_expiry"):
        sweeper = ExpirySweeper(runtime.ledger, runtime.views, interval_s=0.05).start()
    try:
        assert sweeper.last is None and "sweep failed" in caplog.text
        assert caplog.records[-1].exc_info is not None  # with its traceback
        with runtime.views.write() as tx:
            tx.execute("ALTER TABLE demands_away RENAME TO demands")
        wait_while_open(runtime.ledger, overdue)
    finally:
        sweeper.stop()
    assert demand(runtime.ledger, overdue).status is DemandStatus.EXPIRED


def test_the_matching_index_is_warmed_without_the_sweeper(runtime: Runtime) -> None:
    World.build(runtime.ledger).achievement()
    runtime.follower.catch_up()
    with runtime.views.read() as tx:
        assert matching_index.indexed_position(tx) is None  # a new view store: not loaded
    matching_index.warm_in_background(runtime.views).join(timeout=30)
    with runtime.views.read() as tx:
        last_doc = tx.execute("SELECT MAX(position) AS p FROM match_docs")[0]["p"]
        assert last_doc is not None and matching_index.indexed_position(tx) == last_doc
        assert matching_index.warm(tx) == 1  # the registry's one achievement

"""Demands past their deadline become expired (技术需求到期): the command expires each open
candidate once, as of the day after its deadline, and skips the rest; two sweeps at once still
expire each demand once; the sweep finds its candidates in the views; the serving process's
background sweeper does it by itself."""

from __future__ import annotations

import threading
import time
from datetime import date
from uuid import UUID

from api.demand_expiry import ExpirySweeper, sweep
from api.runtime import Runtime
from domain.demand import DemandStatus, TechDemand
from projections import matching_index
from services import demand_commands as d
from services.ledger import Ledger
from tests.service.test_demands import demand_terms
from tests.service.trade_world import World

POSTED = date(2026, 4, 2)
SWEPT = date(2026, 6, 10)


def post(world: World, key: str, deadline: date) -> UUID:
    cmd = d.PostDemand(demand_terms(world, deadline=deadline), POSTED)
    return world.ledger.post_demand(cmd, actor="exchange", key=key).value.id


def demand(ledger: Ledger, demand_id: UUID) -> TechDemand:
    found: object = ledger.repository.get(demand_id)
    assert isinstance(found, TechDemand)
    return found


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
        deadline = time.monotonic() + 20
        while demand(runtime.ledger, overdue).status is DemandStatus.OPEN \
                and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sweeper.stop()
    assert demand(runtime.ledger, overdue).status is DemandStatus.EXPIRED
    assert sweeper.last is not None and sweeper.last.as_of == runtime.ledger.today()
    with runtime.views.read() as tx:  # and the matching index it loaded holds the registry
        assert matching_index.warm(tx) == 1

"""The demo's market events: a roadshow, a direct train and a challenge, held, with attendance;
the roadshow is followed by the demand-side deal's contract (so the statistics show a deal),
and the featured achievement's timeline shows the event."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.demo_data import load_demo
from api.runtime import Runtime
from domain.base import derived_id
from domain.match import Match
from projections import market_event_queries as q
from projections import tracing_queries as tq
from services.settings import Settings


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    runtime = Runtime.open(Settings(data_dir=Path(tmp_path_factory.mktemp("events"))),
                           follow=False)
    try:
        load_demo(runtime.ledger)
        runtime.follower.catch_up()
        yield runtime
    finally:
        runtime.close()


def statistics(runtime: Runtime) -> dict[str, Any]:
    with runtime.views.read() as tx:
        return q.statistics(tx, q.EventFilter())


def test_three_kinds_held_with_attendance_and_a_deal(demo: Runtime) -> None:
    stats = statistics(demo)
    items = {i["kind"]: i for i in stats["items"]}
    assert set(items) == {"roadshow", "direct_train", "challenge"}
    assert all(i["status"] == "held" and i["attendees"] >= 2 for i in items.values())
    assert items["challenge"]["featured_demands"] == 3
    assert items["roadshow"]["deals"] >= 1 and stats["events_with_deals"] >= 1
    deal: object = demo.ledger.repository.get(derived_id("match", "demo-2026-match-0"))
    assert isinstance(deal, Match)
    with demo.views.read() as tx:
        roadshow = q.get_event(tx, items["roadshow"]["event_id"])
        assert roadshow is not None
        found = [c for c in roadshow["follow_on"]["contracts"]
                 if c["contract_id"] == str(deal.contract_id)]
        timeline = tq.achievement_timeline(tx, str(deal.achievement_id))
    assert found and found[0]["reasons"] == ["featured_achievement", "buyer_attended"]
    assert timeline is not None
    dates = {e["event"]: e["effective_date"] for e in timeline["entries"]}
    # Ledger order is recording order (the demo loads events last); business dates tell the
    # story: featured, shown at the roadshow, then introduced to the demand.
    assert dates["market_event.achievement_featured"] < dates["market_event.held"] \
        < dates["match.introduced"]

"""Views follow the log exactly once, and `rebuild` reproduces them from the log alone."""

from __future__ import annotations

from typing import Any

from api.demo_data import load_demo
from api.runtime import Runtime
from projections.registry_queries import AchievementFilter, search_achievements
from services.settings import Settings
from tests.factories import university

TABLES = ("parties", "projects", "achievements", "achievement_owners", "ledger_events")


def dump(runtime: Runtime) -> dict[str, list[dict[str, Any]]]:
    with runtime.views.read() as tx:
        return {t: tx.execute(f"SELECT * FROM {t} ORDER BY 1, 2") for t in TABLES}


def test_views_catch_up_and_rebuild_to_identical_rows(store_settings: Settings) -> None:
    runtime = Runtime.open(store_settings, follow=False)
    try:
        load_demo(runtime.ledger)
        head = int(runtime.ledger.recorder.max_notification_id() or 0)
        assert runtime.follower.catch_up() == head
        before = dump(runtime)
        # Positions may have gaps on PostgreSQL: compare with the events, not the head.
        recorded = runtime.ledger.recorder.select_notifications(start=None, limit=100_000)
        assert len(before["ledger_events"]) == len(recorded)
        assert runtime.follower.catch_up() == head  # nothing applied twice
        assert dump(runtime) == before
        assert runtime.follower.rebuild() == head
        assert dump(runtime) == before
    finally:
        runtime.close()


def test_registry_filters(sqlite_settings: Settings) -> None:
    runtime = Runtime.open(sqlite_settings, follow=False)
    try:
        load_demo(runtime.ledger)
        runtime.follower.catch_up()
        with runtime.views.read() as tx:
            def count(**kw: Any) -> int:
                return search_achievements(tx, AchievementFilter(**kw), page=1, page_size=5)[1]

            everything = count()
            assert everything == 205  # 200, and the 5 of api.demo_outcomes
            assert 0 < count(region="130600") < everything
            assert count(region="130000") >= count(region="130600")
            assert 0 < count(fiscal=True) < everything
            assert count(status="cancelled") == 4  # one by a misconduct decision
            assert count(category="basic_theory") + count(category="applied_technology") + count(
                category="soft_science") == everything
            rows, total = search_achievements(tx, AchievementFilter(q="材料"), page=1, page_size=5)
            assert total > 0 and all("材料" in r["title"] or any("材料" in k for k in r["keywords"])
                                     for r in rows)
    finally:
        runtime.close()


def test_views_built_by_other_ddl_are_rebuilt_on_open(sqlite_settings: Settings) -> None:
    """A release that changes a view's tables must not read the old ones: the follower compares
    the DDL's fingerprint and rebuilds from the log when it differs."""
    runtime = Runtime.open(sqlite_settings, follow=False)
    try:
        university(runtime.ledger)
        runtime.follower.catch_up()
        with runtime.views.write() as tx:
            tx.execute("UPDATE view_schema SET fingerprint = 'built-by-an-older-release'")
            tx.execute("DELETE FROM parties")  # what the older release would have shown
    finally:
        runtime.close()
    reopened = Runtime.open(sqlite_settings, follow=False)
    try:
        assert reopened.follower.position == 0  # forgotten with the old tables
        reopened.follower.catch_up()
        with reopened.views.read() as tx:
            names = [r["name"] for r in tx.execute("SELECT name FROM parties")]
        assert names == ["河北大学"]
    finally:
        reopened.close()

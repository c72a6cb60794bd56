"""Distributed mode's processes: the Kafka relay, the projection workers, and their positions."""

from __future__ import annotations

import signal
from collections.abc import Callable
from typing import Any

import orjson
from kafka import KafkaConsumer

from api.runtime import Runtime, all_projections, open_notary_db, open_views
from projections.applier import ViewApplier
from projections.kafka_source import Chained, KafkaProjector
from projections.positions import Positions
from services import notary_store
from services.integration_events import IntegrationEvent, event_mapper
from services.kafka_topics import ensure_topics
from services.ledger import Ledger
from services.persistence import ddl_lock
from services.relay import Relay
from services.settings import Settings
from services.singleton import only_instance


def on_termination(stop: Callable[[], None]) -> None:
    """SIGTERM (docker stop) and Ctrl-C end the loop after its current step."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop())


def run_until_stopped(run: Callable[[], None], stop: Callable[[], None],
                      close: Callable[[], None], banner: str) -> None:
    """A long-running worker (relay, projector, notary): SIGTERM or Ctrl-C stops it after its
    current step, and it is closed however it ends."""
    on_termination(stop)
    print(banner, flush=True)
    try:
        run()
    finally:
        close()


def run_relay(settings: Settings) -> None:
    """Publish forever; a second relay waits until the first one stops or dies."""
    print("taking the relay lock (a second relay waits here as a standby)", flush=True)
    with only_instance(settings, "relay"), \
            Ledger(settings.model_copy(update={"group_commit": False})) as ledger:
        views = open_views(settings)
        relay = Relay(ledger, Positions(views), settings)

        def close() -> None:
            relay.close()
            views.close()

        run_until_stopped(relay.run, relay.stop, close,
                          f"relaying from position {relay.position} to "
                          f"{settings.kafka_bootstrap_servers} ({relay.topics.all_events} and "
                          "per-domain topics)")

def kafka_projector(settings: Settings) -> KafkaProjector:
    """A worker of the projector consumer group, writing the views of `settings`."""
    topics = ensure_topics(settings)
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, group_id=settings.kafka_consumer_group,
        client_id="techledger-projector", enable_auto_commit=False, auto_offset_reset="earliest",
        max_poll_interval_ms=settings.kafka_max_poll_interval_ms,
        session_timeout_ms=settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms)
    mapper = event_mapper()

    def decode(value: bytes) -> Chained:
        event = IntegrationEvent.decode(value)
        return Chained(event.position, event.previous_position, event.to_domain_event(mapper))

    with ddl_lock(settings.database_url):  # workers may start together (api/runtime.py)
        views = ViewApplier(open_views(settings), all_projections())
    return KafkaProjector(views, consumer, topics.all_events, decode,
                          batch_size=settings.follower_page_size)


def run_projector(settings: Settings, source: str) -> None:
    if source == "log":
        runtime = Runtime.open(settings.model_copy(update={"views_source": "log"}))
        on_termination(runtime.follower.stop)
        print(f"projecting the ledger's log into the views from {runtime.follower.position}",
              flush=True)
        runtime.follower.join()
        runtime.close()
        return
    projector = kafka_projector(settings)

    def close() -> None:
        projector.close()
        projector.views.db.close()

    run_until_stopped(projector.run, projector.stop, close,
                      f"projecting {settings.kafka_topic_prefix}.all-events into the views "
                      f"(group {settings.kafka_consumer_group})")


def positions(settings: Settings) -> dict[str, Any]:
    """The ledger's head and every tracked position, with how far each is behind."""
    with Ledger(settings.model_copy(update={"group_commit": False})) as ledger:
        head = ledger.recorder.max_notification_id() or 0
    views, notary = open_views(settings), open_notary_db(settings)
    try:
        tracked = Positions(views).all()
        notary_store.create(notary)
        with notary.read() as tx:
            tracked["notary"] = notary_store.state(tx).position
    finally:
        views.close()
        notary.close()
    return {"head": head, "tracked": {name: {"position": position, "lag": head - position}
                                      for name, position in tracked.items()}}


def report_positions(settings: Settings, check: str | None, max_lag: int) -> int:
    """Print the positions as JSON; with `check`, exit status 1 when that one lags too far."""
    report = positions(settings)
    print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())
    if check is None:
        return 0
    entry = report["tracked"].get(check)
    return 0 if entry is not None and entry["lag"] <= max_lag else 1

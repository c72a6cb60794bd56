"""The Kafka relay and the Kafka-fed projector against a real Kafka-protocol broker (Tansu):
every event published once per topic in ledger order, readable by an independent client
(librdkafka), and views built from Kafka equal to views built from the log."""

from __future__ import annotations

import shutil
import threading
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from uuid import UUID

import orjson
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.demo_data import load_demo
from api.distributed import kafka_projector, positions, report_positions
from api.runtime import Runtime, open_views
from domain.access import Role
from projections.positions import Positions
from services.integration_events import SCHEMA_VERSION, IntegrationEvent
from services.ledger import Ledger
from services.relay import RELAY_TRACKING, Relay
from services.settings import Settings
from tests.api.test_http import achievement_body, party_body
from tests.factories import register, university
from tests.integration.kafka_readers import dump_views, read_topic

WAIT_S = 60


@pytest.fixture(scope="module")
def demo_events(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data set's event store, loaded once and copied by each test."""
    directory = tmp_path_factory.mktemp("demo-ledger")
    with Ledger(Settings(data_dir=directory)) as ledger:
        load_demo(ledger)
    return directory


@pytest.fixture
def settings(kafka_settings: Settings, demo_events: Path) -> Settings:
    for file in demo_events.glob("events.sqlite*"):
        shutil.copy(file, kafka_settings.data_dir / file.name)
    return kafka_settings


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    with Ledger(settings) as opened:
        yield opened


def relay_everything(ledger: Ledger, settings: Settings) -> Relay:
    views = open_views(settings)
    relay = Relay(ledger, Positions(views), settings)
    while relay.publish_next_page():
        pass
    relay.close()
    views.close()
    return relay


def log_built_views(settings: Settings) -> dict[str, list[tuple[object, ...]]]:
    runtime = Runtime.open(settings, follow=False)
    try:
        runtime.follower.catch_up()
        return dump_views(runtime.views)
    finally:
        runtime.close()


def project_from_kafka(settings: Settings, head: int, workers: int) -> None:
    """Run `workers` projector group members in threads until the views reach `head`."""
    projectors = [kafka_projector(settings) for _ in range(workers)]
    done = threading.Event()

    def work(index: int) -> None:
        projector = projectors[index]
        while not done.is_set():
            projector.step()
            if projector.views.tracked() >= head:
                done.set()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_S)
    for projector in projectors:
        projector.close()
        projector.views.db.close()
    assert done.is_set(), "the projectors did not reach the ledger head"


def views_from_kafka(kafka_side: Settings, head: int, workers: int = 1
                     ) -> dict[str, list[tuple[object, ...]]]:
    """Project the all-events topic into the views of `kafka_side` and dump them."""
    project_from_kafka(kafka_side, head, workers)
    views = open_views(kafka_side)
    try:
        return dump_views(views)
    finally:
        views.close()


def test_every_event_reaches_its_domain_topic_and_all_events_in_order(
        ledger: Ledger, settings: Settings) -> None:
    notifications = ledger.recorder.select_notifications(start=None, limit=100_000)
    relay = relay_everything(ledger, settings)
    assert relay.position == notifications[-1].id

    received = read_topic(settings.kafka_bootstrap_servers, relay.topics.all_events,
                          {n.id for n in notifications})
    decoded = [IntegrationEvent.decode(message.value) for message in received]
    assert sorted(e.position for e in decoded) == [n.id for n in notifications]
    by_position = {n.id: n for n in notifications}
    for message, event in zip(received, decoded, strict=True):
        stored = by_position[event.position]
        assert (event.aggregate_id, event.aggregate_version, event.topic) == (
            UUID(str(stored.originator_id)), stored.originator_version, stored.topic)
        assert event.data == orjson.loads(stored.state)
        assert message.key == str(stored.originator_id).encode()
        assert message.headers == {
            "position": str(event.position).encode(),
            "previous_position": str(event.previous_position).encode(),
            "event_type": event.event_type.encode(),
            "schema_version": str(SCHEMA_VERSION).encode()}
    # The chain: each message names the position published just before it.
    chain = sorted((e.position, e.previous_position) for e in decoded)
    assert [previous for _, previous in chain] == [0] + [position for position, _ in chain[:-1]]
    # One aggregate's events arrive in version order, as the ledger recorded them.
    versions: dict[UUID, list[int]] = defaultdict(list)
    for event in decoded:
        versions[event.aggregate_id].append(event.aggregate_version)
    assert all(v == sorted(v) and len(set(v)) == len(v) for v in versions.values())

    for domain in ("registry", "evaluation", "trades", "pledges", "integrity"):
        expected = [e.position for e in decoded if e.domain == domain]
        assert expected, f"the demo data set has {domain} events"
        topic = relay.topics.domain(domain)
        got = [IntegrationEvent.decode(m.value) for m in
               read_topic(settings.kafka_bootstrap_servers, topic, set(expected))]
        assert sorted(e.position for e in got) == expected
        assert {e.domain for e in got} == {domain}


def test_views_built_from_kafka_equal_views_built_from_the_log(
        ledger: Ledger, settings: Settings, tmp_path: Path) -> None:
    head = relay_everything(ledger, settings).position
    from_log = log_built_views(settings)
    kafka_side = settings.model_copy(update={"data_dir": tmp_path / "kafka-views"})
    assert views_from_kafka(kafka_side, head, workers=1) == from_log
    assert sum(map(len, from_log.values())) > head  # the comparison covers real rows


def test_two_workers_share_partitions_and_keep_ledger_order(
        ledger: Ledger, settings: Settings, tmp_path: Path) -> None:
    """Three all-events partitions, two group members: the chain orders what they apply."""
    settings = settings.model_copy(update={"kafka_all_events_partitions": 3})
    head = relay_everything(ledger, settings).position
    kafka_side = settings.model_copy(update={"data_dir": tmp_path / "kafka-views"})
    assert views_from_kafka(kafka_side, head, workers=2) == log_built_views(settings)


def test_a_resent_tail_is_applied_once(ledger: Ledger, settings: Settings, tmp_path: Path) -> None:
    """A relay that crashed before committing re-sends; the projector skips by position."""
    head = relay_everything(ledger, settings).position
    views = open_views(settings)
    Positions(views).put(RELAY_TRACKING, head // 2)  # as if the second half was never committed
    views.close()
    behind = head - head // 2
    assert positions(settings)["tracked"]["relay"] == {"position": head // 2, "lag": behind}
    assert report_positions(settings, "relay", behind) == 0  # the health check's verdicts
    assert report_positions(settings, "relay", behind - 1) == 1
    assert report_positions(settings, "views", head) == 1  # never built here
    assert relay_everything(ledger, settings).position == head
    kafka_side = settings.model_copy(update={"data_dir": tmp_path / "kafka-views"})
    assert views_from_kafka(kafka_side, head, workers=1) == log_built_views(settings)


@pytest.mark.postgres
def test_postgres_ledger_with_position_gaps_projects_the_same_views(
        kafka_settings: Settings, pg_url: str) -> None:
    """On PostgreSQL, conflicting writers leave gaps in the positions (a failed insert still
    takes its sequence numbers); the chain carries the relay and the projector over them."""
    settings = kafka_settings.model_copy(update={"database_url": pg_url})
    with Ledger(settings) as first, Ledger(settings) as second:
        owner = university(first)
        with ThreadPoolExecutor(8) as pool:  # two processes' worth of writers, one series
            list(pool.map(lambda n: register((first, second)[n % 2], owner, f"间隙测试成果{n}",
                                             f"gap-{n}"), range(60)))
        ids = [n.id for n in first.recorder.select_notifications(start=None, limit=10_000)]
        head = relay_everything(first, settings).position
    assert head == ids[-1]
    assert len(ids) < head, "expected gaps in the positions"
    kafka_side = settings.model_copy(update={"views_schema": "kafka_views"})
    assert views_from_kafka(kafka_side, head, workers=1) == log_built_views(settings)


def test_api_in_kafka_mode_reads_what_the_projector_wrote(kafka_settings: Settings) -> None:
    """views_source=kafka: the API does not follow the log; its reads wait for the projector."""
    settings = kafka_settings.model_copy(update={"views_source": "kafka",
                                                 "read_wait_timeout_s": 0.5})
    with Ledger(settings) as ledger:
        key = ledger.issue_api_key(Role.REGISTRAR, "kafka mode")
    registrar = {"Authorization": f"Bearer {key}"}
    with TestClient(create_app(settings)) as client:
        party = client.post("/v1/parties", json=party_body(), headers=registrar).json()
        created = client.post("/v1/achievements", json=achievement_body(party["id"]),
                              headers={**registrar, "Idempotency-Key": "kafka-mode-1"}).json()
        wait = {"wait_for_position": created["position"]}
        behind = client.get("/v1/achievements", params=wait, headers=registrar)
        assert (behind.status_code, behind.json()["code"]) == (503, "views_behind")
        with Ledger(settings) as ledger:
            head = relay_everything(ledger, settings).position
        project_from_kafka(settings, head, workers=1)
        page = client.get("/v1/achievements", params=wait, headers=registrar).json()
        assert [item["id"] for item in page["items"]] == [created["id"]]
        assert page["views_position"] == head

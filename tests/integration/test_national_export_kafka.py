"""The relay publishes the national export on `PREFIX.national-export` (real broker): read by
an independent client (librdkafka), the topic holds exactly the records the CLI exports."""

from __future__ import annotations

from pathlib import Path

import orjson

from api.cli_export import export
from api.demo_data import load_demo
from api.runtime import open_views
from projections.positions import Positions
from services.ledger import Ledger
from services.national_schema import FORMAT
from services.national_writers import read_jsonl
from services.relay import Relay
from services.settings import Settings
from tests.integration.kafka_readers import read_topic


def test_the_national_export_topic_equals_the_cli_export(kafka_settings: Settings,
                                                        tmp_path: Path) -> None:
    with Ledger(kafka_settings) as ledger:
        load_demo(ledger)
        views = open_views(kafka_settings)
        relay = Relay(ledger, Positions(views), kafka_settings)
        while relay.publish_next_page():
            pass
        relay.close()
        views.close()
    out = tmp_path / "export.jsonl"
    _, last = export(kafka_settings, 0, "jsonl", str(out))
    expected = list(read_jsonl(out.read_bytes().splitlines()))
    assert last == relay.position and len(expected) > 400

    received = read_topic(kafka_settings.kafka_bootstrap_servers, relay.topics.national_export,
                          {r["position"] for r in expected})
    records = sorted((orjson.loads(m.value) for m in received), key=lambda r: r["position"])
    assert records == expected
    for message in received:
        record = orjson.loads(message.value)
        assert message.key == record["id"].encode()
        assert message.headers == {"position": str(record["position"]).encode(),
                                   "event_type": record["event_type"].encode(),
                                   "format": FORMAT.encode()}
    # Keyed by subject: one achievement's or contract's records stay in one partition, in order.
    partitions: dict[bytes, set[int]] = {}
    for message in received:
        partitions.setdefault(message.key, set()).add(message.partition)
    assert all(len(p) == 1 for p in partitions.values())

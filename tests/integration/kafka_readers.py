"""Helpers for the Kafka tests: read topics with librdkafka (confluent-kafka, manual partition
assignment, no consumer group) and dump the views for comparison."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, Consumer, Message, TopicPartition

from api.runtime import all_projections
from projections.store import ViewDB

READ_DEADLINE_S = 60


@dataclass(frozen=True)
class Received:
    partition: int
    key: bytes
    value: bytes
    headers: dict[str, bytes]


def read_topic(bootstrap: str, topic: str, positions: set[int]) -> list[Received]:
    """Every message of `topic`, partition by partition in offset order, read until each of
    `positions` has arrived (by its header; relay resends make counting messages unreliable,
    and the test broker's high watermark may trail what it has acknowledged)."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "independent-reader",
                         "enable.auto.commit": False})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
        received: list[Received] = []
        missing = set(positions)
        deadline = time.monotonic() + READ_DEADLINE_S
        while missing and time.monotonic() < deadline:
            for message in consumer.consume(1000, timeout=0.5):
                assert message.error() is None, message.error()
                received.append(_received(message))
                missing.discard(int(received[-1].headers["position"]))
        return received
    finally:
        consumer.close()


def _received(message: Message) -> Received:
    partition, key, value = message.partition(), message.key(), message.value()
    assert partition is not None and isinstance(key, bytes) and isinstance(value, bytes)
    headers = {str(pair[0]): pair[1] for pair in list(message.headers() or [])
               if isinstance(pair[1], bytes)}
    return Received(partition, key, value, headers)


# Not ledger data: a random id naming one view store's lifetime, so that each process's
# in-memory matching index knows when the views were rebuilt (projections/matching_index.py).
STORE_IDENTITY = {"match_store"}


def dump_views(db: ViewDB) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every view table (bar the store's identity), in a stable order."""
    tables = [table for projection in all_projections() for table in projection.tables
              if table not in STORE_IDENTITY]
    with db.read() as tx:
        return {table: sorted((tuple(row.values()) for row in tx.execute(f"SELECT * FROM {table}")),
                              key=repr)
                for table in tables}

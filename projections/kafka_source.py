"""Feed the views from Kafka's all-events topic (`techledger project --source kafka`).

Workers of one consumer group share the topic's partitions. The views join across aggregates,
so they take events in ledger order whatever partition they arrive on: a message is applied once
the views have reached its `previous_position` (the chain the relay writes). The position is
written in the same transaction as the view rows, so a message delivered again (a relay resend,
a crash before the offset commit, a rebalance) is recognised by its position and skipped.
Offsets are committed after that transaction."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kafka import ConsumerRebalanceListener, KafkaConsumer, OffsetAndMetadata, TopicPartition
from kafka.errors import KafkaError

from projections.applier import ViewApplier

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Chained:
    """A decoded message: the event, its ledger position and the position published before it."""

    position: int
    previous_position: int
    event: Any


Decoder = Callable[[bytes], Chained]


@dataclass(frozen=True)
class Buffered:
    offset: int
    message: Chained


class KafkaProjector(ConsumerRebalanceListener):  # type: ignore[misc]
    """One worker of the projector group: buffers its partitions, applies what is next."""

    def __init__(self, views: ViewApplier, consumer: KafkaConsumer, topic: str, decode: Decoder,
                 *, batch_size: int = 1000, max_buffered: int = 20_000,
                 idle_poll_ms: int = 200, waiting_poll_ms: int = 10) -> None:
        self.views = views
        self.consumer = consumer
        self.decode = decode
        self.batch_size = batch_size
        self.max_buffered = max_buffered
        self.idle_poll_ms = idle_poll_ms
        self.waiting_poll_ms = waiting_poll_ms
        self._buffers: dict[TopicPartition, deque[Buffered]] = {}
        self._consumed: dict[TopicPartition, int] = {}  # next offset to commit, per partition
        self._committed: dict[TopicPartition, int] = {}
        self._stop = threading.Event()
        consumer.subscribe([topic], listener=self)

    def run(self) -> None:
        while not self._stop.is_set():
            self.step()

    def stop(self) -> None:
        self._stop.set()

    def step(self) -> int:
        """Poll once, apply what the views can take next, commit offsets; return events applied."""
        waiting = any(self._buffers.values())
        records = self.consumer.poll(
            timeout_ms=self.waiting_poll_ms if waiting else self.idle_poll_ms)
        for partition, messages in records.items():
            self._take(partition, messages)
        applied = self._apply_ready()
        self._commit()
        self._flow_control()
        return applied

    def _take(self, partition: TopicPartition, messages: list[Any]) -> None:
        buffer = self._buffers.setdefault(partition, deque())
        for record in messages:
            message = self.decode(record.value)
            if buffer and message.position <= buffer[-1].message.position:
                continue  # a relay resend of what this buffer already holds
            buffer.append(Buffered(record.offset, message))

    def _apply_ready(self) -> int:
        """Apply, in one transaction, the run of messages that continues the views' position."""
        if self._next(self.views.tracked()) is None:
            return 0
        count = 0
        with self.views.db.write() as tx:
            done = self.views.tracked(tx)  # locked: another worker may have moved it
            while count < self.batch_size and (partition := self._next(done)) is not None:
                item = self._buffers[partition].popleft()
                self._consumed[partition] = item.offset + 1
                self.views.apply(tx, item.message.position, item.message.event)
                done = item.message.position
                count += 1
            if count:
                self.views.mark(tx, done)
        self.views.advanced(done)
        return count

    def _next(self, done: int) -> TopicPartition | None:
        """The partition whose head continues from `done`, after dropping what is applied."""
        self._drop_applied(done)
        for partition, buffer in self._buffers.items():
            if buffer and buffer[0].message.previous_position <= done:
                return partition
        return None

    def _drop_applied(self, done: int) -> None:
        for partition, buffer in self._buffers.items():
            while buffer and buffer[0].message.position <= done:
                self._consumed[partition] = buffer.popleft().offset + 1

    def _commit(self) -> None:
        offsets = {partition: OffsetAndMetadata(offset, "", -1)
                   for partition, offset in self._consumed.items()
                   if self._committed.get(partition) != offset}
        if not offsets:
            return
        try:
            self.consumer.commit(offsets)
        except KafkaError:
            # A rebalance took the partition: its new owner re-reads from the last commit and
            # skips by position what the views already hold.
            log.warning("offset commit failed; the messages will be skipped when read again")
            return
        self._committed.update({p: o.offset for p, o in offsets.items()})

    def _flow_control(self) -> None:
        """Stop fetching a partition whose buffer is full (waiting for another partition)."""
        for partition, buffer in self._buffers.items():
            if len(buffer) >= self.max_buffered:
                self.consumer.pause(partition)
            elif len(buffer) < self.max_buffered // 2 and partition in self.consumer.paused():
                self.consumer.resume(partition)

    # ConsumerRebalanceListener: kafka-python calls these on its IO thread, where blocking
    # consumer calls (commit) are refused. Offsets not yet committed are read again by the
    # partition's next owner, which skips by position what the views already hold.
    def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        for partition in revoked:
            self._buffers.pop(partition, None)
            self._consumed.pop(partition, None)
            self._committed.pop(partition, None)

    def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        log.info("projector assigned %s", sorted(p.partition for p in assigned))

    def close(self) -> None:
        self._commit()
        self.consumer.close()

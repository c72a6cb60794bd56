"""The Kafka relay: follows the notification log and publishes every event (ARCHITECTURE.md, data
flow 3). Its position is committed only after the broker acknowledged every message up to it, so
a crash re-sends at most the unacknowledged tail; consumers drop what they already have by
position."""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Protocol
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification
from kafka import KafkaProducer
from kafka.errors import KafkaError
from kafka.producer.future import FutureRecordMetadata

from services.integration_events import IntegrationEvent
from services.kafka_topics import Topics, ensure_topics
from services.national_export import NationalExporter, kafka_message
from services.persistence import TRANSIENT
from services.settings import Settings

log = logging.getLogger(__name__)
RELAY_TRACKING = "relay"
RETRY_PAUSE_S = 1.0
# Failures a retry from the committed position may outlive: the broker's, or the databases'.
RETRYABLE = (KafkaError, *TRANSIENT)


class PositionStore(Protocol):
    """Where the relay commits its position (projections.positions.Positions)."""

    def get(self, name: str) -> int: ...
    def put(self, name: str, position: int) -> None: ...


def idempotent_producer(settings: Settings) -> KafkaProducer:
    """acks=all with idempotence: retries neither duplicate nor reorder within a partition."""
    return KafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers,
                         client_id="techledger-relay", acks="all", enable_idempotence=True,
                         linger_ms=settings.kafka_linger_ms,
                         batch_size=settings.kafka_batch_size,
                         request_timeout_ms=settings.kafka_request_timeout_ms)


class Relay:
    """Publishes each event to its domain topic and to the all-events topic, in ledger order,
    and the public record of each registration change to the national-export topic."""

    def __init__(self, app: Application[UUID], positions: PositionStore, settings: Settings) -> None:
        self.app = app
        self.positions = positions
        self.settings = settings
        self.topics: Topics = ensure_topics(settings)
        self.producer = idempotent_producer(settings)
        self.exporter = NationalExporter(app)
        self._stop = threading.Event()
        self.position = positions.get(RELAY_TRACKING)  # committed: acknowledged up to here
        self._sent = self.position
        # Pages sent but not yet all acknowledged, oldest first: (last position, futures).
        self._in_flight: deque[tuple[int, list[FutureRecordMetadata]]] = deque()

    def publish_next_page(self) -> int:
        """Send the next page while earlier ones are still in flight, and commit the position of
        every page the broker has fully acknowledged; return how many events were sent. With
        nothing new, wait for every acknowledgement (so 0 means all committed)."""
        notifications = self.app.recorder.select_notifications(
            start=self._sent, limit=self.settings.follower_page_size, inclusive_of_start=False)
        if not notifications:
            self._settle(wait=True)
            return 0
        futures = []
        for notification in notifications:
            event = IntegrationEvent.of(notification, self._sent)
            self._sent = event.position
            key, value, headers = event.key(), event.value(), event.headers()
            for topic in (self.topics.domain(event.domain), self.topics.all_events):
                futures.append(self.producer.send(topic, key=key, value=value, headers=headers))
            futures += self._send_national(notification)
        self._in_flight.append((self._sent, futures))
        self._settle(wait=len(self._in_flight) > self.settings.kafka_relay_pages_in_flight)
        return len(notifications)

    def _send_national(self, notification: Notification) -> list[FutureRecordMetadata]:
        """The event's national-export record, if it has one, keyed by the achievement or
        contract it changes (so each one's records keep their order)."""
        record = self.exporter.record(notification)
        if record is None:
            return []
        message = kafka_message(record)
        return [self.producer.send(self.topics.national_export, key=message.key,
                                   value=message.value, headers=message.headers)]

    def _settle(self, *, wait: bool) -> None:
        if wait:
            self.producer.flush()
        while self._in_flight and all(future.is_done for future in self._in_flight[0][1]):
            last, futures = self._in_flight.popleft()
            for future in futures:
                future.get(timeout=0)  # raises the broker's error if a message was not acknowledged
            self.positions.put(RELAY_TRACKING, last)
            self.position = last

    def run(self) -> None:
        """Publish until `stop()`; after a failure, start again from the committed position."""
        while not self._stop.is_set():
            try:
                if self.publish_next_page():
                    continue
            except RETRYABLE:
                log.exception("relay failed at position %s; resending from there", self.position)
                self._restart()
            self._stop.wait(self.settings.kafka_relay_idle_poll_s)

    def _restart(self) -> None:
        self.producer.close(timeout=5)
        self._stop.wait(RETRY_PAUSE_S)
        self._in_flight.clear()  # resent from the committed position; consumers skip repeats
        self.position = self._sent = self.positions.get(RELAY_TRACKING)
        self.producer = idempotent_producer(self.settings)

    def stop(self) -> None:
        self._stop.set()

    def close(self) -> None:
        self.producer.close(timeout=10)

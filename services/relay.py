"""The Kafka relay: follows the notification log and publishes every event (ARCHITECTURE.md, data
flow 3). Its position is committed only after the broker acknowledged every message up to it, so
a crash re-sends at most the unacknowledged tail; consumers drop what they already have by
position."""

from __future__ import annotations

import logging
import threading
from typing import Protocol
from uuid import UUID

from eventsourcing.application import Application
from kafka import KafkaProducer
from kafka.errors import KafkaError

from services.integration_events import IntegrationEvent
from services.kafka_topics import Topics, ensure_topics
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
                         request_timeout_ms=settings.kafka_request_timeout_ms)


class Relay:
    """Publishes each event to its domain topic and to the all-events topic, in ledger order."""

    def __init__(self, app: Application[UUID], positions: PositionStore, settings: Settings) -> None:
        self.app = app
        self.positions = positions
        self.settings = settings
        self.topics: Topics = ensure_topics(settings)
        self.producer = idempotent_producer(settings)
        self._stop = threading.Event()
        self.position = positions.get(RELAY_TRACKING)

    def publish_next_page(self) -> int:
        """Publish the next page after the committed position; return how many events it held."""
        notifications = self.app.recorder.select_notifications(
            start=self.position, limit=self.settings.follower_page_size, inclusive_of_start=False)
        previous = self.position
        futures = []
        for notification in notifications:
            event = IntegrationEvent.of(notification, previous)
            previous = event.position
            key, value, headers = event.key(), event.value(), event.headers()
            for topic in (self.topics.domain(event.domain), self.topics.all_events):
                futures.append(self.producer.send(topic, key=key, value=value, headers=headers))
        self.producer.flush()
        for future in futures:
            future.get(timeout=0)  # raises the broker's error if any message was not acknowledged
        if notifications:
            self.positions.put(RELAY_TRACKING, previous)
            self.position = previous
        return len(notifications)

    def run(self) -> None:
        """Publish until `stop()`; after a failure, start again from the committed position."""
        while not self._stop.is_set():
            try:
                if self.publish_next_page():
                    continue
            except RETRYABLE:
                log.exception("relay failed at position %s; resending from there", self.position)
                self._restart()
            self._stop.wait(self.settings.follower_idle_poll_s)

    def _restart(self) -> None:
        self.producer.close(timeout=5)
        self._stop.wait(RETRY_PAUSE_S)
        self.position = self.positions.get(RELAY_TRACKING)
        self.producer = idempotent_producer(self.settings)

    def stop(self) -> None:
        self._stop.set()

    def close(self) -> None:
        self.producer.close(timeout=10)

"""Kafka topic names and their creation, all from settings."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from services.integration_events import ALL_EVENTS, DOMAINS
from services.national_export import NATIONAL_EXPORT
from services.settings import Settings


@dataclass(frozen=True)
class Topics:
    prefix: str

    @property
    def all_events(self) -> str:
        return f"{self.prefix}.{ALL_EVENTS}"

    def domain(self, name: str) -> str:
        return f"{self.prefix}.{name}"

    @property
    def national_export(self) -> str:
        """Public records for the national database (services/national_export.py)."""
        return f"{self.prefix}.{NATIONAL_EXPORT}"

    def every(self) -> list[str]:
        return [self.all_events, *(self.domain(name) for name in DOMAINS), self.national_export]


def ensure_topics(settings: Settings) -> Topics:
    """Create the topics that are missing, with the partitions and retention of the settings."""
    topics = Topics(settings.kafka_topic_prefix)
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers,
                             client_id="techledger-admin",
                             request_timeout_ms=settings.kafka_request_timeout_ms)
    try:
        existing = set(admin.list_topics())
        config = {"retention.ms": str(settings.kafka_retention_ms)}
        missing = [
            NewTopic(name, settings.kafka_all_events_partitions if name == topics.all_events
                     else settings.kafka_partitions, settings.kafka_replication_factor,
                     topic_configs=config)
            for name in topics.every() if name not in existing
        ]
        for topic in missing:  # one by one: another process may create some at the same time
            with suppress(TopicAlreadyExistsError):
                admin.create_topics([topic])
    finally:
        admin.close()
    return topics

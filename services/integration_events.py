"""Integration events: how each ledger event travels on Kafka (schema version 1).

A message's key is the aggregate id (so one aggregate's events keep their order in a partition),
its value an orjson object, its headers the ledger position, the previous published position,
the event type and the schema version. `data` is the event as stored: JSON in which Decimal,
date, UUID, Enum and tuples are tagged objects `{"__t": ...}` (services/transcoder.py), so
any consumer can read it and ours rebuild the exact event. `previous_position` chains the
messages in ledger order across partitions: a consumer that needs the global order applies a
message once it has applied the previous one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Mapper, Notification, StoredEvent

from services.transcoder import OrjsonTranscoder

SCHEMA_VERSION = 1
ALL_EVENTS = "all-events"
# The topic each domain module's events go to (besides the all-events topic).
DOMAIN_OF_MODULE = {
    "domain.party": "registry", "domain.project": "registry", "domain.achievement": "registry",
    "domain.registration": "registry",
    "domain.evaluation": "evaluation", "domain.evaluation_policy": "evaluation",
    "domain.valuation": "evaluation",
    "domain.contract": "trades", "domain.rights": "trades",
    # The market's demand side: demands, listings and matches lead to contracts.
    "domain.demand": "trades", "domain.listing": "trades", "domain.match": "trades",
    "domain.market_event": "trades",  # roadshows, direct trains, challenges lead to deals
    "domain.pledge": "pledges",
    "domain.misconduct": "integrity", "domain.standing": "integrity",
    "domain.access": "access",
}
DOMAINS = tuple(sorted(set(DOMAIN_OF_MODULE.values())))
Headers = list[tuple[str, bytes]]


class UnknownEventDomain(ValueError):
    """A stored topic from a module no domain topic is declared for (DOMAIN_OF_MODULE)."""


@dataclass(frozen=True)
class IntegrationEvent:
    position: int
    previous_position: int
    aggregate_id: UUID
    aggregate_version: int
    topic: str  # the stored event topic, e.g. "domain.pledge:Pledge.Registered"
    state: bytes  # the event as stored: orjson JSON, spliced into the message as `data`

    @property
    def data(self) -> Any:
        return orjson.loads(self.state)

    @property
    def event_type(self) -> str:
        return self.topic.split(":", 1)[1]

    @property
    def domain(self) -> str:
        module = self.topic.split(":", 1)[0]
        try:
            return DOMAIN_OF_MODULE[module]
        except KeyError:
            raise UnknownEventDomain(f"no Kafka domain topic for events of {module}") from None

    @classmethod
    def of(cls, notification: Notification, previous_position: int) -> IntegrationEvent:
        return cls(notification.id, previous_position, UUID(str(notification.originator_id)),
                   notification.originator_version, notification.topic, notification.state)

    def key(self) -> bytes:
        return str(self.aggregate_id).encode()

    def value(self) -> bytes:
        head = orjson.dumps({
            "schema_version": SCHEMA_VERSION, "position": self.position,
            "previous_position": self.previous_position, "aggregate_id": str(self.aggregate_id),
            "aggregate_version": self.aggregate_version, "event_type": self.event_type,
            "topic": self.topic, "domain": self.domain,
        })
        # The stored JSON goes in as it is: decoding and encoding it again cost the relay time.
        return head[:-1] + b',"data":' + self.state + b"}"

    def headers(self) -> Headers:
        return [("position", str(self.position).encode()),
                ("previous_position", str(self.previous_position).encode()),
                ("event_type", self.event_type.encode()),
                ("schema_version", str(SCHEMA_VERSION).encode())]

    @classmethod
    def decode(cls, value: bytes) -> IntegrationEvent:
        body = orjson.loads(value)
        if body.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"unsupported integration event schema {body.get('schema_version')!r}")
        return cls(int(body["position"]), int(body["previous_position"]), UUID(body["aggregate_id"]),
                   int(body["aggregate_version"]), str(body["topic"]), orjson.dumps(body["data"]))

    def to_domain_event(self, mapper: Mapper[UUID]) -> Any:
        """The domain event, decoded (and upcast) exactly as from the event store."""
        stored = StoredEvent(self.aggregate_id, self.aggregate_version, self.topic, self.state)
        return mapper.to_domain_event(stored)


def event_mapper() -> Mapper[UUID]:
    """The mapper a Kafka consumer decodes with: the ledger's own transcoder, no event store."""
    return Mapper(transcoder=OrjsonTranscoder())

"""The leaf of the transparency log for one ledger event: a canonical encoding of its place and
a digest of its stored payload, so that changing, removing or reordering a stored event changes
the tree (issue 7; leaves as in RFC 6962 §2.1, hashed by services.merkle.leaf_hash)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import orjson
from eventsourcing.persistence import StoredEvent

LEAF_FORMAT = "techledger-leaf/1"


class UnreadableEvent(ValueError):
    """A stored payload without its recording time: not as the ledger wrote it."""


@dataclass(frozen=True)
class LeafEntry:
    """One line per field, in this order; no field can hold a newline, so the text is canonical."""

    position: int
    aggregate_id: str
    aggregate_version: int
    event_type: str  # the stored topic, e.g. "domain.pledge:Pledge.Registered"
    recorded_at: str  # the library's recording timestamp (UTC, ISO 8601), from the payload
    payload_sha256: str  # hex digest of the stored payload bytes

    @classmethod
    def of(cls, position: int, stored: StoredEvent) -> LeafEntry:
        if not isinstance(stored.state, bytes):  # e.g. rewritten as text behind the ledger's back
            raise UnreadableEvent("stored payload is not bytes")
        return cls(position, str(stored.originator_id), stored.originator_version, stored.topic,
                   recorded_at(stored.state), hashlib.sha256(stored.state).hexdigest())

    def encode(self) -> bytes:
        fields = (LEAF_FORMAT, str(self.position), self.aggregate_id, str(self.aggregate_version),
                  self.event_type, self.recorded_at, self.payload_sha256)
        return "".join(f"{field}\n" for field in fields).encode()

    @classmethod
    def decode(cls, data: bytes) -> LeafEntry:
        lines = data.decode().split("\n")
        if len(lines) != 8 or lines[0] != LEAF_FORMAT or lines[7] != "":
            raise ValueError("not a techledger-leaf/1 entry")
        entry = cls(int(lines[1]), lines[2], int(lines[3]), lines[4], lines[5], lines[6])
        if entry.encode() != data:
            raise ValueError("leaf entry is not in canonical form")
        return entry


def recorded_at(state: bytes) -> str:
    """The recording timestamp inside a stored payload (services/transcoder.py tags it `dt`)."""
    try:
        stamp = orjson.loads(state)["timestamp"]
        if stamp["__t"] == "dt" and isinstance(stamp["v"], str) and "\n" not in stamp["v"]:
            return str(stamp["v"])
    except (orjson.JSONDecodeError, KeyError, TypeError) as error:
        raise UnreadableEvent("stored payload has no recording time") from error
    raise UnreadableEvent("stored payload has no recording time")

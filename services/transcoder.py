"""The one orjson transcoder: Decimal, date, datetime, UUID, Enum, tuples and domain
dataclasses round-trip exactly, as tagged JSON objects `{"__t": tag, ...}`."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Transcoder
from eventsourcing.utils import get_topic, resolve_topic

TAG = "__t"
# Only classes from our own domain may be rebuilt from stored data, never arbitrary topics.
TRUSTED_TOPIC_PREFIXES = ("domain.",)


def _trusted(topic: str, kind: str) -> Any:
    """Resolve a stored topic only to one of our own Enum or dataclass types.

    The prefix alone is not enough: topics may walk attributes ("domain.x:re.compile"),
    so the result must be a class whose own topic is exactly the stored one."""
    if not topic.startswith(TRUSTED_TOPIC_PREFIXES):
        raise ValueError(f"refusing to decode untrusted type {topic!r}")
    cls = resolve_topic(topic)
    is_kind = (issubclass(cls, Enum) if kind == "enum" else dataclasses.is_dataclass(cls)) \
        if isinstance(cls, type) else False
    if not is_kind or get_topic(cls) != topic:
        raise ValueError(f"refusing to decode {topic!r}: not a domain {kind} type")
    return cls


def to_tagged(obj: Any) -> Any:
    """Turn a value into plain JSON data in which every special type is tagged."""
    kind = type(obj)
    if kind in _PLAIN:
        return obj
    if isinstance(obj, Enum):  # before str: a StrEnum is also a str
        return {TAG: "enum", "c": get_topic(kind), "v": obj.value}
    encode = _ENCODERS.get(kind)
    if encode is not None:
        return encode(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = {f.name: to_tagged(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        return {TAG: "dc", "c": get_topic(kind), "v": fields}
    raise TypeError(f"cannot transcode {kind.__qualname__}")


def from_tagged(data: Any) -> Any:
    """Inverse of `to_tagged`."""
    if isinstance(data, list):
        return [from_tagged(v) for v in data]
    if not isinstance(data, dict):
        return data
    tag = data.get(TAG)
    if tag is None:
        return {k: from_tagged(v) for k, v in data.items()}
    return _DECODERS[tag](data)


def _encode_dict(obj: dict[Any, Any]) -> dict[str, Any]:
    if not all(type(k) is str for k in obj):
        raise TypeError("only str keys can be transcoded")
    encoded = {k: to_tagged(v) for k, v in obj.items()}
    # A plain dict that happens to use the tag key is escaped, so it cannot pose as a tag.
    return {TAG: "dict", "v": encoded} if TAG in obj else encoded


_PLAIN: frozenset[type] = frozenset({str, int, float, bool, type(None)})
_ENCODERS: dict[type, Callable[[Any], Any]] = {
    dict: _encode_dict,
    list: lambda o: [to_tagged(v) for v in o],
    tuple: lambda o: {TAG: "tuple", "v": [to_tagged(v) for v in o]},
    Decimal: lambda o: {TAG: "dec", "v": str(o)},
    datetime: lambda o: {TAG: "dt", "v": o.isoformat()},
    date: lambda o: {TAG: "date", "v": o.isoformat()},
    UUID: lambda o: {TAG: "uuid", "v": o.hex},
}
_DECODERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "dict": lambda d: {k: from_tagged(v) for k, v in d["v"].items()},
    "enum": lambda d: _trusted(d["c"], "enum")(d["v"]),
    "dc": lambda d: _trusted(d["c"], "dc")(**{k: from_tagged(v) for k, v in d["v"].items()}),
    "tuple": lambda d: tuple(from_tagged(v) for v in d["v"]),
    "dec": lambda d: Decimal(d["v"]),
    "dt": lambda d: datetime.fromisoformat(d["v"]),
    "date": lambda d: date.fromisoformat(d["v"]),
    "uuid": lambda d: UUID(d["v"]),
}


class OrjsonTranscoder(Transcoder):
    """eventsourcing Transcoder backed by orjson and the tagging above."""

    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(to_tagged(obj))

    def decode(self, data: bytes) -> Any:
        return from_tagged(orjson.loads(data))


def canonical_bytes(obj: Any) -> bytes:
    """A deterministic encoding (sorted keys) for digests of command bodies."""
    return orjson.dumps(to_tagged(obj), option=orjson.OPT_SORT_KEYS)

"""Plain JSON of events for read models and API answers (Decimal as string, enums as values)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson

# Library bookkeeping that read models do not repeat.
_INTERNAL = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic",
                       "request_digest"})


def _default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__qualname__}")


def dumps(obj: Any) -> str:
    return orjson.dumps(obj, default=_default).decode()


def event_payload(event: object) -> dict[str, Any]:
    """The business content of an event as plain JSON data."""
    data = {k: v for k, v in vars(event).items() if k not in _INTERNAL}
    loaded: dict[str, Any] = orjson.loads(dumps(data))
    return loaded

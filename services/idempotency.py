"""Idempotent creation: the new aggregate's id is derived from the client's key (uuid5)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from domain.base import LedgerAggregate, derived_id
from domain.errors import IdempotencyKeyReused
from services.transcoder import canonical_bytes
from services.uow import UnitOfWork

A = TypeVar("A", bound=LedgerAggregate)


def request_digest(body: Any) -> str:
    return hashlib.sha256(canonical_bytes(body)).hexdigest()


def fresh_key() -> str:
    """A key nobody used before (tests and the demo use it to create without a client key)."""
    return uuid.uuid4().hex


def create_once(
    uow: UnitOfWork, cls: type[A], kind: str, key: str | None, body: Any,
    build: Callable[[UUID, str], A],
) -> tuple[A, bool]:
    """Return (aggregate, created). A retry with the same key and body finds the first
    result and writes nothing; the same key with another body is refused (409).

    Without a key every call creates anew, under a random id that cannot exist yet, so
    there is nothing to look up."""
    digest = request_digest(body)
    if key is None:
        aggregate = build(uuid.uuid4(), digest)
        uow.add(aggregate)
        return aggregate, True
    aggregate_id = derived_id(kind, key)
    existing = uow.find(cls, aggregate_id)
    if existing is not None:
        if existing.request_digest != digest:
            raise IdempotencyKeyReused(
                f"Idempotency-Key {key!r} was first used with a different request body",
                key=key,
            )
        return existing, False
    aggregate = build(aggregate_id, digest)
    uow.add(aggregate)
    return aggregate, True

"""What create commands return."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class Created:
    """The created (or, on an idempotent retry, previously created) aggregate."""

    id: UUID
    replayed: bool
    registration_number: str | None = None
    status: str | None = None  # where a case-like record stands after the command

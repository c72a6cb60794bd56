"""The base of every techledger aggregate: business dates, actors and idempotent creation."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import InvalidInput

LEDGER_NAMESPACE = uuid5(NAMESPACE_URL, "https://techledger.example/ns")


def derived_id(kind: str, key: str) -> UUID:
    """A stable aggregate id derived from a kind and a natural or client key (uuid5)."""
    return uuid5(LEDGER_NAMESPACE, f"{kind}:{key}")


class LedgerAggregate(Aggregate):
    """Every event carries the business date it takes effect and who recorded it."""

    class Event(Aggregate.Event):
        effective_date: date
        actor: str

        def mutate(self, aggregate: Any) -> Any:
            mutated = super().mutate(aggregate)
            assert mutated is not None
            mutated.last_effective_date = self.effective_date
            return mutated

    class Created(Event, Aggregate.Created):
        # Digest of the command that created the aggregate: a retry with the same
        # idempotency key but another body is told apart from an honest retry.
        request_digest: str

        def apply(self, aggregate: LedgerAggregate) -> None:
            aggregate.request_digest = self.request_digest
            aggregate.started_on = self.effective_date

    # Which earlier date a new step may not precede: its creation, or its previous step.
    no_steps_before_creation = False
    ordered_dates = False

    def trigger_event(self, *args: Any, **kwargs: Any) -> None:
        day = kwargs["effective_date"]
        if self.ordered_dates and day < self.last_effective_date:
            raise InvalidInput(f"effective_date {day} is before this record's previous step "
                               f"({self.last_effective_date})", field="effective_date")
        if self.no_steps_before_creation and day < self.started_on:
            raise InvalidInput(f"effective_date {day} is before this record took effect "
                               f"({self.started_on})", field="effective_date")
        super().trigger_event(*args, **kwargs)

    def __init__(self) -> None:
        self.request_digest = ""
        self.started_on = date.min  # effective date of its creation
        self.last_effective_date = date.min  # of the latest event; set as each event applies


def require_text(value: str, field: str, *, max_length: int = 500) -> str:
    """A required, trimmed, bounded text field."""
    text = value.strip()
    if not text:
        raise InvalidInput(f"{field} is required / 必填字段: {field}", field=field)
    if len(text) > max_length:
        raise InvalidInput(f"{field} longer than {max_length} characters", field=field)
    return text

"""Unit of work: the aggregates one command loads and changes, saved together in one `save()`."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.domain import CanMutateAggregate

from domain.base import LedgerAggregate
from domain.errors import NotFound

A = TypeVar("A", bound=LedgerAggregate)
T = TypeVar("T")
Event = CanMutateAggregate[UUID]


class UnitOfWork:
    """Loads aggregates for one command, from the batch it runs in or from the repository.

    `staged` holds aggregates already changed by earlier commands of the same batch; a
    command works on copies, so a command that fails leaves its batch-mates untouched.
    """

    def __init__(self, repository: Repository[UUID], staged: dict[UUID, LedgerAggregate]) -> None:
        self._repository = repository
        self._staged = staged
        self.touched: dict[UUID, LedgerAggregate] = {}
        self._known_pending: dict[UUID, int] = {}

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate with this id, or None if there is none (or it is of another type)."""
        aggregate = self.touched.get(aggregate_id)
        if aggregate is None:
            aggregate = self._load(aggregate_id)
            if aggregate is None:
                return None
            self._track(aggregate)
        return aggregate if isinstance(aggregate, cls) else None

    def get(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        """The aggregate with this id, or `NotFound` naming `what` it should have been."""
        aggregate = self.find(cls, aggregate_id)
        if aggregate is None:
            raise NotFound(what, aggregate_id)
        return aggregate

    def add(self, aggregate: LedgerAggregate) -> None:
        """Stage a newly created aggregate."""
        self.touched[aggregate.id] = aggregate
        self._known_pending[aggregate.id] = 0

    def changed(self) -> dict[UUID, LedgerAggregate]:
        """The aggregates this command changed (only these need staging for the batch)."""
        return {agg_id: aggregate for agg_id, aggregate in self.touched.items()
                if len(aggregate.pending_events) > self._known_pending[agg_id]}

    def new_events(self) -> list[Event]:
        """The events this command triggered, in the order they were triggered.

        Sorting is stable on the trigger timestamp, so ties keep the order of touching."""
        events: list[Event] = []
        for agg_id, aggregate in self.touched.items():
            events.extend(aggregate.pending_events[self._known_pending[agg_id]:])
        return sorted(events, key=lambda event: event.timestamp)

    def _load(self, aggregate_id: UUID) -> LedgerAggregate | None:
        staged = self._staged.get(aggregate_id)
        if staged is not None:
            # Events are immutable: the copy shares them, so copying does not grow with
            # the number of commands already staged on this aggregate.
            shared: dict[int, Any] = {id(event): event for event in staged.pending_events}
            return copy.deepcopy(staged, shared)
        try:
            loaded: object = self._repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        assert isinstance(loaded, LedgerAggregate)
        return loaded

    def _track(self, aggregate: LedgerAggregate) -> None:
        self.touched[aggregate.id] = aggregate
        self._known_pending[aggregate.id] = len(aggregate.pending_events)


Work = Callable[[UnitOfWork], T]


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a command returned, and the ledger position of its last event (None: no write)."""

    value: T
    position: int | None


class ConcurrencyExhausted(RuntimeError):
    """A command kept conflicting with concurrent writers beyond its bounded retries."""


def positions_of(events: list[Event], recorded: dict[tuple[UUID, int], int]) -> int | None:
    """The highest notification id among a command's events."""
    ids = [recorded[(e.originator_id, e.originator_version)] for e in events]
    return max(ids) if ids else None


def index_recordings(recordings: list[Any]) -> dict[tuple[UUID, int], int]:
    return {
        (r.domain_event.originator_id, r.domain_event.originator_version): r.notification.id
        for r in recordings
    }

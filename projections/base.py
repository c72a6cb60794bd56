"""What a projection is: tables it owns, and a handler per event class it cares about."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from projections.store import Tx


@dataclass(frozen=True)
class Applied:
    """An event with its place in the ledger: global position and recording time."""

    event: Any
    position: int
    recorded_at: datetime


Handler = Callable[[Tx, Applied], None]


class Projection:
    """Subclasses list their DDL and map event classes to handlers."""

    tables: tuple[str, ...] = ()
    ddl: tuple[str, ...] = ()

    def handlers(self) -> dict[type, Handler]:
        return {}

    def create(self, tx: Tx) -> None:
        for statement in self.ddl:
            tx.execute(statement)

    def drop(self, tx: Tx) -> None:
        for table in self.tables:
            tx.execute(f"DROP TABLE IF EXISTS {table}")

"""The demand expiry sweep (技术需求到期): open demands whose deadline has passed become
expired. The views name the candidates (open, deadline before the day); the command checks each
one again on its aggregate, so a lagging view costs at most one more sweep, never a wrong
expiry. Run by a background thread of the serving process every
`TECHLEDGER_DEMAND_EXPIRY_INTERVAL_S` seconds (0: never), started with the app (api/app.py,
so not in `techledger project`), and on demand by operators (`POST /v1/demands/expiry-sweep`)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from projections import matching_index
from projections.store import ViewDB
from services import demand_commands as d
from services.ledger import Ledger

if TYPE_CHECKING:
    from api.runtime import Runtime

ACTOR = "system:demand-expiry"
BATCH = 200  # demands per command: one transaction each, retried alone on a conflict


@dataclass(frozen=True)
class SweepResult:
    as_of: date
    candidates: int
    expired: list[UUID]
    position: int | None


def overdue(views: ViewDB, as_of: date) -> list[UUID]:
    with views.read() as tx:
        rows = tx.execute("SELECT id FROM demands WHERE status = 'open' AND deadline < ? "
                          "ORDER BY deadline, id", (as_of.isoformat(),))
    return [UUID(r["id"]) for r in rows]


def sweep(ledger: Ledger, views: ViewDB, as_of: date | None = None, *,
          actor: str = ACTOR) -> SweepResult:
    """Expire every open demand whose deadline is before `as_of` (default: today)."""
    day = as_of or ledger.today()
    candidates = overdue(views, day)
    expired: list[UUID] = []
    position = None
    for start in range(0, len(candidates), BATCH):
        command = d.ExpireOverdueDemands(tuple(candidates[start:start + BATCH]), day)
        outcome = ledger.expire_overdue_demands(command, actor=actor)
        expired += outcome.value
        position = outcome.position or position
    return SweepResult(day, len(candidates), expired, position)


class ExpirySweeper:
    """A daemon thread: a sweep at start, then one every `interval_s`, until stopped. It first
    loads the matching index (projections.matching_index), so that the first candidates query
    of the process does not pay for it (about 10 s at 100,000 achievements)."""

    def __init__(self, ledger: Ledger, views: ViewDB, interval_s: float) -> None:
        self.ledger, self.views, self.interval_s = ledger, views, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demand-expiry", daemon=True)
        self.last: SweepResult | None = None

    def start(self) -> ExpirySweeper:
        self._thread.start()
        return self

    def _run(self) -> None:
        with self.views.read() as tx:
            matching_index.warm(tx)
        while not self._stop.is_set():
            self.last = sweep(self.ledger, self.views)
            self._stop.wait(self.interval_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)


def start_for(runtime: Runtime) -> ExpirySweeper | None:
    """The serving process's sweeper, per its settings."""
    interval = runtime.settings.demand_expiry_interval_s
    if interval <= 0:
        return None
    return ExpirySweeper(runtime.ledger, runtime.views, interval).start()

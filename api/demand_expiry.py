"""The demand expiry sweep (技术需求到期): open demands whose deadline has passed become
expired. The views name the candidates (open, deadline before the day); the command checks each
one again on its aggregate, so a lagging view costs at most one more sweep, never a wrong
expiry. The serving process sweeps once while it starts (before it answers any request, so no
request sees the ledger move under it) and then every `TECHLEDGER_DEMAND_EXPIRY_INTERVAL_S`
seconds in a background thread (0: never); not in `techledger project`. Operators sweep on
demand with `POST /v1/demands/expiry-sweep`."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from projections.follower import TRANSIENT
from projections.store import ViewDB
from services import demand_commands as d
from services.handlers.demands import refuse_sweep_ahead
from services.ledger import Ledger

if TYPE_CHECKING:
    from api.runtime import Runtime

log = logging.getLogger(__name__)
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
    refuse_sweep_ahead(day, ledger.today())  # before the views: also when none is due
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
    """A sweep when started, then one every `interval_s` in a daemon thread, until stopped.
    A failing sweep (the event store or the views unreachable, a conflict retried out) is
    logged and the next one runs on time: an outage must not end expiry for good. Any other
    error is a bug and ends the thread loudly."""

    def __init__(self, ledger: Ledger, views: ViewDB, interval_s: float) -> None:
        self.ledger, self.views, self.interval_s = ledger, views, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demand-expiry", daemon=True)
        self.last: SweepResult | None = None

    def start(self) -> ExpirySweeper:
        self._sweep_once()
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._sweep_once()

    def _sweep_once(self) -> None:
        try:
            self.last = sweep(self.ledger, self.views)
        except TRANSIENT:
            log.exception("demand expiry sweep failed; the next one runs in %ss",
                          self.interval_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)


def start_for(runtime: Runtime) -> ExpirySweeper | None:
    """The serving process's sweeper, per its settings (None when switched off)."""
    interval = runtime.settings.demand_expiry_interval_s
    if interval <= 0:
        return None
    return ExpirySweeper(runtime.ledger, runtime.views, interval).start()

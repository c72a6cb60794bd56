"""One view read per page render, against each query function reading for itself: the statistics
page (three summaries and the flow matrix over the counted contracts) and the post-evaluation
page (by grade, agency and expert over the finalized evaluations and their stories).

In process on the benchmark's data dir (after the server stopped), the two ways interleaved
round by round so that other jobs on a shared machine slow both alike; each render in its own
view transaction, as a request has. Also counts the SQL statements each render runs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from api.console import post_evaluation_view as pev
from api.console.pages_statistics import figures, jjj_flows, summaries
from api.runtime import Runtime
from projections.store import Row, Tx
from services.settings import Settings

Render = Callable[[Tx], object]


class Counting:
    """The real view transaction, counting statements (read-only here)."""

    def __init__(self, tx: Tx) -> None:
        self.tx, self.statements = tx, 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.statements += 1
        return self.tx.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise TypeError("a page render does not write")


@dataclass(frozen=True)
class ReadRow:
    case: str
    statements: int
    samples: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)


def cases(asked: pev.Asked) -> dict[str, Render]:
    return {
        "statistics, each function reads": lambda tx: (summaries(tx), jjj_flows(tx)),
        "statistics, one read": figures,
        "post-evaluation, each function reads": lambda tx: (
            pev.by_grade(tx, asked), pev.by_agency(tx, asked), pev.by_experts(tx, asked)),
        "post-evaluation, one read": lambda tx: pev.tables(tx, asked),
    }


def measure(settings: Settings, rounds: int) -> list[ReadRow]:
    runtime = Runtime.open(settings, follow=False)
    try:
        todo = cases(pev.Asked(12, runtime.ledger.today()))
        counts = {}
        for name, render in todo.items():
            with runtime.views.read() as tx:
                counting = Counting(tx)
                render(counting)
                counts[name] = counting.statements
        samples: dict[str, list[float]] = {name: [] for name in todo}
        for _ in range(rounds):
            for name, render in todo.items():
                with runtime.views.read() as tx:
                    start = time.perf_counter()
                    render(tx)
                    samples[name].append((time.perf_counter() - start) * 1000)
    finally:
        runtime.close()
    return [ReadRow(name, counts[name], samples[name]) for name in todo]


def report(rows: list[ReadRow]) -> None:
    print(f"\n{'render (in process)':<38} {'statements':>10} {'p50 ms':>8}")
    for r in rows:
        print(f"{r.case:<38} {r.statements:>10} {r.p50:>8.2f}")

"""Reading the views from console pages (plain `def` handlers: they run in the threadpool)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from fastapi import Request

from api.runtime import Runtime
from projections.store import Row, Tx


def runtime_of(request: Request) -> Runtime:
    runtime = request.app.state.runtime
    assert isinstance(runtime, Runtime)
    return runtime


@contextmanager
def read_views(request: Request) -> Iterator[Tx]:
    with runtime_of(request).views.read() as tx:
        yield tx


def day_or_today(request: Request, given: str | None) -> date:
    """A date from a form's date picker; empty or malformed means today (the API's default)."""
    try:
        return date.fromisoformat(given) if given else runtime_of(request).ledger.today()
    except ValueError:
        return runtime_of(request).ledger.today()


class ReadOnce:
    """A view transaction that runs each distinct query once and answers repeats from memory.

    A page drawn from several query functions that each read the same rows (the statistics
    page: three summaries and the flow matrix, all over the counted contracts) then reads them
    once — and its tables agree, built from the same rows even if the follower writes between
    them (a SQLite view read is not one snapshot). The rows are shared between callers: query
    functions must not change them (none does). Reads only: a write would make the memory
    stale, so it is refused."""

    def __init__(self, tx: Tx) -> None:
        self._tx = tx
        self._answers: dict[tuple[str, tuple[Any, ...]], list[Row]] = {}

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        key = (sql, tuple(params))
        if key not in self._answers:
            self._answers[key] = self._tx.execute(sql, params)
        return self._answers[key]

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise TypeError("ReadOnce is for reading views")

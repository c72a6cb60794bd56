"""Reading the views from console pages (plain `def` handlers: they run in the threadpool)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from fastapi import Request

from api.runtime import Runtime
from projections.store import Tx


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

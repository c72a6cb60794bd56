"""Dependencies: the runtime's parts, read-your-writes waits, pagination."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from api.problems import ApiProblem
from api.runtime import Runtime
from projections.store import Tx
from services.ledger import Ledger


def get_runtime(request: Request) -> Runtime:
    runtime = request.app.state.runtime
    assert isinstance(runtime, Runtime)
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_ledger(runtime: RuntimeDep) -> Ledger:
    return runtime.ledger


LedgerDep = Annotated[Ledger, Depends(get_ledger)]


def read_views(
    runtime: RuntimeDep,
    wait_for_position: Annotated[int | None, Query(
        ge=0, description="wait until the views reflect this ledger position (read-your-writes)"
    )] = None,
) -> Iterator[Tx]:
    """A read transaction on the views, after they reached `wait_for_position` if given."""
    if wait_for_position is not None:
        timeout = runtime.settings.read_wait_timeout_s
        if not runtime.follower.wait_for(wait_for_position, timeout):
            raise ApiProblem(503, "views_behind",
                             f"views have not reached position {wait_for_position} within "
                             f"{timeout}s; retry", zh="视图尚未更新", en="Views not caught up",
                             headers={"Retry-After": "1"})
    with runtime.views.read() as tx:
        yield tx


ViewsDep = Annotated[Tx, Depends(read_views)]


class Paging:
    def __init__(self, page: Annotated[int, Query(ge=1)] = 1,
                 page_size: Annotated[int, Query(ge=1, le=200)] = 20) -> None:
        self.page = page
        self.page_size = page_size


PagingDep = Annotated[Paging, Depends()]


def page_of(items: list[dict[str, Any]], total: int, paging: Paging,
            runtime: Runtime) -> dict[str, Any]:
    return {"items": items, "total": total, "page": paging.page, "page_size": paging.page_size,
            "views_position": runtime.follower.position}


def written_at(ledger: Ledger, position: int | None) -> int:
    """The position a client waits for: the write's own, or (no write) the ledger's head."""
    if position is not None:
        return position
    return int(ledger.recorder.max_notification_id() or 0)

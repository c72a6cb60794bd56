"""Dependencies: the runtime's parts, read-your-writes waits, pagination."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Header, Query, Request, Response

from api.problems import ApiProblem
from api.runtime import Runtime
from api.schemas.common import WriteAccepted
from projections.store import Tx
from services.handlers.results import Created
from services.ledger import Ledger
from services.uow import Outcome


async def get_runtime(request: Request) -> Runtime:
    # async: a pure lookup, so no threadpool hop (see bench/RESULTS.md)
    runtime = request.app.state.runtime
    assert isinstance(runtime, Runtime)
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_ledger(runtime: RuntimeDep) -> Ledger:
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
Receipt = Annotated[bool, Query(description="return a verifiable receipt: the answer, the events "
                                "it rests on with inclusion proofs, and a signed checkpoint")]


@dataclass(frozen=True)
class Paging:
    page: int
    page_size: int


# Far past any registry (2e8 rows at the largest page size), and keeps OFFSET inside the
# stores' 64-bit integers: an unbounded page made SQLite overflow, a 500 [D].
MAX_PAGE = 1_000_000


async def get_paging(page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
                     page_size: Annotated[int, Query(ge=1, le=200)] = 20) -> Paging:
    return Paging(page, page_size)


PagingDep = Annotated[Paging, Depends(get_paging)]


def page_of(items: list[dict[str, Any]], total: int, paging: Paging,
            runtime: Runtime) -> dict[str, Any]:
    return {"items": items, "total": total, "page": paging.page, "page_size": paging.page_size,
            "views_position": runtime.follower.views_position()}


def written_at(ledger: Ledger, position: int | None) -> int:
    """The position a client waits for: the write's own, or (no write) the ledger's head."""
    if position is not None:
        return position
    return int(ledger.recorder.max_notification_id() or 0)


IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


def accepted(ledger: Ledger, aggregate_id: UUID, position: int | None) -> WriteAccepted:
    """The answer to a write on an existing aggregate."""
    return WriteAccepted(id=aggregate_id, position=written_at(ledger, position))


def created(ledger: Ledger, outcome: Outcome[Created], response: Response,
            collection: str) -> WriteAccepted:
    """The answer to a create command (also to its idempotent replay), with its Location."""
    value = outcome.value
    response.headers["Location"] = f"/v1/{collection}/{value.id}"
    return WriteAccepted(id=value.id, position=written_at(ledger, outcome.position),
                         replayed=value.replayed, registration_number=value.registration_number,
                         status=value.status)

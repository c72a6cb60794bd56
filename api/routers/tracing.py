"""Backward tracing (回溯, Baoding item 1 过程回溯; DOMAIN.md "Backward tracing"): timelines for auditors
and registrars, every entry with its ledger position, effective date and recording time."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from api.auth import require
from api.deps import PagingDep, Receipt, RuntimeDep, ViewsDep
from api.receipts import build_receipt
from domain.access import Role
from domain.errors import NotFound
from projections import tracing_queries as q
from services.handlers.access import Principal
from services.receipts import cited_positions

router = APIRouter(tags=["tracing"])
TRACERS = (Role.AUDITOR, Role.REGISTRAR)  # also the web console's timeline pages
Tracer = Annotated[Principal, Depends(require(*TRACERS))]
KnownAt = Annotated[AwareDatetime | None, Query(
    description="the timeline as the ledger knew it then: only entries recorded by this time "
                "(ISO 8601 with offset)")]


@router.get("/v1/achievements/{achievement_id}/timeline")
def achievement_timeline(achievement_id: UUID, views: ViewsDep, runtime: RuntimeDep, _: Tracer,
                         as_known_at: KnownAt = None, receipt: Receipt = False) -> dict[str, Any]:
    """An achievement's whole life: registration, disclosure, evaluations (panel, scores),
    trades and ownership changes, valuations, pledges and releases, decisions touching it.
    With `receipt=true`: every step proved against a signed checkpoint (an auditor can show
    that nobody rewrote it)."""
    answer = q.achievement_timeline(views, str(achievement_id), as_known_at)
    if answer is None:
        raise NotFound("achievement", achievement_id)
    if not receipt:
        return answer
    answer.pop("views_position", None)
    question = {"endpoint": "/v1/achievements/{id}/timeline", "id": str(achievement_id),
                "as_known_at": as_known_at.isoformat() if as_known_at else None}
    return build_receipt(runtime, question, answer, list(cited_positions(answer)))


@router.get("/v1/projects/{project_id}/timeline")
def project_timeline(project_id: UUID, views: ViewsDep, _: Tracer,
                     as_known_at: KnownAt = None) -> dict[str, Any]:
    """A funded project's steps, with the timelines of the achievements linked as its outputs."""
    answer = q.project_timeline(views, str(project_id), as_known_at)
    if answer is None:
        raise NotFound("project", project_id)
    return answer


@router.get("/v1/parties/{party_id}/timeline")
def party_timeline(party_id: UUID, views: ViewsDep, _: Tracer, paging: PagingDep,
                   as_known_at: KnownAt = None) -> dict[str, Any]:
    """What a party did (seller, buyer, owner, pledgor, expert, agency, appraiser …) and what
    was decided about it (sanctions, misconduct), oldest first, one page at a time."""
    answer = q.party_timeline(views, str(party_id), as_known_at, page=paging.page,
                              page_size=paging.page_size)
    if answer is None:
        raise NotFound("party", party_id)
    return answer

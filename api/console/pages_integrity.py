"""Integrity desk: the blacklist as of a date (any signed-in role, as in the API) and a
party's full record (auditors and registrars, as in the API)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from api.auth import ALL_ROLES
from api.console.access import Viewer, need
from api.console.render import not_found, page
from api.console.views import day_or_today, read_views, runtime_of
from api.routers.integrity import OVERSEERS
from projections import integrity_queries as q
from projections.registry_queries import get_one

router = APIRouter(prefix="/console/integrity", include_in_schema=False)
Signed = Annotated[Viewer, Depends(need(*ALL_ROLES))]
Overseer = Annotated[Viewer, Depends(need(*OVERSEERS))]


@router.get("/blacklist", response_class=HTMLResponse)
def blacklist(request: Request, viewer: Signed,
              as_of: Annotated[str | None, Query(max_length=20)] = None) -> HTMLResponse:
    day = day_or_today(request, as_of)
    with read_views(request) as tx:
        result = q.blacklist(tx, as_of=day)
    return page(request, "blacklist.html", viewer, result=result, as_of=day.isoformat())


@router.get("/parties/{party_id}", response_class=HTMLResponse)
def party(request: Request, party_id: UUID, viewer: Overseer) -> HTMLResponse:
    today = runtime_of(request).ledger.today()
    with read_views(request) as tx:
        found = get_one(tx, "parties", str(party_id))
        record = q.party_record(tx, str(party_id), today=today)
    if found is None:
        return not_found(request, viewer)
    return page(request, "party.html", viewer, party=found, record=record)

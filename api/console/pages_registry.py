"""Registry pages: search, the transferable-achievement library, an achievement with its
backward-tracing timeline (回溯) and a downloadable receipt."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import ALL_ROLES
from api.console.access import Viewer, need
from api.console.registry_form import SUBTYPES, Search, fields, regions
from api.console.render import not_found, page
from api.console.views import read_views, runtime_of
from api.problems import ApiProblem
from api.receipts import build_receipt
from api.routers.tracing import TRACERS
from projections import tracing_queries
from projections.evaluation_queries import library, library_entry
from projections.registry_queries import get_one, search_achievements
from services.receipts import cited_positions

router = APIRouter(prefix="/console", include_in_schema=False)
Signed = Annotated[Viewer, Depends(need(*ALL_ROLES))]
Tracer = Annotated[Viewer, Depends(need(*TRACERS))]
PAGE_SIZE = 20
Text = Annotated[str | None, Query(max_length=100)]


@router.get("/achievements", response_class=HTMLResponse)
def achievements(request: Request, viewer: Signed, q: Text = None, category: Text = None,
                 status: Text = None, field: Text = None, region: Text = None,
                 subtype: Text = None, page_no: Annotated[int, Query(alias="page", ge=1)] = 1
                 ) -> HTMLResponse:
    """Chinese substring search with filters (category, status, field, owner region with its
    divisions, Hefei subtype), as GET /v1/achievements."""
    asked = Search(q or "", category or "", status or "", field or "", region or "",
                   subtype or "")
    with read_views(request) as tx:
        rows, total = ([], 0) if asked.error else search_achievements(
            tx, asked.to_filter(), page=page_no, page_size=PAGE_SIZE)
        field_choices, region_choices = fields(tx), regions(tx, asked.region)
    return page(request, "achievements.html", viewer, http_status=422 if asked.error else 200,
                rows=rows, total=total, page_no=page_no, pages=max(1, -(-total // PAGE_SIZE)),
                asked=asked, subtypes=SUBTYPES, fields=field_choices, regions=region_choices)


@router.get("/library", response_class=HTMLResponse)
def library_page(request: Request, viewer: Signed, grade: Text = None) -> HTMLResponse:
    with read_views(request) as tx:
        rows, total = library(tx, grade=grade or None, subtype=None, field=None, page=1,
                              page_size=200)
    return page(request, "library.html", viewer, rows=rows, total=total, grade=grade or "")


@router.get("/achievements/{achievement_id}", response_class=HTMLResponse)
def achievement(request: Request, achievement_id: UUID, viewer: Signed) -> HTMLResponse:
    """The record; the timeline only for the roles the API's timeline admits."""
    with read_views(request) as tx:
        row = get_one(tx, "achievements", str(achievement_id))
        entry = library_entry(tx, str(achievement_id))
        timeline = (tracing_queries.achievement_timeline(tx, str(achievement_id))
                    if viewer.may(TRACERS) else None)
    if row is None:
        return not_found(request, viewer)
    return page(request, "achievement.html", viewer, a=row, entry=entry, timeline=timeline)


@router.get("/achievements/{achievement_id}/receipt", response_model=None)
def receipt(request: Request, achievement_id: UUID, _: Tracer) -> Response:
    """The timeline with `receipt=true`, built here (not over HTTP), saved as a JSON file that
    `techledger verify-receipt` checks offline."""
    runtime = runtime_of(request)
    with read_views(request) as tx:
        answer = tracing_queries.achievement_timeline(tx, str(achievement_id))
    if answer is None:
        raise ApiProblem(404, "not_found", f"no achievement {achievement_id}")
    answer.pop("views_position", None)
    question = {"endpoint": "/v1/achievements/{id}/timeline", "id": str(achievement_id),
                "as_known_at": None}
    body = build_receipt(runtime, question, answer, list(cited_positions(answer)))
    name = f"timeline-receipt-{achievement_id}.json"
    return Response(orjson.dumps(body, option=orjson.OPT_INDENT_2), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

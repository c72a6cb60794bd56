"""Market events desk (路演, 直通车, 创新挑战赛; Baoding items 2, 4, 5): which events produced
deals (as /v1/statistics/events, any role), and an event's line-up, attendance and the contracts
that followed it with their reasons (as /v1/market-events/{id}). Exchange operators feature an
achievement, record attendance and record that the event was held through the API's endpoint
functions (api.console.forms), so a refusal is the API's, shown inline with its code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import ALL_ROLES
from api.console.access import Viewer, csrf_ok, need
from api.console.forms import Done, given, run_form
from api.console.i18n import translator
from api.console.render import not_found, page
from api.console.views import read_views, runtime_of
from api.routers import market_events as api
from api.routers.demands import OPERATORS, READERS  # the market desk's roles, as the API's
from api.schemas.common import WriteAccepted
from api.schemas.demands import StepBody
from api.schemas.market_events import AchievementPick, PartyPick
from projections import market_event_queries as q

router = APIRouter(prefix="/console/events", include_in_schema=False)
Signed = Annotated[Viewer, Depends(need(*ALL_ROLES))]
Reader = Annotated[Viewer, Depends(need(*READERS))]
Operator = Annotated[Viewer, Depends(need(*OPERATORS))]
Text = Annotated[str | None, Query(max_length=40)]
KINDS = ("roadshow", "direct_train", "challenge")
VIEWS_WAIT_S = 5.0  # the event's page is shown once the views hold the write
Step = Callable[[UUID, dict[str, str], Viewer, Any], WriteAccepted]


@router.get("", response_class=HTMLResponse)
def events(request: Request, viewer: Signed, kind: Text = None) -> HTMLResponse:
    """Per event: featured, attendees, deals that followed and their amounts."""
    chosen = kind if kind in KINDS else None
    with read_views(request) as tx:
        figures = q.statistics(tx, q.EventFilter(kind=chosen))
    return page(request, "events.html", viewer, figures=figures, kind=chosen or "",
                kinds=KINDS, may_open=viewer.may(READERS))


def _event_page(request: Request, viewer: Viewer, event_id: UUID, http_status: int = 200,
                **context: Any) -> HTMLResponse:
    with read_views(request) as tx:
        event = q.get_event(tx, str(event_id))
    if event is None:
        return not_found(request, viewer)
    return page(request, "event.html", viewer, http_status=http_status, e=event,
                may_record=viewer.may(OPERATORS), **context)


@router.get("/{event_id}", response_class=HTMLResponse)
def event(request: Request, event_id: UUID, viewer: Reader) -> HTMLResponse:
    return _event_page(request, viewer, event_id)


def _body(form: dict[str, str], **fields: str) -> bytes:
    """The API's JSON body: `fields` as typed, an empty effective date left out (API: today)."""
    return orjson.dumps({**fields, **given(form, "effective_date")})


def _feature(event_id: UUID, form: dict[str, str], viewer: Viewer, ledger: Any) -> WriteAccepted:
    body = AchievementPick.model_validate_json(
        _body(form, achievement_id=form.get("achievement_id", "").strip()))
    return api.feature_achievement(event_id, body, viewer.principal, ledger)


def _attend(event_id: UUID, form: dict[str, str], viewer: Viewer, ledger: Any) -> WriteAccepted:
    body = PartyPick.model_validate_json(_body(form, party_id=form.get("party_id", "").strip()))
    return api.record_attendance(event_id, body, viewer.principal, ledger)


def _hold(event_id: UUID, form: dict[str, str], viewer: Viewer, ledger: Any) -> WriteAccepted:
    return api.hold(event_id, StepBody.model_validate_json(_body(form)), viewer.principal, ledger)


STEPS: dict[str, Step] = {"achievements": _feature, "attendance": _attend, "holding": _hold}


def _run(request: Request, viewer: Viewer, event_id: UUID, name: str,
         form: dict[str, str]) -> Response:
    runtime = runtime_of(request)
    result = run_form(lambda: STEPS[name](event_id, form, viewer, runtime.ledger),
                      viewer.session.lang)
    if isinstance(result, Done):
        runtime.follower.wait_for(result.value.position, VIEWS_WAIT_S)
        return RedirectResponse(f"/console/events/{event_id}", status_code=303)
    return _event_page(request, viewer, event_id, result.status, form=name,
                       error=result.message)


@router.post("/{event_id}/{name}", response_class=HTMLResponse, response_model=None)
async def step(request: Request, event_id: UUID, name: str, viewer: Operator) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if name not in STEPS:
        return await run_in_threadpool(_event_page, request, viewer, event_id, 404)
    if not csrf_ok(viewer.session, form.get("csrf")):
        return await run_in_threadpool(_event_page, request, viewer, event_id, 403, form=name,
                                       error=translator(viewer.session.lang)("bad_csrf"))
    return await run_in_threadpool(_run, request, viewer, event_id, name, form)

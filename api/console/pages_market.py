"""Market desk pages (技术需求与对接, Baoding items 4-5): demands with the conversion from demand
to deal, a demand's ranked candidates with why each matched and what was kept out, the matches
introduced and their outcomes, and an achievement's ranked demands. Reads use the API's view
queries; writes go through the API's endpoint functions (api.console.forms), so roles, schemas
and rules are exactly POST /v1/demands', /v1/matches' and their steps'."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from api.console import market_forms as mf
from api.console.access import Viewer, csrf_ok, need
from api.console.forms import Done, Refused, run_form
from api.console.i18n import translator
from api.console.render import not_found, page
from api.console.views import day_or_today, read_views, runtime_of
from api.routers.demands import MATCHERS, OPERATORS, READERS
from api.schemas.common import WriteAccepted
from domain.demand import DemandStatus
from projections import demand_queries as q
from projections import matching

router = APIRouter(prefix="/console", include_in_schema=False)
Reader = Annotated[Viewer, Depends(need(*READERS))]
Matcher = Annotated[Viewer, Depends(need(*MATCHERS))]
Operator = Annotated[Viewer, Depends(need(*OPERATORS))]
Text = Annotated[str | None, Query(max_length=100)]
PAGE_SIZE = 20
CANDIDATES = 10
STATUSES = tuple(s.value for s in DemandStatus)  # the list filter's choices
VIEWS_WAIT_S = 5.0  # a write's page is shown once the views hold it (read-your-writes)


def _enterprises(request: Request) -> list[dict[str, Any]]:
    with read_views(request) as tx:
        return tx.execute("SELECT id, name FROM parties WHERE kind = 'enterprise' ORDER BY name")


def _list(request: Request, viewer: Viewer, f: q.DemandFilter, page_no: int,
          http_status: int = 200, **context: Any) -> HTMLResponse:
    with read_views(request) as tx:
        rows, total = q.list_demands(tx, f, page_no, PAGE_SIZE)
        conversion = q.conversion(tx, posted_from=None, posted_to=None, field=f.field)
    context.setdefault("values", {})
    return page(request, "demands.html", viewer, http_status=http_status, rows=rows, total=total,
                page_no=page_no, pages=max(1, -(-total // PAGE_SIZE)), f=f, conversion=conversion,
                may_post=viewer.may(OPERATORS), enterprises=_enterprises(request),
                statuses=STATUSES, **context)


@router.get("/demands", response_class=HTMLResponse)
def demands(request: Request, viewer: Reader, status: Text = None, field: Text = None,
            q_: Annotated[str | None, Query(alias="q", max_length=100)] = None,
            page_no: Annotated[int, Query(alias="page", ge=1)] = 1) -> HTMLResponse:
    """Demands as GET /v1/demands, with the conversion statistics of /v1/statistics/matching."""
    f = q.DemandFilter(status=status or None, field=field or None, q=q_ or None)
    return _list(request, viewer, f, page_no)


def _demand_page(request: Request, viewer: Viewer, demand_id: UUID, as_of: str | None,
                 http_status: int = 200, **context: Any) -> HTMLResponse:
    day = day_or_today(request, as_of)
    with read_views(request) as tx:
        row = q.get_demand(tx, str(demand_id))
        found = (matching.candidates_for_demand(tx, str(demand_id), day, CANDIDATES)
                 if row and viewer.may(MATCHERS) else None)
    if row is None:
        return not_found(request, viewer)
    return page(request, "demand.html", viewer, http_status=http_status, d=row, found=found,
                as_of=day.isoformat(), may_record=viewer.may(OPERATORS),
                outcomes=mf.OUTCOMES, **context)


@router.get("/demands/{demand_id}", response_class=HTMLResponse)
def demand(request: Request, demand_id: UUID, viewer: Reader, as_of: Text = None) -> HTMLResponse:
    """One demand, its matches and (for the roles that may match) its ranked candidates."""
    return _demand_page(request, viewer, demand_id, as_of)


@router.get("/achievements/{achievement_id}/demands", response_class=HTMLResponse)
def achievement_demands(request: Request, achievement_id: UUID, viewer: Matcher,
                        as_of: Text = None) -> HTMLResponse:
    """Open demands the achievement could serve, as /v1/achievements/{id}/demand-matches."""
    day = day_or_today(request, as_of)
    with read_views(request) as tx:
        found = matching.demands_for_achievement(tx, str(achievement_id), day, CANDIDATES)
    if found is None:
        return not_found(request, viewer)
    return page(request, "achievement_demands.html", viewer, found=found, as_of=day.isoformat())


def _wait_then_redirect(request: Request, written: WriteAccepted, to: str) -> Response:
    runtime_of(request).follower.wait_for(written.position, VIEWS_WAIT_S)
    return RedirectResponse(to, status_code=303)


async def _form(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


def _write(viewer: Viewer, request: Request,
           action: Callable[[Any], WriteAccepted]) -> Done[WriteAccepted] | Refused:
    ledger = runtime_of(request).ledger
    return run_form(lambda: action(ledger), viewer.session.lang)


@router.post("/demands", response_class=HTMLResponse, response_model=None)
async def post_demand(request: Request, viewer: Operator) -> Response:
    form = await _form(request)
    t = translator(viewer.session.lang)
    if not csrf_ok(viewer.session, form.get("csrf")):
        return await run_in_threadpool(_list, request, viewer, q.DemandFilter(), 1, 403,
                                       values=form, error=t("bad_csrf"))
    result = await run_in_threadpool(_write, viewer, request,
                                     lambda ledger: mf.post_demand(viewer, ledger, form))
    if isinstance(result, Done):
        return await run_in_threadpool(_wait_then_redirect, request, result.value,
                                       f"/console/demands/{result.value.id}")
    return await run_in_threadpool(_list, request, viewer, q.DemandFilter(), 1, result.status,
                                   values=form, error=result.message)


@router.post("/demands/{demand_id}/matches", response_class=HTMLResponse, response_model=None)
async def introduce(request: Request, demand_id: UUID, viewer: Operator) -> Response:
    """对接: introduce the demand's enterprise to a candidate (POST /v1/matches)."""
    return await _demand_write(request, demand_id, viewer,
                               lambda form, ledger: mf.introduce(
                                   viewer, ledger, runtime_of(request).views, demand_id, form))


@router.post("/demands/{demand_id}/outcomes", response_class=HTMLResponse, response_model=None)
async def outcome(request: Request, demand_id: UUID, viewer: Operator) -> Response:
    """A match's outcome (POST /v1/matches/{id}/outcome)."""
    return await _demand_write(request, demand_id, viewer,
                               lambda form, ledger: mf.record_outcome(viewer, ledger, form))


async def _demand_write(request: Request, demand_id: UUID, viewer: Viewer,
                        action: Callable[[dict[str, str], Any], WriteAccepted]) -> Response:
    form = await _form(request)
    if not csrf_ok(viewer.session, form.get("csrf")):
        message = translator(viewer.session.lang)("bad_csrf")
        return await run_in_threadpool(_demand_page, request, viewer, demand_id, None, 403,
                                       error=message)
    result = await run_in_threadpool(_write, viewer, request,
                                     lambda ledger: action(form, ledger))
    if isinstance(result, Done):
        return await run_in_threadpool(_wait_then_redirect, request, result.value,
                                       f"/console/demands/{demand_id}")
    return await run_in_threadpool(_demand_page, request, viewer, demand_id, None,
                                   result.status, error=result.message)

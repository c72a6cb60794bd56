"""Bank desk writes (质押登记, 质权人同意, 注销, 违约, 质权实现, 贴息/风险补偿): each form runs the
API's own endpoint function (api/console/desk_forms.py), so schema, command, role and the
bank-key binding are exactly the API's; a refusal shows on its form, in the viewer's language.
A viewer sees, and may submit, only the forms whose API endpoint admits its role."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.console.access import PageForbidden, Viewer, csrf_ok, need
from api.console.desk_forms import DESK_ROLES, FORMS, forms_for
from api.console.forms import Refused, run_form
from api.console.i18n import translator
from api.console.render import page
from api.console.views import read_views, runtime_of
from api.routers import pledges as api

router = APIRouter(prefix="/console/bank/desk", include_in_schema=False)
DeskUser = Annotated[Viewer, Depends(need(*DESK_ROLES))]
Text = Annotated[str | None, Query(max_length=100)]
Position = Annotated[int | None, Query(ge=0)]


def _desk(request: Request, viewer: Viewer, status: int = 200, **context: Any) -> HTMLResponse:
    with read_views(request) as tx:
        banks = tx.execute("SELECT id, name FROM parties WHERE kind = 'bank' ORDER BY name")
    context.setdefault("values", {})
    context.setdefault("errors", {})
    context.setdefault("prefill", {})
    return page(request, "bank_desk.html", viewer, http_status=status, banks=banks,
                forms=forms_for(viewer), bound=api.bank_of(viewer.principal) is not None,
                **context)


@router.get("", response_class=HTMLResponse)
def desk(request: Request, viewer: DeskUser, pledge_id: Text = None, done: Text = None,
         done_id: UUID | None = None, position: Position = None) -> HTMLResponse:
    """`pledge_id` fills the step forms in (the pledge page links here with it); `done`,
    `done_id` and `position` tell what the form just posted wrote."""
    shown = ({done: {"id": str(done_id), "position": position}}
             if done in FORMS and done_id and position is not None else {})
    return _desk(request, viewer, prefill={"pledge_id": pledge_id} if pledge_id else {},
                 form=done if shown else None, done=shown)


def _run(request: Request, viewer: Viewer, name: str, form: dict[str, str]) -> Response:
    """Synchronous (the store is): called in the threadpool, as the API's `def` endpoints are.
    A write answers with a redirect (post/redirect/get): reloading the page then reads the
    desk again instead of sending the form twice — the step endpoints take no idempotency
    key, so a resent subsidy form would record the payment twice."""
    ledger = runtime_of(request).ledger
    result = run_form(lambda: FORMS[name].run(viewer, ledger, form), viewer.session.lang)
    if isinstance(result, Refused):
        return _desk(request, viewer, result.status, form=name, values=form,
                     errors={name: result.message})
    query = urlencode({"done": name, "done_id": str(result.value.id),
                       "position": result.value.position})
    return RedirectResponse(f"/console/bank/desk?{query}", status_code=303)


@router.post("/{name}", response_class=HTMLResponse, response_model=None)
async def submit(request: Request, name: str, viewer: DeskUser) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if name not in FORMS:
        return await run_in_threadpool(_desk, request, viewer, 404, values=form)
    if not viewer.may(FORMS[name].roles):
        raise PageForbidden(viewer)  # the API's dependency answers 403 before any body check
    if not csrf_ok(viewer.session, form.get("csrf")):
        bad = {name: translator(viewer.session.lang)("bad_csrf")}
        return await run_in_threadpool(_desk, request, viewer, 403, values=form, errors=bad)
    return await run_in_threadpool(_run, request, viewer, name, form)

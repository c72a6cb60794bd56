"""Exchange desk (技术合同登记): register one contract through the API's schema and command,
with each field's error beside it; or upload a CSV / JSON Lines file to the bulk import and
get its per-row report. Open to the roles POST /v1/contracts and /v1/imports admit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.console import contract_form as cf
from api.console.access import Viewer, csrf_ok, need
from api.console.i18n import translator
from api.console.render import page
from api.console.views import runtime_of
from api.import_jobs import runner_of
from api.problems import STATUS_OF_KIND
from api.routers.contracts import REGISTRANTS, to_terms
from domain.contract import ContractType
from domain.errors import DomainError
from projections.trade_statistics import TYPE_LABELS
from services import trade_commands as tc
from services.bulk_import import kind_of, read_rows
from services.import_jobs import ImportJob

router = APIRouter(prefix="/console/exchange", include_in_schema=False)
Registrant = Annotated[Viewer, Depends(need(*REGISTRANTS))]


def _desk(request: Request, viewer: Viewer, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("values", {})
    context.setdefault("errors", {})
    return page(request, "exchange.html", viewer, http_status=status, fields=cf.FIELDS,
                types=[(c.value, TYPE_LABELS.get(c.value, c.value)) for c in ContractType], **context)


@router.get("", response_class=HTMLResponse)
def desk(request: Request, viewer: Registrant) -> HTMLResponse:
    return _desk(request, viewer)


@router.post("/contracts", response_class=HTMLResponse)
async def register(request: Request, viewer: Registrant) -> HTMLResponse:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    t = translator(viewer.session.lang)
    if not csrf_ok(viewer.session, form.get("csrf")):
        return _desk(request, viewer, 403, values=form, errors={"form": t("bad_csrf")})
    checked = cf.validate(cf.body_of(form), t)
    if isinstance(checked, dict):
        return _desk(request, viewer, 422, values=form, errors=checked)
    command = tc.RegisterContract(to_terms(checked), checked.effective_date, None,
                                  checked.review)
    ledger = runtime_of(request).ledger
    try:  # the store is synchronous: off the event loop, as the API's `def` endpoints are
        outcome = await run_in_threadpool(ledger.register_contract, command,
                                          actor=viewer.principal.actor)
    except DomainError as error:
        return _desk(request, viewer, STATUS_OF_KIND[error.kind], values=form,
                     errors=cf.rule_errors(error, viewer.session.lang))
    return _desk(request, viewer, 201, registered=outcome.value,
                 number=checked.contract_number.strip())


@router.post("/imports")
async def upload(request: Request, viewer: Registrant,
                 x_csrf_token: Annotated[str, Header(max_length=100)] = "",
                 x_filename: Annotated[str, Header(max_length=300)] = "") -> Response:
    """The file is the request body (sent by the page's script, which shows its progress);
    the rows are imported as a job, whose id is the answer: the script polls it."""
    t = translator(viewer.session.lang)
    if not csrf_ok(viewer.session, x_csrf_token):
        return HTMLResponse(f'<p class="alert">{t("bad_csrf")}</p>', status_code=403)
    rows = list(read_rows(await request.body(), kind_of(x_filename)))
    runner = await run_in_threadpool(runner_of, runtime_of(request))
    job = await run_in_threadpool(runner.start, rows, viewer.principal.actor)
    return JSONResponse({"id": job.id, "total": job.total}, status_code=202)


def _job(request: Request, viewer: Viewer, job_id: str) -> ImportJob:
    job = runner_of(runtime_of(request)).store.get(job_id, viewer.principal.actor)
    if job is None:  # someone else's job, or none: the same answer
        raise HTTPException(404)
    return job


@router.get("/imports/{job_id}")
def job_progress(request: Request, viewer: Registrant, job_id: str) -> dict[str, Any]:
    """The job's progress for the script (rows done of total); the report comes apart."""
    job = _job(request, viewer, job_id)
    message = None if job.message is None else translator(viewer.session.lang)(
        f"import_{job.state.value}")
    return {"state": job.state.value, "total": job.total, "done": job.done,
            "accepted": job.accepted, "rejected": job.rejected, "message": message}


@router.get("/imports/{job_id}/report", response_class=HTMLResponse)
def job_report(request: Request, viewer: Registrant, job_id: str) -> HTMLResponse:
    """The finished job's report as an HTML fragment (the synchronous upload's, as before)."""
    job = _job(request, viewer, job_id)
    if job.report is None:
        raise HTTPException(409)
    return page(request, "import_report.html", viewer, report=job.report)

"""Bulk import over HTTP: a CSV or JSON Lines file of contracts, one report back; or, with
`Prefer: respond-async` (RFC 7240), a job to poll while the rows are imported."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.auth import require
from api.deps import LedgerDep, RuntimeDep
from api.import_jobs import job_public, runner_of
from api.problems import ApiProblem
from api.schemas.import_jobs import ImportJobPublic
from domain.access import Role
from services.bulk_import import import_contracts, read_rows
from services.handlers.access import Principal
from services.import_runner import report_json

router = APIRouter(prefix="/v1/imports", tags=["imports"])
Importer = Annotated[Principal, Depends(require(Role.EXCHANGE_OPERATOR, Role.REGISTRAR))]
KINDS = {"text/csv": "csv", "application/x-ndjson": "jsonl", "application/jsonl": "jsonl",
         "application/json-lines": "jsonl"}
ASYNC_ANSWER: dict[int | str, dict[str, Any]] = {202: {"model": ImportJobPublic,
                      "description": "with `Prefer: respond-async`: the job; poll `Location`"}}


def wants_async(prefer: str) -> bool:
    """RFC 7240: `Prefer` lists preferences, each maybe with parameters after `;`."""
    return any(p.split(";")[0].strip().lower() == "respond-async" for p in prefer.split(","))


@router.post("/contracts", response_model=None, responses=ASYNC_ANSWER)
async def import_contract_file(request: Request, principal: Importer, ledger: LedgerDep,
                               runtime: RuntimeDep,
                               content_type: Annotated[str, Header()] = "",
                               prefer: Annotated[str, Header(max_length=200)] = ""
                               ) -> dict[str, Any] | JSONResponse:
    """技术合同批量登记: send the file as the body (`Content-Type: text/csv` or
    `application/x-ndjson`). Each row stands alone: bad rows come back with their line number
    and reason; good rows are registered; sending the same file again writes nothing twice.
    With `Prefer: respond-async` the answer is 202 and the job's `Location` to poll."""
    kind = KINDS.get(content_type.split(";")[0].strip().lower())
    if kind is None:
        raise ApiProblem(415, "unsupported_media_type",
                         "send text/csv or application/x-ndjson (JSON Lines)")
    body = await request.body()
    # Parsing up to the import limit (64 MiB) is seconds of CPU: off the event loop.
    rows = await run_in_threadpool(lambda: list(read_rows(body, kind)))
    if wants_async(prefer):
        runner = await run_in_threadpool(runner_of, runtime)
        job = await run_in_threadpool(runner.start, rows, principal.actor)
        return JSONResponse(job_public(job).model_dump(mode="json"), status_code=202, headers={
            "Location": f"/v1/imports/jobs/{job.id}", "Preference-Applied": "respond-async"})
    report = await run_in_threadpool(import_contracts, ledger, rows, actor=principal.actor,
                                     total=len(rows))
    return report_json(report)


@router.get("/jobs/{job_id}")
def import_job(job_id: str, principal: Importer, runtime: RuntimeDep) -> ImportJobPublic:
    """An import job's progress (rows done of total), and its report once `done`. A job is
    visible only to the key's actor that started it; `interrupted` means: send the file again."""
    job = runner_of(runtime).store.get(job_id, principal.actor)
    if job is None:
        raise ApiProblem(404, "import_job_not_found", f"no import job {job_id} of yours",
                         zh="未找到导入任务", en="Import job not found")
    return job_public(job)

"""Bulk import over HTTP: a CSV or JSON Lines file of contracts, one report back."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.concurrency import run_in_threadpool

from api.auth import require
from api.deps import LedgerDep
from api.problems import ApiProblem
from domain.access import Role
from services.bulk_import import import_contracts, read_rows
from services.handlers.access import Principal

router = APIRouter(prefix="/v1/imports", tags=["imports"])
Importer = Annotated[Principal, Depends(require(Role.EXCHANGE_OPERATOR, Role.REGISTRAR))]
KINDS = {"text/csv": "csv", "application/x-ndjson": "jsonl", "application/jsonl": "jsonl",
         "application/json-lines": "jsonl"}


@router.post("/contracts")
async def import_contract_file(request: Request, principal: Importer, ledger: LedgerDep,
                               content_type: Annotated[str, Header()] = "") -> dict[str, Any]:
    """技术合同批量登记: send the file as the body (`Content-Type: text/csv` or
    `application/x-ndjson`). Each row stands alone: bad rows come back with their line number
    and reason; good rows are registered; sending the same file again writes nothing twice."""
    kind = KINDS.get(content_type.split(";")[0].strip().lower())
    if kind is None:
        raise ApiProblem(415, "unsupported_media_type",
                         "send text/csv or application/x-ndjson (JSON Lines)")
    rows = list(read_rows(await request.body(), kind))
    report = await run_in_threadpool(import_contracts, ledger, rows, actor=principal.actor,
                                     total=len(rows))
    return {**asdict(report), "rejected": [asdict(r) for r in report.rejected]}

"""Integrity desk: the blacklist as of a date (any signed-in role, as in the API), a party's
full record, and post-evaluation (后评价) by grade, agency and expert with CSV downloads — the
last two for the roles the API admits, from the same query functions as /v1/post-evaluation/*."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import ALL_ROLES
from api.console import post_evaluation_view as pev
from api.console.access import Viewer, need
from api.console.post_evaluation_view import Asked
from api.console.render import not_found, page
from api.console.views import day_or_today, read_views, runtime_of
from api.routers.integrity import OVERSEERS
from api.routers.post_evaluation import READERS
from projections import integrity_queries as q
from projections import post_evaluation as pe
from projections.post_evaluation_facts import WINDOWS
from projections.registry_queries import get_one

router = APIRouter(prefix="/console/integrity", include_in_schema=False)
Signed = Annotated[Viewer, Depends(need(*ALL_ROLES))]
Overseer = Annotated[Viewer, Depends(need(*OVERSEERS))]
Evaluator = Annotated[Viewer, Depends(need(*READERS))]
# the figures shown of each post-evaluation row (the API's rows carry a few more)
COLUMNS = ("evaluations", "observed", "not_yet_observable", *(f"share_{f}" for f in pe.FLAGS),
           "transaction_amount", "median_transaction_amount", "revoked", "share_revoked")
EXPERT_COLUMNS = ("evaluations", "scored", "mean_sheet_total", "mean_result_total", "observed",
                  "not_yet_observable", "share_traded", "transaction_amount", "revoked",
                  "share_revoked")
Pick = Annotated[str | None, Query(max_length=40)]


def question(request: Request, window: Annotated[int, Query(ge=0, le=100)] = 12,
             as_of: Annotated[str | None, Query(max_length=20)] = None, agency: Pick = None,
             grade: Pick = None, policy: Pick = None, evaluation_class: Pick = None) -> Asked:
    """The post-evaluation form's question (checked by Asked.error)."""
    return Asked(window, day_or_today(request, as_of), agency or "", grade or "",
                 policy or "", evaluation_class or "")


Question = Annotated[Asked, Depends(question)]


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


@router.get("/post-evaluation", response_class=HTMLResponse)
def post_evaluation(request: Request, viewer: Evaluator, asked: Question) -> HTMLResponse:
    """By grade, agency and expert, as /v1/post-evaluation/*; agency, policy version and
    evaluation class narrow every table as the API's filters do, a grade narrows them to that
    grade's evaluations."""
    with read_views(request) as tx:
        found = None if asked.error else pev.tables(tx, asked)
        offered = pev.choices(tx)
    return page(request, "post_evaluation.html", viewer, http_status=422 if asked.error else 200,
                windows=WINDOWS, asked=asked, error=asked.error, tables=found, columns=COLUMNS,
                expert_columns=EXPERT_COLUMNS, **offered)


@router.get("/post-evaluation/{table}.csv", response_model=None)
def post_evaluation_csv(request: Request, table: str, viewer: Evaluator, asked: Question
                        ) -> Response:
    """One table of the page as the API's `format=csv` writes it."""
    if table not in pev.TABLES or asked.error:
        return not_found(request, viewer)
    with read_views(request) as tx:
        return pev.download(tx, asked, table)

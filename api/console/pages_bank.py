"""Bank desk: is an achievement or patent pledged on a date; one pledge (as GET /v1/pledges/{id});
a bank's active pledges and exposure; alerts on weakened collateral. Role rules and the
bank-key binding are the API's."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from api.console.access import PageForbidden, Viewer, need
from api.console.desk_forms import forms_for
from api.console.render import not_found, page
from api.console.views import day_or_today, read_views, runtime_of
from api.routers.pledges import INQUIRERS, SUPERVISORS, bank_of
from domain.codes import normalize_patent_number
from projections import trade_queries as q
from projections.store import Tx

router = APIRouter(prefix="/console/bank", include_in_schema=False)
Inquirer = Annotated[Viewer, Depends(need(*INQUIRERS))]
Supervisor = Annotated[Viewer, Depends(need(*SUPERVISORS))]
Text = Annotated[str | None, Query(max_length=100)]


def _achievement_id(tx: Tx, ref: str) -> str | None:
    """A registration number (as people quote it) or an id."""
    rows = tx.execute("SELECT id FROM achievements WHERE registration_number = ? OR id = ?",
                      (ref.strip(), ref.strip()))
    return str(rows[0]["id"]) if rows else None


@router.get("/pledge-status", response_class=HTMLResponse)
def pledge_status(request: Request, viewer: Inquirer, achievement: Text = None,
                  patent: Text = None, as_of: Text = None) -> HTMLResponse:
    day = day_or_today(request, as_of)
    result: dict[str, Any] | None = None
    error = None
    if achievement or patent:
        with read_views(request) as tx:
            found = _achievement_id(tx, achievement) if achievement else None
            if achievement and found is None:
                error = "unknown_achievement"
            else:
                number = normalize_patent_number(patent) if patent else None
                result = q.pledge_status(tx, achievement_id=found, patent_number=number,
                                         as_of=day, known_at=None)
    elif as_of is not None:
        error = "name_one"
    return page(request, "pledge_status.html", viewer, result=result, error=error,
                achievement=achievement or "", patent=patent or "", as_of=day.isoformat())


@router.get("/pledges/{pledge_id}", response_class=HTMLResponse)
def pledge(request: Request, viewer: Inquirer, pledge_id: UUID,
           wait_for_position: Annotated[int | None, Query(ge=0)] = None) -> HTMLResponse:
    """Status, proceeds, consents and subsidies of one pledge, read from the same view as
    GET /v1/pledges/{id}; after a desk write, first wait (bounded) for the views to reach it."""
    runtime = runtime_of(request)
    behind = wait_for_position is not None and not runtime.follower.wait_for(
        wait_for_position, runtime.settings.read_wait_timeout_s)
    with read_views(request) as tx:
        row = q.get_pledge(tx, str(pledge_id))
    if row is None:
        return not_found(request, viewer)
    return page(request, "pledge.html", viewer, pledge=row, behind=behind,
                steps=forms_for(viewer))


def _banks(tx: Tx) -> list[dict[str, Any]]:
    return tx.execute("SELECT id, name FROM parties WHERE kind = 'bank' ORDER BY name")


def _chosen_bank(viewer: Viewer, asked: str | None, banks: list[dict[str, Any]]) -> str | None:
    """A bank key bound to its bank sees only that bank (as in the API); others choose."""
    own = bank_of(viewer.principal)
    if own is not None:
        if asked not in (None, "", str(own)):
            raise PageForbidden(viewer, "forbidden_text")
        return str(own)
    return asked or (str(banks[0]["id"]) if banks else None)


@router.get("/pledges", response_class=HTMLResponse)
def bank_pledges(request: Request, viewer: Supervisor, bank_id: Text = None,
                 as_of: Text = None) -> HTMLResponse:
    day = day_or_today(request, as_of)
    with read_views(request) as tx:
        banks = _banks(tx)
        chosen = _chosen_bank(viewer, bank_id, banks)
        result = q.bank_pledges(tx, chosen, day) if chosen else None
    return page(request, "bank_pledges.html", viewer, result=result, banks=banks,
                bank_id=chosen or "", as_of=day.isoformat(),
                bound=bank_of(viewer.principal) is not None)


@router.get("/alerts", response_class=HTMLResponse)
def alerts(request: Request, viewer: Supervisor, bank_id: Text = None,
           as_of: Text = None) -> HTMLResponse:
    day = day_or_today(request, as_of)
    with read_views(request) as tx:
        banks = _banks(tx)
        own = bank_of(viewer.principal)
        chosen = _chosen_bank(viewer, bank_id, banks) if own else (bank_id or None)
        result = q.pledge_alerts(tx, chosen, day)
    return page(request, "alerts.html", viewer, result=result, banks=banks,
                bank_id=chosen or "", as_of=day.isoformat(), bound=own is not None)

"""Technology demands (技术需求) and matching (技术供需对接), Baoding items 4-5: the regional
technology market brings enterprises' needs and achievements together.

Roles: the exchange operator posts an enterprise's demand (enterprises hold no keys: the
exchange's desk records what they bring, as it registers their contracts) and records
introductions and outcomes; exchange operators and registrars read the matching results (the
registry knows the achievements); auditors may read demands and matches; any key reads the
conversion statistics, like the trading statistics."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from api import demand_expiry
from api.auth import Anyone, require
from api.deps import (
    IdempotencyKey,
    LedgerDep,
    PagingDep,
    RuntimeDep,
    ViewsDep,
    accepted,
    created,
    page_of,
)
from api.routers import matches
from api.schemas.common import WriteAccepted
from api.schemas.demands import (
    DemandBody,
    DemandCreate,
    DemandUpdate,
    ReasonBody,
    StepBody,
    SweepBody,
)
from domain.access import Role
from domain.demand import DemandTerms
from domain.errors import NotFound
from projections import demand_queries as q
from projections import matching
from services import demand_commands as d
from services.handlers.access import Principal

router = APIRouter(tags=["demands"])
router.include_router(matches.router)
OPERATORS = (Role.EXCHANGE_OPERATOR,)  # shared with the console's market desk
MATCHERS = (Role.EXCHANGE_OPERATOR, Role.REGISTRAR)
READERS = (Role.EXCHANGE_OPERATOR, Role.REGISTRAR, Role.AUDITOR)
Operator = Annotated[Principal, Depends(require(*OPERATORS))]
Matcher = Annotated[Principal, Depends(require(*MATCHERS))]
Reader = Annotated[Principal, Depends(require(*READERS))]
AsOf = Annotated[date | None, Query(description="business date asked about (default: today)")]
Limit = Annotated[int, Query(ge=1, le=50, description="how many to rank")]


def to_terms(enterprise_id: UUID, body: DemandBody) -> DemandTerms:
    return DemandTerms(enterprise_id, body.title, body.description, body.field,
                       tuple(body.keywords), body.region_code, body.deadline, body.budget_min,
                       body.budget_max)


@router.post("/v1/demands", status_code=201, response_model=WriteAccepted)
def post_demand(body: DemandCreate, principal: Operator, ledger: LedgerDep, response: Response,
                idempotency_key: IdempotencyKey = None) -> WriteAccepted:
    """Post an enterprise's technology demand (技术需求)."""
    command = d.PostDemand(to_terms(body.enterprise_id, body), body.effective_date)
    outcome = ledger.post_demand(command, actor=principal.actor, key=idempotency_key)
    return created(ledger, outcome, response, "demands")


@router.put("/v1/demands/{demand_id}", response_model=WriteAccepted)
def update_demand(demand_id: UUID, body: DemandUpdate, principal: Operator,
                  ledger: LedgerDep) -> WriteAccepted:
    """New terms for an open demand (its enterprise stays, taken from the demand itself)."""
    changes = d.DemandChanges(body.title, body.description, body.field, tuple(body.keywords),
                              body.region_code, body.deadline, body.budget_min, body.budget_max)
    command = d.UpdateDemand(demand_id, changes, body.effective_date)
    return accepted(ledger, demand_id, ledger.update_demand(command, actor=principal.actor).position)


@router.post("/v1/demands/{demand_id}/closure", response_model=WriteAccepted)
def close_demand(demand_id: UUID, body: ReasonBody, principal: Operator,
                 ledger: LedgerDep) -> WriteAccepted:
    """Close an open demand (withdrawn by the enterprise, met elsewhere)."""
    outcome = ledger.close_demand(d.CloseDemand(demand_id, body.reason, body.effective_date),
                                  actor=principal.actor)
    return accepted(ledger, demand_id, outcome.position)


@router.post("/v1/demands/{demand_id}/expiry", response_model=WriteAccepted)
def expire_demand(demand_id: UUID, body: StepBody, principal: Operator,
                  ledger: LedgerDep) -> WriteAccepted:
    """Record that an open demand's deadline passed unmet (refused before it has)."""
    outcome = ledger.expire_demand(d.ExpireDemand(demand_id, body.effective_date),
                                   actor=principal.actor)
    return accepted(ledger, demand_id, outcome.position)


@router.post("/v1/demands/expiry-sweep")
def expiry_sweep(body: SweepBody, principal: Operator, runtime: RuntimeDep) -> dict[str, Any]:
    """Expire every open demand whose deadline is before `as_of` (default today), as the
    background sweep does; safe to repeat (each demand expires once)."""
    result = demand_expiry.sweep(runtime.ledger, runtime.views, body.as_of, actor=principal.actor)
    return {"as_of": result.as_of.isoformat(), "candidates": result.candidates,
            "expired": [str(i) for i in result.expired], "position": result.position}


@router.get("/v1/demands")
def search(views: ViewsDep, runtime: RuntimeDep, paging: PagingDep, _: Reader,
           status: str | None = None, field: str | None = None,
           enterprise_id: UUID | None = None, q_: Annotated[str | None, Query(alias="q")] = None
           ) -> dict[str, Any]:
    """Demands, newest first; filters: status, field, enterprise, `q` (title or description)."""
    f = q.DemandFilter(status, field, str(enterprise_id) if enterprise_id else None, q_)
    items, total = q.list_demands(views, f, paging.page, paging.page_size)
    return page_of(items, total, paging, runtime)


@router.get("/v1/demands/{demand_id}")
def get_demand(demand_id: UUID, views: ViewsDep, _: Reader) -> dict[str, Any]:
    """One demand with the matches introduced for it."""
    row = q.get_demand(views, str(demand_id))
    if row is None:
        raise NotFound("demand", demand_id)
    return row


@router.get("/v1/demands/{demand_id}/candidates")
def candidates(demand_id: UUID, views: ViewsDep, ledger: LedgerDep, _: Matcher,
               as_of: AsOf = None, limit: Limit = 10) -> dict[str, Any]:
    """Achievements that may be offered for the demand, best first, each with why it matched;
    those kept out (pledged without consent, revoked evaluation, cancelled, owner barred from
    trading) are listed apart under `excluded`, never as candidates."""
    found = matching.candidates_for_demand(views, str(demand_id), as_of or ledger.today(), limit)
    if found is None:
        raise NotFound("demand", demand_id)
    return found


@router.get("/v1/achievements/{achievement_id}/demand-matches")
def demand_matches(achievement_id: UUID, views: ViewsDep, ledger: LedgerDep, _: Matcher,
                   as_of: AsOf = None, limit: Limit = 10) -> dict[str, Any]:
    """Open demands the achievement could serve, best first; none if it may not be offered."""
    found = matching.demands_for_achievement(views, str(achievement_id),
                                             as_of or ledger.today(), limit)
    if found is None:
        raise NotFound("achievement", achievement_id)
    return found


@router.get("/v1/statistics/matching", tags=["statistics"])
def conversion(views: ViewsDep, _: Anyone, posted_from: date | None = None,
               posted_to: date | None = None, field: str | None = None) -> dict[str, Any]:
    """From demand to deal: demands posted, with a match introduced, met by a registered
    contract, and those contracts' 成交额 and 技术交易额."""
    return q.conversion(views, posted_from=posted_from, posted_to=posted_to, field=field)

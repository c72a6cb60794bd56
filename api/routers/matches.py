"""Listings (挂牌) and matches introduced (对接) with their outcomes, recorded by the exchange
operator (Baoding items 4-5). Included by api.routers.demands."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from api.auth import require
from api.deps import IdempotencyKey, LedgerDep, ViewsDep, accepted, created
from api.schemas.common import WriteAccepted
from api.schemas.demands import ListingCreate, MatchCreate, OutcomeCreate, ReasonBody
from domain.access import Role
from domain.errors import NotFound
from domain.listing import ListingTerms
from projections import demand_queries as q
from projections.trade_queries import views_position
from services import demand_commands as d
from services.handlers.access import Principal

router = APIRouter(tags=["demands"])
Operator = Annotated[Principal, Depends(require(Role.EXCHANGE_OPERATOR))]
Reader = Annotated[Principal, Depends(require(Role.EXCHANGE_OPERATOR, Role.REGISTRAR,
                                              Role.AUDITOR))]


@router.post("/v1/achievements/{achievement_id}/listings", status_code=201,
             response_model=WriteAccepted)
def list_achievement(achievement_id: UUID, body: ListingCreate, principal: Operator,
                     ledger: LedgerDep, response: Response,
                     idempotency_key: IdempotencyKey = None) -> WriteAccepted:
    """挂牌: list the achievement for transfer, at an asking price or negotiable."""
    terms = ListingTerms(achievement_id, body.seller_id, body.exchange_id, body.terms,
                         body.listed_from, body.listed_until, body.asking_price)
    outcome = ledger.list_achievement(d.ListAchievement(terms, body.effective_date),
                                      actor=principal.actor, key=idempotency_key)
    return created(ledger, outcome, response, "listings")


@router.post("/v1/listings/{listing_id}/withdrawal", response_model=WriteAccepted)
def withdraw_listing(listing_id: UUID, body: ReasonBody, principal: Operator,
                     ledger: LedgerDep) -> WriteAccepted:
    """Take a listing down."""
    command = d.WithdrawListing(listing_id, body.reason, body.effective_date)
    return accepted(ledger, listing_id,
                    ledger.withdraw_listing(command, actor=principal.actor).position)


@router.get("/v1/listings")
def listings(views: ViewsDep, _: Reader, achievement_id: UUID | None = None,
             status: str | None = None) -> dict[str, Any]:
    """Listings, oldest first; filters: achievement, status (listed, withdrawn)."""
    items = q.list_listings(views, achievement_id=str(achievement_id) if achievement_id else None,
                            status=status)
    return {"items": items, "views_position": views_position(views)}


@router.post("/v1/matches", status_code=201, response_model=WriteAccepted)
def introduce(body: MatchCreate, principal: Operator, ledger: LedgerDep, response: Response,
              views: ViewsDep, idempotency_key: IdempotencyKey = None) -> WriteAccepted:
    """对接: introduce an open demand's enterprise to an achievement that may be offered;
    refused (409 `achievement_not_offered`, with `reason`) when its registration is cancelled,
    an evaluation of it was revoked, it is pledged without consent, or an owner is barred."""
    # Which evaluations the achievement has comes from the views (no aggregate lists them);
    # whether each is revoked, from its aggregate in the command's transaction. So a revocation
    # is missed only for an evaluation whose commissioning the views had not yet applied when
    # this request read them (commissioned less than the view lag ago, under a second embedded)
    # and revoked since: the matching candidates would not name it either. Closing that needs
    # an evaluation index on the command side (the achievement recording its evaluations).
    known = q.evaluation_ids_of(views, str(body.achievement_id))
    evaluations = tuple(UUID(e) for e in known)
    command = d.IntroduceMatch(body.demand_id, body.achievement_id, body.note, body.score,
                               body.effective_date, evaluations)
    outcome = ledger.introduce_match(command, actor=principal.actor, key=idempotency_key)
    return created(ledger, outcome, response, "matches")


@router.post("/v1/matches/{match_id}/outcome", response_model=WriteAccepted)
def record_outcome(match_id: UUID, body: OutcomeCreate, principal: Operator,
                   ledger: LedgerDep) -> WriteAccepted:
    """negotiating, declined, or contracted with the registered contract (marks the demand
    matched)."""
    command = d.RecordMatchOutcome(match_id, body.outcome, body.contract_id, body.note,
                                   body.effective_date)
    return accepted(ledger, match_id,
                    ledger.record_match_outcome(command, actor=principal.actor).position)


@router.get("/v1/matches")
def search_matches(views: ViewsDep, _: Reader, demand_id: UUID | None = None,
                   achievement_id: UUID | None = None) -> dict[str, Any]:
    """Matches introduced, oldest first; filters: demand, achievement."""
    items = q.list_matches(views, demand_id=str(demand_id) if demand_id else None,
                           achievement_id=str(achievement_id) if achievement_id else None)
    return {"items": items, "views_position": views_position(views)}


@router.get("/v1/matches/{match_id}")
def get_match(match_id: UUID, views: ViewsDep, _: Reader) -> dict[str, Any]:
    row = q.get_match(views, str(match_id))
    if row is None:
        raise NotFound("match", match_id)
    return row

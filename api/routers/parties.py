"""Parties (主体): organisations, individuals, experts and their declared relations."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response

from api.auth import Anyone, Registrar
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
from api.schemas.common import Page, WriteAccepted
from api.schemas.parties import PartyCreate, PartyPublic, RelationCreate
from domain.access import Role
from domain.errors import NotFound
from domain.values import PartyKind, Relation
from projections.registry_queries import get_one, list_parties
from services.commands import DeclareRelation, RegisterParty
from services.handlers.access import Principal

router = APIRouter(prefix="/v1/parties", tags=["parties"])
SEES_RELATIONS = {Role.REGISTRAR, Role.AUDITOR, Role.EVALUATION_AGENCY, Role.ADMIN}


@router.post("", status_code=201, response_model=WriteAccepted)
def register_party(body: PartyCreate, principal: Registrar, ledger: LedgerDep,
                   response: Response, idempotency_key: IdempotencyKey = None) -> WriteAccepted:
    """Register a party; organisations need a valid unified social credit code."""
    outcome = ledger.register_party(RegisterParty(**body.model_dump()), actor=principal.actor,
                                    key=idempotency_key)
    return created(ledger, outcome, response, "parties")


@router.post("/{party_id}/relations", response_model=WriteAccepted)
def declare_relation(party_id: UUID, body: RelationCreate, principal: Registrar,
                     ledger: LedgerDep) -> WriteAccepted:
    """Declare an interest relation to another party (利益关联回避, Baoding item 7)."""
    relation = Relation(party_id=body.party_id, kind=body.kind, note=body.note)
    outcome = ledger.declare_relation(
        DeclareRelation(party_id, relation, body.effective_date), actor=principal.actor)
    return accepted(ledger, party_id, outcome.position)


def _public(row: dict[str, Any], principal: Principal | None) -> dict[str, Any]:
    shown = PartyPublic.model_validate(row).model_dump(mode="json")
    if principal is None or principal.role not in SEES_RELATIONS:
        shown["relations"] = None
    return shown


@router.get("", response_model=Page)
def search_parties(views: ViewsDep, runtime: RuntimeDep, paging: PagingDep,
                   principal: Anyone, kind: PartyKind | None = None,
                   q: Annotated[str | None, Query(max_length=100)] = None) -> dict[str, Any]:
    """List parties by kind and Chinese name substring (any key: individuals are named)."""
    rows, total = list_parties(views, kind=kind.value if kind else None, q=q, page=paging.page,
                               page_size=paging.page_size)
    return page_of([_public(r, principal) for r in rows], total, paging, runtime)


@router.get("/{party_id}", response_model=PartyPublic)
def get_party(party_id: UUID, views: ViewsDep, principal: Anyone) -> dict[str, Any]:
    """One party (any key; relations only for registrars, auditors, agencies and admins)."""
    row = get_one(views, "parties", str(party_id))
    if row is None:
        raise NotFound("party", party_id)
    return _public(row, principal)

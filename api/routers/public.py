"""The public read API (公开信息, no API key): registered achievements and registered contracts
with exactly the fields the rules make public (信息按规定公开, Baoding item 2; the allow-list and
each field's rule are in docs/national-export.md), and contract statistics by type and year."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from api.deps import PagingDep, RuntimeDep, ViewsDep, page_of
from api.schemas.common import Page
from domain.achievement import AchievementStatus
from domain.contract import ContractType
from domain.disclosure import DISCLOSURE_2026
from domain.errors import NotFound
from domain.values import Category
from projections.public_queries import contract_tallies, registered_contract, registered_contracts
from projections.registry_queries import AchievementFilter, get_one, search_achievements
from services.national_reader import public_achievement, public_contract

router = APIRouter(prefix="/v1/public", tags=["public"])
STATISTICS_KEYS = ("type", "year", "count", "transaction_amount", "suppressed")


@router.get("/achievements", response_model=Page)
def achievements(views: ViewsDep, runtime: RuntimeDep, paging: PagingDep,
                 q: Annotated[str | None, Query(max_length=100,
                                                description="中文 title/keyword substring")] = None,
                 category: Category | None = None,
                 field: Annotated[str | None, Query(max_length=100)] = None,
                 region: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
                 status: AchievementStatus | None = None) -> dict[str, Any]:
    """Search registered achievements (public fields only; no key)."""
    f = AchievementFilter(q=q, category=category.value if category else None, field=field,
                          region=region, status=status.value if status else None)
    rows, total = search_achievements(views, f, page=paging.page, page_size=paging.page_size)
    return page_of([public_achievement(r) for r in rows], total, paging, runtime)


@router.get("/achievements/{achievement_id}")
def achievement(achievement_id: UUID, views: ViewsDep) -> dict[str, Any]:
    """One registered achievement (public fields only; no key)."""
    row = get_one(views, "achievements", str(achievement_id))
    if row is None:
        raise NotFound("achievement", achievement_id)
    return public_achievement(row)


@router.get("/contracts/statistics")
def contract_statistics(views: ViewsDep, runtime: RuntimeDep) -> dict[str, Any]:
    """Registered contracts per type and year: count and 技术交易额; a cell of fewer contracts
    than the disclosure policy's minimum shows its count only (no key)."""
    policy = DISCLOSURE_2026
    cells = []
    for cell in contract_tallies(views):
        shown = cell["count"] >= policy.min_contracts_per_cell
        cells.append({**cell, "transaction_amount": str(cell["transaction_amount"]) if shown
                      else None, "suppressed": not shown})
    return {"items": cells, "policy_version": policy.version,
            "min_contracts_per_cell": policy.min_contracts_per_cell,
            "views_position": runtime.follower.views_position()}


@router.get("/contracts", response_model=Page)
def contracts(views: ViewsDep, runtime: RuntimeDep, paging: PagingDep,
              type: ContractType | None = None) -> dict[str, Any]:
    """Registered technology contracts (public fields only: no amounts, no parties; no key)."""
    rows, total = registered_contracts(views, contract_type=type.value if type else None,
                                       page=paging.page, page_size=paging.page_size)
    return page_of([public_contract(r) for r in rows], total, paging, runtime)


@router.get("/contracts/{contract_id}")
def contract(contract_id: UUID, views: ViewsDep) -> dict[str, Any]:
    """One registered technology contract (public fields only; no key)."""
    row = registered_contract(views, str(contract_id))
    if row is None:
        raise NotFound("contract", contract_id)
    return public_contract(row)

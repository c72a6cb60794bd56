"""Achievements (科技成果): registration, the registry search, history, follow-up facts."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from fastapi.concurrency import run_in_threadpool

from api.auth import Anyone, Registrar, require
from api.deps import (
    IdempotencyKey,
    LedgerDep,
    PagingDep,
    Receipt,
    RuntimeDep,
    ViewsDep,
    accepted,
    created,
    page_of,
)
from api.receipts import build_receipt
from api.schemas.achievements import (
    AchievementCreate,
    CancellationCreate,
    CompanyCreate,
    DisclosureCreate,
    PatentStatusChange,
)
from api.schemas.common import Page, WriteAccepted
from domain.access import Role
from domain.achievement import AchievementDraft, AchievementStatus
from domain.errors import NotFound
from domain.values import (
    Category,
    Completer,
    Funding,
    HefeiSubtype,
    IpItem,
    MaturityStage,
    Patent,
)
from projections.evaluation_queries import library_entry, list_evaluations, manager_engagements
from projections.ledger_index import history
from projections.registry_queries import AchievementFilter, get_one, search_achievements
from services import commands as c
from services.handlers.access import Principal

router = APIRouter(prefix="/v1/achievements", tags=["achievements"])
EVALUATION_SUMMARY = ("id", "evaluation_class", "evaluator_id", "status", "total", "grade",
                      "finalized_on", "position")
Canceller = Annotated[Principal, Depends(require(Role.REGISTRAR, Role.AUDITOR))]


def to_draft(body: AchievementCreate) -> AchievementDraft:
    return AchievementDraft(
        title=body.title, category=body.category, owner_ids=tuple(body.owner_ids),
        completers=tuple(Completer(**x.model_dump()) for x in body.completers),
        field=body.field, keywords=tuple(body.keywords),
        funding=Funding(**body.funding.model_dump()), maturity_stage=body.maturity_stage,
        summary=body.summary, hefei_subtype=body.hefei_subtype, forms=tuple(body.forms),
        trl=body.trl, patents=tuple(Patent(**p.model_dump()) for p in body.patents),
        other_ip=tuple(IpItem(**i.model_dump()) for i in body.other_ip), secrecy=body.secrecy,
        defence_related=body.defence_related,
    )


@router.post("", status_code=201, response_model=WriteAccepted)
async def register_achievement(body: AchievementCreate, principal: Registrar, ledger: LedgerDep,
                               response: Response, idempotency_key: IdempotencyKey = None
                               ) -> WriteAccepted:
    """成果登记: register an achievement and receive its registration number (批准登记号)."""
    command = c.RegisterAchievement(to_draft(body), body.registry_code, body.effective_date)
    work = ledger.registration(command, actor=principal.actor, key=idempotency_key)
    outcome = await ledger.execute_async(work)
    if outcome.position is None:  # an idempotent replay: answering reads the ledger head
        return await run_in_threadpool(created, ledger, outcome, response, "achievements")
    return created(ledger, outcome, response, "achievements")


@router.post("/{achievement_id}/disclosures", response_model=WriteAccepted)
def disclose(achievement_id: UUID, body: DisclosureCreate, principal: Registrar,
             ledger: LedgerDep) -> WriteAccepted:
    """职务科技成果披露 by an owning institution (Baoding item 2)."""
    data = body.model_dump()
    data["inventors"] = tuple(data["inventors"])
    outcome = ledger.disclose_achievement(c.DiscloseAchievement(achievement_id, **data),
                                          actor=principal.actor)
    return accepted(ledger, achievement_id, outcome.position)


@router.post("/{achievement_id}/patent-status", response_model=WriteAccepted)
def change_patent_status(achievement_id: UUID, body: PatentStatusChange, principal: Registrar,
                         ledger: LedgerDep) -> WriteAccepted:
    """Record a patent lapsing, being invalidated, fees overdue or expiring."""
    outcome = ledger.change_patent_status(c.ChangePatentStatus(achievement_id, **body.model_dump()),
                                          actor=principal.actor)
    return accepted(ledger, achievement_id, outcome.position)


@router.post("/{achievement_id}/cancellation", response_model=WriteAccepted)
def cancel_registration(achievement_id: UUID, body: CancellationCreate, principal: Canceller,
                        ledger: LedgerDep) -> WriteAccepted:
    """Cancel a registration (fraud, plagiarism, infringement)."""
    outcome = ledger.cancel_registration(
        c.CancelRegistration(achievement_id, **body.model_dump()), actor=principal.actor)
    return accepted(ledger, achievement_id, outcome.position)


@router.post("/{achievement_id}/companies", response_model=WriteAccepted)
def record_company(achievement_id: UUID, body: CompanyCreate, principal: Registrar,
                   ledger: LedgerDep) -> WriteAccepted:
    """Record a company founded on the achievement (Hefei art. 8)."""
    outcome = ledger.record_company(c.RecordCompany(achievement_id, **body.model_dump()),
                                    actor=principal.actor)
    return accepted(ledger, achievement_id, outcome.position)


@router.get("", response_model=Page)
def search(views: ViewsDep, runtime: RuntimeDep, paging: PagingDep, _: Anyone,
           q: Annotated[str | None, Query(max_length=100, description="中文 title/keyword substring")] = None,
           category: Category | None = None, hefei_subtype: HefeiSubtype | None = None,
           field: Annotated[str | None, Query(max_length=100)] = None,
           owner_id: UUID | None = None,
           region: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
           fiscal: bool | None = None, status: AchievementStatus | None = None,
           maturity_stage: MaturityStage | None = None) -> dict[str, Any]:
    """Search the achievement registry (any key; the public reads /v1/public/achievements):
    中文 substring, filters, pages."""
    f = AchievementFilter(
        q=q, category=_value(category), hefei_subtype=_value(hefei_subtype), field=field,
        owner_id=str(owner_id) if owner_id else None, region=region, fiscal=fiscal,
        status=_value(status), maturity_stage=_value(maturity_stage))
    rows, total = search_achievements(views, f, page=paging.page, page_size=paging.page_size)
    return page_of(rows, total, paging, runtime)


def _value(member: Any) -> str | None:
    return None if member is None else str(member.value)


@router.get("/{achievement_id}")
def get_achievement(achievement_id: UUID, views: ViewsDep, caller: Anyone) -> dict[str, Any]:
    """One registered achievement (any key; the public reads /v1/public/achievements/{id}),
    with its library standing (Hefei art. 7), its evaluations and the technology managers who
    took part (Baoding item 6)."""
    row = get_one(views, "achievements", str(achievement_id))
    if row is None:
        raise NotFound("achievement", achievement_id)
    evaluations, _ = list_evaluations(views, achievement_id=str(achievement_id), agency_id=None,
                                      status=None, evaluation_class=None, page=1, page_size=50)
    return {**row, "library": library_entry(views, str(achievement_id)),
            "evaluations": [{k: e[k] for k in EVALUATION_SUMMARY} for e in evaluations],
            "technology_managers": manager_engagements(views, str(achievement_id))}


@router.get("/{achievement_id}/history", response_model=None)
def achievement_history(achievement_id: UUID, views: ViewsDep, runtime: RuntimeDep, _: Anyone,
                        receipt: Receipt = False) -> list[dict[str, object]] | dict[str, Any]:
    """Its events in order: ledger position, effective date, recording time, actor, content.
    With `receipt=true`: a receipt proving each event against a signed checkpoint."""
    entries = history(views, str(achievement_id))
    if not entries:
        raise NotFound("achievement", achievement_id)
    if receipt:
        question = {"endpoint": "/v1/achievements/{id}/history", "id": str(achievement_id)}
        return build_receipt(runtime, question, entries, [int(str(e["position"])) for e in entries])
    return entries


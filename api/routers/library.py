"""The transferable-achievement library and what surrounds evaluation: policies, agency
qualifications, technology managers, expert workload."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from api.auth import Anyone, Registrar, require
from api.deps import (
    LedgerDep,
    PagingDep,
    RuntimeDep,
    ViewsDep,
    accepted,
    created,
    page_of,
)
from api.schemas.common import Page, WriteAccepted
from api.schemas.evaluations import EngagementCreate, PolicyCreate, QualificationCreate
from domain.access import Role
from domain.evaluation_policy import EvaluationPolicy, Grade, GradeThreshold, Indicator
from domain.values import HefeiSubtype, Qualification
from projections import evaluation_queries as q
from services import evaluation_commands as e
from services.handlers.access import Principal

router = APIRouter(tags=["library"])
Admin = Annotated[Principal, Depends(require())]
Overseer = Annotated[Principal, Depends(require(Role.EVALUATION_AGENCY, Role.REGISTRAR,
                                                Role.AUDITOR))]
Engager = Annotated[Principal, Depends(require(Role.REGISTRAR, Role.EXCHANGE_OPERATOR))]


@router.get("/v1/library", response_model=Page)
def library(views: ViewsDep, runtime: RuntimeDep, paging: PagingDep, _: Anyone,
            grade: Grade | None = None, subtype: HefeiSubtype | None = None,
            field: Annotated[str | None, Query(max_length=100)] = None) -> dict[str, Any]:
    """可转化科技成果库 (Hefei art. 7): grade C and above, with support tier and company status
    (any key: owners may be people; the public reads /v1/public/achievements)."""
    items, total = q.library(views, grade=grade.value if grade else None,
                             subtype=subtype.value if subtype else None, field=field,
                             page=paging.page, page_size=paging.page_size)
    return page_of(items, total, paging, runtime)


@router.get("/v1/library/cultivation", response_model=Page)
def cultivation(views: ViewsDep, runtime: RuntimeDep, paging: PagingDep,
                _: Anyone) -> dict[str, Any]:
    """培育对象 (Hefei art. 9): latest result below C; they may be re-evaluated. Public."""
    items, total = q.cultivation_candidates(views, page=paging.page, page_size=paging.page_size)
    return page_of(items, total, paging, runtime)


@router.get("/v1/library/company-countdown")
def company_countdown(views: ViewsDep, _: Anyone, as_of: date | None = None,
                      within_days: Annotated[int, Query(ge=0, le=366)] = 30) -> dict[str, Any]:
    """Hefei art. 8: a company within 6 months after publicity; due soon, overdue, lapsed."""
    return q.company_countdown(views, as_of=as_of or date.today(), within_days=within_days)


@router.get("/v1/experts/workload", response_model=Page)
def expert_workload(views: ViewsDep, runtime: RuntimeDep, paging: PagingDep,
                    _: Overseer) -> dict[str, Any]:
    """Per expert: panels served, sheets scored, recusals and their reasons."""
    items, total = q.expert_workload(views, page=paging.page, page_size=paging.page_size)
    return page_of(items, total, paging, runtime)


@router.get("/v1/evaluation-policies")
def list_policies(views: ViewsDep) -> list[dict[str, Any]]:
    """Every policy version, built-in and published. Public."""
    return q.list_policies(views)


@router.post("/v1/evaluation-policies", status_code=201, response_model=WriteAccepted)
def publish_policy(body: PolicyCreate, principal: Admin, ledger: LedgerDep,
                   response: Response) -> WriteAccepted:
    """Publish a policy version (S&T bureau); past evaluations keep theirs."""
    policy = EvaluationPolicy(
        version=body.version, source=body.source,
        indicators=tuple(Indicator(i.key, i.name_zh, i.weight) for i in body.indicators),
        thresholds=tuple(GradeThreshold(Grade(g), m)
                         for g, m in body.thresholds.model_dump().items()),
        publicity_days=body.publicity_days, company_deadline_months=body.company_deadline_months,
        effective_from=body.effective_from, effective_to=body.effective_to,
        trim_from_panel_size=body.trim_from_panel_size)
    outcome = ledger.publish_policy(e.PublishPolicy(policy, body.effective_date),
                                    actor=principal.actor)
    return created(ledger, outcome, response, "evaluation-policies")


@router.post("/v1/parties/{agency_id}/qualifications", response_model=WriteAccepted,
             tags=["parties"])
def record_qualification(agency_id: UUID, body: QualificationCreate, principal: Registrar,
                         ledger: LedgerDep) -> WriteAccepted:
    """Record an evaluation agency's qualification (Baoding item 8)."""
    qualification = Qualification(tuple(body.scope), body.issuer, body.certificate_no,
                                  body.valid_from, body.valid_to)
    outcome = ledger.record_qualification(
        e.RecordQualification(agency_id, qualification, body.effective_date),
        actor=principal.actor)
    return accepted(ledger, agency_id, outcome.position)


@router.get("/v1/parties/{agency_id}/qualifications", tags=["parties"])
def qualifications(agency_id: UUID, views: ViewsDep) -> list[dict[str, Any]]:
    """An agency's recorded qualifications. Public."""
    return q.qualifications_of(views, str(agency_id))


@router.post("/v1/achievements/{achievement_id}/technology-managers",
             response_model=WriteAccepted, tags=["achievements"])
def engage_manager(achievement_id: UUID, body: EngagementCreate, principal: Engager,
                   ledger: LedgerDep) -> WriteAccepted:
    """A technology manager takes part in disclosure, assessment or negotiation (Baoding 6)."""
    outcome = ledger.engage_technology_manager(
        e.EngageTechnologyManager(achievement_id, **body.model_dump()), actor=principal.actor)
    return accepted(ledger, achievement_id, outcome.position)


@router.get("/v1/achievements/{achievement_id}/technology-managers", tags=["achievements"])
def managers(achievement_id: UUID, views: ViewsDep, _: Anyone) -> list[dict[str, Any]]:
    """Technology managers' participation in this achievement, in order."""
    return q.manager_engagements(views, str(achievement_id))

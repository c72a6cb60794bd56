"""Funded projects (科技计划项目, Baoding item 1)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from api.auth import Anyone, Registrar, require
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
from api.schemas.projects import (
    PreApprovalAssessment,
    ProjectApproval,
    ProjectClosure,
    ProjectCreate,
    StageAssessment,
)
from domain.access import Role
from domain.errors import NotFound
from domain.project import ProjectStatus
from projections.ledger_index import history
from projections.registry_queries import get_one, list_projects
from services import commands as c
from services.handlers.access import Principal

router = APIRouter(prefix="/v1/projects", tags=["projects"])
Assessor = Annotated[Principal, Depends(require(Role.EVALUATION_AGENCY))]
Admin = Annotated[Principal, Depends(require())]


@router.post("", status_code=201, response_model=WriteAccepted)
def propose_project(body: ProjectCreate, principal: Registrar, ledger: LedgerDep,
                    response: Response, idempotency_key: IdempotencyKey = None) -> WriteAccepted:
    """Propose a funded project."""
    outcome = ledger.propose_project(c.ProposeProject(**body.model_dump()), actor=principal.actor,
                                     key=idempotency_key)
    return created(ledger, outcome, response, "projects")


@router.post("/{project_id}/pre-approval-assessment", response_model=WriteAccepted)
def assess_pre_approval(project_id: UUID, body: PreApprovalAssessment, principal: Assessor,
                        ledger: LedgerDep) -> WriteAccepted:
    """立项前评估: peer review before approval."""
    outcome = ledger.assess_pre_approval(c.AssessPreApproval(project_id, **body.model_dump()),
                                         actor=principal.actor)
    return accepted(ledger, project_id, outcome.position)


@router.post("/{project_id}/approval", response_model=WriteAccepted)
def approve_project(project_id: UUID, body: ProjectApproval, principal: Admin,
                    ledger: LedgerDep) -> WriteAccepted:
    """Approve a project whose pre-approval assessment recommended it."""
    outcome = ledger.approve_project(c.ApproveProject(project_id, **body.model_dump()),
                                     actor=principal.actor)
    return accepted(ledger, project_id, outcome.position)


@router.post("/{project_id}/stage-assessments", response_model=WriteAccepted)
def assess_stage(project_id: UUID, body: StageAssessment, principal: Assessor,
                 ledger: LedgerDep) -> WriteAccepted:
    """阶段性评估 of a running project (repeatable)."""
    outcome = ledger.assess_stage(c.AssessStage(project_id, **body.model_dump()),
                                  actor=principal.actor)
    return accepted(ledger, project_id, outcome.position)


@router.post("/{project_id}/closure", response_model=WriteAccepted)
def close_project(project_id: UUID, body: ProjectClosure, principal: Registrar,
                  ledger: LedgerDep) -> WriteAccepted:
    """Accept (验收) or terminate a project."""
    outcome = ledger.close_project(c.CloseProject(project_id, **body.model_dump()),
                                   actor=principal.actor)
    return accepted(ledger, project_id, outcome.position)


@router.get("", response_model=Page)
def search_projects(views: ViewsDep, runtime: RuntimeDep, paging: PagingDep, _: Anyone,
                    status: ProjectStatus | None = None) -> dict[str, Any]:
    """List projects, optionally by status (any key)."""
    rows, total = list_projects(views, status=status.value if status else None,
                                page=paging.page, page_size=paging.page_size)
    return page_of(rows, total, paging, runtime)


@router.get("/{project_id}")
def get_project(project_id: UUID, views: ViewsDep, _: Anyone) -> dict[str, Any]:
    """One project (any key)."""
    row = get_one(views, "projects", str(project_id))
    if row is None:
        raise NotFound("project", project_id)
    return row


@router.get("/{project_id}/history")
def project_history(project_id: UUID, views: ViewsDep, _: Anyone) -> list[dict[str, object]]:
    """The project's events in order, with ledger positions and both dates."""
    entries = history(views, str(project_id))
    if not entries:
        raise NotFound("project", project_id)
    return entries

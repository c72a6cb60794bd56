"""Evaluations (科技成果评价): the Hefei process step by step, and the other classes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

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
from api.problems import ApiProblem
from api.schemas.common import Page, WriteAccepted
from api.schemas.evaluations import (
    ConclusionCreate,
    EvaluationCreate,
    PanelCreate,
    PlanCreate,
    RecusalCreate,
    RevocationCreate,
    ScoresCreate,
    StepCreate,
)
from domain.access import Role
from domain.errors import NotFound
from domain.evaluation import EvaluationStatus
from domain.values import EvaluationClass
from projections.evaluation_queries import get_evaluation, list_evaluations
from projections.ledger_index import history
from services import evaluation_commands as e
from services.handlers.access import Principal
from services.ledger import Ledger
from services.uow import Outcome

router = APIRouter(prefix="/v1/evaluations", tags=["evaluations"])
# Agencies run transferable and applied-research evaluations; the S&T bureau (registrar role)
# runs basic-research and pre-approval ones as the project-establishing unit (Baoding table).
Evaluator = Annotated[Principal, Depends(require(Role.EVALUATION_AGENCY, Role.REGISTRAR))]
Auditor = Annotated[Principal, Depends(require(Role.AUDITOR))]


def acting_for(principal: Principal) -> UUID | None:
    """An agency key bound to its party acts only on that agency's evaluations."""
    return principal.party_id if principal.role is Role.EVALUATION_AGENCY else None


def step_answer(ledger: Ledger, evaluation_id: UUID, outcome: Outcome[None]) -> WriteAccepted:
    return accepted(ledger, evaluation_id, outcome.position)


@router.post("", status_code=201, response_model=WriteAccepted)
def commission(body: EvaluationCreate, principal: Evaluator, ledger: LedgerDep,
               response: Response, idempotency_key: IdempotencyKey = None) -> WriteAccepted:
    """委托受理 (Hefei art. 10): a qualified evaluator accepts a commission."""
    if acting_for(principal) not in (None, body.evaluator_id):
        raise ApiProblem(403, "not_the_evaluator",
                         "an agency key commissions only evaluations its own agency runs")
    command = e.CommissionEvaluation(**body.model_dump())
    outcome = ledger.commission_evaluation(command, actor=principal.actor, key=idempotency_key)
    return created(ledger, outcome, response, "evaluations")


def _step(evaluation_id: UUID, principal: Principal, ledger: Ledger,
          run: Callable[..., Outcome[None]], command: Any) -> WriteAccepted:
    outcome = run(command, actor=principal.actor, acting_for=acting_for(principal))
    return step_answer(ledger, evaluation_id, outcome)


@router.post("/{evaluation_id}/plan", response_model=WriteAccepted)
def set_plan(evaluation_id: UUID, body: PlanCreate, principal: Evaluator,
             ledger: LedgerDep) -> WriteAccepted:
    """制定方案: evaluation forms (Hefei art. 4) and the policy version in force."""
    command = e.SetPlan(evaluation_id, tuple(body.forms), body.policy_version, body.effective_date)
    return _step(evaluation_id, principal, ledger, ledger.set_plan, command)


@router.post("/{evaluation_id}/panel", response_model=WriteAccepted)
def form_panel(evaluation_id: UUID, body: PanelCreate, principal: Evaluator,
               ledger: LedgerDep) -> WriteAccepted:
    """组织评价: the panel, checked for composition (Hefei art. 11), recusal (Baoding item 7)
    and sanctions (item 9)."""
    command = e.FormPanel(evaluation_id, tuple(body.member_ids), body.effective_date)
    return _step(evaluation_id, principal, ledger, ledger.form_panel, command)


@router.post("/{evaluation_id}/recusals", response_model=WriteAccepted)
def recuse(evaluation_id: UUID, body: RecusalCreate, principal: Evaluator,
           ledger: LedgerDep) -> WriteAccepted:
    """A panel member withdraws for a conflict found before scoring (回避)."""
    command = e.RecuseExpert(evaluation_id, body.expert_id, body.reason, body.effective_date)
    return _step(evaluation_id, principal, ledger, ledger.recuse_expert, command)


@router.post("/{evaluation_id}/scores", response_model=WriteAccepted)
def submit_scores(evaluation_id: UUID, body: ScoresCreate, principal: Evaluator,
                  ledger: LedgerDep) -> WriteAccepted:
    """One expert's scores, every indicator once, 0-100."""
    command = e.SubmitScores(evaluation_id, body.expert_id, dict(body.scores), body.effective_date)
    return _step(evaluation_id, principal, ledger, ledger.submit_scores, command)


@router.post("/{evaluation_id}/review", response_model=WriteAccepted)
def review(evaluation_id: UUID, body: StepCreate, principal: Evaluator,
           ledger: LedgerDep) -> WriteAccepted:
    """会议审议: total and grade from all sheets (Hefei arts. 3, 6)."""
    command = e.EvaluationStep(evaluation_id, body.effective_date)
    return _step(evaluation_id, principal, ledger, ledger.review_evaluation, command)


@router.post("/{evaluation_id}/conclusion", response_model=WriteAccepted)
def conclude(evaluation_id: UUID, body: ConclusionCreate, principal: Evaluator,
             ledger: LedgerDep) -> WriteAccepted:
    """Conclusion of a basic-research, applied-research or pre-approval evaluation."""
    command = e.Conclude(evaluation_id, body.summary, tuple(body.representative_works),
                         tuple(body.methods), body.recommended, body.score, body.effective_date)
    return _step(evaluation_id, principal, ledger, ledger.conclude_evaluation, command)


@router.post("/{evaluation_id}/publicity", response_model=WriteAccepted)
def publicize(evaluation_id: UUID, body: StepCreate, principal: Evaluator,
              ledger: LedgerDep) -> WriteAccepted:
    """公示 for the policy's window."""
    command = e.EvaluationStep(evaluation_id, body.effective_date)
    return _step(evaluation_id, principal, ledger, ledger.publicize_evaluation, command)


@router.post("/{evaluation_id}/finalization", response_model=WriteAccepted)
def finalize(evaluation_id: UUID, body: StepCreate, principal: Evaluator,
             ledger: LedgerDep) -> WriteAccepted:
    """认定 after publicity; grade C or above enters the library (Hefei arts. 7-8)."""
    command = e.EvaluationStep(evaluation_id, body.effective_date)
    return _step(evaluation_id, principal, ledger, ledger.finalize_evaluation, command)


@router.post("/{evaluation_id}/revocation", response_model=WriteAccepted)
def revoke(evaluation_id: UUID, body: RevocationCreate, principal: Auditor,
           ledger: LedgerDep) -> WriteAccepted:
    """Revoke an evaluation (evaluation fraud found); it leaves the library."""
    outcome = ledger.revoke_evaluation(e.RevokeEvaluation(evaluation_id, **body.model_dump()),
                                       actor=principal.actor)
    return step_answer(ledger, evaluation_id, outcome)


@router.get("", response_model=Page)
def search(views: ViewsDep, runtime: RuntimeDep, paging: PagingDep, _: Anyone,
           achievement_id: UUID | None = None, agency_id: UUID | None = None,
           status: EvaluationStatus | None = None,
           evaluation_class: Annotated[EvaluationClass | None, Query()] = None
           ) -> dict[str, Any]:
    """Evaluations by achievement, agency, status or class; newest first."""
    items, total = list_evaluations(
        views, achievement_id=str(achievement_id) if achievement_id else None,
        agency_id=str(agency_id) if agency_id else None,
        status=status.value if status else None,
        evaluation_class=evaluation_class.value if evaluation_class else None,
        page=paging.page, page_size=paging.page_size)
    return page_of(items, total, paging, runtime)


@router.get("/{evaluation_id}")
def get_one(evaluation_id: UUID, views: ViewsDep, _: Anyone) -> dict[str, Any]:
    row = get_evaluation(views, str(evaluation_id))
    if row is None:
        raise NotFound("evaluation", evaluation_id)
    return row


@router.get("/{evaluation_id}/history")
def evaluation_history(evaluation_id: UUID, views: ViewsDep, _: Anyone
                       ) -> list[dict[str, object]]:
    """Every event of the evaluation with its ledger position and both dates."""
    events = history(views, str(evaluation_id))
    if not events:
        raise NotFound("evaluation", evaluation_id)
    return events

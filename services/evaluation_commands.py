"""Command inputs of evaluation (科技成果评价). `effective_date=None` means today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.evaluation_policy import EvaluationPolicy
from domain.values import EvaluationClass, EvaluationForm, ManagerStage, Qualification


@dataclass(frozen=True)
class PublishPolicy:
    policy: EvaluationPolicy
    effective_date: date | None = None


@dataclass(frozen=True)
class RecordQualification:
    agency_id: UUID
    qualification: Qualification
    effective_date: date | None = None


@dataclass(frozen=True)
class CommissionEvaluation:
    evaluation_class: EvaluationClass
    subject_id: UUID  # the achievement, or the funded project for pre_approval
    commissioner_id: UUID
    evaluator_id: UUID
    effective_date: date | None = None


@dataclass(frozen=True)
class EvaluationStep:
    """A step that needs nothing but the evaluation: review, publicize, finalize."""

    evaluation_id: UUID
    effective_date: date | None = None


@dataclass(frozen=True)
class SetPlan:
    evaluation_id: UUID
    forms: tuple[EvaluationForm, ...]
    policy_version: str
    effective_date: date | None = None


@dataclass(frozen=True)
class FormPanel:
    evaluation_id: UUID
    member_ids: tuple[UUID, ...]
    effective_date: date | None = None


@dataclass(frozen=True)
class RecuseExpert:
    evaluation_id: UUID
    expert_id: UUID
    reason: str
    effective_date: date | None = None


@dataclass(frozen=True)
class SubmitScores:
    evaluation_id: UUID
    expert_id: UUID
    scores: dict[str, Decimal]
    effective_date: date | None = None


@dataclass(frozen=True)
class Conclude:
    evaluation_id: UUID
    summary: str
    representative_works: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    recommended: bool | None = None
    score: Decimal | None = None
    effective_date: date | None = None


@dataclass(frozen=True)
class RevokeEvaluation:
    evaluation_id: UUID
    reason: str
    decision_ref: str
    effective_date: date | None = None


@dataclass(frozen=True)
class EngageTechnologyManager:
    achievement_id: UUID
    manager_id: UUID
    stage: ManagerStage
    note: str = ""
    effective_date: date | None = None

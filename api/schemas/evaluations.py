"""Evaluation schemas (科技成果评价)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import Field, StrictBool

from api.schemas.common import EffectiveDate, LongText, Strict, Text
from domain.values import EvaluationClass, EvaluationForm, ManagerStage

Score = Annotated[Decimal, Field(ge=0, le=100, decimal_places=2,
                                 description="0-100, at most 2 decimals, e.g. \"87.5\"")]
Version = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]


class IndicatorIn(Strict):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    name_zh: Text
    weight: Annotated[int, Field(ge=1, le=100)]


class ThresholdsIn(Strict):
    A: Score
    B: Score
    C: Score


class PolicyCreate(Strict):
    """A new evaluation policy version; weights must sum to 100 (Hefei art. 3)."""

    version: Version
    source: Text
    indicators: Annotated[list[IndicatorIn], Field(min_length=1, max_length=20)]
    thresholds: ThresholdsIn
    publicity_days: Annotated[int, Field(ge=1, le=90)]
    company_deadline_months: Annotated[int, Field(ge=1, le=60)] = 6
    effective_from: date
    effective_to: date | None = None
    trim_from_panel_size: Annotated[int, Field(ge=3, le=50)] = 5
    effective_date: EffectiveDate = None


class QualificationCreate(Strict):
    """An evaluation agency's qualification (Baoding item 8)."""

    scope: Annotated[list[EvaluationClass], Field(min_length=1)]
    issuer: Text
    certificate_no: Text
    valid_from: date
    valid_to: date
    effective_date: EffectiveDate = None


class EvaluationCreate(Strict):
    """委托受理. `subject_id` is the achievement, or the funded project for pre_approval."""

    evaluation_class: EvaluationClass
    subject_id: UUID
    commissioner_id: UUID
    evaluator_id: UUID
    effective_date: EffectiveDate = None


class PlanCreate(Strict):
    forms: Annotated[list[EvaluationForm], Field(min_length=1)]
    policy_version: Version
    effective_date: EffectiveDate = None


class PanelCreate(Strict):
    member_ids: Annotated[list[UUID], Field(min_length=1, max_length=50)]
    effective_date: EffectiveDate = None


class RecusalCreate(Strict):
    expert_id: UUID
    reason: Text
    effective_date: EffectiveDate = None


class ScoresCreate(Strict):
    """One expert's sheet: every indicator of the plan's policy, once."""

    expert_id: UUID
    scores: dict[str, Score]
    effective_date: EffectiveDate = None


class StepCreate(Strict):
    effective_date: EffectiveDate = None


class ConclusionCreate(Strict):
    summary: LongText
    representative_works: list[Text] = []
    methods: list[Text] = []
    recommended: StrictBool | None = None
    score: Score | None = None
    effective_date: EffectiveDate = None


class RevocationCreate(Strict):
    reason: Text
    decision_ref: Text
    effective_date: EffectiveDate = None


class EngagementCreate(Strict):
    manager_id: UUID
    stage: ManagerStage
    note: LongText = ""
    effective_date: EffectiveDate = None

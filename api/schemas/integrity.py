"""Misconduct record (科研失信行为记录) schemas."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import Field, StrictBool

from api.schemas.common import EffectiveDate, LongText, Strict, Text
from domain.misconduct import MisconductCategory, Severity, SubjectRole
from domain.standing import SanctionScope


class SanctionIn(Strict):
    kind: Text = Field(description="e.g. 取消评审专家资格, 禁止申报财政科技计划项目")
    scopes: Annotated[list[SanctionScope], Field(min_length=1, max_length=5)]
    start: date
    end: date | None = Field(default=None, description="last day barred; null: permanent")


class MisconductCreate(Strict):
    """Only an auditor records a decision; `authority` + `decision_ref` is its key."""

    subject_id: UUID
    role: SubjectRole
    category: MisconductCategory
    severity: Severity = Severity.GENERAL
    findings: LongText = Field(min_length=1)
    authority: Text
    decision_ref: Annotated[str, Field(min_length=1, max_length=100, strict=True)]
    decided_on: date
    sanctions: Annotated[list[SanctionIn], Field(max_length=10)] = []
    evaluation_ids: Annotated[list[UUID], Field(max_length=50)] = []
    achievement_ids: Annotated[list[UUID], Field(max_length=50)] = []
    cancel_registrations: StrictBool = False
    published: StrictBool = Field(default=False, description="the decision is to be published")


class AppealCreate(Strict):
    grounds: LongText = Field(min_length=1)
    effective_date: EffectiveDate = None


class AppealDecisionCreate(Strict):
    overturned: StrictBool = Field(description="true withdraws the record's sanctions from "
                                               "this day on")
    reasons: LongText = Field(min_length=1)
    effective_date: EffectiveDate = None


class SanctionEnd(Strict):
    sanction_id: UUID
    end: date | None


class CorrectionCreate(Strict):
    findings: LongText = Field(min_length=1)
    note: Text
    sanction_ends: Annotated[list[SanctionEnd], Field(max_length=10)] = []
    effective_date: EffectiveDate = None

"""Funded-project schemas."""

from __future__ import annotations

from uuid import UUID

from pydantic import StrictBool

from api.schemas.common import EffectiveDate, LongText, Money, Strict, Text
from domain.project import StageConclusion


class ProjectCreate(Strict):
    title: Text
    undertaker_id: UUID
    programme: Text
    fiscal_amount: Money
    fiscal: StrictBool = True
    effective_date: EffectiveDate = None


class PreApprovalAssessment(Strict):
    recommended: StrictBool
    summary: LongText
    effective_date: EffectiveDate = None


class ProjectApproval(Strict):
    approved_amount: Money
    effective_date: EffectiveDate = None


class StageAssessment(Strict):
    stage: Text
    conclusion: StageConclusion
    summary: LongText = ""
    effective_date: EffectiveDate = None


class ProjectClosure(Strict):
    """`accepted: true` records acceptance (验收); false terminates with `summary` as reason."""

    accepted: StrictBool
    summary: LongText
    effective_date: EffectiveDate = None

"""Achievement schemas."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import Field, StrictBool, StrictInt

from api.schemas.common import EffectiveDate, LongText, Money, Strict, Text
from domain.values import (
    AchievementForm,
    CancellationReason,
    Category,
    HefeiSubtype,
    MaturityStage,
    PatentKind,
    PatentStatus,
    Secrecy,
    TransferIntent,
)


class PatentIn(Strict):
    number: Text = Field(description="CN patent number with check digit, e.g. ZL201710601862.3")
    kind: PatentKind
    title: Text
    grant_date: date | None = None
    expiry_date: date | None = None
    status: PatentStatus = PatentStatus.VALID


class CompleterIn(Strict):
    name: Annotated[str, Field(min_length=1, max_length=100, strict=True)]
    party_id: UUID | None = None
    affiliation_id: UUID | None = None


class FundingIn(Strict):
    fiscal: StrictBool
    project_id: UUID | None = None
    amount: Money | None = None
    source: Annotated[str, Field(max_length=200, strict=True)] = ""


class IpItemIn(Strict):
    kind: Text
    identifier: Text
    title: Text


class AchievementCreate(Strict):
    registry_code: Annotated[str, Field(pattern=r"^[0-9A-Z]{2,8}$", strict=True)]
    title: Annotated[str, Field(min_length=1, max_length=300, strict=True)]
    category: Category
    hefei_subtype: HefeiSubtype | None = None
    forms: list[AchievementForm] = []
    owner_ids: Annotated[list[UUID], Field(min_length=1, max_length=20)]
    completers: Annotated[list[CompleterIn], Field(min_length=1, max_length=100)]
    field: Annotated[str, Field(min_length=1, max_length=100, strict=True)]
    keywords: Annotated[list[Annotated[str, Field(max_length=50, strict=True)]],
                        Field(min_length=1, max_length=10)]
    summary: LongText = ""
    funding: FundingIn
    maturity_stage: MaturityStage
    trl: Annotated[StrictInt, Field(ge=1, le=9)] | None = None
    patents: Annotated[list[PatentIn], Field(max_length=200)] = []
    other_ip: Annotated[list[IpItemIn], Field(max_length=200)] = []
    secrecy: Secrecy = Secrecy.PUBLIC
    defence_related: StrictBool = False
    effective_date: EffectiveDate = None


class DisclosureCreate(Strict):
    discloser_id: UUID
    inventors: Annotated[list[Annotated[str, Field(min_length=1, max_length=100, strict=True)]],
                         Field(min_length=1, max_length=100)]
    ip_status: Text
    transfer_intent: TransferIntent
    funding_note: LongText = ""
    effective_date: EffectiveDate = None


class PatentStatusChange(Strict):
    patent_number: Text
    status: PatentStatus
    reason: LongText = ""
    effective_date: EffectiveDate = None


class CancellationCreate(Strict):
    reason: CancellationReason
    detail: LongText
    decision_ref: Annotated[str, Field(max_length=200, strict=True)] = ""
    effective_date: EffectiveDate = None


class CompanyCreate(Strict):
    company_id: UUID
    effective_date: EffectiveDate = None

"""Party schemas."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field, StrictBool, StrictStr

from api.schemas.common import EffectiveDate, Strict
from domain.values import ExpertType, PartyKind, RelationKind


class PartyCreate(Strict):
    name: Annotated[str, Field(min_length=1, max_length=200, strict=True)]
    kind: PartyKind
    credit_code: StrictStr | None = Field(None, description="统一社会信用代码 (organisations)")
    region_code: StrictStr | None = Field(None, description="GB/T 2260 6-digit region code")
    state_owned: StrictBool = False
    expert_type: ExpertType | None = None
    affiliation_id: UUID | None = None
    technology_manager: StrictBool = False
    effective_date: EffectiveDate = None


class RelationCreate(Strict):
    party_id: UUID
    kind: RelationKind
    note: Annotated[str, Field(max_length=500, strict=True)] = ""
    effective_date: EffectiveDate = None


class PartyPublic(BaseModel):
    id: UUID
    name: str
    kind: PartyKind
    credit_code: str | None
    region_code: str | None
    state_owned: bool
    expert_type: ExpertType | None
    affiliation_id: UUID | None
    technology_manager: bool
    registered_on: date
    relations: list[dict[str, object]] | None = Field(
        None, description="declared relations; shown to registrars, auditors, agencies and admins")

"""Command inputs of the Ledger. `effective_date=None` means "today" in the registry's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.achievement import AchievementDraft
from domain.project import StageConclusion
from domain.values import (
    CancellationReason,
    ExpertType,
    PartyKind,
    PatentStatus,
    Relation,
    TransferIntent,
)


@dataclass(frozen=True)
class RegisterParty:
    name: str
    kind: PartyKind
    credit_code: str | None = None
    region_code: str | None = None
    state_owned: bool = False
    expert_type: ExpertType | None = None
    affiliation_id: UUID | None = None
    technology_manager: bool = False
    effective_date: date | None = None


@dataclass(frozen=True)
class DeclareRelation:
    party_id: UUID
    relation: Relation
    effective_date: date | None = None


@dataclass(frozen=True)
class ProposeProject:
    title: str
    undertaker_id: UUID
    programme: str
    fiscal_amount: Decimal
    fiscal: bool = True
    effective_date: date | None = None


@dataclass(frozen=True)
class AssessPreApproval:
    project_id: UUID
    recommended: bool
    summary: str
    effective_date: date | None = None


@dataclass(frozen=True)
class ApproveProject:
    project_id: UUID
    approved_amount: Decimal
    effective_date: date | None = None


@dataclass(frozen=True)
class AssessStage:
    project_id: UUID
    stage: str
    conclusion: StageConclusion
    summary: str = ""
    effective_date: date | None = None


@dataclass(frozen=True)
class CloseProject:
    """Accept (验收) or terminate a project; `accepted=False` terminates with the summary as reason."""

    project_id: UUID
    accepted: bool
    summary: str
    effective_date: date | None = None


@dataclass(frozen=True)
class RegisterAchievement:
    draft: AchievementDraft
    registry_code: str
    effective_date: date | None = None


@dataclass(frozen=True)
class DiscloseAchievement:
    achievement_id: UUID
    discloser_id: UUID
    inventors: tuple[str, ...]
    ip_status: str
    transfer_intent: TransferIntent
    funding_note: str = ""
    effective_date: date | None = None


@dataclass(frozen=True)
class ChangePatentStatus:
    achievement_id: UUID
    patent_number: str
    status: PatentStatus
    reason: str = ""
    effective_date: date | None = None


@dataclass(frozen=True)
class CancelRegistration:
    achievement_id: UUID
    reason: CancellationReason
    detail: str
    decision_ref: str = ""
    effective_date: date | None = None


@dataclass(frozen=True)
class RecordCompany:
    achievement_id: UUID
    company_id: UUID
    effective_date: date | None = None

"""Achievement (科技成果): registration, disclosure, patent status, cancellation, company formed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from domain.base import LedgerAggregate
from domain.codes import normalize_patent_number
from domain.errors import InvalidInput, InvalidTransition
from domain.registration_rules import check_registrable
from domain.values import (
    AchievementForm,
    CancellationReason,
    Category,
    Completer,
    Funding,
    HefeiSubtype,
    IpItem,
    ManagerStage,
    MaturityStage,
    Patent,
    PatentStatus,
    Secrecy,
    TransferIntent,
)


class AchievementStatus(StrEnum):
    REGISTERED = "registered"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class AchievementDraft:
    """What a registrant submits for registration (成果登记), before the registry numbers it."""

    title: str
    category: Category
    owner_ids: tuple[UUID, ...]
    completers: tuple[Completer, ...]
    field: str
    keywords: tuple[str, ...]
    funding: Funding
    maturity_stage: MaturityStage
    summary: str = ""
    hefei_subtype: HefeiSubtype | None = None
    forms: tuple[AchievementForm, ...] = ()
    trl: int | None = None
    patents: tuple[Patent, ...] = ()
    other_ip: tuple[IpItem, ...] = ()
    secrecy: Secrecy = Secrecy.PUBLIC
    defence_related: bool = False


class Achievement(LedgerAggregate):
    """A registered sci-tech achievement and the facts recorded about it afterwards."""

    no_steps_before_creation = True  # nothing happens to it before it was registered

    class Registered(LedgerAggregate.Created):
        registration_number: str
        registry_code: str
        draft: AchievementDraft

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, Achievement)
            aggregate.registration_number = self.registration_number
            aggregate.draft = self.draft
            aggregate.owner_ids = self.draft.owner_ids
            aggregate.patents = {p.number: p for p in self.draft.patents}

    class Disclosed(LedgerAggregate.Event):
        """职务科技成果披露 (Baoding item 2)."""

        discloser_id: UUID
        inventors: tuple[str, ...]
        ip_status: str
        transfer_intent: TransferIntent
        funding_note: str

        def apply(self, aggregate: Achievement) -> None:
            aggregate.disclosed_on = self.effective_date

    class PatentStatusChanged(LedgerAggregate.Event):
        patent_number: str
        status: PatentStatus
        reason: str

        def apply(self, aggregate: Achievement) -> None:
            old = aggregate.patents[self.patent_number]
            aggregate.patents = {
                **aggregate.patents,
                self.patent_number: Patent(old.number, old.kind, old.title, old.grant_date,
                                           old.expiry_date, self.status),
            }

    class RegistrationCancelled(LedgerAggregate.Event):
        reason: CancellationReason
        detail: str
        decision_ref: str

        def apply(self, aggregate: Achievement) -> None:
            aggregate.status = AchievementStatus.CANCELLED

    class CompanyFormed(LedgerAggregate.Event):
        """A company founded on the achievement (Hefei art. 8)."""

        company_id: UUID

        def apply(self, aggregate: Achievement) -> None:
            aggregate.company_ids = (*aggregate.company_ids, self.company_id)

    class TechnologyManagerEngaged(LedgerAggregate.Event):
        """A technology manager (技术经理人) takes part in a stage (Baoding item 6)."""

        manager_id: UUID
        stage: ManagerStage
        note: str

        def apply(self, aggregate: Achievement) -> None:
            aggregate.managers = (*aggregate.managers, (self.manager_id, self.stage))

    def __init__(self) -> None:
        super().__init__()
        self.registration_number = ""
        self.draft: AchievementDraft | None = None
        self.owner_ids: tuple[UUID, ...] = ()
        self.patents: dict[str, Patent] = {}
        self.status = AchievementStatus.REGISTERED
        self.disclosed_on: date | None = None
        self.company_ids: tuple[UUID, ...] = ()
        self.managers: tuple[tuple[UUID, ManagerStage], ...] = ()

    @classmethod
    def register(cls, draft: AchievementDraft, *, id: UUID, request_digest: str,
                 registration_number: str, registry_code: str, effective_date: date,
                 actor: str) -> Achievement:
        """Register a checked draft under the number the registry issued for it."""
        return cls._create(
            cls.Registered, id=id, request_digest=request_digest, effective_date=effective_date,
            actor=actor, registration_number=registration_number, registry_code=registry_code,
            draft=check_registrable(draft),
        )

    def disclose(self, *, discloser_id: UUID, inventors: tuple[str, ...], ip_status: str,
                 transfer_intent: TransferIntent, funding_note: str, effective_date: date,
                 actor: str) -> None:
        """Record the institution's disclosure of a service invention (Baoding item 2)."""
        self._require_registered("disclosure")
        if discloser_id not in self.owner_ids:
            raise InvalidInput("the discloser must be an owner of the achievement",
                               field="discloser_id")
        if not inventors or any(not name.strip() for name in inventors):
            raise InvalidInput("inventors are required / 须列明发明人", field="inventors")
        self.trigger_event(self.Disclosed, discloser_id=discloser_id,
                           inventors=tuple(n.strip() for n in inventors), ip_status=ip_status,
                           transfer_intent=transfer_intent, funding_note=funding_note,
                           effective_date=effective_date, actor=actor)

    def change_patent_status(self, patent_number: str, status: PatentStatus, *, reason: str,
                             effective_date: date, actor: str) -> None:
        patent_number = normalize_patent_number(patent_number)
        if patent_number not in self.patents:
            raise InvalidInput(f"patent {patent_number} is not part of this achievement",
                               field="patent_number")
        if self.patents[patent_number].status is status:
            raise InvalidTransition(f"patent {patent_number} is already {status.value}")
        self.trigger_event(self.PatentStatusChanged, patent_number=patent_number, status=status,
                           reason=reason, effective_date=effective_date, actor=actor)

    def cancel_registration(self, *, reason: CancellationReason, detail: str, decision_ref: str,
                            effective_date: date, actor: str) -> None:
        self._require_registered("cancellation")
        self.trigger_event(self.RegistrationCancelled, reason=reason, detail=detail,
                           decision_ref=decision_ref, effective_date=effective_date, actor=actor)

    def record_company(self, company_id: UUID, *, effective_date: date, actor: str) -> None:
        self._require_registered("company formation")
        if company_id in self.company_ids:
            raise InvalidTransition("this company is already recorded for the achievement")
        self.trigger_event(self.CompanyFormed, company_id=company_id,
                           effective_date=effective_date, actor=actor)

    @property
    def registered_on(self) -> date:
        return self.started_on

    def engage_manager(self, manager_id: UUID, stage: ManagerStage, note: str, *,
                       effective_date: date, actor: str) -> None:
        self._require_registered("technology manager engagement")
        if (manager_id, stage) in self.managers:
            raise InvalidTransition(f"this manager already takes part in {stage.value}")
        self.trigger_event(self.TechnologyManagerEngaged, manager_id=manager_id, stage=stage,
                           note=note.strip(), effective_date=effective_date, actor=actor)

    @property
    def party_ids(self) -> set[UUID]:
        """Owners, completers and completers' affiliations: whom an evaluator must not serve."""
        assert self.draft is not None
        ids = set(self.owner_ids)
        for completer in self.draft.completers:
            ids |= {i for i in (completer.party_id, completer.affiliation_id) if i is not None}
        return ids

    def _require_registered(self, step: str) -> None:
        if self.status is not AchievementStatus.REGISTERED:
            raise InvalidTransition(f"{step} refused: the registration is {self.status.value}",
                                    status=self.status)

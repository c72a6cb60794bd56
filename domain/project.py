"""Funded project (科技计划项目): Baoding item 1 — assessed before approval, traced through stages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from domain.base import LedgerAggregate, require_text
from domain.errors import InvalidInput, InvalidTransition


class ProjectStatus(StrEnum):
    PROPOSED = "proposed"
    PRE_APPROVAL_ASSESSED = "pre_approval_assessed"
    APPROVED = "approved"
    ACCEPTED = "accepted"
    TERMINATED = "terminated"


class StageConclusion(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


FINAL_STATUSES = frozenset({ProjectStatus.ACCEPTED, ProjectStatus.TERMINATED})
# Outputs may be linked once the project has been approved, including after it ended.
OUTPUT_STATUSES = frozenset({ProjectStatus.APPROVED, *FINAL_STATUSES})


class FundedProject(LedgerAggregate):
    """A fiscally funded S&T plan project and the achievements it produced."""

    class Proposed(LedgerAggregate.Created):
        title: str
        undertaker_id: UUID
        programme: str
        fiscal_amount: Decimal
        fiscal: bool

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, FundedProject)
            aggregate.title = self.title
            aggregate.undertaker_id = self.undertaker_id
            aggregate.programme = self.programme
            aggregate.fiscal_amount = self.fiscal_amount
            aggregate.fiscal = self.fiscal

    class PreApprovalAssessed(LedgerAggregate.Event):
        """立项前评估 (Baoding item 1 and its evaluation-content table): peer review."""

        recommended: bool
        summary: str

        def apply(self, aggregate: FundedProject) -> None:
            aggregate.status = ProjectStatus.PRE_APPROVAL_ASSESSED
            aggregate.recommended = self.recommended

    class Approved(LedgerAggregate.Event):
        approved_amount: Decimal

        def apply(self, aggregate: FundedProject) -> None:
            aggregate.status = ProjectStatus.APPROVED
            aggregate.fiscal_amount = self.approved_amount

    class StageAssessed(LedgerAggregate.Event):
        """阶段性评估 (Baoding item 1): repeatable while the project runs."""

        stage: str
        conclusion: StageConclusion
        summary: str

        def apply(self, aggregate: FundedProject) -> None:
            aggregate.stage_assessments += 1

    class Accepted(LedgerAggregate.Event):
        summary: str

        def apply(self, aggregate: FundedProject) -> None:
            aggregate.status = ProjectStatus.ACCEPTED

    class Terminated(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: FundedProject) -> None:
            aggregate.status = ProjectStatus.TERMINATED

    class OutputLinked(LedgerAggregate.Event):
        achievement_id: UUID

        def apply(self, aggregate: FundedProject) -> None:
            aggregate.outputs = (*aggregate.outputs, self.achievement_id)

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.undertaker_id: UUID | None = None
        self.programme = ""
        self.fiscal_amount = Decimal(0)
        self.fiscal = True
        self.status = ProjectStatus.PROPOSED
        self.recommended: bool | None = None
        self.stage_assessments = 0
        self.outputs: tuple[UUID, ...] = ()

    @classmethod
    def propose(
        cls, *, id: UUID, request_digest: str, effective_date: date, actor: str,
        title: str, undertaker_id: UUID, programme: str, fiscal_amount: Decimal, fiscal: bool = True,
    ) -> FundedProject:
        """Propose a project; fiscal amounts are non-negative CNY."""
        if fiscal_amount < 0:
            raise InvalidInput("fiscal_amount must not be negative", field="fiscal_amount")
        return cls._create(
            cls.Proposed, id=id, request_digest=request_digest, effective_date=effective_date,
            actor=actor, title=require_text(title, "title"), undertaker_id=undertaker_id,
            programme=require_text(programme, "programme", max_length=200),
            fiscal_amount=fiscal_amount, fiscal=fiscal,
        )

    def assess_pre_approval(
        self, *, recommended: bool, summary: str, effective_date: date, actor: str
    ) -> None:
        self._require(ProjectStatus.PROPOSED, "pre-approval assessment")
        self.trigger_event(self.PreApprovalAssessed, recommended=recommended,
                           summary=require_text(summary, "summary", max_length=4000),
                           effective_date=effective_date, actor=actor)

    def approve(self, *, approved_amount: Decimal, effective_date: date, actor: str) -> None:
        """Approve after a favourable pre-approval assessment (Baoding item 1: 依据评估结果)."""
        self._require(ProjectStatus.PRE_APPROVAL_ASSESSED, "approval")
        if not self.recommended:
            raise InvalidTransition("the pre-approval assessment did not recommend this project",
                                    status=self.status)
        if approved_amount < 0:
            raise InvalidInput("approved_amount must not be negative", field="approved_amount")
        self.trigger_event(self.Approved, approved_amount=approved_amount,
                           effective_date=effective_date, actor=actor)

    def assess_stage(self, *, stage: str, conclusion: StageConclusion, summary: str,
                     effective_date: date, actor: str) -> None:
        self._require(ProjectStatus.APPROVED, "stage assessment")
        self.trigger_event(self.StageAssessed, stage=require_text(stage, "stage", max_length=100),
                           conclusion=conclusion, summary=summary.strip(),
                           effective_date=effective_date, actor=actor)

    def accept(self, *, summary: str, effective_date: date, actor: str) -> None:
        self._require(ProjectStatus.APPROVED, "acceptance")
        self.trigger_event(self.Accepted, summary=summary.strip(),
                           effective_date=effective_date, actor=actor)

    def terminate(self, *, reason: str, effective_date: date, actor: str) -> None:
        if self.status in FINAL_STATUSES:
            raise InvalidTransition(f"project is already {self.status}", status=self.status)
        self.trigger_event(self.Terminated, reason=require_text(reason, "reason"),
                           effective_date=effective_date, actor=actor)

    def link_output(self, achievement_id: UUID, *, effective_date: date, actor: str) -> None:
        """Link a registered achievement as an output of this project."""
        if self.status not in OUTPUT_STATUSES:
            raise InvalidTransition(
                f"outputs can be linked once the project is approved (status: {self.status})",
                status=self.status,
            )
        if achievement_id not in self.outputs:
            self.trigger_event(self.OutputLinked, achievement_id=achievement_id,
                               effective_date=effective_date, actor=actor)

    def require_proposed(self, step: str) -> None:
        self._require(ProjectStatus.PROPOSED, step)

    def _require(self, status: ProjectStatus, step: str) -> None:
        if self.status is not status:
            raise InvalidTransition(
                f"{step} requires status {status.value}, project is {self.status.value}",
                status=self.status,
            )

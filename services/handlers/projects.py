"""Funded-project commands (Baoding item 1)."""

from __future__ import annotations

from uuid import UUID

from domain.party import Party
from domain.project import FundedProject
from domain.standing import SanctionScope
from services.commands import (
    ApproveProject,
    AssessPreApproval,
    AssessStage,
    CloseProject,
    ProposeProject,
)
from services.core import LedgerCore
from services.handlers.results import Created
from services.idempotency import create_once
from services.standing import barring
from services.uow import Outcome, UnitOfWork


class ProjectCommands(LedgerCore):
    def propose_project(self, cmd: ProposeProject, *, actor: str,
                        key: str | None = None) -> Outcome[Created]:
        """Propose a funded project undertaken by a registered party."""

        def work(uow: UnitOfWork) -> Created:
            def build(project_id: UUID, digest: str) -> FundedProject:
                uow.get(Party, cmd.undertaker_id, "party")
                day = self.effective(cmd.effective_date)
                barring(uow, cmd.undertaker_id, SanctionScope.FUNDING, day)  # Baoding item 9
                return FundedProject.propose(
                    id=project_id, request_digest=digest, effective_date=day, actor=actor,
                    title=cmd.title, undertaker_id=cmd.undertaker_id, programme=cmd.programme,
                    fiscal_amount=cmd.fiscal_amount, fiscal=cmd.fiscal,
                )

            project, created = create_once(uow, FundedProject, "project", key, cmd, build)
            return Created(project.id, replayed=not created)

        return self.execute(work)

    def assess_pre_approval(self, cmd: AssessPreApproval, *, actor: str) -> Outcome[None]:
        def work(uow: UnitOfWork) -> None:
            uow.get(FundedProject, cmd.project_id, "project").assess_pre_approval(
                recommended=cmd.recommended, summary=cmd.summary,
                effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    def approve_project(self, cmd: ApproveProject, *, actor: str) -> Outcome[None]:
        def work(uow: UnitOfWork) -> None:
            uow.get(FundedProject, cmd.project_id, "project").approve(
                approved_amount=cmd.approved_amount,
                effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    def assess_stage(self, cmd: AssessStage, *, actor: str) -> Outcome[None]:
        def work(uow: UnitOfWork) -> None:
            uow.get(FundedProject, cmd.project_id, "project").assess_stage(
                stage=cmd.stage, conclusion=cmd.conclusion, summary=cmd.summary,
                effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    def close_project(self, cmd: CloseProject, *, actor: str) -> Outcome[None]:
        def work(uow: UnitOfWork) -> None:
            project = uow.get(FundedProject, cmd.project_id, "project")
            effective = self.effective(cmd.effective_date)
            if cmd.accepted:
                project.accept(summary=cmd.summary, effective_date=effective, actor=actor)
            else:
                project.terminate(reason=cmd.summary, effective_date=effective, actor=actor)

        return self.execute(work)

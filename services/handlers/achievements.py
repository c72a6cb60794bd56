"""Achievement commands: registration with unique consecutive numbers, and what follows it."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from uuid import UUID

from domain.achievement import Achievement, AchievementDraft
from domain.errors import DomainError, DuplicateRegistration, InvalidInput, PatentAlreadyRegistered
from domain.party import Party
from domain.policy import NUMBERING_2026
from domain.project import FundedProject
from domain.registration import Claim, RegistrationSeries
from domain.registration_rules import check_registrable
from domain.standing import SanctionScope
from domain.values import PartyKind
from services.commands import (
    CancelRegistration,
    ChangePatentStatus,
    DiscloseAchievement,
    RecordCompany,
    RegisterAchievement,
)
from services.core import LedgerCore
from services.handlers.results import Created
from services.idempotency import create_once
from services.standing import barring
from services.uow import Outcome, UnitOfWork, Work

REGISTRY_CODE = re.compile(r"^[0-9A-Z]{2,8}$")


def natural_key(draft: AchievementDraft) -> str:
    """Same first owner and same title (ignoring width, case and spaces) is the same work."""
    title = "".join(unicodedata.normalize("NFKC", draft.title).lower().split())
    return f"{draft.owner_ids[0]}:{title}"


class AchievementCommands(LedgerCore):
    def register_achievement(
        self, cmd: RegisterAchievement, *, actor: str, key: str | None = None
    ) -> Outcome[Created]:
        """成果登记: checked, deduplicated, numbered and linked to its project in one save."""
        return self.execute(self.registration(cmd, actor=actor, key=key))

    def registration(
        self, cmd: RegisterAchievement, *, actor: str, key: str | None = None
    ) -> Work[Created]:
        """The registration as work for an executor; the HTTP API submits it with
        `execute_async`, so the hottest command needs no thread of its own."""
        if not REGISTRY_CODE.match(cmd.registry_code):
            raise InvalidInput("registry_code must be 2-8 digits or capital letters",
                               field="registry_code")

        def work(uow: UnitOfWork) -> Created:
            def build(achievement_id: UUID, digest: str) -> Achievement:
                effective = self.effective(cmd.effective_date)
                draft = check_registrable(cmd.draft)
                self._check_references(uow, draft)
                for owner_id in draft.owner_ids:  # Baoding item 9: barred owners register nothing
                    barring(uow, owner_id, SanctionScope.REGISTRATION, effective)
                self._claim_uniques(uow, draft, achievement_id, effective, actor)
                number = self._issue_number(uow, cmd.registry_code, draft, achievement_id,
                                            effective, actor)
                achievement = Achievement.register(
                    draft, id=achievement_id, request_digest=digest, registration_number=number,
                    registry_code=cmd.registry_code, effective_date=effective, actor=actor)
                if draft.funding.project_id is not None:
                    uow.get(FundedProject, draft.funding.project_id, "project").link_output(
                        achievement_id, effective_date=effective, actor=actor)
                return achievement

            achievement, created = create_once(uow, Achievement, "achievement", key, cmd, build)
            return Created(achievement.id, replayed=not created,
                           registration_number=achievement.registration_number)

        return work

    def disclose_achievement(self, cmd: DiscloseAchievement, *, actor: str) -> Outcome[None]:
        def work(uow: UnitOfWork) -> None:
            uow.get(Achievement, cmd.achievement_id, "achievement").disclose(
                discloser_id=cmd.discloser_id, inventors=cmd.inventors, ip_status=cmd.ip_status,
                transfer_intent=cmd.transfer_intent, funding_note=cmd.funding_note,
                effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    def change_patent_status(self, cmd: ChangePatentStatus, *, actor: str) -> Outcome[None]:
        def work(uow: UnitOfWork) -> None:
            uow.get(Achievement, cmd.achievement_id, "achievement").change_patent_status(
                cmd.patent_number, cmd.status, reason=cmd.reason,
                effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    def cancel_registration(self, cmd: CancelRegistration, *, actor: str) -> Outcome[None]:
        def work(uow: UnitOfWork) -> None:
            uow.get(Achievement, cmd.achievement_id, "achievement").cancel_registration(
                reason=cmd.reason, detail=cmd.detail, decision_ref=cmd.decision_ref,
                effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    def record_company(self, cmd: RecordCompany, *, actor: str) -> Outcome[None]:
        """Hefei art. 8: a company founded on the achievement (an enterprise party)."""

        def work(uow: UnitOfWork) -> None:
            company = uow.get(Party, cmd.company_id, "party")
            if company.kind is not PartyKind.ENTERPRISE:
                raise InvalidInput("the company must be an enterprise party", field="company_id")
            uow.get(Achievement, cmd.achievement_id, "achievement").record_company(
                cmd.company_id, effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    @staticmethod
    def _check_references(uow: UnitOfWork, draft: AchievementDraft) -> None:
        for owner_id in draft.owner_ids:
            uow.get(Party, owner_id, "party")
        for completer in draft.completers:
            for party_id in (completer.party_id, completer.affiliation_id):
                if party_id is not None:
                    uow.get(Party, party_id, "party")

    @staticmethod
    def _claim_uniques(uow: UnitOfWork, draft: AchievementDraft, achievement_id: UUID,
                       effective: date, actor: str) -> None:
        """One registration per achievement; one registered achievement per patent."""
        claims: list[tuple[str, str, type[DomainError], str]] = [
            ("achievement", natural_key(draft), DuplicateRegistration,
             "an achievement with this title and first owner is already registered")
        ]
        claims += [("patent", p.number, PatentAlreadyRegistered,
                    f"patent {p.number} already belongs to a registered achievement")
                   for p in draft.patents]
        for namespace, value, error, message in claims:
            existing = uow.find(Claim, Claim.id_for(namespace, value))
            if existing is not None:
                raise error(message, existing_achievement_id=str(existing.holder_id))
            uow.add(Claim.make(namespace=namespace, value=value, holder_id=achievement_id,
                               effective_date=effective, actor=actor))

    @staticmethod
    def _issue_number(uow: UnitOfWork, registry_code: str, draft: AchievementDraft,
                      achievement_id: UUID, effective: date, actor: str) -> str:
        series_id = RegistrationSeries.id_for(registry_code, effective.year, draft.category)
        series = uow.find(RegistrationSeries, series_id)
        if series is None:
            series = RegistrationSeries.open(
                registry_code=registry_code, year=effective.year, category=draft.category,
                policy=NUMBERING_2026, effective_date=effective, actor=actor)
            uow.add(series)
        return series.issue(achievement_id, policy=NUMBERING_2026, effective_date=effective,
                            actor=actor)

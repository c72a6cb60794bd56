"""Misconduct decisions and what they do across the ledger (Baoding item 9, DOMAIN.md [N]):
the record, its sanctions on the party's standing, and — for evaluation fraud — the revoked
evaluations and cancelled registrations, all in one save."""

from __future__ import annotations

from uuid import UUID

from domain.achievement import Achievement, AchievementStatus
from domain.errors import DomainError
from domain.evaluation import Evaluation, EvaluationStatus
from domain.misconduct import REVOKING, Decision, MisconductCategory, MisconductRecord
from domain.party import Party
from domain.sanction_policy import GUIDELINE_2022
from domain.standing import IntegrityStanding, Sanction
from domain.values import CancellationReason
from services import integrity_commands as i
from services.core import LedgerCore
from services.handlers.results import Created
from services.idempotency import request_digest
from services.uow import Outcome, UnitOfWork

CANCELLATION_REASONS = {MisconductCategory.PLAGIARISM: CancellationReason.PLAGIARISM}


class RecordTaken(DomainError):
    code = "misconduct_record_taken"
    title_zh = "该处理决定已记录"
    title_en = "Decision already recorded"


def standing_of(uow: UnitOfWork, party_id: UUID, decision: Decision,
                actor: str) -> IntegrityStanding:
    standing = uow.find(IntegrityStanding, IntegrityStanding.id_for(party_id))
    if standing is None:
        standing = IntegrityStanding.open(party_id, effective_date=decision.decided_on,
                                          actor=actor)
        uow.add(standing)
    return standing


class IntegrityCommands(LedgerCore):
    def record_misconduct(self, cmd: i.RecordMisconduct, *, actor: str) -> Outcome[Created]:
        """Record a decision; the authority and document number are its key (same body again
        replays, another body is a 409)."""

        def work(uow: UnitOfWork) -> Created:
            decision, digest = cmd.decision, request_digest(cmd)
            existing = uow.find(MisconductRecord, MisconductRecord.id_for(
                decision.authority, decision.decision_ref))
            if existing is not None:
                if existing.request_digest != digest:
                    raise RecordTaken(f"decision {decision.decision_ref} of {decision.authority} "
                                      "is already recorded with other content")
                return Created(existing.id, replayed=True)
            uow.get(Party, decision.subject_id, "party")
            GUIDELINE_2022.check(decision)
            record = MisconductRecord.record(decision, request_digest=digest, actor=actor)
            standing = standing_of(uow, decision.subject_id, decision, actor)
            for sanction_id, terms in zip(record.sanction_ids, decision.sanctions, strict=True):
                standing.impose(Sanction(sanction_id, terms.kind, terms.scopes, terms.start,
                                         terms.end, record.id),
                                effective_date=decision.decided_on, actor=actor)
            _revoke_evaluations(uow, decision, actor)
            _touch_registrations(uow, decision, actor)
            uow.add(record)
            return Created(record.id, replayed=False, status=record.status.value)

        return self.execute(work)

    def appeal_misconduct(self, cmd: i.AppealMisconduct, *, actor: str) -> Outcome[None]:
        """申诉: the sanctions stand while the appeal is heard."""

        def work(uow: UnitOfWork) -> None:
            uow.get(MisconductRecord, cmd.record_id, "misconduct_record").appeal(
                grounds=cmd.grounds, effective_date=self.effective(cmd.effective_date),
                actor=actor)

        return self.execute(work)

    def decide_appeal(self, cmd: i.DecideAppeal, *, actor: str) -> Outcome[None]:
        """Overturned: every sanction of the record is withdrawn from the decision's day on."""

        def work(uow: UnitOfWork) -> None:
            day = self.effective(cmd.effective_date)
            record = uow.get(MisconductRecord, cmd.record_id, "misconduct_record")
            record.decide_appeal(overturned=cmd.overturned, reasons=cmd.reasons,
                                 effective_date=day, actor=actor)
            if cmd.overturned:
                assert record.decision is not None
                standing = uow.get(IntegrityStanding,
                                   IntegrityStanding.id_for(record.decision.subject_id), "standing")
                standing_ids = {s.sanction_id for s in standing.sanctions
                                if s.withdrawn_from is None}
                for sanction_id in record.sanction_ids:
                    if sanction_id in standing_ids:
                        standing.withdraw(sanction_id, effective_date=day, actor=actor)

        return self.execute(work)

    def correct_misconduct(self, cmd: i.CorrectMisconduct, *, actor: str) -> Outcome[None]:
        """更正: corrected findings, and sanction end dates moved on the standing."""

        def work(uow: UnitOfWork) -> None:
            day = self.effective(cmd.effective_date)
            record = uow.get(MisconductRecord, cmd.record_id, "misconduct_record")
            record.correct(findings=cmd.findings, sanction_ends=cmd.sanction_ends, note=cmd.note,
                           effective_date=day, actor=actor)
            assert record.decision is not None
            if cmd.sanction_ends:
                standing = uow.get(IntegrityStanding,
                                   IntegrityStanding.id_for(record.decision.subject_id), "standing")
                for sanction_id, end in cmd.sanction_ends:
                    standing.change_end(sanction_id, end, effective_date=day, actor=actor)

        return self.execute(work)


def _revoke_evaluations(uow: UnitOfWork, decision: Decision, actor: str) -> None:
    """Evaluation fraud and its kin revoke the linked evaluations: they leave the library."""
    for evaluation_id in decision.evaluation_ids:
        evaluation = uow.get(Evaluation, evaluation_id, "evaluation")
        if decision.category in REVOKING and evaluation.status is not EvaluationStatus.REVOKED:
            evaluation.revoke(reason=f"{decision.category.value}: {decision.findings[:200]}",
                              decision_ref=decision.decision_ref,
                              effective_date=decision.decided_on, actor=actor)


def _touch_registrations(uow: UnitOfWork, decision: Decision, actor: str) -> None:
    for achievement_id in decision.achievement_ids:
        achievement = uow.get(Achievement, achievement_id, "achievement")
        if decision.cancel_registrations and achievement.status is AchievementStatus.REGISTERED:
            achievement.cancel_registration(
                reason=CANCELLATION_REASONS.get(decision.category, CancellationReason.FRAUD),
                detail=decision.findings[:500], decision_ref=decision.decision_ref,
                effective_date=decision.decided_on, actor=actor)

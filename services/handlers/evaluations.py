"""Evaluation commands: who may evaluate, panels with recusal, scoring, outcomes.

Sources: Hefei arts. 2-11; Baoding items 6-9 and its evaluation-content table.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.achievement import Achievement, AchievementStatus
from domain.errors import InvalidInput, InvalidTransition, NotFound, WrongPartyKind
from domain.evaluation import (
    Conclusion,
    Evaluation,
    EvaluationStatus,
    MarketEvidence,
    PanelMember,
    PanelRuleBroken,
)
from domain.evaluation_policy import BUILTIN_POLICIES, EvaluationPolicy, PolicyRecord
from domain.party import Party
from domain.project import FundedProject
from domain.rights import AchievementRights
from domain.standing import SanctionScope
from domain.values import Category, EvaluationClass, PartyKind
from services import evaluation_commands as e
from services.core import LedgerCore
from services.handlers.results import Created
from services.idempotency import create_once
from services.standing import barring
from services.uow import Outcome, UnitOfWork

# Hefei art. 2: transferable achievements come from universities and research institutes.
HEFEI_SOURCES = frozenset({PartyKind.UNIVERSITY, PartyKind.RESEARCH_INSTITUTE})
# Baoding table: which category each class evaluates.
CATEGORY_OF_CLASS = {
    EvaluationClass.BASIC_RESEARCH: Category.BASIC_THEORY,
    EvaluationClass.APPLIED_RESEARCH: Category.APPLIED_TECHNOLOGY,
    EvaluationClass.TRANSFERABLE: Category.APPLIED_TECHNOLOGY,
}
# Who evaluates (Baoding table): third-party agencies, or the project-establishing unit.
AGENCY_CLASSES = frozenset({EvaluationClass.TRANSFERABLE, EvaluationClass.APPLIED_RESEARCH})
APPLIED_METHODS = frozenset({"user", "market_test", "third_party"})


def policy_for(uow: UnitOfWork, version: str) -> EvaluationPolicy:
    """A built-in policy version or one published on the ledger."""
    builtin = BUILTIN_POLICIES.get(version)
    if builtin is not None:
        return builtin
    return uow.get(PolicyRecord, PolicyRecord.id_for(version), "evaluation_policy").policy


def market_evidence(uow: UnitOfWork, achievement_id: UUID) -> MarketEvidence:
    """Applied-research market indicators from the ledger's own registered contracts for the
    achievement (Baoding table: 技术合同交易金额): count, 成交额, 技术交易额, distinct buyers."""
    rights = uow.find(AchievementRights, AchievementRights.id_for(achievement_id))
    trades = rights.standing_trades if rights is not None else ()
    return MarketEvidence(
        contracts=len(trades), contract_turnover=sum((x.turnover for x in trades), Decimal(0)),
        transaction_amount=sum((x.transaction_amount for x in trades), Decimal(0)),
        buyers=len({x.buyer_id for x in trades}))


class EvaluationCommands(LedgerCore):
    def publish_policy(self, cmd: e.PublishPolicy, *, actor: str) -> Outcome[Created]:
        """Publish a new evaluation policy version (weights must sum to 100). The version is
        the natural key: publishing the same policy again replays, another one is refused."""

        def work(uow: UnitOfWork) -> Created:
            version = cmd.policy.version
            existing = uow.find(PolicyRecord, PolicyRecord.id_for(version))
            if existing is not None and existing.policy == cmd.policy:
                return Created(existing.id, replayed=True)  # an honest retry
            if version in BUILTIN_POLICIES or existing is not None:
                raise InvalidTransition(f"policy version {version} already exists",
                                        version=version)
            uow.add(PolicyRecord.publish(cmd.policy, request_digest="",
                                         effective_date=self.effective(cmd.effective_date),
                                         actor=actor))
            return Created(PolicyRecord.id_for(version), replayed=False)

        return self.execute(work)

    def record_qualification(self, cmd: e.RecordQualification, *, actor: str) -> Outcome[None]:
        """Baoding item 8: an evaluation agency's qualification (scope, issuer, validity)."""

        def work(uow: UnitOfWork) -> None:
            uow.get(Party, cmd.agency_id, "party").record_qualification(
                cmd.qualification, effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    def commission_evaluation(self, cmd: e.CommissionEvaluation, *, actor: str,
                              key: str | None = None) -> Outcome[Created]:
        """委托受理 (Hefei art. 10): checks the subject, the evaluator's standing and scope."""

        def work(uow: UnitOfWork) -> Created:
            def build(evaluation_id: UUID, digest: str) -> Evaluation:
                day = self.effective(cmd.effective_date)
                uow.get(Party, cmd.commissioner_id, "party")
                owners = self._check_subject(uow, cmd.evaluation_class, cmd.subject_id, day)
                self._check_evaluator(uow, cmd.evaluation_class, cmd.evaluator_id, day)
                self._check_independence(uow, cmd.evaluator_id, owners)
                return Evaluation.commission(
                    id=evaluation_id, request_digest=digest,
                    evaluation_class=cmd.evaluation_class, subject_id=cmd.subject_id,
                    commissioner_id=cmd.commissioner_id, evaluator_id=cmd.evaluator_id,
                    effective_date=day, actor=actor)

            evaluation, created = create_once(uow, Evaluation, "evaluation", key, cmd, build)
            return Created(evaluation.id, replayed=not created)

        return self.execute(work)

    def set_plan(self, cmd: e.SetPlan, *, actor: str, acting_for: UUID | None = None
                 ) -> Outcome[None]:
        """制定方案: forms and the policy version in force."""

        def step(uow: UnitOfWork, evaluation: Evaluation, day: date) -> None:
            evaluation.require_next(EvaluationStatus.PLAN_SET)  # before reading the subject
            achievement = uow.get(Achievement, self._subject(evaluation), "achievement")
            assert achievement.draft is not None and achievement.draft.hefei_subtype is not None
            evaluation.set_plan(cmd.forms, policy_for(uow, cmd.policy_version),
                                achievement.draft.hefei_subtype, effective_date=day, actor=actor)

        return self._run_step(cmd.evaluation_id, cmd.effective_date, acting_for, step)

    def form_panel(self, cmd: e.FormPanel, *, actor: str, acting_for: UUID | None = None
                   ) -> Outcome[None]:
        """组织评价: experts with recusal (Baoding item 7) and standing (item 9)."""

        def step(uow: UnitOfWork, evaluation: Evaluation, day: date) -> None:
            conflicts = self._conflicting_parties(uow, evaluation)
            members = tuple(self._panel_member(uow, expert_id, conflicts, day)
                            for expert_id in cmd.member_ids)
            evaluation.form_panel(members, effective_date=day, actor=actor)

        return self._run_step(cmd.evaluation_id, cmd.effective_date, acting_for, step)

    def recuse_expert(self, cmd: e.RecuseExpert, *, actor: str, acting_for: UUID | None = None
                      ) -> Outcome[None]:
        def step(uow: UnitOfWork, evaluation: Evaluation, day: date) -> None:
            uow.get(Party, cmd.expert_id, "party")
            evaluation.recuse(cmd.expert_id, cmd.reason, effective_date=day, actor=actor)

        return self._run_step(cmd.evaluation_id, cmd.effective_date, acting_for, step)

    def submit_scores(self, cmd: e.SubmitScores, *, actor: str, acting_for: UUID | None = None
                      ) -> Outcome[None]:
        def step(uow: UnitOfWork, evaluation: Evaluation, day: date) -> None:
            uow.get(Party, cmd.expert_id, "party")
            barring(uow, cmd.expert_id, SanctionScope.EVALUATION_EXPERT, day)
            evaluation.submit_scores(cmd.expert_id, cmd.scores, effective_date=day, actor=actor)

        return self._run_step(cmd.evaluation_id, cmd.effective_date, acting_for, step)

    def review_evaluation(self, cmd: e.EvaluationStep, *, actor: str,
                          acting_for: UUID | None = None) -> Outcome[None]:
        """会议审议: total and grade (Hefei arts. 3, 6)."""

        def step(uow: UnitOfWork, evaluation: Evaluation, day: date) -> None:
            for member in evaluation.panel:
                barring(uow, member.party_id, SanctionScope.EVALUATION_EXPERT, day)
            evaluation.review(effective_date=day, actor=actor)

        return self._run_step(cmd.evaluation_id, cmd.effective_date, acting_for, step)

    def conclude_evaluation(self, cmd: e.Conclude, *, actor: str,
                            acting_for: UUID | None = None) -> Outcome[None]:
        """The conclusion of a basic-research, applied-research or pre-approval evaluation."""

        def step(uow: UnitOfWork, evaluation: Evaluation, day: date) -> None:
            market = None
            if evaluation.evaluation_class is EvaluationClass.APPLIED_RESEARCH:
                unknown = set(cmd.methods) - APPLIED_METHODS
                if unknown:
                    raise InvalidInput(f"unknown methods {sorted(unknown)}", field="methods")
                market = market_evidence(uow, self._subject(evaluation))
            conclusion = Conclusion(cmd.summary.strip(), cmd.representative_works, cmd.methods,
                                    market, cmd.recommended, cmd.score)
            evaluation.conclude(conclusion, effective_date=day, actor=actor)

        return self._run_step(cmd.evaluation_id, cmd.effective_date, acting_for, step)

    def publicize_evaluation(self, cmd: e.EvaluationStep, *, actor: str,
                             acting_for: UUID | None = None) -> Outcome[None]:
        def step(uow: UnitOfWork, evaluation: Evaluation, day: date) -> None:
            evaluation.publicize(effective_date=day, actor=actor)

        return self._run_step(cmd.evaluation_id, cmd.effective_date, acting_for, step)

    def finalize_evaluation(self, cmd: e.EvaluationStep, *, actor: str,
                            acting_for: UUID | None = None) -> Outcome[None]:
        """认定; a pre-approval assessment is recorded on its project in the same save."""

        def step(uow: UnitOfWork, evaluation: Evaluation, day: date) -> None:
            evaluation.finalize(effective_date=day, actor=actor)
            if evaluation.evaluation_class is EvaluationClass.PRE_APPROVAL:
                assert evaluation.conclusion is not None
                project = uow.get(FundedProject, self._subject(evaluation), "project")
                project.assess_pre_approval(
                    recommended=bool(evaluation.conclusion.recommended),
                    summary=evaluation.conclusion.summary, effective_date=day, actor=actor)

        return self._run_step(cmd.evaluation_id, cmd.effective_date, acting_for, step)

    def revoke_evaluation(self, cmd: e.RevokeEvaluation, *, actor: str) -> Outcome[None]:
        """Revocation (a misconduct decision found fraud): the result leaves the library."""

        def work(uow: UnitOfWork) -> None:
            uow.get(Evaluation, cmd.evaluation_id, "evaluation").revoke(
                reason=cmd.reason, decision_ref=cmd.decision_ref,
                effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    def engage_technology_manager(self, cmd: e.EngageTechnologyManager, *, actor: str
                                  ) -> Outcome[None]:
        """Baoding item 6: a technology manager takes part in disclosure, assessment or
        negotiation of an achievement; visible in its history."""

        def work(uow: UnitOfWork) -> None:
            manager = uow.get(Party, cmd.manager_id, "party")
            if not manager.technology_manager:
                raise WrongPartyKind(f"{manager.name} is not a registered technology manager",
                                     party_id=str(manager.id))
            uow.get(Achievement, cmd.achievement_id, "achievement").engage_manager(
                cmd.manager_id, cmd.stage, cmd.note,
                effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    def _run_step(self, evaluation_id: UUID, effective_date: date | None,
                  acting_for: UUID | None,
                  step: Callable[[UnitOfWork, Evaluation, date], None]) -> Outcome[None]:
        """Load the evaluation, check who acts and the evaluator's standing, apply `step`."""

        def work(uow: UnitOfWork) -> None:
            evaluation = uow.get(Evaluation, evaluation_id, "evaluation")
            if acting_for is not None and acting_for != evaluation.evaluator_id:
                raise NotTheEvaluator("only the evaluator running this evaluation may act on it",
                                      evaluator_id=str(evaluation.evaluator_id))
            evaluation.require_active()
            day = self.effective(effective_date)
            assert evaluation.evaluator_id is not None
            self._check_evaluator(uow, evaluation.evaluation_class, evaluation.evaluator_id, day)
            step(uow, evaluation, day)

        return self.execute(work)

    @staticmethod
    def _subject(evaluation: Evaluation) -> UUID:
        assert evaluation.subject_id is not None
        return evaluation.subject_id

    @staticmethod
    def _check_subject(uow: UnitOfWork, evaluation_class: EvaluationClass,
                       subject_id: UUID, day: date) -> set[UUID]:
        """The subject must be evaluable by this class; returns the parties it belongs to."""
        subject: Achievement | FundedProject
        if evaluation_class is EvaluationClass.PRE_APPROVAL:
            subject = uow.get(FundedProject, subject_id, "project")
        else:
            subject = uow.get(Achievement, subject_id, "achievement")
        if day < subject.last_effective_date:
            raise InvalidInput(f"effective_date {day} is before the subject's latest recorded "
                               f"step ({subject.last_effective_date})", field="effective_date")
        if isinstance(subject, FundedProject):
            subject.require_proposed("pre-approval assessment")
            return {subject.undertaker_id} if subject.undertaker_id else set()
        achievement = subject
        if achievement.status is not AchievementStatus.REGISTERED:
            raise InvalidTransition(f"the achievement's registration is {achievement.status.value}")
        draft = achievement.draft
        assert draft is not None
        expected = CATEGORY_OF_CLASS[evaluation_class]
        if draft.category is not expected:
            raise InvalidTransition(f"{evaluation_class.value} evaluation is for "
                                    f"{expected.value} achievements, not {draft.category.value}")
        if evaluation_class is EvaluationClass.TRANSFERABLE:
            _check_hefei_scope(uow, achievement)
        return achievement.party_ids

    @staticmethod
    def _check_evaluator(uow: UnitOfWork, evaluation_class: EvaluationClass,
                         evaluator_id: UUID, day: date) -> None:
        """Baoding items 8-9: a qualified agency in good standing, or the establishing unit."""
        evaluator = uow.get(Party, evaluator_id, "party")
        if evaluation_class in AGENCY_CLASSES:
            if evaluator.kind is not PartyKind.EVALUATION_AGENCY:
                raise WrongPartyKind(f"{evaluator.name} is not an evaluation agency")
            if not evaluator.qualified_for(evaluation_class, day):
                raise AgencyNotQualified(
                    f"{evaluator.name} holds no qualification for {evaluation_class.value} "
                    f"evaluation valid on {day} (Baoding item 8)", agency_id=str(evaluator_id))
            barring(uow, evaluator_id, SanctionScope.EVALUATION_AGENCY, day)
        elif evaluator.kind is not PartyKind.GOVERNMENT:
            raise WrongPartyKind(f"{evaluation_class.value} evaluation is run by the "
                                 f"project-establishing unit (a government party)")

    @staticmethod
    def _check_independence(uow: UnitOfWork, evaluator_id: UUID, owners: set[UUID]) -> None:
        """Baoding item 7 for the evaluator itself: not an owner, not related either way."""
        evaluator = uow.get(Party, evaluator_id, "party")
        related_back = any(uow.get(Party, owner, "party").is_related_to({evaluator_id})
                           for owner in owners)
        if evaluator_id in owners or evaluator.is_related_to(owners) or related_back:
            raise PanelRuleBroken(f"{evaluator.name} is a party to, or related to a party to, "
                                  "the work under evaluation (回避, Baoding item 7)",
                                  rule="recusal")

    @staticmethod
    def _conflicting_parties(uow: UnitOfWork, evaluation: Evaluation) -> dict[UUID, Party]:
        """The parties the subject belongs to, loaded: their own declared relations count too."""
        if evaluation.evaluation_class is EvaluationClass.PRE_APPROVAL:
            project = uow.get(FundedProject, EvaluationCommands._subject(evaluation), "project")
            ids = {project.undertaker_id} if project.undertaker_id else set()
        else:
            ids = uow.get(Achievement, EvaluationCommands._subject(evaluation),
                          "achievement").party_ids
        return {party_id: uow.get(Party, party_id, "party") for party_id in ids}

    @staticmethod
    def _panel_member(uow: UnitOfWork, expert_id: UUID, conflicts: dict[UUID, Party],
                      day: date) -> PanelMember:
        expert = uow.find(Party, expert_id)
        if expert is None:
            raise NotFound("expert", expert_id)
        if not expert.can_serve_on_panels:
            raise PanelRuleBroken(f"{expert.name} is neither an expert nor a technology manager",
                                  expert_id=str(expert_id))
        related_back = any(p.is_related_to({expert_id}) for p in conflicts.values())
        if expert_id in conflicts or expert.is_related_to(set(conflicts)) or related_back:
            raise PanelRuleBroken(f"{expert.name} is affiliated with or related to a party of the "
                                  f"work under evaluation and must recuse (Baoding item 7)",
                                  expert_id=str(expert_id), rule="recusal")
        barring(uow, expert_id, SanctionScope.EVALUATION_EXPERT, day)
        return PanelMember(expert.id, expert.name, expert.expert_type, expert.technology_manager)


class NotTheEvaluator(WrongPartyKind):
    code = "not_the_evaluator"
    title_zh = "非本评价的评价主体"
    title_en = "Not the evaluator of this evaluation"


class AgencyNotQualified(InvalidTransition):
    code = "agency_not_qualified"
    title_zh = "评价机构无有效资质"
    title_en = "Evaluation agency not qualified"


def _check_hefei_scope(uow: UnitOfWork, achievement: Achievement) -> None:
    """Hefei art. 2: a transferable achievement of a university or research institute, of one
    of the two subtypes."""
    assert achievement.draft is not None
    if achievement.draft.hefei_subtype is None:
        raise InvalidTransition("the achievement has no Hefei subtype: it is not registered as "
                                "a transferable achievement (Hefei art. 2)")
    kinds = {uow.get(Party, owner, "party").kind for owner in achievement.owner_ids}
    if not kinds & HEFEI_SOURCES:
        raise InvalidTransition("Hefei evaluation covers achievements of universities and "
                                "research institutes (高校院所, Hefei art. 2)")

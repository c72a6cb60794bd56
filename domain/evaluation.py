"""Evaluation (科技成果评价): the Hefei process and the other classes of Baoding's table.

Hefei art. 10 orders the process: 委托受理 → 制定方案 → 组织评价 → 会议审议; we add 公示 and
认定 after the review because art. 8 speaks of results "评价、认定、公示". Each class has its
own strictly ordered steps (STEPS); any step out of order is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from domain.base import LedgerAggregate, require_text
from domain.errors import DomainError, ErrorKind, InvalidInput, InvalidTransition
from domain.evaluation_policy import LIBRARY_GRADES, EvaluationPolicy, Grade
from domain.scoring import Scores, check_scores, score
from domain.values import EvaluationClass, EvaluationForm, ExpertType, HefeiSubtype


class EvaluationStatus(StrEnum):
    COMMISSIONED = "commissioned"  # 委托受理
    PLAN_SET = "plan_set"  # 制定方案
    PANEL_FORMED = "panel_formed"  # 组织评价 (scores are submitted in this status)
    REVIEWED = "reviewed"  # 会议审议
    CONCLUDED = "concluded"  # the other classes' conclusion
    PUBLICIZED = "publicized"  # 公示
    FINALIZED = "finalized"  # 认定
    REVOKED = "revoked"


S = EvaluationStatus
STEPS: dict[EvaluationClass, tuple[EvaluationStatus, ...]] = {
    EvaluationClass.TRANSFERABLE: (S.COMMISSIONED, S.PLAN_SET, S.PANEL_FORMED, S.REVIEWED,
                                   S.PUBLICIZED, S.FINALIZED),
    EvaluationClass.BASIC_RESEARCH: (S.COMMISSIONED, S.PANEL_FORMED, S.CONCLUDED, S.FINALIZED),
    EvaluationClass.APPLIED_RESEARCH: (S.COMMISSIONED, S.CONCLUDED, S.FINALIZED),
    EvaluationClass.PRE_APPROVAL: (S.COMMISSIONED, S.PANEL_FORMED, S.CONCLUDED, S.FINALIZED),
}

# Hefei art. 4 (二)(三): auxiliary forms that belong to one subtype only.
FORM_ONLY_FOR: dict[EvaluationForm, HefeiSubtype] = {
    EvaluationForm.MARKET_TEST: HefeiSubtype.DEVELOPMENT_INDUSTRIALIZATION,
    EvaluationForm.TEST_REPORT: HefeiSubtype.APPLIED_RESEARCH,
}


class StepOutOfOrder(InvalidTransition):
    code = "evaluation_step_out_of_order"
    title_zh = "评价步骤顺序错误"
    title_en = "Evaluation step out of order"


class EvaluationRevoked(InvalidTransition):
    code = "evaluation_revoked"
    title_zh = "评价已撤销"
    title_en = "Evaluation revoked"


class PanelRuleBroken(DomainError):
    code = "panel_rule_broken"
    title_zh = "评审专家组不符合规则"
    title_en = "Panel rule broken"


class ExpertAlreadyScored(DomainError):
    code = "expert_already_scored"
    title_zh = "专家已评分"
    title_en = "Expert has already scored"


class NotOnPanel(DomainError):
    kind = ErrorKind.CONFLICT
    code = "expert_not_on_panel"
    title_zh = "非本评价专家组成员"
    title_en = "Expert is not on this panel"


@dataclass(frozen=True)
class PanelMember:
    party_id: UUID
    name: str
    expert_type: ExpertType | None
    technology_manager: bool = False


@dataclass(frozen=True)
class MarketEvidence:
    """Applied-research market indicators computed from the ledger's own trades (Baoding table)."""

    contracts: int
    contract_turnover: Decimal  # 成交额
    transaction_amount: Decimal  # 技术交易额
    buyers: int


@dataclass(frozen=True)
class Conclusion:
    """The outcome of a class other than transferable."""

    summary: str
    representative_works: tuple[str, ...] = ()  # basic research: 代表作
    methods: tuple[str, ...] = ()  # applied research: user / market_test / third_party
    market: MarketEvidence | None = None  # applied research
    recommended: bool | None = None  # pre-approval assessment
    score: Decimal | None = None  # optional quantitative part


class Evaluation(LedgerAggregate):
    """One evaluation of one achievement (or, for pre-approval, one funded project)."""

    ordered_dates = True  # steps happen in date order too

    class Commissioned(LedgerAggregate.Created):
        evaluation_class: EvaluationClass
        subject_id: UUID
        commissioner_id: UUID
        evaluator_id: UUID

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, Evaluation)
            aggregate.evaluation_class = self.evaluation_class
            aggregate.subject_id = self.subject_id
            aggregate.commissioner_id = self.commissioner_id
            aggregate.evaluator_id = self.evaluator_id

    class PlanSet(LedgerAggregate.Event):
        forms: tuple[EvaluationForm, ...]
        policy: EvaluationPolicy

        def apply(self, aggregate: Evaluation) -> None:
            aggregate.status = S.PLAN_SET
            aggregate.policy = self.policy

    class PanelFormed(LedgerAggregate.Event):
        members: tuple[PanelMember, ...]

        def apply(self, aggregate: Evaluation) -> None:
            aggregate.status = S.PANEL_FORMED
            aggregate.panel = self.members

    class ExpertRecused(LedgerAggregate.Event):
        expert_id: UUID
        reason: str

        def apply(self, aggregate: Evaluation) -> None:
            aggregate.panel = tuple(m for m in aggregate.panel if m.party_id != self.expert_id)
            aggregate.recused = (*aggregate.recused, self.expert_id)

    class ScoresSubmitted(LedgerAggregate.Event):
        expert_id: UUID
        scores: dict[str, Decimal]

        def apply(self, aggregate: Evaluation) -> None:
            aggregate.sheets = {**aggregate.sheets, self.expert_id: self.scores}

    class Reviewed(LedgerAggregate.Event):
        indicator_scores: dict[str, Decimal]
        total: Decimal
        grade: Grade

        def apply(self, aggregate: Evaluation) -> None:
            aggregate.status = S.REVIEWED
            aggregate.total = self.total
            aggregate.grade = self.grade

    class Concluded(LedgerAggregate.Event):
        conclusion: Conclusion

        def apply(self, aggregate: Evaluation) -> None:
            aggregate.status = S.CONCLUDED
            aggregate.conclusion = self.conclusion

    class Publicized(LedgerAggregate.Event):
        start: date
        end: date

        def apply(self, aggregate: Evaluation) -> None:
            aggregate.status = S.PUBLICIZED
            aggregate.publicity_end = self.end

    class Finalized(LedgerAggregate.Event):
        company_deadline: date | None  # Hefei art. 8, for library grades

        def apply(self, aggregate: Evaluation) -> None:
            aggregate.status = S.FINALIZED
            aggregate.company_deadline = self.company_deadline

    class Revoked(LedgerAggregate.Event):
        reason: str
        decision_ref: str

        def apply(self, aggregate: Evaluation) -> None:
            aggregate.status = S.REVOKED

    def __init__(self) -> None:
        super().__init__()
        self.evaluation_class = EvaluationClass.TRANSFERABLE
        self.subject_id: UUID | None = None
        self.commissioner_id: UUID | None = None
        self.evaluator_id: UUID | None = None
        self.status = S.COMMISSIONED
        self.policy: EvaluationPolicy | None = None
        self.panel: tuple[PanelMember, ...] = ()
        self.sheets: dict[UUID, dict[str, Decimal]] = {}
        self.total: Decimal | None = None
        self.grade: Grade | None = None
        self.conclusion: Conclusion | None = None
        self.publicity_end: date | None = None
        self.company_deadline: date | None = None
        self.recused: tuple[UUID, ...] = ()

    @classmethod
    def commission(cls, *, id: UUID, request_digest: str, evaluation_class: EvaluationClass,
                   subject_id: UUID, commissioner_id: UUID, evaluator_id: UUID,
                   effective_date: date, actor: str) -> Evaluation:
        """委托受理: the evaluator accepts a commission (rules on the parties: services)."""
        return cls._create(cls.Commissioned, id=id, request_digest=request_digest,
                           evaluation_class=evaluation_class, subject_id=subject_id,
                           commissioner_id=commissioner_id, evaluator_id=evaluator_id,
                           effective_date=effective_date, actor=actor)

    def set_plan(self, forms: tuple[EvaluationForm, ...], policy: EvaluationPolicy,
                 subtype: HefeiSubtype, *, effective_date: date, actor: str) -> None:
        """制定方案: forms (Hefei art. 4) and the policy version in force (art. 13)."""
        self.require_next(S.PLAN_SET)
        if not forms or len(set(forms)) != len(forms):
            raise InvalidInput("name at least one evaluation form, each once", field="forms")
        for form in forms:
            only_for = FORM_ONLY_FOR.get(form)
            if only_for is not None and only_for is not subtype:
                raise InvalidInput(f"{form.value} evaluation is auxiliary for {only_for.value} "
                                   f"achievements only (Hefei art. 4)", field="forms")
        if not policy.in_force_on(effective_date):
            raise InvalidTransition(f"policy {policy.version} is not in force on {effective_date}",
                                    policy_version=policy.version)
        self.trigger_event(self.PlanSet, forms=forms, policy=policy,
                           effective_date=effective_date, actor=actor)

    def form_panel(self, members: tuple[PanelMember, ...], *, effective_date: date,
                   actor: str) -> None:
        """组织评价: the panel; re-forming is allowed until the first score arrives."""
        if not (self.status is S.PANEL_FORMED and not self.sheets):
            self.require_next(S.PANEL_FORMED)
        ids = [m.party_id for m in members]
        if not members or len(set(ids)) != len(ids):
            raise InvalidInput("a panel needs members, each listed once / 专家不得重复",
                               field="members")
        returning = set(ids) & set(self.recused)
        if returning:
            raise PanelRuleBroken("an expert who recused cannot rejoin this evaluation's panel",
                                  expert_ids=sorted(str(i) for i in returning))
        if self.evaluation_class is EvaluationClass.TRANSFERABLE:
            _check_composition(members)
        self.trigger_event(self.PanelFormed, members=members, effective_date=effective_date,
                           actor=actor)

    def recuse(self, expert_id: UUID, reason: str, *, effective_date: date, actor: str) -> None:
        """A member withdraws for a conflict found later (回避); only before scoring starts."""
        self._require(S.PANEL_FORMED, "recusal")
        self._member(expert_id)
        if self.sheets:
            raise InvalidTransition("scoring has started: re-run the evaluation instead")
        self.trigger_event(self.ExpertRecused, expert_id=expert_id,
                           reason=require_text(reason, "reason"), effective_date=effective_date,
                           actor=actor)

    def submit_scores(self, expert_id: UUID, scores: Scores, *, effective_date: date,
                      actor: str) -> None:
        """Each panel member scores each indicator once, 0-100."""
        self._require(S.PANEL_FORMED, "scoring")
        if self.evaluation_class is not EvaluationClass.TRANSFERABLE or self.policy is None:
            raise StepOutOfOrder("only transferable evaluations are scored by indicator")
        self._member(expert_id)
        _check_composition(self.panel)  # after a recusal, re-form the panel first
        if expert_id in self.sheets:
            raise ExpertAlreadyScored(f"expert {expert_id} has already submitted scores",
                                      expert_id=str(expert_id))
        self.trigger_event(self.ScoresSubmitted, expert_id=expert_id,
                           scores=check_scores(scores, self.policy),
                           effective_date=effective_date, actor=actor)

    def review(self, *, effective_date: date, actor: str) -> Grade:
        """会议审议: total and grade from every member's sheet (Hefei arts. 3, 6)."""
        self.require_next(S.REVIEWED)
        assert self.policy is not None
        _check_composition(self.panel)
        waiting = [str(m.party_id) for m in self.panel if m.party_id not in self.sheets]
        if waiting:
            raise InvalidTransition(f"{len(waiting)} panel member(s) have not scored",
                                    waiting=waiting)
        result = score(self.sheets, self.policy)
        self.trigger_event(self.Reviewed, indicator_scores=result.indicator_scores,
                           total=result.total, grade=result.grade,
                           effective_date=effective_date, actor=actor)
        return result.grade

    def conclude(self, conclusion: Conclusion, *, effective_date: date, actor: str) -> None:
        """The conclusion of a basic-research, applied-research or pre-approval evaluation."""
        self.require_next(S.CONCLUDED)
        require_text(conclusion.summary, "summary", max_length=4000)
        _check_conclusion(self.evaluation_class, conclusion)
        self.trigger_event(self.Concluded, conclusion=conclusion, effective_date=effective_date,
                           actor=actor)

    def publicize(self, *, effective_date: date, actor: str) -> date:
        """公示 for the policy's window; returns its last day (inclusive)."""
        self.require_next(S.PUBLICIZED)
        assert self.policy is not None
        end = effective_date + timedelta(days=self.policy.publicity_days - 1)
        self.trigger_event(self.Publicized, start=effective_date, end=end,
                           effective_date=effective_date, actor=actor)
        return end

    def finalize(self, *, effective_date: date, actor: str) -> None:
        """认定, after the publicity window; for a library grade this starts the 6-month company
        countdown (Hefei art. 8: after "评价、认定、公示", so from the recognition date)."""
        self.require_next(S.FINALIZED)
        deadline = None
        if self.evaluation_class is EvaluationClass.TRANSFERABLE:
            assert self.publicity_end is not None and self.policy is not None
            if effective_date <= self.publicity_end:
                raise InvalidTransition(f"publicity runs until {self.publicity_end} inclusive",
                                        publicity_end=str(self.publicity_end))
            if self.grade in LIBRARY_GRADES:
                deadline = add_months(effective_date, self.policy.company_deadline_months)
        self.trigger_event(self.Finalized, company_deadline=deadline,
                           effective_date=effective_date, actor=actor)

    def revoke(self, *, reason: str, decision_ref: str, effective_date: date, actor: str) -> None:
        """Revoked by a misconduct decision (evaluation fraud); it leaves the library."""
        self.require_active()
        self.trigger_event(self.Revoked, reason=require_text(reason, "reason"),
                           decision_ref=decision_ref, effective_date=effective_date, actor=actor)

    @property
    def in_library(self) -> bool:
        return self.status is S.FINALIZED and self.grade in LIBRARY_GRADES

    def require_next(self, target: EvaluationStatus) -> None:
        """Refuse `target` unless it is the next step of this class."""
        self.require_active()
        steps = STEPS[self.evaluation_class]
        if target not in steps:
            raise StepOutOfOrder(f"{self.evaluation_class.value} evaluations have no "
                                 f"{target.value} step", status=self.status.value)
        expected = steps[steps.index(target) - 1]
        if self.status is not expected:
            raise StepOutOfOrder(f"{target.value} must follow {expected.value}; this evaluation "
                                 f"is {self.status.value}", status=self.status.value)

    def _require(self, status: EvaluationStatus, step: str) -> None:
        self.require_active()
        if self.status is not status:
            raise StepOutOfOrder(f"{step} needs status {status.value}; this evaluation is "
                                 f"{self.status.value}", status=self.status.value)

    def require_active(self) -> None:
        if self.status is S.REVOKED:
            raise EvaluationRevoked(f"evaluation {self.id} has been revoked")

    def _member(self, expert_id: UUID) -> PanelMember:
        for member in self.panel:
            if member.party_id == expert_id:
                return member
        raise NotOnPanel(f"{expert_id} is not on this evaluation's panel",
                         expert_id=str(expert_id))


def _check_composition(members: tuple[PanelMember, ...]) -> None:
    """Hefei art. 11: technical, industry, investment and market experts, at least one each [D]."""
    present = {m.expert_type for m in members}
    missing = [t.value for t in ExpertType if t not in present]
    if missing:
        raise PanelRuleBroken(f"the panel lacks {', '.join(missing)} expert(s) (Hefei art. 11)",
                              missing=missing)


def _check_conclusion(evaluation_class: EvaluationClass, conclusion: Conclusion) -> None:
    if evaluation_class is EvaluationClass.BASIC_RESEARCH and not conclusion.representative_works:
        raise InvalidInput("basic-research peer review names representative works (代表作制度)",
                           field="representative_works")
    if evaluation_class is EvaluationClass.APPLIED_RESEARCH and not conclusion.methods:
        raise InvalidInput("name the methods used: user, market_test, third_party",
                           field="methods")
    if evaluation_class is EvaluationClass.PRE_APPROVAL and conclusion.recommended is None:
        raise InvalidInput("a pre-approval assessment recommends or not", field="recommended")
    if conclusion.score is not None and not (
            conclusion.score.is_finite() and Decimal(0) <= conclusion.score <= Decimal(100)):
        raise InvalidInput("score must be 0-100", field="score")


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Aug + 6 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")

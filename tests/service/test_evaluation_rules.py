"""Evaluation rules on a real Ledger (SQLite files and PostgreSQL), each test named after its source.

Baoding items 6-9 and its evaluation-content table; Hefei arts. 2-11, 13. No mocks: sanctions
are written with the real IntegrityStanding aggregate, the way the integrity issue will.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import TypeVar
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import AggregateNotFoundError

from domain.achievement import Achievement
from domain.errors import DomainError, InvalidInput, InvalidTransition, NotFound, WrongPartyKind
from domain.evaluation import (
    Evaluation,
    EvaluationRevoked,
    EvaluationStatus,
    NotOnPanel,
    PanelRuleBroken,
)
from domain.evaluation_policy import HEFEI_2022, EvaluationPolicy, Grade, Indicator
from domain.project import FundedProject, ProjectStatus
from domain.standing import IntegrityStanding, PartyBarred, Sanction, SanctionScope
from domain.values import (
    AchievementForm,
    Completer,
    EvaluationClass,
    EvaluationForm,
    ExpertType,
    HefeiSubtype,
    ManagerStage,
    PartyKind,
    Qualification,
    Relation,
    RelationKind,
)
from services import commands as c
from services import evaluation_commands as e
from services.handlers.evaluations import AgencyNotQualified
from services.ledger import Ledger
from services.settings import Settings
from tests.factories import credit_code, draft

E = TypeVar("E", bound=DomainError)
T = EvaluationClass.TRANSFERABLE
SETUP = date(2023, 1, 3)  # parties and achievements; every date lies in HF-2022's period
D = date(2023, 3, 1)  # the usual commission date
KEYS = HEFEI_2022.indicator_keys


@pytest.fixture
def ledger(store_settings: Settings) -> Iterator[Ledger]:
    with Ledger(store_settings) as ledger:
        yield ledger


def refuse(ledger: Ledger, error: type[E], action: Callable[[], object]) -> E:
    """Run `action`, expect `error`, and check that nothing was written."""
    head = ledger.recorder.max_notification_id()
    with pytest.raises(error) as info:
        action()
    assert ledger.recorder.max_notification_id() == head, "a refused command wrote events"
    return info.value


def evaluation(ledger: Ledger, evaluation_id: UUID) -> Evaluation:
    loaded: object = ledger.repository.get(evaluation_id)
    assert isinstance(loaded, Evaluation)
    return loaded


def uniform(value: str) -> dict[str, Decimal]:
    return {key: Decimal(value) for key in KEYS}


class World:
    """A university owning a transferable achievement, a qualified agency and four experts."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.serial = 0
        self.uni = self.org("河北大学", PartyKind.UNIVERSITY)
        self.agency = self.org("保定科技评价中心", PartyKind.EVALUATION_AGENCY)
        self.qualify(self.agency, (T,), date(2022, 1, 1), date(2025, 12, 31))
        self.experts = {t: self.expert(f"{t.value}专家", t) for t in ExpertType}
        self.achievement = self.register(self.uni, "一种电池管理系统")

    @property
    def panel(self) -> tuple[UUID, ...]:
        return tuple(self.experts.values())

    def org(self, name: str, kind: PartyKind) -> UUID:
        self.serial += 1
        return self.ledger.register_party(c.RegisterParty(
            name=name, kind=kind, credit_code=credit_code(self.serial), region_code="130600",
            effective_date=SETUP), actor="test").value.id

    def expert(self, name: str, expert_type: ExpertType | None, *,
               affiliation: UUID | None = None, manager: bool = False) -> UUID:
        return self.ledger.register_party(c.RegisterParty(
            name=name, kind=PartyKind.INDIVIDUAL, expert_type=expert_type,
            affiliation_id=affiliation, technology_manager=manager, effective_date=SETUP),
            actor="test").value.id

    def qualify(self, agency: UUID, scope: tuple[EvaluationClass, ...], start: date,
                end: date) -> None:
        self.ledger.record_qualification(e.RecordQualification(
            agency, Qualification(scope, "保定市科技局", f"Q-{uuid4().hex[:6]}", start, end),
            SETUP), actor="test")

    def register(self, owner: UUID, title: str, *,
                 subtype: HefeiSubtype | None = HefeiSubtype.DEVELOPMENT_INDUSTRIALIZATION,
                 completers: Sequence[Completer] = (Completer("张伟"),),
                 owners: tuple[UUID, ...] | None = None) -> UUID:
        forms: tuple[AchievementForm, ...] = ()
        if subtype is HefeiSubtype.DEVELOPMENT_INDUSTRIALIZATION:
            forms = (AchievementForm.PROTOTYPE,)
        elif subtype is HefeiSubtype.APPLIED_RESEARCH:
            forms = (AchievementForm.PATENT,)
        the_draft = replace(draft(owner, title), hefei_subtype=subtype, forms=forms,
                            completers=tuple(completers), owner_ids=owners or (owner,))
        return self.ledger.register_achievement(c.RegisterAchievement(the_draft, "1306", SETUP),
                                                actor="test").value.id

    # --- the Hefei steps -------------------------------------------------------------------

    def commission(self, achievement: UUID | None = None, day: date = D,
                   agency: UUID | None = None) -> UUID:
        return self.ledger.commission_evaluation(e.CommissionEvaluation(
            T, achievement or self.achievement, self.uni, agency or self.agency, day),
            actor="test").value.id

    def plan(self, ev: UUID, day: date = D, version: str = "HF-2022") -> None:
        self.ledger.set_plan(e.SetPlan(ev, (EvaluationForm.ON_SITE,), version, day), actor="t")

    def form(self, ev: UUID, members: tuple[UUID, ...] | None = None, day: date = D) -> None:
        self.ledger.form_panel(e.FormPanel(ev, members or self.panel, day), actor="test")

    def score(self, ev: UUID, sheets: Sequence[dict[str, Decimal]], day: date = D) -> None:
        members = [m.party_id for m in evaluation(self.ledger, ev).panel]
        assert len(members) == len(sheets)
        for expert_id, sheet in zip(members, sheets, strict=True):
            self.ledger.submit_scores(e.SubmitScores(ev, expert_id, sheet, day), actor="test")

    def through_review(self, achievement: UUID, sheets: Sequence[dict[str, Decimal]],
                       day: date = D, version: str = "HF-2022") -> UUID:
        ev = self.commission(achievement, day)
        self.plan(ev, day, version)
        self.form(ev, day=day)
        self.score(ev, sheets, day)
        self.ledger.review_evaluation(e.EvaluationStep(ev, day), actor="test")
        return ev

    def through_finalization(self, achievement: UUID, sheets: Sequence[dict[str, Decimal]],
                             day: date = D, version: str = "HF-2022") -> UUID:
        ev = self.through_review(achievement, sheets, day, version)
        self.ledger.publicize_evaluation(e.EvaluationStep(ev, day), actor="test")
        end = evaluation(self.ledger, ev).publicity_end
        assert end is not None
        recognised = end + timedelta(days=1)  # 认定 the day after the window closes
        self.ledger.finalize_evaluation(e.EvaluationStep(ev, recognised), actor="test")
        return ev


@pytest.fixture
def world(ledger: Ledger) -> World:
    return World(ledger)


# --- Baoding item 7: recusal (利益关联回避) -----------------------------------------------------

def test_baoding_item7_recusal_refuses_affiliated_and_related_experts(world: World) -> None:
    ledger = world.ledger
    institute = world.org("中科院某研究所", PartyKind.RESEARCH_INSTITUTE)
    completer = world.expert("王强", ExpertType.TECHNICAL)
    achievement = world.register(world.uni, "一种储能材料", completers=(
        Completer("张伟"), Completer("李娜", affiliation_id=institute),
        Completer("王强", party_id=completer)))
    ev = world.commission(achievement)
    world.plan(ev)

    affiliated = world.expert("本校专家", ExpertType.TECHNICAL, affiliation=world.uni)
    declares = world.expert("合作专家", ExpertType.TECHNICAL)
    ledger.declare_relation(c.DeclareRelation(
        declares, Relation(world.uni, RelationKind.COLLABORATION, "联合实验室"), SETUP), actor="t")
    declared_by_owner = world.expert("前雇员", ExpertType.TECHNICAL)
    ledger.declare_relation(c.DeclareRelation(
        world.uni, Relation(declared_by_owner, RelationKind.FORMER_EMPLOYMENT), SETUP), actor="t")
    completers_colleague = world.expert("研究所专家", ExpertType.TECHNICAL, affiliation=institute)

    others = tuple(x for t, x in world.experts.items() if t is not ExpertType.TECHNICAL)
    for conflicted in (affiliated, declares, declared_by_owner, completers_colleague, completer):
        error = refuse(ledger, PanelRuleBroken, partial(world.form, ev, (conflicted, *others)))
        assert error.code == "panel_rule_broken"
        assert error.context == {"expert_id": str(conflicted), "rule": "recusal"}
    assert evaluation(ledger, ev).status is EvaluationStatus.PLAN_SET

    world.form(ev)  # the same evaluation takes an unrelated panel
    assert {m.party_id for m in evaluation(ledger, ev).panel} == set(world.panel)


def test_baoding_item7_recusal_on_a_pre_approval_panel(world: World) -> None:
    ledger = world.ledger
    gov = world.org("保定市科学技术局", PartyKind.GOVERNMENT)
    project = ledger.propose_project(c.ProposeProject(
        "石墨烯中试", world.uni, "保定市科技计划", Decimal("500000.00"), effective_date=SETUP),
        actor="test").value.id
    ev = ledger.commission_evaluation(e.CommissionEvaluation(
        EvaluationClass.PRE_APPROVAL, project, gov, gov, D), actor="test").value.id
    affiliated = world.expert("本校专家", ExpertType.TECHNICAL, affiliation=world.uni)
    refuse(ledger, PanelRuleBroken, lambda: world.form(ev, (affiliated,)))


def test_baoding_item7_evaluator_cannot_evaluate_its_own_work(world: World) -> None:
    owned = world.register(world.uni, "评价机构共有成果", owners=(world.uni, world.agency))
    error = refuse(world.ledger, PanelRuleBroken, lambda: world.commission(owned))
    assert error.code == "panel_rule_broken"


# --- Baoding item 8: qualified agencies ---------------------------------------------------------

def test_baoding_item8_unqualified_or_lapsed_agency_refused(world: World) -> None:
    ledger = world.ledger
    unqualified = world.org("无资质机构", PartyKind.EVALUATION_AGENCY)
    lapsed = world.org("资质过期机构", PartyKind.EVALUATION_AGENCY)
    world.qualify(lapsed, (T,), date(2021, 1, 1), date(2023, 2, 28))
    not_yet = world.org("资质未生效机构", PartyKind.EVALUATION_AGENCY)
    world.qualify(not_yet, (T,), date(2023, 3, 2), date(2025, 12, 31))
    wrong_scope = world.org("应用研究评价机构", PartyKind.EVALUATION_AGENCY)
    world.qualify(wrong_scope, (EvaluationClass.APPLIED_RESEARCH,), date(2022, 1, 1),
                  date(2025, 12, 31))

    for agency in (unqualified, lapsed, not_yet, wrong_scope):
        error = refuse(ledger, AgencyNotQualified, partial(world.commission, agency=agency))
        assert error.code == "agency_not_qualified"
        assert error.context == {"agency_id": str(agency)}

    # Inclusive validity: the last day of a qualification still counts.
    ev = world.commission(day=date(2023, 2, 28), agency=lapsed)
    # A qualification that lapses during the evaluation stops the next step.
    error = refuse(ledger, AgencyNotQualified, lambda: world.plan(ev, date(2023, 3, 1)))
    assert error.code == "agency_not_qualified"


def test_baoding_item8_evaluator_must_be_an_agency(world: World) -> None:
    error = refuse(world.ledger, WrongPartyKind, lambda: world.commission(agency=world.uni))
    assert error.code == "wrong_party_kind"


# --- Baoding item 9: sanctions bar experts and agencies -----------------------------------------

def sanction(ledger: Ledger, party: UUID, scope: SanctionScope, start: date,
             end: date | None) -> None:
    """Write a sanction the way the integrity issue's misconduct decisions will."""
    found: object
    try:
        found = ledger.repository.get(IntegrityStanding.id_for(party))
    except AggregateNotFoundError:
        found = None
    standing = found if isinstance(found, IntegrityStanding) else IntegrityStanding.open(
        party, effective_date=start, actor="auditor")
    standing.impose(Sanction(uuid4(), "取消评审资格", (scope,), start, end),
                    effective_date=start, actor="auditor")
    ledger.save(standing)


def test_baoding_item9_sanctioned_expert_and_agency_refused(world: World) -> None:
    ledger = world.ledger
    technical = world.experts[ExpertType.TECHNICAL]
    sanction(ledger, technical, SanctionScope.EVALUATION_EXPERT, date(2023, 3, 10),
             date(2023, 3, 31))
    # A sanction of another scope does not bar panel work.
    sanction(ledger, world.experts[ExpertType.MARKET], SanctionScope.TRADING, date(2023, 1, 1),
             None)

    ev = world.commission()
    world.plan(ev)
    error = refuse(ledger, PartyBarred, lambda: world.form(ev, day=date(2023, 3, 15)))
    assert error.code == "party_barred_by_sanction"
    assert error.context == {"party_id": str(technical), "scope": "evaluation_expert"}
    refuse(ledger, PartyBarred, lambda: world.form(ev, day=date(2023, 3, 31)))
    world.form(ev, day=date(2023, 4, 1))  # the day after the sanction ends
    assert evaluation(ledger, ev).status is EvaluationStatus.PANEL_FORMED

    # An agency barred from running evaluations: refused inside, allowed outside.
    agency = world.agency
    sanction(ledger, agency, SanctionScope.EVALUATION_AGENCY, date(2023, 5, 1), date(2023, 5, 31))
    error = refuse(ledger, PartyBarred, lambda: world.commission(day=date(2023, 5, 15)))
    assert error.context == {"party_id": str(agency), "scope": "evaluation_agency"}
    refuse(ledger, PartyBarred, lambda: world.commission(day=date(2023, 5, 1)))
    assert world.commission(day=date(2023, 4, 30))
    assert world.commission(day=date(2023, 6, 1))
    # ... and an evaluation it already runs cannot take a step during the sanction.
    refuse(ledger, PartyBarred,
           lambda: world.score(ev, [uniform("90")] * 4, day=date(2023, 5, 2)))


def test_baoding_item9_permanent_sanction_bars_for_good(world: World) -> None:
    ledger = world.ledger
    investment = world.experts[ExpertType.INVESTMENT]
    sanction(ledger, investment, SanctionScope.EVALUATION_EXPERT, date(2023, 2, 1), None)
    ev = world.commission(day=date(2024, 5, 1))
    world.plan(ev, date(2024, 5, 1))
    error = refuse(ledger, PartyBarred, lambda: world.form(ev, day=date(2024, 5, 1)))
    assert error.context["party_id"] == str(investment)


# --- Hefei art. 2: scope ---------------------------------------------------------------------------

def test_hefei_art2_scope_universities_and_subtype(world: World) -> None:
    ledger = world.ledger
    enterprise = world.org("保定某科技有限公司", PartyKind.ENTERPRISE)
    owned_by_enterprise = world.register(enterprise, "企业自有成果")
    without_subtype = world.register(world.uni, "未分类应用成果", subtype=None)

    error = refuse(ledger, InvalidTransition, lambda: world.commission(owned_by_enterprise))
    assert "Hefei art. 2" in str(error)
    error = refuse(ledger, InvalidTransition, lambda: world.commission(without_subtype))
    assert "Hefei subtype" in str(error)

    # A research institute's achievement, and one co-owned with an enterprise, are in scope.
    institute = world.org("某研究院", PartyKind.RESEARCH_INSTITUTE)
    assert world.commission(world.register(institute, "研究院成果",
                                           subtype=HefeiSubtype.APPLIED_RESEARCH))
    joint = world.register(world.uni, "校企联合成果", owners=(world.uni, enterprise))
    assert world.commission(joint)


# --- Baoding item 6: technology managers --------------------------------------------------------

def test_baoding_item6_technology_manager_serves_and_is_visible(world: World) -> None:
    ledger = world.ledger
    manager = world.expert("技术经理人", ExpertType.MARKET, manager=True)
    plain_manager = world.expert("技术经理人乙", None, manager=True)
    nobody = world.expert("普通个人", None)

    ev = world.commission()
    world.plan(ev)
    others = tuple(x for t, x in world.experts.items() if t is not ExpertType.MARKET)
    error = refuse(ledger, PanelRuleBroken, lambda: world.form(ev, (*others, manager, nobody)))
    assert error.context == {"expert_id": str(nobody)}
    world.form(ev, (*others, manager, plain_manager))
    members = {m.party_id: m for m in evaluation(ledger, ev).panel}
    assert members[manager].technology_manager and members[manager].expert_type is ExpertType.MARKET
    assert members[plain_manager].technology_manager and members[plain_manager].expert_type is None

    for stage in ManagerStage:
        ledger.engage_technology_manager(e.EngageTechnologyManager(
            world.achievement, manager, stage, "全程参与", D), actor="test")
    achievement: object = ledger.repository.get(world.achievement)
    assert isinstance(achievement, Achievement)
    assert achievement.managers == tuple((manager, stage) for stage in ManagerStage)
    topic = "domain.achievement:Achievement.TechnologyManagerEngaged"
    assert len(ledger.recorder.select_notifications(start=None, limit=100, topics=[topic])) == 3

    expert = world.experts[ExpertType.TECHNICAL]
    refuse(ledger, WrongPartyKind, lambda: ledger.engage_technology_manager(
        e.EngageTechnologyManager(world.achievement, expert, ManagerStage.ASSESSMENT), actor="t"))
    refuse(ledger, InvalidTransition, lambda: ledger.engage_technology_manager(
        e.EngageTechnologyManager(world.achievement, manager, ManagerStage.ASSESSMENT), actor="t"))


# --- Hefei art. 13: policy versions ------------------------------------------------------------

HF_2024 = EvaluationPolicy(
    version="HF-2024", source="合肥市可转化科技成果分类评价办法 (2024 revision, test data)",
    indicators=(
        Indicator("team", "团队能力及团队成员参与度", 10),
        Indicator("ip_clarity", "知识产权清晰度", 10),
        Indicator("innovativeness", "创新性", 20),
        Indicator("advancement", "先进性", 20),
        Indicator("maturity", "成熟度", 20),
        Indicator("market_prospects", "市场前景", 10),
        Indicator("transformation_risk", "转化风险", 10),
    ),
    thresholds=HEFEI_2022.thresholds, publicity_days=7, company_deadline_months=6,
    effective_from=date(2024, 6, 5), effective_to=date(2026, 6, 4))

# Under HF-2022: 15*100 + 10*100 + 20*90 + 20*90 + 25*80 + 5*60 + 5*60 = 8700 -> 87.00 (B).
# Under HF-2024: 10*100 + 10*100 + 20*90 + 20*90 + 20*80 + 10*60 + 10*60 = 8400 -> 84.00 (C).
MIXED = {"team": Decimal(100), "ip_clarity": Decimal(100), "innovativeness": Decimal(90),
         "advancement": Decimal(90), "maturity": Decimal(80), "market_prospects": Decimal(60),
         "transformation_risk": Decimal(60)}


def test_policy_version_does_not_change_past_results(world: World) -> None:
    ledger = world.ledger
    old = world.through_finalization(world.achievement, [MIXED] * 4)
    before = evaluation(ledger, old)
    assert (before.total, before.grade) == (Decimal("87.00"), Grade.B)

    ledger.publish_policy(e.PublishPolicy(HF_2024, date(2024, 5, 20)), actor="科技局")
    after = evaluation(ledger, old)
    assert (after.total, after.grade, after.company_deadline) == (
        Decimal("87.00"), Grade.B, before.company_deadline)
    assert after.policy is not None and after.policy.version == "HF-2022"
    assert after.policy.indicators == HEFEI_2022.indicators

    # A new evaluation under the new version scores with the new weights.
    second = world.register(world.uni, "第二项成果")
    new = world.through_review(second, [MIXED] * 4, date(2024, 7, 1), "HF-2024")
    result = evaluation(ledger, new)
    assert (result.total, result.grade) == (Decimal("84.00"), Grade.C)
    assert result.policy is not None and result.policy.version == "HF-2024"

    # Each version applies only in its own period.
    early = world.commission(second, date(2024, 6, 4))
    refuse(ledger, InvalidTransition, lambda: world.plan(early, date(2024, 6, 4), "HF-2024"))
    late = world.commission(second, date(2024, 6, 5))
    refuse(ledger, InvalidTransition, lambda: world.plan(late, date(2024, 6, 5), "HF-2022"))
    refuse(ledger, NotFound, lambda: world.plan(late, date(2024, 6, 5), "HF-2099"))


def test_policy_publication_is_checked(world: World) -> None:
    ledger = world.ledger
    heavy = tuple(replace(i, weight=i.weight - 1) if i.key == "maturity" else i
                  for i in HF_2024.indicators)
    error = refuse(ledger, InvalidInput, lambda: ledger.publish_policy(e.PublishPolicy(
        replace(HF_2024, version="HF-2024b", indicators=heavy)), actor="科技局"))
    assert error.context["weight_sum"] == 99
    refuse(ledger, InvalidTransition, lambda: ledger.publish_policy(e.PublishPolicy(
        replace(HEFEI_2022, source="改写")), actor="科技局"))
    ledger.publish_policy(e.PublishPolicy(HF_2024), actor="科技局")
    refuse(ledger, InvalidTransition, lambda: ledger.publish_policy(e.PublishPolicy(
        replace(HF_2024, publicity_days=10)), actor="科技局"))


# --- The scenario (Hefei arts. 6-9) ------------------------------------------------------

def test_scenario_grade_b_company_in_month_5_and_cultivation_reevaluated_to_c(
        world: World) -> None:
    ledger = world.ledger
    # 1. A development_industrialization achievement, graded B and finalized.
    ev_b = world.through_finalization(world.achievement, [uniform("88.00")] * 4,
                                      date(2023, 3, 10))
    graded = evaluation(ledger, ev_b)
    assert graded.publicity_end == date(2023, 3, 16)  # 7 days: 10-16 March
    assert (graded.status, graded.total, graded.grade) == (
        EvaluationStatus.FINALIZED, Decimal("88.00"), Grade.B)
    assert graded.in_library
    assert graded.company_deadline == date(2023, 9, 17)

    # A company founded five months after publicity ended: inside the six-month window.
    company = world.org("保定储能科技有限公司", PartyKind.ENTERPRISE)
    company_day = date(2023, 8, 17)
    ledger.record_company(c.RecordCompany(world.achievement, company, company_day), actor="test")
    achievement: object = ledger.repository.get(world.achievement)
    assert isinstance(achievement, Achievement)
    assert achievement.company_ids == (company,)
    assert graded.company_deadline is not None and company_day < graded.company_deadline
    not_a_company = world.org("另一所大学", PartyKind.UNIVERSITY)
    refuse(ledger, InvalidInput, lambda: ledger.record_company(
        c.RecordCompany(world.achievement, not_a_company, company_day), actor="test"))

    # 2. A second achievement scored to exactly 79.99: market prospects average 79.80,
    #    5 * (80 - 79.80) / 100 = 0.01 below 80.
    second = world.register(world.uni, "一种固态电解质")
    sheets = [{**uniform("80.00"), "market_prospects": Decimal(v)}
              for v in ("79.60", "80.00", "79.80", "79.80")]
    ev_cult = world.through_finalization(second, sheets, date(2023, 4, 3))
    cultivated = evaluation(ledger, ev_cult)
    assert (cultivated.total, cultivated.grade) == (Decimal("79.99"), Grade.CULTIVATION)
    assert not cultivated.in_library
    assert cultivated.company_deadline is None

    # Hefei art. 9: re-evaluated once improved, with a new evaluation, to grade C.
    ev_c = world.through_finalization(second, [uniform("80.00")] * 4, date(2023, 10, 9))
    regraded = evaluation(ledger, ev_c)
    assert ev_c != ev_cult
    assert (regraded.total, regraded.grade) == (Decimal("80.00"), Grade.C)
    assert regraded.in_library
    assert regraded.company_deadline == date(2024, 4, 16)
    # The earlier result stays on record as it was.
    assert evaluation(ledger, ev_cult).grade is Grade.CULTIVATION


def test_revoked_result_leaves_the_library(world: World) -> None:
    ledger = world.ledger
    ev = world.through_finalization(world.achievement, [uniform("96.00")] * 4)
    assert evaluation(ledger, ev).in_library
    ledger.revoke_evaluation(e.RevokeEvaluation(ev, "评价中弄虚作假", "保科信〔2023〕7号",
                                                date(2023, 6, 1)), actor="auditor")
    revoked = evaluation(ledger, ev)
    assert revoked.status is EvaluationStatus.REVOKED and not revoked.in_library


# --- Baoding table: pre-approval assessment ---------------------------------------------------------

def test_baoding_pre_approval_assessment_marks_the_project(world: World) -> None:
    ledger = world.ledger
    gov = world.org("保定市科学技术局", PartyKind.GOVERNMENT)
    project = ledger.propose_project(c.ProposeProject(
        "石墨烯中试", world.uni, "保定市科技计划", Decimal("500000.00"), effective_date=SETUP),
        actor="test").value.id
    # The project-establishing unit (a government party) runs it, not an agency.
    refuse(ledger, WrongPartyKind, lambda: ledger.commission_evaluation(e.CommissionEvaluation(
        EvaluationClass.PRE_APPROVAL, project, gov, world.agency, D), actor="test"))
    ev = ledger.commission_evaluation(e.CommissionEvaluation(
        EvaluationClass.PRE_APPROVAL, project, gov, gov, D), actor="test").value.id
    peers = (world.experts[ExpertType.TECHNICAL], world.experts[ExpertType.INDUSTRY])
    world.form(ev, peers)
    refuse(ledger, InvalidInput, lambda: ledger.conclude_evaluation(
        e.Conclude(ev, "先进、适用", effective_date=D), actor="test"))
    ledger.conclude_evaluation(e.Conclude(ev, "研究内容先进、适用，预期市场价值高",
                                          recommended=True, effective_date=D), actor="test")
    ledger.finalize_evaluation(e.EvaluationStep(ev, D), actor="test")

    assessed: object = ledger.repository.get(project)
    assert isinstance(assessed, FundedProject)
    assert assessed.status is ProjectStatus.PRE_APPROVAL_ASSESSED
    assert assessed.recommended is True
    assert evaluation(ledger, ev).status is EvaluationStatus.FINALIZED
    # Only a proposed project can be assessed before approval.
    refuse(ledger, InvalidTransition, lambda: ledger.commission_evaluation(e.CommissionEvaluation(
        EvaluationClass.PRE_APPROVAL, project, gov, gov, D), actor="test"))


# --- Bad input writes nothing -----------------------------------------------------------------------

def test_bad_evaluation_input_is_refused_and_writes_nothing(world: World) -> None:
    ledger = world.ledger
    ev = world.commission()
    world.plan(ev)
    technical = world.experts[ExpertType.TECHNICAL]

    error = refuse(ledger, InvalidInput, lambda: world.form(ev, (*world.panel, technical)))
    assert error.context["field"] == "members"
    missing = refuse(ledger, NotFound, lambda: world.form(ev, (*world.panel, uuid4())))
    assert missing.code == "expert_not_found"
    world.form(ev)

    def submit(expert: UUID, sheet: dict[str, Decimal]) -> Callable[[], object]:
        return lambda: ledger.submit_scores(e.SubmitScores(ev, expert, sheet, D), actor="test")

    for bad in ("101", "-1", "100.01", "88.123"):
        error = refuse(ledger, InvalidInput, submit(technical, {**uniform("88"), "team": Decimal(bad)}))
        assert error.context["indicator"] == "team"
    partial = {k: v for k, v in uniform("88").items() if k != "maturity"}
    error = refuse(ledger, InvalidInput, submit(technical, partial))
    assert error.context["missing"] == ["maturity"]

    outsider = world.expert("组外专家", ExpertType.TECHNICAL)
    not_member = refuse(ledger, NotOnPanel, submit(outsider, uniform("88")))
    assert not_member.code == "expert_not_on_panel"
    refuse(ledger, NotFound, submit(uuid4(), uniform("88")))

    ledger.submit_scores(e.SubmitScores(ev, technical, uniform("88"), D), actor="test")
    twice = refuse(ledger, DomainError, submit(technical, uniform("90")))
    assert twice.code == "expert_already_scored"
    refuse(ledger, InvalidTransition, lambda: ledger.review_evaluation(
        e.EvaluationStep(ev, D), actor="test"))  # three members have not scored

    ledger.revoke_evaluation(e.RevokeEvaluation(ev, "弄虚作假", "D-1", D), actor="auditor")
    for step in (submit(world.experts[ExpertType.MARKET], uniform("88")),
                 lambda: ledger.review_evaluation(e.EvaluationStep(ev, D), actor="test"),
                 lambda: ledger.publicize_evaluation(e.EvaluationStep(ev, D), actor="test"),
                 lambda: world.plan(ev),
                 lambda: ledger.revoke_evaluation(e.RevokeEvaluation(ev, "again", "D-2", D),
                                                  actor="auditor")):
        revoked = refuse(ledger, EvaluationRevoked, step)
        assert revoked.code == "evaluation_revoked"


def test_steps_out_of_order_through_the_ledger(world: World) -> None:
    ledger = world.ledger
    ev = world.commission()
    for step in (lambda: world.form(ev),
                 lambda: ledger.review_evaluation(e.EvaluationStep(ev, D), actor="test"),
                 lambda: ledger.publicize_evaluation(e.EvaluationStep(ev, D), actor="test"),
                 lambda: ledger.finalize_evaluation(e.EvaluationStep(ev, D), actor="test")):
        error = refuse(ledger, InvalidTransition, step)
        assert error.code == "evaluation_step_out_of_order"
    refuse(ledger, NotFound, lambda: ledger.review_evaluation(
        e.EvaluationStep(uuid4(), D), actor="test"))

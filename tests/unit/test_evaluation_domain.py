"""The Evaluation aggregate and IntegrityStanding without I/O, each test named after its source.

Hefei arts. 4, 8, 10, 11, 13; Baoding's evaluation-content table and item 9.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.errors import DomainError, InvalidInput, InvalidTransition
from domain.evaluation import (
    Conclusion,
    Evaluation,
    EvaluationRevoked,
    EvaluationStatus,
    ExpertAlreadyScored,
    NotOnPanel,
    PanelMember,
    PanelRuleBroken,
    StepOutOfOrder,
)
from domain.evaluation_policy import HEFEI_2022, Grade
from domain.standing import IntegrityStanding, Sanction, SanctionScope
from domain.values import EvaluationClass, EvaluationForm, ExpertType, HefeiSubtype

D = date(2023, 3, 1)
WHEN: dict[str, Any] = {"effective_date": D, "actor": "test"}
LATER = date(2023, 6, 1)  # after every step the builders take
S = EvaluationStatus
DEV = HefeiSubtype.DEVELOPMENT_INDUSTRIALIZATION
APPLIED = HefeiSubtype.APPLIED_RESEARCH
Form = EvaluationForm


def commission(evaluation_class: EvaluationClass = EvaluationClass.TRANSFERABLE,
               on: date = D) -> Evaluation:
    return Evaluation.commission(
        id=uuid4(), request_digest="", evaluation_class=evaluation_class, subject_id=uuid4(),
        commissioner_id=uuid4(), evaluator_id=uuid4(), effective_date=on, actor="test")


def member(expert_type: ExpertType | None, manager: bool = False) -> PanelMember:
    return PanelMember(uuid4(), f"专家{expert_type}", expert_type, manager)


def full_panel() -> tuple[PanelMember, ...]:
    return tuple(member(t) for t in ExpertType)


def sheet(value: str) -> dict[str, Decimal]:
    return {key: Decimal(value) for key in HEFEI_2022.indicator_keys}


def planned(subtype: HefeiSubtype = DEV) -> Evaluation:
    ev = commission()
    ev.set_plan((Form.ON_SITE,), HEFEI_2022, subtype, **WHEN)
    return ev


def paneled() -> Evaluation:
    ev = planned()
    ev.form_panel(full_panel(), **WHEN)
    return ev


def scored(value: str = "88.00") -> Evaluation:
    ev = paneled()
    for m in ev.panel:
        ev.submit_scores(m.party_id, sheet(value), **WHEN)
    return ev


def reviewed(value: str = "88.00") -> Evaluation:
    ev = scored(value)
    ev.review(**WHEN)
    return ev


def publicized(value: str = "88.00", on: date = D) -> Evaluation:
    ev = reviewed(value)
    ev.publicize(effective_date=on, actor="test")
    return ev


def finalized(value: str = "88.00") -> Evaluation:
    ev = publicized(value)
    assert ev.publicity_end is not None
    ev.finalize(effective_date=ev.publicity_end + timedelta(days=1), actor="test")
    return ev


Step = Callable[[Evaluation], object]


def status_of(ev: Evaluation) -> EvaluationStatus:
    """The status, read through a call so the type checker does not narrow it across steps."""
    return ev.status


def steps_for(ev: Evaluation) -> dict[str, Step]:
    """Every step with valid-looking arguments, so only order (or revocation) can refuse it."""
    someone = ev.panel[0].party_id if ev.panel else uuid4()
    return {
        "set_plan": lambda e: e.set_plan((Form.ON_SITE,), HEFEI_2022, DEV, **WHEN),
        "form_panel": lambda e: e.form_panel(full_panel(), **WHEN),
        "submit_scores": lambda e: e.submit_scores(someone, sheet("88"), **WHEN),
        "review": lambda e: e.review(**WHEN),
        "conclude": lambda e: e.conclude(Conclusion("结论", ("代表作",), ("user",), None, True),
                                         **WHEN),
        "publicize": lambda e: e.publicize(**WHEN),
        "finalize": lambda e: e.finalize(effective_date=D + timedelta(days=30), actor="test"),
        "recuse": lambda e: e.recuse(someone, "回避", **WHEN),
    }


# The Hefei steps that may come next in each status (form_panel may repeat before scoring;
# submit_scores and recuse belong to panel_formed).
ALLOWED: dict[str, set[str]] = {
    "commissioned": {"set_plan"},
    "plan_set": {"form_panel"},
    "panel_formed": {"form_panel", "submit_scores", "recuse"},
    "panel_scored": {"submit_scores"},  # after the first sheet: more sheets (and review when all)
    "reviewed": {"publicize"},
    "publicized": {"finalize"},
    "finalized": set(),
}
# Refused in that status for another reason than order (tested on their own below).
OTHER_REASON: dict[str, set[str]] = {
    "panel_formed": {"review"},  # waits for every member's sheet
    "panel_scored": {"review", "recuse"},  # waits; recusal closes with the first sheet
}


def partly_scored() -> Evaluation:
    ev = paneled()
    ev.submit_scores(ev.panel[1].party_id, sheet("88"), **WHEN)
    return ev


BUILDERS: dict[str, Callable[[], Evaluation]] = {
    "commissioned": commission, "plan_set": planned, "panel_formed": paneled,
    "panel_scored": partly_scored, "reviewed": reviewed, "publicized": publicized,
    "finalized": finalized,
}


# --- Hefei art. 10: strict order ----------------------------------------------------------------

@pytest.mark.parametrize("state", list(BUILDERS))
def test_hefei_art10_steps_strictly_ordered(state: str) -> None:
    refused = 0
    for name in steps_for(BUILDERS[state]()):
        if name in ALLOWED[state] | OTHER_REASON.get(state, set()):
            continue
        ev = BUILDERS[state]()
        version, status = ev.version, ev.status
        with pytest.raises(StepOutOfOrder) as info:
            steps_for(ev)[name](ev)
        assert info.value.code == "evaluation_step_out_of_order", name
        assert (ev.version, ev.status) == (version, status), name
        refused += 1
    assert refused >= 4


@pytest.mark.parametrize("state", [s for s in BUILDERS if s != "finalized"])
def test_hefei_art10_the_next_step_is_accepted(state: str) -> None:
    for name in ALLOWED[state]:
        ev = BUILDERS[state]()
        version = ev.version
        steps_for(ev)[name](ev)
        assert ev.version == version + 1, name


def test_hefei_art10_full_sequence_records_each_step() -> None:
    ev = finalized()
    kinds = [type(e).__name__ for e in ev.collect_events()]
    assert kinds == ["Commissioned", "PlanSet", "PanelFormed", *["ScoresSubmitted"] * 4,
                     "Reviewed", "Publicized", "Finalized"]
    assert ev.status is S.FINALIZED
    assert ev.policy is HEFEI_2022


def test_panel_cannot_be_reformed_once_scoring_started() -> None:
    ev = partly_scored()
    with pytest.raises(StepOutOfOrder):
        ev.form_panel(full_panel(), **WHEN)
    with pytest.raises(InvalidTransition):
        ev.recuse(ev.panel[0].party_id, "迟到的利益冲突", **WHEN)


# --- Hefei art. 11: panel composition ------------------------------------------------------------

@pytest.mark.parametrize("missing", list(ExpertType))
def test_hefei_art11_panel_needs_each_expert_type(missing: ExpertType) -> None:
    ev = planned()
    members = tuple(member(t) for t in ExpertType if t is not missing)
    with pytest.raises(PanelRuleBroken) as info:
        ev.form_panel((*members, member(None, manager=True)), **WHEN)
    assert info.value.context["missing"] == [missing.value]
    assert info.value.code == "panel_rule_broken"
    assert ev.status is S.PLAN_SET and ev.panel == ()
    ev.form_panel((*members, member(missing)), **WHEN)
    assert status_of(ev) is S.PANEL_FORMED and len(ev.panel) == 4


def test_hefei_art11_panel_may_be_larger_and_include_a_technology_manager() -> None:
    ev = planned()
    extra = (member(ExpertType.TECHNICAL), member(None, manager=True))
    ev.form_panel((*full_panel(), *extra), **WHEN)
    assert len(ev.panel) == 6


def test_duplicate_panel_member_refused() -> None:
    ev = planned()
    panel = full_panel()
    with pytest.raises(InvalidInput) as info:
        ev.form_panel((*panel, panel[0]), **WHEN)
    assert info.value.context["field"] == "members"
    twin = replace(panel[0], expert_type=ExpertType.MARKET)  # same party, other type
    with pytest.raises(InvalidInput):
        ev.form_panel((*panel, twin), **WHEN)
    with pytest.raises(InvalidInput):
        ev.form_panel((), **WHEN)
    assert ev.status is S.PLAN_SET


def test_hefei_art11_no_scoring_until_a_recusal_is_replaced() -> None:
    ev = paneled()
    market = next(m for m in ev.panel if m.expert_type is ExpertType.MARKET)
    ev.recuse(market.party_id, "与成果完成人有合作关系", **WHEN)
    assert market not in ev.panel
    with pytest.raises(PanelRuleBroken) as info:
        ev.submit_scores(ev.panel[0].party_id, sheet("90"), **WHEN)
    assert info.value.context["missing"] == ["market"]
    assert not ev.sheets


# --- Scoring --------------------------------------------------------------------------------------

def test_only_panel_members_score() -> None:
    ev = paneled()
    stranger = uuid4()
    with pytest.raises(NotOnPanel) as info:
        ev.submit_scores(stranger, sheet("90"), **WHEN)
    assert info.value.code == "expert_not_on_panel"
    assert ev.sheets == {}


def test_each_expert_scores_once() -> None:
    ev = paneled()
    first = ev.panel[0].party_id
    ev.submit_scores(first, sheet("90"), **WHEN)
    with pytest.raises(ExpertAlreadyScored) as info:
        ev.submit_scores(first, sheet("70"), **WHEN)
    assert info.value.code == "expert_already_scored"
    assert ev.sheets[first] == sheet("90")


def test_scores_are_checked_against_the_policy() -> None:
    ev = paneled()
    with pytest.raises(InvalidInput):
        ev.submit_scores(ev.panel[0].party_id, {**sheet("90"), "team": Decimal(101)}, **WHEN)
    assert ev.sheets == {}


def test_review_waits_for_every_member() -> None:
    ev = paneled()
    for m in ev.panel[:3]:
        ev.submit_scores(m.party_id, sheet("90"), **WHEN)
    with pytest.raises(InvalidTransition) as info:
        ev.review(**WHEN)
    assert info.value.context["waiting"] == [str(ev.panel[3].party_id)]
    assert ev.status is S.PANEL_FORMED and ev.total is None
    ev.submit_scores(ev.panel[3].party_id, sheet("90"), **WHEN)
    assert ev.review(**WHEN) is Grade.B
    assert ev.total == Decimal("90.00")


# --- Publicity, finalization and the company deadline (Hefei art. 8) -----------------------------

def test_finalize_before_publicity_end_refused() -> None:
    ev = publicized(on=date(2023, 3, 10))
    # A 7-day window counts its first day: 10-16 March inclusive.
    assert ev.publicity_end == date(2023, 3, 10) + timedelta(days=HEFEI_2022.publicity_days - 1)
    with pytest.raises(InvalidTransition) as info:
        ev.finalize(effective_date=date(2023, 3, 16), actor="test")
    assert info.value.context["publicity_end"] == "2023-03-16"
    assert ev.status is S.PUBLICIZED
    ev.finalize(effective_date=date(2023, 3, 17), actor="test")
    assert status_of(ev) is S.FINALIZED


@pytest.mark.parametrize(("value", "grade"), [("95.00", Grade.A), ("88.00", Grade.B),
                                              ("80.00", Grade.C)])
def test_hefei_art8_company_deadline_from_recognition(value: str, grade: Grade) -> None:
    ev = publicized(value, on=date(2023, 8, 24))
    assert ev.publicity_end == date(2023, 8, 30)
    ev.finalize(effective_date=date(2023, 8, 31), actor="test")  # 认定 the day after the window
    assert ev.grade is grade
    # Six months after "评价、认定、公示", clamped to the end of (leap) February.
    assert ev.company_deadline == date(2024, 2, 29)
    assert ev.in_library


def test_hefei_art8_no_deadline_for_a_cultivation_candidate() -> None:
    ev = publicized("79.99")
    assert ev.publicity_end is not None
    ev.finalize(effective_date=ev.publicity_end + timedelta(days=1), actor="test")
    assert ev.grade is Grade.CULTIVATION
    assert ev.company_deadline is None
    assert not ev.in_library  # Hefei art. 9: a cultivation candidate, not in the library


def test_hefei_art7_library_only_once_finalized() -> None:
    ev = publicized("95.00")
    assert ev.grade is Grade.A and not ev.in_library
    assert ev.publicity_end is not None
    ev.finalize(effective_date=ev.publicity_end + timedelta(days=1), actor="test")
    assert ev.in_library


# --- Revocation ------------------------------------------------------------------------------------

@pytest.mark.parametrize("state", list(BUILDERS))
def test_revoked_evaluation_refuses_every_step(state: str) -> None:
    ev = BUILDERS[state]()
    ev.revoke(reason="评价中弄虚作假", decision_ref="保科信〔2023〕1号", effective_date=LATER,
              actor="auditor")
    assert ev.status is S.REVOKED and not ev.in_library
    version = ev.version
    for name, step in steps_for(ev).items():
        with pytest.raises(EvaluationRevoked) as info:
            step(ev)
        assert info.value.code == "evaluation_revoked", name
    with pytest.raises(EvaluationRevoked):
        ev.revoke(reason="again", decision_ref="x", effective_date=LATER, actor="auditor")
    assert ev.version == version


def test_revoked_finalized_result_leaves_the_library() -> None:
    ev = finalized("96.00")
    assert ev.in_library
    ev.revoke(reason="协助他人骗取评价", decision_ref="D-1", effective_date=LATER, actor="auditor")
    assert not ev.in_library
    assert ev.grade is Grade.A  # the recorded result stays visible, it just no longer counts


# --- Hefei art. 4: forms ---------------------------------------------------------------------------

def test_hefei_art4_auxiliary_forms_per_subtype() -> None:
    # 市场检验评价: auxiliary for 技术开发及产业化 only.
    with pytest.raises(InvalidInput) as info:
        commission().set_plan((Form.ON_SITE, Form.MARKET_TEST), HEFEI_2022, APPLIED, **WHEN)
    assert info.value.context["field"] == "forms"
    ok = commission()
    ok.set_plan((Form.ON_SITE, Form.MARKET_TEST), HEFEI_2022, DEV, **WHEN)
    assert ok.status is S.PLAN_SET
    # 检测报告评价: auxiliary for 应用技术 only.
    with pytest.raises(InvalidInput):
        commission().set_plan((Form.TEST_REPORT,), HEFEI_2022, DEV, **WHEN)
    ok = commission()
    ok.set_plan((Form.TEST_REPORT, Form.ONLINE_TOOL), HEFEI_2022, APPLIED, **WHEN)
    assert ok.status is S.PLAN_SET
    # The other forms fit either subtype.
    for subtype in HefeiSubtype:
        ev = commission()
        ev.set_plan((Form.ON_SITE, Form.ONLINE_TOOL, Form.COMPREHENSIVE), HEFEI_2022, subtype,
                    **WHEN)
        assert ev.status is S.PLAN_SET


def test_plan_needs_forms_each_once() -> None:
    for forms in [(), (Form.ON_SITE, Form.ON_SITE)]:
        ev = commission()
        with pytest.raises(InvalidInput):
            ev.set_plan(forms, HEFEI_2022, DEV, **WHEN)
        assert ev.status is S.COMMISSIONED


@pytest.mark.parametrize("day", [date(2022, 6, 4), date(2024, 6, 5)])
def test_hefei_art13_plan_refused_when_policy_not_in_force(day: date) -> None:
    ev = commission(on=day)
    with pytest.raises(InvalidTransition) as info:
        ev.set_plan((Form.ON_SITE,), HEFEI_2022, DEV, effective_date=day, actor="test")
    assert info.value.context["policy_version"] == "HF-2022"
    assert ev.status is S.COMMISSIONED and ev.policy is None


@pytest.mark.parametrize("day", [date(2022, 6, 5), date(2024, 6, 4)])
def test_hefei_art13_plan_accepted_on_the_policy_period_ends(day: date) -> None:
    ev = commission(on=day)
    ev.set_plan((Form.ON_SITE,), HEFEI_2022, DEV, effective_date=day, actor="test")
    assert ev.policy is HEFEI_2022


# --- Baoding table: the other classes -----------------------------------------------------------

def conclusion(**kw: Any) -> Conclusion:
    return Conclusion(summary="达到国内先进水平", **kw)


def test_baoding_basic_research_sequence_needs_representative_works() -> None:
    ev = commission(EvaluationClass.BASIC_RESEARCH)
    for refused in ("set_plan", "review", "publicize", "conclude", "finalize"):
        with pytest.raises(StepOutOfOrder):
            steps_for(ev)[refused](ev)
    # Peer review by narrow-field peers: no Hefei composition rule for this class.
    ev.form_panel((member(ExpertType.TECHNICAL), member(ExpertType.TECHNICAL)), **WHEN)
    with pytest.raises(StepOutOfOrder):  # indicator scoring is Hefei's only
        ev.submit_scores(ev.panel[0].party_id, sheet("90"), **WHEN)
    with pytest.raises(InvalidInput) as info:
        ev.conclude(conclusion(), **WHEN)
    assert info.value.context["field"] == "representative_works"
    ev.conclude(conclusion(representative_works=("Nature 2022, 601: 1",)), **WHEN)
    ev.finalize(**WHEN)
    assert ev.status is S.FINALIZED
    assert ev.company_deadline is None and not ev.in_library


def test_baoding_applied_research_sequence_needs_methods() -> None:
    ev = commission(EvaluationClass.APPLIED_RESEARCH)
    for refused in ("set_plan", "form_panel", "review", "publicize", "finalize"):
        with pytest.raises(StepOutOfOrder):
            steps_for(ev)[refused](ev)
    with pytest.raises(InvalidInput) as info:
        ev.conclude(conclusion(), **WHEN)
    assert info.value.context["field"] == "methods"
    ev.conclude(conclusion(methods=("user", "market_test")), **WHEN)
    assert ev.status is S.CONCLUDED
    ev.finalize(**WHEN)
    assert status_of(ev) is S.FINALIZED and not ev.in_library


def test_baoding_pre_approval_sequence_needs_recommended() -> None:
    ev = commission(EvaluationClass.PRE_APPROVAL)
    with pytest.raises(StepOutOfOrder):
        ev.conclude(conclusion(recommended=True), **WHEN)
    ev.form_panel((member(ExpertType.TECHNICAL),), **WHEN)
    with pytest.raises(InvalidInput) as info:
        ev.conclude(conclusion(), **WHEN)
    assert info.value.context["field"] == "recommended"
    ev.conclude(conclusion(recommended=False), **WHEN)
    assert ev.conclusion is not None and ev.conclusion.recommended is False
    with pytest.raises(StepOutOfOrder):
        ev.publicize(**WHEN)
    ev.finalize(**WHEN)
    assert ev.status is S.FINALIZED


@pytest.mark.parametrize("bad", [Decimal("-0.01"), Decimal("100.01")])
def test_conclusion_score_must_be_0_to_100(bad: Decimal) -> None:
    ev = commission(EvaluationClass.APPLIED_RESEARCH)
    with pytest.raises(InvalidInput):
        ev.conclude(conclusion(methods=("user",), score=bad), **WHEN)
    with pytest.raises(InvalidInput):
        ev.conclude(Conclusion(summary="  ", methods=("user",)), **WHEN)
    assert ev.status is S.COMMISSIONED


# --- Baoding item 9: IntegrityStanding.bar -----------------------------------------------------------

def standing_with(*sanctions: Sanction) -> IntegrityStanding:
    standing = IntegrityStanding.open(uuid4(), **WHEN)
    for s in sanctions:
        standing.impose(s, **WHEN)
    return standing


def sanction(scopes: tuple[SanctionScope, ...], start: date, end: date | None) -> Sanction:
    return Sanction(uuid4(), "暂停评审资格", scopes, start, end)


def test_baoding_item9_bar_by_scope_and_dates() -> None:
    expert_ban = sanction((SanctionScope.EVALUATION_EXPERT,), date(2023, 3, 1), date(2023, 12, 31))
    standing = standing_with(expert_ban)
    assert standing.bar(SanctionScope.EVALUATION_EXPERT, date(2023, 3, 1)) == expert_ban
    assert standing.bar(SanctionScope.EVALUATION_EXPERT, date(2023, 12, 31)) == expert_ban
    assert standing.bar(SanctionScope.EVALUATION_EXPERT, date(2023, 2, 28)) is None
    assert standing.bar(SanctionScope.EVALUATION_EXPERT, date(2024, 1, 1)) is None
    for other in SanctionScope:
        if other is not SanctionScope.EVALUATION_EXPERT:
            assert standing.bar(other, date(2023, 6, 1)) is None, other


def test_baoding_item9_several_scopes_and_sanctions() -> None:
    both = sanction((SanctionScope.EVALUATION_AGENCY, SanctionScope.TRADING), date(2023, 1, 1),
                    date(2023, 6, 30))
    later = sanction((SanctionScope.EVALUATION_AGENCY,), date(2023, 6, 1), date(2025, 5, 31))
    standing = standing_with(both, later)
    assert standing.bar(SanctionScope.TRADING, date(2023, 5, 1)) == both
    assert standing.bar(SanctionScope.EVALUATION_AGENCY, date(2023, 6, 15)) in (both, later)
    assert standing.bar(SanctionScope.EVALUATION_AGENCY, date(2024, 1, 1)) == later
    assert standing.bar(SanctionScope.TRADING, date(2024, 1, 1)) is None


def test_baoding_item9_permanent_sanction() -> None:
    forever = sanction((SanctionScope.EVALUATION_EXPERT,), date(2023, 3, 1), None)
    standing = standing_with(forever)
    assert standing.bar(SanctionScope.EVALUATION_EXPERT, date(2099, 12, 31)) == forever
    assert standing.bar(SanctionScope.EVALUATION_EXPERT, date(2023, 2, 28)) is None


def test_baoding_item9_withdrawal_from_a_date() -> None:
    ban = sanction((SanctionScope.EVALUATION_EXPERT,), date(2023, 1, 1), None)
    standing = standing_with(ban)
    standing.withdraw(ban.sanction_id, effective_date=date(2023, 6, 1), actor="appeal")
    assert standing.bar(SanctionScope.EVALUATION_EXPERT, date(2023, 5, 31)) is not None
    assert standing.bar(SanctionScope.EVALUATION_EXPERT, date(2023, 6, 1)) is None
    assert standing.bar(SanctionScope.EVALUATION_EXPERT, date(2030, 1, 1)) is None
    assert standing.sanctions[0].withdrawn_from == date(2023, 6, 1)


def test_baoding_item9_sanction_must_be_well_formed() -> None:
    standing = standing_with()
    with pytest.raises(InvalidInput):
        standing.impose(sanction((), date(2023, 1, 1), None), **WHEN)
    with pytest.raises(InvalidInput):
        standing.impose(sanction((SanctionScope.FUNDING,), date(2023, 2, 1), date(2023, 1, 31)),
                        **WHEN)
    assert standing.sanctions == ()


def test_standing_id_is_derived_from_the_party() -> None:
    party = UUID(int=42)
    standing = IntegrityStanding.open(party, **WHEN)
    assert standing.id == IntegrityStanding.id_for(party) != IntegrityStanding.id_for(UUID(int=43))
    assert standing.party_id == party


def test_domain_errors_of_evaluation_are_domain_errors() -> None:
    for error in (StepOutOfOrder, EvaluationRevoked, PanelRuleBroken, ExpertAlreadyScored,
                  NotOnPanel):
        assert issubclass(error, DomainError)
    assert issubclass(StepOutOfOrder, InvalidTransition)
    assert issubclass(EvaluationRevoked, InvalidTransition)

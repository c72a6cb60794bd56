"""Stories for the aggregates, without I/O: parties, funded projects, achievements, numbering."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from domain import errors
from domain import values as v
from domain.achievement import Achievement, AchievementDraft, AchievementStatus
from domain.party import Party
from domain.policy import NUMBERING_2026
from domain.project import FundedProject, ProjectStatus, StageConclusion
from domain.registration import RegistrationSeries
from domain.values import Category, Completer, Funding, PartyKind, Patent, PatentKind, PatentStatus

F, H, Reason = v.AchievementForm, v.HefeiSubtype, v.CancellationReason
D = date(2026, 3, 1)
WHEN: dict[str, Any] = {"effective_date": D, "actor": "test"}
CODE = "91330100799655058B"
ORG: dict[str, Any] = {"credit_code": CODE, "region_code": "330100"}


def party(kind: PartyKind, name: str = "  保定某单位 ", **kw: Any) -> Party:
    return Party.register(id=uuid4(), request_digest="", name=name, kind=kind, **WHEN, **kw)


def field_of(info: pytest.ExceptionInfo[errors.DomainError]) -> object:
    return info.value.context.get("field")


# --- Party ----------------------------------------------------------------------------------

def test_organisation_registers_with_normalised_credit_code() -> None:
    p = party(PartyKind.ENTERPRISE, credit_code=CODE.lower(), region_code="330100", state_owned=True)
    assert (p.name, p.credit_code, p.region_code, p.state_owned) == ("保定某单位", CODE, "330100", True)
    assert [type(e) for e in p.collect_events()] == [Party.Registered]


@pytest.mark.parametrize("missing", ["credit_code", "region_code"])
def test_organisation_needs_credit_code_and_region(missing: str) -> None:
    with pytest.raises(errors.InvalidInput) as info:
        party(PartyKind.UNIVERSITY, **{**ORG, missing: None})
    assert info.value.code == "invalid_input" and field_of(info) == "credit_code"


def test_organisation_codes_are_validated_and_name_is_required() -> None:
    with pytest.raises(errors.InvalidCreditCode):
        party(PartyKind.BANK, credit_code="91330100799655058C", region_code="330100")
    with pytest.raises(errors.InvalidRegionCode):
        party(PartyKind.BANK, credit_code=CODE, region_code="990100")
    with pytest.raises(errors.InvalidInput) as info:
        party(PartyKind.BANK, name=" ", **ORG)
    assert field_of(info) == "name"


def test_individuals_carry_no_credit_code_and_only_they_can_be_experts() -> None:
    with pytest.raises(errors.InvalidInput) as info:
        party(PartyKind.INDIVIDUAL, credit_code=CODE)
    assert field_of(info) == "credit_code"
    expert = party(PartyKind.INDIVIDUAL, expert_type=v.ExpertType.MARKET, region_code="130600")
    assert expert.expert_type is v.ExpertType.MARKET and expert.credit_code is None
    with pytest.raises(errors.InvalidInput) as info:
        party(PartyKind.EVALUATION_AGENCY, expert_type=v.ExpertType.TECHNICAL, **ORG)
    assert field_of(info) == "expert_type"


@pytest.mark.parametrize("kind", [PartyKind.UNIVERSITY, PartyKind.BANK, PartyKind.INDIVIDUAL])
def test_only_enterprises_are_state_owned(kind: PartyKind) -> None:
    with pytest.raises(errors.InvalidInput) as info:
        party(kind, state_owned=True, **({} if kind is PartyKind.INDIVIDUAL else ORG))
    assert field_of(info) == "state_owned"


def test_declare_relation_is_recorded_once_and_not_to_oneself() -> None:
    p, other = party(PartyKind.INDIVIDUAL), uuid4()
    relation = v.Relation(other, v.RelationKind.SHAREHOLDING, "持股")
    p.declare_relation(relation, **WHEN)
    p.declare_relation(relation, **WHEN)  # the same declaration again: no second event
    assert p.relations == (relation,)
    assert [type(e) for e in p.collect_events()] == [Party.Registered, Party.RelationDeclared]
    assert p.is_related_to({other}) and not p.is_related_to({uuid4()})
    with pytest.raises(errors.InvalidInput):
        p.declare_relation(v.Relation(p.id, v.RelationKind.OTHER), **WHEN)


# --- FundedProject --------------------------------------------------------------------------

def project(recommended: bool | None = None) -> FundedProject:
    p = FundedProject.propose(id=uuid4(), request_digest="", title="成果转化项目", undertaker_id=uuid4(),
                              programme="保定市科技计划", fiscal_amount=Decimal("500000.00"), **WHEN)
    if recommended is not None:
        p.assess_pre_approval(recommended=recommended, summary="同行评议", **WHEN)
    return p


def test_project_lifecycle() -> None:
    p = project()
    assert (p.status, p.recommended) == (ProjectStatus.PROPOSED, None)
    p.assess_pre_approval(recommended=True, summary="先进、适用", **WHEN)
    assert (p.status, p.recommended) == (ProjectStatus.PRE_APPROVAL_ASSESSED, True)
    p.approve(approved_amount=Decimal("450000.00"), **WHEN)
    assert (p.status, p.fiscal_amount) == (ProjectStatus.APPROVED, Decimal("450000.00"))
    p.assess_stage(stage="中期", conclusion=StageConclusion.ON_TRACK, summary="", **WHEN)
    p.assess_stage(stage="年度", conclusion=StageConclusion.AT_RISK, summary="延期", **WHEN)
    assert (p.status, p.stage_assessments) == (ProjectStatus.APPROVED, 2)
    p.accept(summary="验收通过", **WHEN)
    assert (p.status, p.version) == (ProjectStatus.ACCEPTED, 6)


def test_approval_refused_without_recommendation() -> None:
    p = project(recommended=False)
    with pytest.raises(errors.InvalidTransition) as info:
        p.approve(approved_amount=Decimal(1), **WHEN)
    assert info.value.code == "invalid_state_transition"
    assert (p.status, p.version) == (ProjectStatus.PRE_APPROVAL_ASSESSED, 2)


def test_out_of_order_steps_are_refused() -> None:
    p = project()
    steps: list[Callable[[], None]] = [
        lambda: p.approve(approved_amount=Decimal(1), **WHEN),
        lambda: p.assess_stage(stage="中期", conclusion=StageConclusion.ON_TRACK, summary="", **WHEN),
        lambda: p.accept(summary="", **WHEN),
    ]
    for step in steps:
        with pytest.raises(errors.InvalidTransition):
            step()
    p.assess_pre_approval(recommended=True, summary="ok", **WHEN)
    for step in [lambda: p.assess_pre_approval(recommended=True, summary="x", **WHEN), *steps[1:]]:
        with pytest.raises(errors.InvalidTransition):
            step()
    assert p.version == 2


def test_terminate_from_approved_is_final() -> None:
    p = project(recommended=True)
    p.approve(approved_amount=Decimal(0), **WHEN)
    p.terminate(reason="承担单位注销", **WHEN)
    assert p.status is ProjectStatus.TERMINATED
    with pytest.raises(errors.InvalidTransition):
        p.terminate(reason="again", **WHEN)
    with pytest.raises(errors.InvalidTransition):
        p.accept(summary="", **WHEN)


def test_outputs_link_only_once_approved() -> None:
    p, first, second = project(), uuid4(), uuid4()
    with pytest.raises(errors.InvalidTransition):
        p.link_output(first, **WHEN)
    p.assess_pre_approval(recommended=True, summary="ok", **WHEN)
    with pytest.raises(errors.InvalidTransition):
        p.link_output(first, **WHEN)
    with pytest.raises(errors.InvalidInput):
        p.approve(approved_amount=Decimal(-1), **WHEN)
    p.approve(approved_amount=Decimal(0), **WHEN)
    p.link_output(first, **WHEN)
    p.link_output(first, **WHEN)  # linked once only
    p.accept(summary="", **WHEN)
    p.link_output(second, **WHEN)  # still allowed after acceptance
    assert p.outputs == (first, second)


# --- Achievement ----------------------------------------------------------------------------

OWNER = uuid4()
PATENT = Patent("CN201710601862.3", PatentKind.INVENTION, "组件", date(2019, 1, 1), None)


def draft(**changes: Any) -> AchievementDraft:
    base = AchievementDraft(
        title=" 高效光伏组件 ", category=Category.APPLIED_TECHNOLOGY, owner_ids=(OWNER,),
        completers=(Completer("李四"),), field="新能源", keywords=(" 光伏 ", "组件", "光伏"),
        funding=Funding(fiscal=True, project_id=uuid4(), amount=Decimal("10.00")),
        maturity_stage=v.MaturityStage.PILOT, patents=(PATENT,),
    )
    return replace(base, **changes)


def register(d: AchievementDraft | None = None) -> Achievement:
    return Achievement.register(d or draft(), id=uuid4(), request_digest="",
                                registration_number="13062026Y00001", registry_code="1306", **WHEN)


def test_registration_normalises_the_draft() -> None:
    a = register()
    assert a.draft is not None and a.registration_number == "13062026Y00001"
    assert (a.draft.title, a.draft.keywords) == ("高效光伏组件", ("光伏", "组件"))
    assert list(a.patents) == ["ZL201710601862.3"] and a.owner_ids == (OWNER,)
    assert a.status is AchievementStatus.REGISTERED


@pytest.mark.parametrize("changes", [{"secrecy": v.Secrecy.STATE_SECRET}, {"defence_related": True}])
def test_classified_work_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(errors.ClassifiedWorkRefused) as info:
        register(draft(**changes))
    assert info.value.code == "classified_work_refused"


def _patent(number: str, grant: date | None = None, expiry: date | None = None) -> Patent:
    return Patent(number, PatentKind.INVENTION, "p", grant, expiry)


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"title": "   "}, "title"), ({"field": ""}, "field"), ({"owner_ids": ()}, "owner_ids"),
     ({"owner_ids": (OWNER, OWNER)}, "owner_ids"), ({"completers": ()}, "completers"),
     ({"completers": (Completer(" "),)}, "completers"), ({"keywords": (" ", "")}, "keywords"),
     ({"keywords": tuple("abcdefghijk")}, "keywords"), ({"trl": 0}, "trl"), ({"trl": 10}, "trl"),
     ({"funding": Funding(fiscal=True)}, "funding.project_id"),
     ({"hefei_subtype": H.APPLIED_RESEARCH, "category": Category.BASIC_THEORY}, "hefei_subtype"),
     ({"hefei_subtype": H.APPLIED_RESEARCH, "category": Category.SOFT_SCIENCE}, "hefei_subtype"),
     ({"hefei_subtype": H.APPLIED_RESEARCH, "forms": (F.PATENT, F.PROTOTYPE)}, "forms"),
     ({"hefei_subtype": H.DEVELOPMENT_INDUSTRIALIZATION, "forms": (F.SAMPLE,)}, "forms"),
     ({"forms": (F.PATENT,)}, "forms"),
     ({"patents": (_patent("ZL201710601862.3"), _patent("201710601862.3"))}, "patents"),
     ({"patents": (_patent("ZL201710601862.3", date(2020, 1, 1), date(2019, 1, 1)),)}, "patents")],
)
def test_invalid_drafts_are_refused(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(errors.InvalidInput) as info:
        register(draft(**changes))
    assert info.value.code == "invalid_input" and field_of(info) == field


def test_malformed_patent_number_is_refused() -> None:
    with pytest.raises(errors.InvalidPatentNumber):
        register(draft(patents=(_patent("ZL201710601862.4"),)))


@pytest.mark.parametrize(
    "changes",
    [{"trl": 1}, {"trl": 9}, {"funding": Funding(fiscal=False)},
     {"hefei_subtype": H.APPLIED_RESEARCH, "forms": (F.PATENT, F.SAMPLE, F.FUNCTIONAL_CONCLUSION)},
     {"hefei_subtype": H.DEVELOPMENT_INDUSTRIALIZATION, "forms": (F.PROTOTYPE, F.TECHNICAL_STANDARD)}],
)
def test_valid_variants_are_registered(changes: dict[str, Any]) -> None:
    assert register(draft(**changes)).status is AchievementStatus.REGISTERED


def test_disclosure_must_come_from_an_owner() -> None:
    a = register()
    disclosure: dict[str, Any] = {"inventors": (" 李四 ",), "ip_status": "已授权",
                                  "transfer_intent": v.TransferIntent.LICENSE, "funding_note": "", **WHEN}
    with pytest.raises(errors.InvalidInput) as info:
        a.disclose(discloser_id=uuid4(), **disclosure)
    assert field_of(info) == "discloser_id" and a.disclosed_on is None
    with pytest.raises(errors.InvalidInput):
        a.disclose(discloser_id=OWNER, **{**disclosure, "inventors": ()})
    a.disclose(discloser_id=OWNER, **disclosure)
    event = a.collect_events()[-1]
    assert a.disclosed_on == D
    assert isinstance(event, Achievement.Disclosed) and event.inventors == ("李四",)


def test_patent_status_change_and_replay() -> None:
    a, number = register(), "ZL201710601862.3"
    a.change_patent_status(number, PatentStatus.FEE_OVERDUE, reason="未缴年费", **WHEN)
    assert a.patents[number] == replace(PATENT, number=number, status=PatentStatus.FEE_OVERDUE)
    with pytest.raises(errors.InvalidTransition):
        a.change_patent_status(number, PatentStatus.FEE_OVERDUE, reason="", **WHEN)
    with pytest.raises(errors.InvalidInput):
        a.change_patent_status("ZL201920500003.X", PatentStatus.LAPSED, reason="", **WHEN)
    replayed: Any = None  # the recorded events rebuild the same state
    for event in a.collect_events():
        replayed = event.mutate(replayed)
    assert isinstance(replayed, Achievement) and replayed.version == 2
    assert (replayed.patents, replayed.draft) == (a.patents, a.draft)


def test_cancelled_registration_refuses_further_facts() -> None:
    a = register()
    a.cancel_registration(reason=Reason.FRAUD, detail="弄虚作假", decision_ref="2026-01", **WHEN)
    assert a.status is AchievementStatus.CANCELLED
    with pytest.raises(errors.InvalidTransition) as info:
        a.disclose(discloser_id=OWNER, inventors=("李四",), ip_status="", funding_note="",
                   transfer_intent=v.TransferIntent.SELF_USE, **WHEN)
    assert info.value.code == "invalid_state_transition"
    with pytest.raises(errors.InvalidTransition):
        a.cancel_registration(reason=Reason.OTHER, detail="", decision_ref="", **WHEN)
    with pytest.raises(errors.InvalidTransition):
        a.record_company(uuid4(), **WHEN)


# --- RegistrationSeries ---------------------------------------------------------------------

def test_series_issues_consecutive_numbers() -> None:
    series = RegistrationSeries.open(registry_code="1306", year=2026, category=Category.APPLIED_TECHNOLOGY,
                                     policy=NUMBERING_2026, **WHEN)
    numbers = [series.issue(uuid4(), policy=NUMBERING_2026, **WHEN) for _ in range(3)]
    assert numbers == ["13062026Y00001", "13062026Y00002", "13062026Y00003"]
    assert series.last_serial == 3
    assert series.id == RegistrationSeries.id_for("1306", 2026, Category.APPLIED_TECHNOLOGY)
    soft = RegistrationSeries.open(registry_code="1306", year=2026, category=Category.SOFT_SCIENCE,
                                   policy=NUMBERING_2026, **WHEN)
    assert soft.id != series.id
    assert soft.issue(uuid4(), policy=NUMBERING_2026, **WHEN) == "13062026R00001"

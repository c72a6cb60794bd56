"""Misconduct records and sanctions that bite (Baoding item 9; DOMAIN.md, misconduct record):
a decision bars its subject in each scope while active, revokes the evaluations it found
fraudulent and cancels the registrations it names in the same save; appeals, corrections,
the solicitation bands; the blacklist, its public face and a party's full record."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from api.runtime import Runtime
from domain.achievement import Achievement, AchievementStatus
from domain.errors import DomainError, InvalidInput
from domain.evaluation import Evaluation, EvaluationStatus
from domain.misconduct import (
    Decision,
    MisconductCategory,
    MisconductRecord,
    RecordStatus,
    SanctionTerms,
    Severity,
    SubjectRole,
)
from domain.standing import PartyBarred, SanctionScope
from domain.values import ExpertType, PartyKind
from projections import integrity_queries as q
from projections.evaluation_queries import library
from projections.tracing_queries import achievement_timeline
from services import commands as c
from services import integrity_commands as i
from services.ledger import Ledger
from tests.factories import draft
from tests.service.test_evaluation_rules import World, refuse, uniform

DECIDED = date(2023, 6, 1)
ALL = tuple(SanctionScope)


@pytest.fixture
def world(runtime: Runtime) -> World:
    return World(runtime.ledger)


def decision(subject: UUID, *, ref: str = "保科诚〔2023〕1号",
             category: MisconductCategory = MisconductCategory.EVALUATION_FRAUD,
             scopes: tuple[SanctionScope, ...] = ALL, end: date | None = date(2024, 5, 31),
             **changes: Any) -> Decision:
    base = Decision(
        subject_id=subject, role=SubjectRole.APPLICANT, category=category,
        severity=Severity.GENERAL, findings="在成果评价中提供虚假测试报告",
        authority="保定市科学技术局", decision_ref=ref, decided_on=DECIDED,
        sanctions=(SanctionTerms("禁止参与科技活动", scopes, DECIDED, end),))
    return replace(base, **changes)


def record(ledger: Ledger, d: Decision) -> UUID:
    return ledger.record_misconduct(i.RecordMisconduct(d), actor="auditor").value.id


def loaded(ledger: Ledger, cls: type[Any], aggregate_id: UUID) -> Any:
    found: object = ledger.repository.get(aggregate_id)
    assert isinstance(found, cls)
    return found


def code(action: Any) -> str:
    try:
        action()
    except DomainError as error:
        return error.code
    return "ok"


def views(runtime: Runtime) -> Any:
    runtime.follower.catch_up()
    return runtime.views.read()


# ---------------------------------------------------------------- sanctions that bite


def test_a_sanction_bars_each_scope_while_active(world: World) -> None:
    ledger, uni, agency = world.ledger, world.uni, world.agency
    expert = world.experts[ExpertType.TECHNICAL]
    for n, party in enumerate((uni, agency, expert)):
        record(ledger, decision(party, ref=f"保科诚〔2023〕{n + 10}号"))
    inside, after = date(2023, 7, 1), date(2024, 6, 1)

    def register(day: date) -> object:
        return ledger.register_achievement(c.RegisterAchievement(
            replace(draft(uni, f"一种新材料（{day}）"), owner_ids=(uni,)), "1306", day), actor="t")

    def propose(day: date) -> object:
        return ledger.propose_project(c.ProposeProject(
            f"重点研发计划（{day}）", uni, "市重点研发计划", Decimal("500000.00"),
            effective_date=day), actor="t")

    assert code(lambda: register(inside)) == "party_barred_by_sanction"
    assert code(lambda: propose(inside)) == "party_barred_by_sanction"
    assert code(lambda: world.commission(day=inside)) == "party_barred_by_sanction"
    assert code(lambda: register(DECIDED - timedelta(days=1))) == "ok"  # before the sanction
    assert code(lambda: register(after)) == "ok" and code(lambda: propose(after)) == "ok"

    ev = world.commission(day=date(2023, 5, 1))
    world.plan(ev, date(2023, 5, 1))
    error = refuse(ledger, PartyBarred, lambda: world.form(ev, day=inside))
    assert error.context["party_id"] in (str(agency), str(expert))


def test_evaluation_fraud_revokes_and_cancels_in_the_same_save(
        world: World, runtime: Runtime) -> None:
    ledger = world.ledger
    ev = world.through_finalization(world.achievement, [uniform("90.00")] * 4)
    with views(runtime) as tx:
        assert library(tx, grade=None, subtype=None, field=None, page=1, page_size=5)[1] == 1
    before = ledger.recorder.max_notification_id()
    record_id = record(ledger, decision(world.uni, evaluation_ids=(ev,),
                                        achievement_ids=(world.achievement,),
                                        cancel_registrations=True))
    events = ledger.recorder.select_notifications(start=(before or 0) + 1, limit=20)
    assert {n.topic.rsplit(":", 1)[1] for n in events} == {
        "MisconductRecord.Recorded", "IntegrityStanding.Opened",
        "IntegrityStanding.SanctionImposed", "Evaluation.Revoked",
        "Achievement.RegistrationCancelled"}
    assert loaded(ledger, Evaluation, ev).status is EvaluationStatus.REVOKED
    assert loaded(ledger, Achievement, world.achievement).status is AchievementStatus.CANCELLED
    with views(runtime) as tx:
        assert library(tx, grade=None, subtype=None, field=None, page=1, page_size=5)[1] == 0
        got = q.get_record(tx, str(record_id), today=DECIDED)
        timeline = achievement_timeline(tx, str(world.achievement))
    assert got is not None and got["evaluation_ids"] == [str(ev)]
    assert timeline is not None  # 回溯: the decision and what it did, in one place
    tail = [e["event"] for e in timeline["entries"]][-3:]
    assert tail[0] == "misconduct.recorded" and set(tail[1:]) == {
        "evaluation.revoked", "achievement.registration_cancelled"}


def test_other_categories_link_but_do_not_revoke(world: World) -> None:
    ev = world.through_finalization(world.achievement, [uniform("90.00")] * 4)
    record(world.ledger, decision(world.uni, category=MisconductCategory.SOLICITATION,
                                  evaluation_ids=(ev,), end=date(2024, 5, 31)))
    assert loaded(world.ledger, Evaluation, ev).status is EvaluationStatus.FINALIZED


def test_a_refused_decision_writes_nothing(world: World) -> None:
    ledger = world.ledger
    before = ledger.recorder.max_notification_id()
    missing = UUID("00000000-0000-4000-8000-000000000000")
    assert code(lambda: record(ledger, decision(world.uni, evaluation_ids=(missing,)))) \
        == "evaluation_not_found"
    assert code(lambda: record(ledger, decision(missing))) == "party_not_found"
    late_start = decision(world.uni)
    early = replace(late_start, sanctions=(SanctionTerms("x", ALL, DECIDED - timedelta(1), None),))
    assert code(lambda: record(ledger, early)) == "invalid_input"
    assert ledger.recorder.max_notification_id() == before


def test_a_decision_is_recorded_once(world: World) -> None:
    first = record(world.ledger, decision(world.uni))
    assert record(world.ledger, decision(world.uni)) == first  # the same body replays
    assert code(lambda: record(world.ledger, decision(world.uni, findings="另一份认定"))) \
        == "misconduct_record_taken"


# ---------------------------------------------------------------- solicitation bands


@pytest.mark.parametrize(("severity", "end", "ok"), [
    (Severity.GENERAL, date(2024, 5, 31), True),  # exactly 1 year
    (Severity.GENERAL, date(2024, 5, 30), False),
    (Severity.GENERAL, date(2026, 5, 31), True),  # 3 years
    (Severity.GENERAL, date(2026, 6, 1), False),
    (Severity.GENERAL, None, False),
    (Severity.REPEAT, date(2026, 5, 31), True),
    (Severity.REPEAT, date(2028, 6, 1), False),
    (Severity.SEVERE, date(2028, 5, 31), True),
    (Severity.SEVERE, None, True),
    (Severity.SEVERE, date(2027, 5, 31), False),
])
def test_solicitation_sanctions_follow_the_national_bands(
        world: World, severity: Severity, end: date | None, ok: bool) -> None:
    d = decision(world.experts[ExpertType.MARKET], category=MisconductCategory.SOLICITATION,
                 role=SubjectRole.EVALUATION_EXPERT, severity=severity, end=end,
                 scopes=(SanctionScope.EVALUATION_EXPERT,))
    assert code(lambda: record(world.ledger, d)) == ("ok" if ok else "invalid_input")


# ---------------------------------------------------------------- appeal and correction


def test_an_overturned_appeal_withdraws_the_sanctions_from_its_day(
        world: World, runtime: Runtime) -> None:
    ledger, uni = world.ledger, world.uni
    record_id = record(ledger, decision(uni, published=True))
    ledger.appeal_misconduct(i.AppealMisconduct(record_id, "测试报告真实有效", date(2023, 6, 10)),
                             actor="auditor")
    assert code(lambda: world.commission(day=date(2023, 6, 20))) == "ok"  # not the agency
    with views(runtime) as tx:
        assert q.public_blacklist(tx, as_of=date(2023, 6, 20))["items"][0]["appeal_pending"]
    overturned_on = date(2023, 8, 1)
    ledger.decide_appeal(i.DecideAppeal(record_id, True, "原认定证据不足", overturned_on),
                         actor="auditor")
    assert loaded(ledger, MisconductRecord, record_id).status is RecordStatus.OVERTURNED

    def propose(day: date) -> str:
        return code(lambda: ledger.propose_project(c.ProposeProject(
            f"项目{day}", uni, "计划", Decimal("1.00"), effective_date=day), actor="t"))

    assert propose(date(2023, 7, 31)) == "party_barred_by_sanction"  # it stood until then
    assert propose(overturned_on) == "ok"
    with views(runtime) as tx:
        assert q.blacklist(tx, as_of=date(2023, 7, 31))["count"] == 1
        assert q.blacklist(tx, as_of=overturned_on)["count"] == 0
        full = q.party_record(tx, str(uni), today=overturned_on)
        assert q.public_blacklist(tx, as_of=date(2023, 7, 31))["count"] == 0
    assert [(r["status"], r["overturned"]) for r in full["records"]] == [("overturned", True)]
    assert full["records"][0]["sanctions"][0]["state"] == "withdrawn"
    assert full["records"][0]["appeal"]["reasons"] == "原认定证据不足"
    assert full["barred"] == []
    with pytest.raises(DomainError):
        ledger.decide_appeal(i.DecideAppeal(record_id, False, "再审"), actor="auditor")


def test_an_upheld_appeal_leaves_the_sanctions(world: World) -> None:
    record_id = record(world.ledger, decision(world.uni))
    world.ledger.appeal_misconduct(i.AppealMisconduct(record_id, "异议"), actor="auditor")
    world.ledger.decide_appeal(i.DecideAppeal(record_id, False, "维持原决定", date(2023, 8, 1)),
                               actor="auditor")
    assert code(lambda: world.ledger.propose_project(c.ProposeProject(
        "项目", world.uni, "计划", Decimal("1.00"), effective_date=date(2023, 9, 1)),
        actor="t")) == "party_barred_by_sanction"


def test_a_correction_moves_a_sanction_end(world: World, runtime: Runtime) -> None:
    ledger = world.ledger
    record_id = record(ledger, decision(world.uni))
    sanction_id = loaded(ledger, MisconductRecord, record_id).sanction_ids[0]
    ledger.correct_misconduct(i.CorrectMisconduct(
        record_id, "在成果评价中提供虚假测试报告（更正：涉及两份报告）", "更正处理期限",
        ((sanction_id, date(2023, 12, 31)),), date(2023, 7, 1)), actor="auditor")
    with views(runtime) as tx:
        assert q.blacklist(tx, as_of=date(2024, 1, 1))["count"] == 0
        got = q.get_record(tx, str(record_id), today=date(2023, 7, 1))
    assert got is not None and got["sanctions"][0]["end_on"] == "2023-12-31"
    assert got["corrections"][0]["previous_findings"] == "在成果评价中提供虚假测试报告"
    with pytest.raises(InvalidInput):
        ledger.correct_misconduct(i.CorrectMisconduct(
            record_id, "x", "y", ((UUID(int=1), None),)), actor="auditor")


# ---------------------------------------------------------------- the blacklist


def test_the_blacklist_by_date_scope_expiry_and_publicity(world: World, runtime: Runtime) -> None:
    ledger = world.ledger
    expert = world.experts[ExpertType.INDUSTRY]
    company = world.org("保定某咨询有限公司", PartyKind.ENTERPRISE)
    record(ledger, decision(expert, ref="A-1", role=SubjectRole.EVALUATION_EXPERT,
                            category=MisconductCategory.SOLICITATION, published=True,
                            scopes=(SanctionScope.EVALUATION_EXPERT,), end=date(2024, 5, 31)))
    record(ledger, decision(company, ref="A-2", role=SubjectRole.INTERMEDIARY,
                            category=MisconductCategory.BENEFIT_TRANSFER,
                            scopes=(SanctionScope.TRADING, SanctionScope.REGISTRATION), end=None))
    with views(runtime) as tx:
        on = q.blacklist(tx, as_of=date(2023, 12, 1))
        trading = q.blacklist(tx, as_of=date(2023, 12, 1), scope="trading")
        later = q.blacklist(tx, as_of=date(2024, 6, 1))
        soon = q.expiring(tx, as_of=date(2024, 5, 1), within_days=30)
        public = q.public_blacklist(tx, as_of=date(2023, 12, 1))
        before = q.blacklist(tx, as_of=DECIDED - timedelta(days=1))
    assert on["count"] == 2 and before["count"] == 0
    assert [(x["name"], x["scopes"], x["barred_until"]) for x in trading["items"]] == [
        ("保定某咨询有限公司", ["registration", "trading"], None)]
    assert [x["kind"] for x in later["items"]] == ["enterprise"]  # the expert's ban ended
    assert [s["party_id"] for s in soon["items"]] == [str(expert)]
    assert public["count"] == 1
    entry = public["items"][0]
    assert set(entry) == {*q.PUBLIC_FIELDS, "appeal_pending"}
    assert entry["party_name"] == "industry专家" and "findings" not in entry

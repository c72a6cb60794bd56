"""Evaluation views through the real Ledger on SQLite and PostgreSQL: the library (Hefei art. 7),
re-evaluation and revocation, the company countdown (art. 8), expert workload, rebuild."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from api.runtime import Runtime
from domain.achievement import AchievementDraft
from domain.evaluation_policy import HEFEI_2022
from domain.values import (
    AchievementForm,
    Category,
    Completer,
    EvaluationClass,
    EvaluationForm,
    ExpertType,
    Funding,
    HefeiSubtype,
    ManagerStage,
    MaturityStage,
    PartyKind,
    Qualification,
)
from projections import evaluation_queries as q
from projections.evaluations import Evaluations
from services import commands as c
from services import evaluation_commands as e
from services.ledger import Ledger
from tests.factories import credit_code, university

D = date(2023, 3, 1)  # within HF-2022 (2022-06-05..2024-06-04)


@dataclass
class World:
    ledger: Ledger
    uni: UUID
    agency: UUID
    experts: tuple[UUID, ...]  # technical x2, industry, investment, market
    serial: int = 10

    def party(self, name: str, kind: PartyKind, **kw: Any) -> UUID:
        if kind.is_organisation:
            self.serial += 1
            kw = {"credit_code": credit_code(self.serial), "region_code": "130600", **kw}
        cmd = c.RegisterParty(name=name, kind=kind, **kw)
        return self.ledger.register_party(cmd, actor="test").value.id

    def achievement(self, title: str) -> UUID:
        cmd = c.RegisterAchievement(world_draft(self, title), "1306", date(2022, 11, 1))
        return self.ledger.register_achievement(cmd, actor="test").value.id

    def evaluate(self, achievement: UUID, mark: int, day: date, *,
                 recuse: tuple[UUID, str] | None = None,
                 reform: tuple[UUID, ...] | None = None) -> UUID:
        """A full transferable evaluation: every expert marks every indicator `mark`;
        finalized the day publicity ends (day + 7), deadline 6 months later."""
        led, step = self.ledger, e.EvaluationStep
        ev = led.commission_evaluation(e.CommissionEvaluation(
            EvaluationClass.TRANSFERABLE, achievement, self.uni, self.agency, day),
            actor="test").value.id
        led.set_plan(e.SetPlan(ev, (EvaluationForm.ON_SITE,), "HF-2022", day), actor="test")
        led.form_panel(e.FormPanel(ev, self.experts, day), actor="test")
        panel = self.experts
        if reform is not None:
            led.form_panel(e.FormPanel(ev, reform, day), actor="test")
            panel = reform
        if recuse is not None:
            led.recuse_expert(e.RecuseExpert(ev, recuse[0], recuse[1], day), actor="test")
            panel = tuple(x for x in panel if x != recuse[0])
        sheet = {k: Decimal(mark) for k in HEFEI_2022.indicator_keys}
        for expert in panel:
            led.submit_scores(e.SubmitScores(ev, expert, sheet, day), actor="test")
        led.review_evaluation(step(ev, day), actor="test")
        led.publicize_evaluation(step(ev, day), actor="test")
        led.finalize_evaluation(step(ev, day + timedelta(days=7)), actor="test")
        return ev

    def company(self, achievement: UUID, day: date) -> None:
        company = self.party(f"公司{self.serial}", PartyKind.ENTERPRISE)
        self.ledger.record_company(c.RecordCompany(achievement, company, day), actor="test")


def world_draft(world: World, title: str = "一种电池管理系统") -> AchievementDraft:
    """A Hefei development-industrialization achievement of the world's university."""
    return AchievementDraft(
        title=title, category=Category.APPLIED_TECHNOLOGY, owner_ids=(world.uni,),
        completers=(Completer("张伟"),), field="新能源", keywords=("电池",),
        funding=Funding(fiscal=False), maturity_stage=MaturityStage.PILOT,
        hefei_subtype=HefeiSubtype.DEVELOPMENT_INDUSTRIALIZATION,
        forms=(AchievementForm.PROTOTYPE,))


@pytest.fixture
def world(runtime: Runtime) -> World:
    led = runtime.ledger
    uni = university(led)
    w = World(led, uni, uni, ())
    w.agency = w.party("评价机构", PartyKind.EVALUATION_AGENCY)
    led.record_qualification(e.RecordQualification(w.agency, Qualification(
        (EvaluationClass.TRANSFERABLE,), "保定市科技局", "Q-1", date(2022, 1, 1),
        date(2025, 12, 31))), actor="test")
    types = (ExpertType.TECHNICAL, *ExpertType)
    w.experts = tuple(w.party(f"专家{i}", PartyKind.INDIVIDUAL, expert_type=t)
                      for i, t in enumerate(types))
    return w


def library_row(runtime: Runtime, achievement: UUID) -> dict[str, Any] | None:
    runtime.follower.catch_up()
    with runtime.views.read() as tx:
        rows, _ = q.library(tx, grade=None, subtype=None, field=None, page=1, page_size=100)
    return next((r for r in rows if r["achievement_id"] == str(achievement)), None)


def test_b_grade_enters_library_and_reevaluation_replaces_it(runtime: Runtime, world: World
                                                              ) -> None:
    ach = world.achievement("一种电池管理系统")
    first = world.evaluate(ach, 88, D)
    row = library_row(runtime, ach)
    assert row is not None
    assert (row["evaluation_id"], row["grade"], row["support_tier"], row["total"]) == (
        str(first), "B", "bonus_points", "88.00")
    assert (row["publicity_end"], row["company_deadline"]) == ("2023-03-07", "2023-09-08")
    assert (row["support_status"], row["title"], row["hefei_subtype"]) == (
        "pending", "一种电池管理系统", "development_industrialization")
    second = world.evaluate(ach, 96, D + timedelta(days=30))
    row = library_row(runtime, ach)
    assert row is not None and (row["evaluation_id"], row["grade"], row["support_tier"]) == (
        str(second), "A", "direct_support")
    world.evaluate(ach, 70, D + timedelta(days=60))  # cultivation: leaves the library
    assert library_row(runtime, ach) is None
    with runtime.views.read() as tx:
        candidates, total = q.cultivation_candidates(tx, page=1, page_size=10)
        evaluations, n = q.list_evaluations(tx, achievement_id=str(ach), agency_id=None,
                                            status="finalized", evaluation_class=None, page=1,
                                            page_size=10)
    assert total == 1 and candidates[0]["achievement_id"] == str(ach)
    assert n == 3 and [r["grade"] for r in evaluations] == ["cultivation", "A", "B"]


def test_revocation_removes_entry_and_falls_back(runtime: Runtime, world: World) -> None:
    ach, lone = world.achievement("一种储能材料"), world.achievement("一种传感器")
    older = world.evaluate(ach, 82, D)
    newer = world.evaluate(ach, 96, D + timedelta(days=30))
    only = world.evaluate(lone, 88, D)
    for ev in (newer, only):
        world.ledger.revoke_evaluation(e.RevokeEvaluation(ev, "评价造假", "决定-1", D + timedelta(
            days=60)), actor="test")
    row = library_row(runtime, ach)
    assert row is not None and (row["evaluation_id"], row["grade"], row["support_tier"]) == (
        str(older), "C", "coaching")
    assert library_row(runtime, lone) is None
    with runtime.views.read() as tx:
        revoked = q.get_evaluation(tx, str(newer))
    assert revoked is not None and (revoked["status"], revoked["revoke_reason"]) == (
        "revoked", "评价造假")


def test_company_countdown(runtime: Runtime, world: World) -> None:
    due, overdue, kept, lapsed = (world.achievement(t) for t in ("甲", "乙", "丙", "丁"))
    world.evaluate(due, 88, D)  # deadline 2023-09-08
    world.evaluate(overdue, 88, date(2023, 1, 2))  # deadline 2023-07-09
    world.evaluate(kept, 88, D)
    world.evaluate(lapsed, 88, D)
    world.company(kept, date(2022, 12, 1))  # before the evaluation: supported
    world.company(lapsed, date(2023, 9, 9))  # a day late: recorded, support lapsed
    world.company(lapsed, date(2023, 9, 20))
    runtime.follower.catch_up()
    with runtime.views.read() as tx:
        board = q.company_countdown(tx, as_of=date(2023, 9, 1), within_days=30)
    assert [(r["achievement_id"], r["days_left"]) for r in board["due_soon"]] == [(str(due), 7)]
    assert [(r["achievement_id"], r["days_overdue"]) for r in board["overdue"]] == [
        (str(overdue), 54)]
    assert [(r["achievement_id"], r["company_formed_on"]) for r in board["lapsed"]] == [
        (str(lapsed), "2023-09-09")]
    row = library_row(runtime, kept)
    assert row is not None and row["support_status"] == "supported"


def test_expert_workload_with_recusal(runtime: Runtime, world: World) -> None:
    ach = world.achievement("一种电机")
    spare = world.experts[0]
    first = world.evaluate(ach, 88, D, recuse=(spare, "与完成人有合作关系"))
    world.evaluate(ach, 88, D + timedelta(days=30), reform=world.experts[1:])
    runtime.follower.catch_up()
    with runtime.views.read() as tx:
        items, total = q.expert_workload(tx, page=1, page_size=10)
        evaluation = q.get_evaluation(tx, str(first))
    assert total == 5
    by_id = {r["party_id"]: r for r in items}
    assert (by_id[str(spare)]["panels"], by_id[str(spare)]["scored"],
            by_id[str(spare)]["recusals"]) == (0, 0, 1)
    assert by_id[str(spare)]["recusal_reasons"] == ["与完成人有合作关系"]
    other = by_id[str(world.experts[1])]
    assert (other["panels"], other["scored"], other["recusals"], other["recusal_reasons"]) == (
        2, 2, 0, [])
    assert evaluation is not None and evaluation["scored_by"] == 4
    assert len(evaluation["panel"]) == 4
    assert {r["status"] for r in evaluation["panel_rows"]} == {"serving", "recused"}


def dump(runtime: Runtime) -> dict[str, list[dict[str, Any]]]:
    with runtime.views.read() as tx:
        return {t: tx.execute(f"SELECT * FROM {t} ORDER BY 1, 2") for t in Evaluations.tables}


def test_rebuild_reproduces_identical_rows(runtime: Runtime, world: World) -> None:
    ach = world.achievement("一种电解液")
    world.evaluate(ach, 88, D, recuse=(world.experts[0], "回避"))
    world.company(ach, date(2023, 5, 1))
    manager = world.party("李经理", PartyKind.INDIVIDUAL, technology_manager=True)
    world.ledger.engage_technology_manager(e.EngageTechnologyManager(
        ach, manager, ManagerStage.ASSESSMENT, "估值", D), actor="test")
    newer = dataclasses.replace(HEFEI_2022, version="HF-2024", effective_from=date(2024, 6, 5),
                                effective_to=None)
    world.ledger.publish_policy(e.PublishPolicy(newer, D), actor="test")
    runtime.follower.catch_up()
    before = dump(runtime)
    assert all(before[t] for t in Evaluations.tables)
    with runtime.views.read() as tx:
        assert [p["version"] for p in q.list_policies(tx)] == ["HF-2022", "HF-2024"]
        assert q.qualifications_of(tx, str(world.agency))[0]["scope"] == ["transferable"]
        engaged = q.manager_engagements(tx, str(ach))
    assert [(r["manager_name"], r["stage"]) for r in engaged] == [("李经理", "assessment")]
    runtime.follower.rebuild()
    assert dump(runtime) == before


def test_basic_research_conclusion_stays_out_of_the_library(runtime: Runtime, world: World
                                                             ) -> None:
    led, step = world.ledger, e.EvaluationStep
    bureau = world.party("保定市科学技术局", PartyKind.GOVERNMENT)
    basic = dataclasses.replace(world_draft(world), category=Category.BASIC_THEORY,
                                hefei_subtype=None, forms=())
    ach = led.register_achievement(c.RegisterAchievement(basic, "1306", date(2022, 11, 1)),
                                   actor="test").value.id
    ev = led.commission_evaluation(e.CommissionEvaluation(
        EvaluationClass.BASIC_RESEARCH, ach, world.uni, bureau, D), actor="test").value.id
    led.form_panel(e.FormPanel(ev, world.experts[:3], D), actor="test")
    led.conclude_evaluation(e.Conclude(ev, "国内领先", representative_works=("论文一",),
                                       score=Decimal("90.5"), effective_date=D), actor="test")
    led.finalize_evaluation(step(ev, D), actor="test")
    assert library_row(runtime, ach) is None
    with runtime.views.read() as tx:
        rows, total = q.list_evaluations(tx, achievement_id=None, agency_id=str(bureau),
                                         status=None, evaluation_class="basic_research",
                                         page=1, page_size=10)
    assert total == 1 and rows[0]["status"] == "finalized"
    assert rows[0]["conclusion"]["representative_works"] == ["论文一"]
    assert rows[0]["conclusion"]["score"] == "90.5" and rows[0]["company_deadline"] is None

"""Backward tracing (回溯, Baoding item 1 过程回溯; DOMAIN.md "Backward tracing") on SQLite and PostgreSQL:
an achievement's whole life in ledger order, the ledger's knowledge at a past moment, a funded
project with its outputs, and the timelines of a seller and of an expert."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from api.demo_data import load_demo
from api.runtime import Runtime
from domain.contract import ContractTerms, ContractType, PricingMethod
from domain.misconduct import Decision, MisconductCategory, SanctionTerms, Severity, SubjectRole
from domain.pledge import LoanTerms, PledgeItem
from domain.standing import SanctionScope
from domain.valuation import ValuationMethod, ValuationReport
from domain.values import ExpertType, Funding, PartyKind, TransferIntent
from projections import tracing_queries as q
from services import commands as c
from services import integrity_commands as i
from services import trade_commands as t
from services import valuation_commands as v
from services.ledger import Ledger
from services.settings import Settings
from tests.factories import draft
from tests.service.test_evaluation_rules import World as EvaluationWorld
from tests.service.test_evaluation_rules import uniform

DISCLOSED, SIGNED, VALUED = date(2023, 1, 10), date(2023, 6, 1), date(2023, 6, 20)
PLEDGED, RELEASED, DECIDED = date(2023, 7, 1), date(2024, 1, 15), date(2024, 2, 1)
LIFE = [  # the achievement's life as the auditor should see it, in ledger order
    "achievement.registered", "achievement.disclosed", "evaluation.commissioned",
    "evaluation.plan_set", "evaluation.panel_formed", *["evaluation.scores_submitted"] * 4,
    "evaluation.reviewed", "evaluation.publicized", "evaluation.finalized", "contract.accepted",
    "rights.opened", "contract.registration_completed", "rights.ownership_changed",
    "valuation.recorded", "pledge.registered", "rights.pledged", "pledge.released",
    "rights.unpledged"]


@dataclass
class Story:
    """A university's achievement registered, disclosed, evaluated, transferred to an
    enterprise, valued, pledged by the enterprise and released; `cut` lies between the
    transfer and the valuation."""

    runtime: Runtime
    world: EvaluationWorld
    enterprise: UUID
    bank: UUID
    cut: datetime

    @property
    def achievement(self) -> UUID:
        return self.world.achievement

    def timeline(self, which: str, subject: UUID, **kw: Any) -> dict[str, Any]:
        self.runtime.follower.catch_up()
        query = getattr(q, f"{which}_timeline")
        with self.runtime.views.read() as tx:
            answer = query(tx, str(subject), **kw)
        assert answer is not None
        assert isinstance(answer, dict)
        return answer


def live(runtime: Runtime) -> Story:
    world = EvaluationWorld(runtime.ledger)
    ledger = world.ledger
    enterprise = world.org("保定某新能源科技有限公司", PartyKind.ENTERPRISE)
    exchange = world.org("保定技术交易市场", PartyKind.TRANSFER_AGENCY)
    bank = world.org("中国银行保定分行", PartyKind.BANK)
    appraiser = world.org("河北某资产评估有限公司", PartyKind.ENTERPRISE)
    ledger.disclose_achievement(c.DiscloseAchievement(
        world.achievement, world.uni, ("张伟",), "已受理", TransferIntent.TRANSFER,
        effective_date=DISCLOSED), actor="registrar:test")
    world.through_finalization(world.achievement, [uniform("90")] * 4)
    ledger.register_contract(t.RegisterContract(ContractTerms(
        "HT-2023-001", "电池管理系统技术转让合同", ContractType.TRANSFER, None, world.uni,
        enterprise, (world.achievement,), Decimal("800000.00"), Decimal("800000.00"), SIGNED,
        None, "新能源", exchange, PricingMethod.LISTING), effective_date=SIGNED),
        actor="exchange_operator:test")
    cut = last_recorded(ledger)
    ledger.record_valuation(v.RecordValuation(ValuationReport(
        world.achievement, appraiser, "冀评报字〔2023〕第17号", ValuationMethod.INCOME,
        Decimal("1200000.00"), VALUED, "质押融资"), VALUED), actor="bank:test")
    pledge = ledger.register_pledge(t.RegisterPledge(LoanTerms(
        enterprise, bank, enterprise, (PledgeItem(world.achievement),), Decimal("600000.00"),
        PLEDGED, date(2024, 6, 30)), PLEDGED), actor="bank:test").value.id
    ledger.release_pledge(t.PledgeStep(pledge, "贷款结清", effective_date=RELEASED),
                          actor="bank:test")
    return Story(runtime, world, enterprise, bank, cut)


def last_recorded(ledger: Ledger) -> datetime:
    """When the latest event was recorded: `as_known_at` it, everything so far is known and
    nothing recorded afterwards."""
    head = ledger.recorder.max_notification_id()
    assert head is not None
    latest = ledger.recorder.select_notifications(start=head, limit=1)
    event: Any = ledger.mapper.to_domain_event(latest[0])
    moment: datetime = event.timestamp
    return moment


@pytest.fixture
def story(runtime: Runtime) -> Story:
    return live(runtime)


def events(answer: dict[str, Any]) -> list[str]:
    return [entry["event"] for entry in answer["entries"]]


def test_an_achievement_shows_its_whole_life_in_ledger_order(story: Story) -> None:
    answer = story.timeline("achievement", story.achievement)
    assert events(answer) == LIFE
    assert answer["subject"]["kind"] == "achievement" and answer["total"] == len(LIFE)
    positions = [entry["position"] for entry in answer["entries"]]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    first = answer["entries"][0]
    assert first["roles"] == ["subject"] and first["effective_date"] == "2023-01-03"
    assert first["recorded_at"].endswith("+00:00") and first["actor"] == "test"
    assert first["summary"]["zh"].startswith("成果登记 1306")


def test_the_timeline_names_the_panel_scores_and_the_new_owner(story: Story) -> None:
    by_event = {e["event"]: e for e in story.timeline("achievement", story.achievement)["entries"]}
    panel = by_event["evaluation.panel_formed"]
    assert {x["role"] for x in panel["links"]} == {"evaluated"}  # only this subject's links
    assert "technical专家" in panel["summary"]["zh"]
    scores = by_event["evaluation.scores_submitted"]
    assert scores["summary"]["en"].startswith("scores by ") and "team 90" in scores["summary"]["en"]
    assert scores["payload"]["scores"]["team"] == "90"
    change = by_event["rights.ownership_changed"]
    assert change["summary"] == {"zh": "转让给 保定某新能源科技有限公司",
                                 "en": "transferred to 保定某新能源科技有限公司"}
    assert change["payload"]["owner_ids"] == [str(story.enterprise)]
    assert change["effective_date"] == "2023-06-01" and change["aggregate_kind"] == "rights"
    assert by_event["pledge.released"]["effective_date"] == "2024-01-15"
    assert "actor" not in by_event["pledge.released"]["payload"]


def test_as_known_at_hides_what_was_recorded_later(story: Story) -> None:
    then = story.timeline("achievement", story.achievement, as_known_at=story.cut)
    assert events(then) == LIFE[:LIFE.index("valuation.recorded")]
    assert then["as_known_at"] is not None and then["as_known_at"].endswith("+00:00")
    before = datetime(2020, 1, 1, tzinfo=UTC)
    assert story.timeline("achievement", story.achievement, as_known_at=before)["entries"] == []


def test_the_sellers_timeline_shows_what_it_did_page_by_page(story: Story) -> None:
    uni = story.world.uni
    answer = story.timeline("party", uni)
    roles = {e["event"]: e["roles"] for e in answer["entries"]}
    assert roles["party.registered"] == ["subject"]
    assert roles["achievement.registered"] == ["owner"]
    assert roles["achievement.disclosed"] == ["discloser"]
    assert roles["evaluation.commissioned"] == ["commissioner"]
    assert roles["contract.accepted"] == ["seller"]
    assert "pledge.registered" not in roles  # the enterprise pledged it, after buying it
    first = story.timeline("party", uni, page=1, page_size=3)
    second = story.timeline("party", uni, page=2, page_size=3)
    assert first["total"] == second["total"] == answer["total"]
    assert [e["position"] for e in first["entries"] + second["entries"]] == \
        [e["position"] for e in answer["entries"][:6]]


def test_the_buyers_timeline_shows_ownership_and_its_pledge(story: Story) -> None:
    roles = {e["event"]: e["roles"] for e in story.timeline("party", story.enterprise)["entries"]}
    assert roles["rights.ownership_changed"] == ["buyer", "owner"]
    assert roles["pledge.registered"] == ["debtor", "pledgor"]
    assert roles["pledge.released"] == ["debtor", "pledgor"]


def test_an_experts_timeline_shows_its_panel_scores_and_the_sanction(story: Story) -> None:
    expert = story.world.experts[ExpertType.MARKET]
    story.runtime.ledger.record_misconduct(i.RecordMisconduct(Decision(
        expert, SubjectRole.EVALUATION_EXPERT, MisconductCategory.OTHER, Severity.GENERAL,
        "未如实申报利益关联", "保定市科学技术局", "保科诚〔2024〕3号", DECIDED,
        (SanctionTerms("取消评审专家资格", (SanctionScope.EVALUATION_EXPERT,), DECIDED,
                       date(2025, 1, 31)),))), actor="auditor:test")
    entries = story.timeline("party", expert)["entries"]
    assert [e["event"] for e in entries if e["event"] != "standing.opened"] == [
        "party.registered", "evaluation.panel_formed", "evaluation.scores_submitted",
        "misconduct.recorded", "standing.sanction_imposed"]
    decided = next(e for e in entries if e["event"] == "misconduct.recorded")
    assert decided["roles"] == ["misconduct_subject"]
    assert "保科诚〔2024〕3号" in decided["summary"]["zh"]
    scored = entries[2]
    assert scored["roles"] == ["expert"] and scored["payload"]["expert_id"] == str(expert)
    assert entries[-1]["roles"] == ["subject"]
    assert entries[-1]["summary"]["zh"] == "惩戒：取消评审专家资格（2024-02-01 至 2025-01-31）"


def test_a_project_shows_its_steps_and_its_outputs_lives(runtime: Runtime) -> None:
    world = EvaluationWorld(runtime.ledger)
    ledger, day = world.ledger, date(2023, 1, 3)
    project = ledger.propose_project(c.ProposeProject(
        "电池管理系统中试", world.uni, "保定市科技计划", Decimal("500000.00"), effective_date=day),
        actor="test").value.id
    ledger.assess_pre_approval(c.AssessPreApproval(project, True, "建议立项", day), actor="t")
    ledger.approve_project(c.ApproveProject(project, Decimal("500000.00"), day), actor="t")
    funded = replace(draft(world.uni, "一种电池均衡电路"), funding=Funding(True, project))
    output = ledger.register_achievement(c.RegisterAchievement(funded, "1306", day),
                                         actor="t").value.id
    ledger.disclose_achievement(c.DiscloseAchievement(
        output, world.uni, ("张伟",), "已受理", TransferIntent.LICENSE, effective_date=DISCLOSED),
        actor="t")
    story = Story(runtime, world, world.uni, world.uni, datetime.now(UTC))
    answer = story.timeline("project", project)
    assert answer["subject"]["output_ids"] == [str(output)]
    assert sorted(events(answer)[3:5]) == ["achievement.registered", "project.output_linked"]
    assert events(answer) == ["project.proposed", "project.pre_approval_assessed",
                              "project.approved", *events(answer)[3:5], "achievement.disclosed"]
    by_event = {e["event"]: e for e in answer["entries"]}
    assert by_event["achievement.registered"]["roles"] == ["funding_project"]
    assert by_event["project.output_linked"]["roles"] == ["subject"]
    assert {(x["subject_id"], x["role"]) for x in by_event["project.output_linked"]["links"]} \
        == {(str(project), "subject"), (str(output), "output")}
    assert by_event["achievement.disclosed"]["roles"] == []  # the output's life, not the project's


def test_unknown_subjects_have_no_timeline(runtime: Runtime) -> None:
    runtime.follower.catch_up()
    nobody = "00000000-0000-0000-0000-000000000000"
    with runtime.views.read() as tx:
        assert q.achievement_timeline(tx, nobody) is None
        assert q.project_timeline(tx, nobody) is None
        assert q.party_timeline(tx, nobody) is None


def test_the_demos_evaluated_traded_and_pledged_achievements_show_their_whole_life(
        sqlite_settings: Settings) -> None:
    with Ledger(sqlite_settings) as ledger:
        summary = load_demo(ledger)
    runtime = Runtime.open(sqlite_settings, follow=False)
    try:
        runtime.follower.catch_up()
        with runtime.views.read() as tx:
            lives = [q.achievement_timeline(tx, r["subject_id"]) for r in tx.execute(
                "SELECT DISTINCT subject_id FROM trace_links WHERE role = 'pledged'")]
            shown = q.achievement_timeline(tx, str(summary.library_achievement_id))
    finally:
        runtime.close()
    whole = [life for life in lives if life is not None and {
        "achievement.registered", "evaluation.scores_submitted", "evaluation.finalized",
        "contract.registration_completed", "rights.ownership_changed", "pledge.registered",
    } <= set(events(life))]
    assert whole, "no demo achievement is evaluated, transferred and pledged"
    assert all(events(life)[0] == "achievement.registered" for life in whole)
    assert shown is not None
    assert {"evaluation.finalized", "achievement.company_formed"} <= set(events(shown))

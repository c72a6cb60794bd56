"""Ledger stories on real stores: the same scenarios on SQLite files and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from decimal import Decimal
from uuid import UUID

import pytest

from domain.achievement import Achievement
from domain.errors import (
    DomainError,
    DuplicateParty,
    DuplicateRegistration,
    IdempotencyKeyReused,
    InvalidTransition,
    NotFound,
    PatentAlreadyRegistered,
)
from domain.project import FundedProject, StageConclusion
from domain.values import (
    CancellationReason,
    Category,
    Funding,
    PartyKind,
    Patent,
    PatentKind,
    TransferIntent,
)
from services import commands as c
from services.handlers.results import Created
from services.ledger import Ledger
from services.settings import Settings
from tests.factories import credit_code, draft, register, university


@pytest.fixture
def ledger(store_settings: Settings) -> Iterator[Ledger]:
    with Ledger(store_settings) as ledger:
        yield ledger


def registered_events(ledger: Ledger) -> int:
    topic = "domain.achievement:Achievement.Registered"
    return len(ledger.recorder.select_notifications(start=None, limit=10_000, topics=[topic]))


def test_a_project_runs_its_course_and_links_its_output(ledger: Ledger) -> None:
    uni = university(ledger)
    project_id = ledger.propose_project(
        c.ProposeProject("石墨烯中试", uni, "保定市科技计划", Decimal("500000.00")),
        actor="test", key="p1").value.id
    with pytest.raises(InvalidTransition):
        ledger.approve_project(c.ApproveProject(project_id, Decimal("1")), actor="test")
    ledger.assess_pre_approval(c.AssessPreApproval(project_id, True, "先进、适用"), actor="test")
    ledger.approve_project(c.ApproveProject(project_id, Decimal("450000.00")), actor="test")
    ledger.assess_stage(c.AssessStage(project_id, "中期", StageConclusion.ON_TRACK), actor="t")
    funded = replace(draft(uni), funding=Funding(fiscal=True, project_id=project_id))
    outcome = ledger.register_achievement(c.RegisterAchievement(funded, "1306"), actor="t", key="a")
    ledger.close_project(c.CloseProject(project_id, True, "验收通过"), actor="test")

    project: object = ledger.repository.get(project_id)
    assert isinstance(project, FundedProject)
    assert project.outputs == (outcome.value.id,)
    assert project.status.value == "accepted"
    assert project.fiscal_amount == Decimal("450000.00")


def test_registration_numbers_are_consecutive_per_registry_year_category(ledger: Ledger) -> None:
    uni = university(ledger)
    numbers = [register(ledger, uni, f"成果{i}", f"k{i}") for i in range(3)]
    year = ledger.today().year
    assert numbers == [f"1306{year}Y0000{i}" for i in (1, 2, 3)]
    basic = replace(draft(uni, "基础理论成果"), category=Category.BASIC_THEORY)
    outcome = ledger.register_achievement(c.RegisterAchievement(basic, "1306"), actor="t", key="b")
    assert outcome.value.registration_number == f"1306{year}J00001"


def test_idempotent_retry_writes_nothing_and_other_body_is_refused(ledger: Ledger) -> None:
    uni = university(ledger)
    first = ledger.register_achievement(c.RegisterAchievement(draft(uni), "1306"), actor="t",
                                        key="same")
    head = ledger.recorder.max_notification_id()
    again = ledger.register_achievement(c.RegisterAchievement(draft(uni), "1306"), actor="t",
                                        key="same")
    assert again.value == replace(first.value, replayed=True)
    assert again.position is None
    assert ledger.recorder.max_notification_id() == head
    with pytest.raises(IdempotencyKeyReused):
        ledger.register_achievement(c.RegisterAchievement(draft(uni, "另一项成果"), "1306"),
                                    actor="t", key="same")
    assert ledger.recorder.max_notification_id() == head


def test_one_registration_per_achievement_and_per_patent(ledger: Ledger) -> None:
    uni = university(ledger)
    patent = Patent("201710601862.3", PatentKind.INVENTION, "制备方法", None, None)
    ledger.register_achievement(
        c.RegisterAchievement(replace(draft(uni), patents=(patent,)), "1306"), actor="t", key="1")
    with pytest.raises(DuplicateRegistration):
        ledger.register_achievement(c.RegisterAchievement(draft(uni, " 一种石墨烯复合材料的制备方法 "),
                                                          "1306"), actor="t", key="2")
    with pytest.raises(PatentAlreadyRegistered):
        ledger.register_achievement(c.RegisterAchievement(
            replace(draft(uni, "别的成果"), patents=(patent,)), "1306"), actor="t", key="3")
    assert registered_events(ledger) == 1


def test_parties_are_unique_by_credit_code_and_references_must_exist(ledger: Ledger) -> None:
    university(ledger, serial=7)
    with pytest.raises(DuplicateParty):
        ledger.register_party(c.RegisterParty("另一个名字", PartyKind.ENTERPRISE, credit_code(7),
                                              "130600"), actor="t", key="x")
    with pytest.raises(NotFound) as missing:
        ledger.register_achievement(c.RegisterAchievement(draft(UUID(int=1)), "1306"),
                                    actor="t", key="y")
    assert missing.value.code == "party_not_found"


def test_follow_up_facts_and_cancellation(ledger: Ledger) -> None:
    uni = university(ledger)
    achievement_id = ledger.register_achievement(
        c.RegisterAchievement(draft(uni), "1306"), actor="t", key="a").value.id
    ledger.disclose_achievement(c.DiscloseAchievement(
        achievement_id, uni, ("张伟",), "已授权", TransferIntent.LICENSE), actor="t")
    ledger.cancel_registration(c.CancelRegistration(
        achievement_id, CancellationReason.PLAGIARISM, "抄袭他人成果"), actor="auditor")
    with pytest.raises(DomainError) as refused:
        ledger.disclose_achievement(c.DiscloseAchievement(
            achievement_id, uni, ("张伟",), "已授权", TransferIntent.LICENSE), actor="t")
    assert refused.value.code == "invalid_state_transition"
    achievement: object = ledger.repository.get(achievement_id)
    assert isinstance(achievement, Achievement)
    assert achievement.status.value == "cancelled"


@pytest.mark.parametrize("group_commit", [True, False])
def test_32_threads_with_one_idempotency_key_make_one_achievement(
    store_settings: Settings, group_commit: bool
) -> None:
    with Ledger(store_settings.model_copy(update={"group_commit": group_commit})) as ledger:
        uni = university(ledger)
        command = c.RegisterAchievement(draft(uni), "1306")
        with ThreadPoolExecutor(32) as pool:
            outcomes = list(pool.map(
                lambda _: ledger.register_achievement(command, actor="t", key="one"), range(32)))
        assert len({o.value.id for o in outcomes}) == 1
        assert sum(not o.value.replayed for o in outcomes) == 1
        assert registered_events(ledger) == 1


@pytest.mark.parametrize("group_commit", [True, False])
def test_32_threads_registering_get_32_consecutive_numbers(
    store_settings: Settings, group_commit: bool
) -> None:
    with Ledger(store_settings.model_copy(update={"group_commit": group_commit})) as ledger:
        uni = university(ledger)
        with ThreadPoolExecutor(32) as pool:
            numbers = list(pool.map(lambda i: register(ledger, uni, f"并发成果{i}", f"k{i}"),
                                    range(32)))
        serials = sorted(int(n[-5:]) for n in numbers)
        assert serials == list(range(1, 33))
        assert registered_events(ledger) == 32


@pytest.mark.parametrize("group_commit", [True, False])
def test_async_submission_numbers_32_concurrent_registrations(
    store_settings: Settings, group_commit: bool
) -> None:
    """The HTTP path (`execute_async`) keeps the rules of the threaded one; keyless
    registrations each create anew."""
    with Ledger(store_settings.model_copy(update={"group_commit": group_commit})) as ledger:
        uni = university(ledger)

        async def register_all() -> list[Created]:
            works = [ledger.registration(c.RegisterAchievement(draft(uni, f"异步成果{i}"), "1306"),
                                         actor="t") for i in range(32)]
            outcomes = await asyncio.gather(*(ledger.execute_async(w) for w in works))
            assert all(o.position is not None for o in outcomes)
            return [o.value for o in outcomes]

        created = asyncio.run(register_all())
        assert len({x.id for x in created}) == 32
        serials = sorted(int(str(x.registration_number)[-5:]) for x in created)
        assert serials == list(range(1, 33))
        assert registered_events(ledger) == 32

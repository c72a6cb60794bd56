"""Contract registration as a case (技术合同登记): accepted, corrected (补正), disputed, completed
or refused; the public notice before agreement pricing (促进科技成果转化法 art. 18); service levels
in working days (15, or 30 for ≥ 5 million yuan or disputed cases) and the registry's backlog."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from api.runtime import Runtime
from domain.contract import ContractStatus, ContractTerms, ContractType, PricingMethod
from domain.registration_service import REGISTRATION_2024, PublicNotice
from domain.working_days import add_working_days, is_working_day, working_days_between
from projections import registration_queries as rq
from projections import trade_queries as q
from projections import trade_statistics as stats
from services import trade_commands as t
from tests.service.trade_world import SIGNED_ON, World, refused, whole

ACCEPTED_ON = date(2026, 4, 7)  # a Tuesday after Qingming (4-6 April 2026)


@pytest.fixture
def world(runtime: Runtime) -> World:
    return World.build(runtime.ledger)


def views(runtime: Runtime) -> Any:
    runtime.follower.catch_up()
    return runtime.views.read()


def accept(world: World, terms: ContractTerms, *, on: date = ACCEPTED_ON, review: bool = True,
           notice: PublicNotice | None = None) -> UUID:
    cmd = t.RegisterContract(terms, on, notice, review)
    return world.ledger.register_contract(cmd, actor="exchange").value.id


def step(world: World, method: str, contract_id: UUID, on: date, reason: str = "") -> None:
    getattr(world.ledger, method)(t.RegistrationStep(contract_id, reason, on), actor="exchange")


def row(runtime: Runtime, contract_id: UUID) -> dict[str, Any]:
    with views(runtime) as tx:
        found = q.get_contract(tx, str(contract_id))
    assert found is not None
    return found


def notice(published: date, days: int = 15, price: str = "500000.00") -> PublicNotice:
    return PublicNotice(published, published + timedelta(days=days - 1), Decimal(price),
                        "河北大学官网")


# ---------------------------------------------------------------- working days


def test_working_days_follow_the_state_council_holiday_notice() -> None:
    """2026: Spring Festival 15-23 Feb with 14 and 28 Feb worked; National Day 1-7 Oct with
    20 Sep and 10 Oct worked (国务院办公厅关于2026年部分节假日安排的通知)."""
    assert not is_working_day(date(2026, 2, 16)) and not is_working_day(date(2026, 2, 23))
    assert is_working_day(date(2026, 2, 14)) and is_working_day(date(2026, 2, 28))
    assert is_working_day(date(2026, 10, 10)) and not is_working_day(date(2026, 10, 11))
    # Counted by hand on the 2026 calendar; the first day is not counted.
    assert add_working_days(date(2026, 2, 10), 15) == date(2026, 3, 9)
    assert add_working_days(date(2026, 9, 28), 15) == date(2026, 10, 23)
    assert add_working_days(date(2026, 9, 28), 30) == date(2026, 11, 13)
    assert working_days_between(date(2026, 2, 10), date(2026, 3, 9)) == 15
    assert working_days_between(date(2026, 3, 9), date(2026, 2, 10)) == -15


# ---------------------------------------------------------------- the case


def test_a_plain_contract_completes_on_acceptance_within_its_limit(
        world: World, runtime: Runtime) -> None:
    ach = world.achievement()
    outcome = world.ledger.register_contract(
        t.RegisterContract(world.terms("HT-1", (ach,)), ACCEPTED_ON), actor="exchange")
    assert outcome.value.status == "registered"
    assert world.rights(ach).owners_on(SIGNED_ON) == (world.enterprise,)
    view = row(runtime, outcome.value.id)
    assert (view["status"], view["accepted_on"], view["registered_on"], view["on_time"]) == (
        "registered", "2026-04-07", "2026-04-07", 1)
    assert view["due_on"] == str(add_working_days(ACCEPTED_ON, 15))


def test_a_case_under_review_changes_no_rights_until_it_completes(
        world: World, runtime: Runtime) -> None:
    ach = world.achievement()
    contract_id = accept(world, world.terms("HT-1", (ach,)))
    assert world.contract(contract_id).status is ContractStatus.ACCEPTED
    assert world.rights(ach).owners_on(date.max) == (world.university,)
    with views(runtime) as tx:
        assert q.list_contracts(tx, q.ContractFilter(status="accepted"), page=1,
                                page_size=10)[1] == 1
    step(world, "complete_contract_registration", contract_id, ACCEPTED_ON + timedelta(days=3))
    assert world.rights(ach).owners_on(date.max) == (world.enterprise,)
    assert row(runtime, contract_id)["registered_on"] == "2026-04-10"


def test_acceptance_already_refuses_what_completion_would(world: World) -> None:
    ach = world.achievement(world.institute)
    with refused(world.ledger, "seller_not_owner"):
        accept(world, world.terms("HT-1", (ach,)))


def test_completion_decides_again_on_the_rights_of_now(world: World) -> None:
    """Civil Code art. 444: a pledge registered while the transfer waited binds it."""
    ach = world.achievement()
    contract_id = accept(world, world.terms("HT-1", (ach,)))
    world.pledge(whole(ach), on=SIGNED_ON + timedelta(days=2))
    with refused(world.ledger, "pledged_without_consent"):
        step(world, "complete_contract_registration", contract_id, ACCEPTED_ON)
    step(world, "refuse_contract_registration", contract_id, ACCEPTED_ON, "标的已质押")
    assert world.contract(contract_id).status is ContractStatus.REFUSED
    with refused(world.ledger, "invalid_state_transition"):
        step(world, "complete_contract_registration", contract_id, ACCEPTED_ON)


def test_only_a_completed_registration_can_be_amended_paid_or_terminated(world: World) -> None:
    contract_id = accept(world, world.terms("HT-1", (world.achievement(),)))
    with refused(world.ledger, "invalid_state_transition"):
        world.ledger.record_payment(t.RecordPayment(contract_id, Decimal("1.00")),
                                    actor="exchange")
    with refused(world.ledger, "invalid_state_transition"):
        world.ledger.terminate_contract(t.TerminateContract(contract_id, "解除"),
                                        actor="exchange")


# ---------------------------------------------------------------- correction and the clock


def test_a_correction_request_stops_the_clock_and_the_correction_restarts_it(
        world: World, runtime: Runtime) -> None:
    contract_id = accept(world, world.terms("HT-1", (world.achievement(),)))
    step(world, "request_contract_correction", contract_id, date(2026, 4, 10), "缺少技术交易额核定依据")
    case = row(runtime, contract_id)
    assert (case["due_on"], case["correction_requested_on"]) == (None, "2026-04-10")
    with refused(world.ledger, "registration_on_hold"):
        step(world, "complete_contract_registration", contract_id, date(2026, 4, 13))
    with refused(world.ledger, "invalid_state_transition"):
        step(world, "request_contract_correction", contract_id, date(2026, 4, 13), "again")
    corrected = date(2026, 4, 20)
    world.ledger.submit_contract_correction(t.AmendContract(
        contract_id, Decimal("6000000.00"), Decimal("5000000.00"), None, "补充评估报告",
        corrected), actor="exchange")
    case = row(runtime, contract_id)
    # ≥ 5 million yuan of 技术交易额 now: 30 working days from the corrected application.
    assert case["clock_started_on"] == "2026-04-20"
    assert case["due_on"] == str(add_working_days(corrected, 30)) == "2026-06-03"
    assert case["transaction_amount"] == "5000000.00"
    step(world, "complete_contract_registration", contract_id, date(2026, 6, 4))
    assert row(runtime, contract_id)["on_time"] == 0


def test_a_corrected_amount_is_checked_like_the_original(world: World) -> None:
    contract_id = accept(world, world.terms("HT-1", (world.achievement(),)))
    step(world, "request_contract_correction", contract_id, ACCEPTED_ON, "金额有误")
    with refused(world.ledger, "transaction_amount_exceeds_turnover"):
        world.ledger.submit_contract_correction(t.AmendContract(
            contract_id, Decimal("10.00"), Decimal("20.00"), None, effective_date=ACCEPTED_ON),
            actor="exchange")


# ---------------------------------------------------------------- agreement pricing and notice


def agreement(world: World, number: str, ach: UUID) -> ContractTerms:
    return world.terms(number, (ach,), pricing=PricingMethod.AGREEMENT)


def test_agreement_pricing_by_a_university_needs_a_long_enough_notice(world: World) -> None:
    ach = world.achievement()
    with refused(world.ledger, "public_notice_required"):
        accept(world, agreement(world, "HT-1", ach), review=False)
    with refused(world.ledger, "invalid_input") as info:
        accept(world, agreement(world, "HT-1", ach), notice=notice(date(2026, 3, 1), days=14))
    assert info.value.context == {"field": "notice.ends_on"}
    with refused(world.ledger, "invalid_input") as info:  # listing needs no notice
        accept(world, world.terms("HT-1", (ach,)), notice=notice(date(2026, 3, 1)))
    assert info.value.context == {"field": "notice"}
    enterprise_ach = world.achievement(world.enterprise)
    with refused(world.ledger, "invalid_input"):  # nor does an enterprise's agreement
        accept(world, replace(agreement(world, "HT-2", enterprise_ach), seller_id=world.enterprise,
                              buyer_id=world.other_enterprise), notice=notice(date(2026, 3, 1)))


def test_registration_completes_only_after_the_notice_ends_without_objection(
        world: World, runtime: Runtime) -> None:
    ach = world.achievement()
    running = notice(date(2026, 4, 1))  # runs to 15 April inclusive
    outcome = world.ledger.register_contract(t.RegisterContract(
        agreement(world, "HT-1", ach), ACCEPTED_ON, running), actor="exchange")
    assert outcome.value.status == "accepted"  # not held for review, but the notice runs
    contract_id = outcome.value.id
    with refused(world.ledger, "registration_on_hold") as info:
        step(world, "complete_contract_registration", contract_id, date(2026, 4, 15))
    assert "public notice" in info.value.detail
    with views(runtime) as tx:
        backlog = rq.registration_backlog(tx, as_of=date(2026, 4, 15))
    assert [c["stage"] for c in backlog["items"]] == ["notice_running"]
    step(world, "complete_contract_registration", contract_id, date(2026, 4, 16))
    assert world.rights(ach).owners_on(date.max) == (world.enterprise,)


def test_a_notice_already_over_lets_the_registration_complete_on_acceptance(
        world: World) -> None:
    outcome = world.ledger.register_contract(t.RegisterContract(
        agreement(world, "HT-1", world.achievement()), ACCEPTED_ON, notice(date(2026, 3, 1))),
        actor="exchange")
    assert outcome.value.status == "registered"


def test_an_objection_extends_the_limit_and_an_upheld_one_refuses(
        world: World, runtime: Runtime) -> None:
    ach = world.achievement()
    first = accept(world, agreement(world, "HT-1", ach), notice=notice(date(2026, 4, 1)),
                   review=False)
    number = world.ledger.raise_contract_dispute(t.RaiseDispute(
        first, "河北大学某教师", "拟交易价格明显低于评估值", date(2026, 4, 10)), actor="exchange").value
    assert number == 1
    case = row(runtime, first)
    assert case["due_on"] == str(add_working_days(ACCEPTED_ON, 30))
    assert case["disputes"][0]["raised_by"] == "河北大学某教师"
    with refused(world.ledger, "registration_on_hold"):
        step(world, "complete_contract_registration", first, date(2026, 4, 20))
    world.ledger.resolve_contract_dispute(t.ResolveDispute(
        first, 1, upheld=True, note="定价依据不足", effective_date=date(2026, 4, 21)),
        actor="exchange")
    assert world.contract(first).status is ContractStatus.REFUSED
    assert world.rights(ach).owners_on(date.max) == (world.university,)
    case = row(runtime, first)
    assert (case["status"], case["refused_on"]) == ("refused", "2026-04-21")
    assert case["disputes"][0]["upheld"] is True
    with refused(world.ledger, "invalid_state_transition"):
        world.ledger.resolve_contract_dispute(t.ResolveDispute(first, 1, upheld=False),
                                              actor="exchange")

    second = accept(world, agreement(world, "HT-2", ach), notice=notice(date(2026, 4, 1)))
    world.ledger.raise_contract_dispute(t.RaiseDispute(second, "某公司", "异议", ACCEPTED_ON),
                                        actor="exchange")
    world.ledger.resolve_contract_dispute(t.ResolveDispute(
        second, 1, upheld=False, note="异议不成立", effective_date=date(2026, 4, 20)),
        actor="exchange")
    step(world, "complete_contract_registration", second, date(2026, 4, 20))
    assert world.rights(ach).owners_on(date.max) == (world.enterprise,)


# ---------------------------------------------------------------- the registry's desk


def test_the_backlog_shows_stages_deadlines_and_overdue_cases(
        world: World, runtime: Runtime) -> None:
    ach = world.achievement()
    ready = accept(world, world.terms("HT-1", (ach,), kind=ContractType.CONSULTING))
    waiting = accept(world, world.terms("HT-2", (ach,), kind=ContractType.SERVICE),
                     on=date(2026, 4, 20))
    step(world, "request_contract_correction", waiting, date(2026, 4, 21), "缺少附件")
    done = accept(world, world.terms("HT-3", (ach,), kind=ContractType.CONSULTING))
    step(world, "complete_contract_registration", done, date(2026, 4, 9))
    due = add_working_days(ACCEPTED_ON, 15)
    with views(runtime) as tx:
        on_due = rq.registration_backlog(tx, as_of=due)
        after = rq.registration_backlog(tx, as_of=due + timedelta(days=1), overdue_only=True)
        before_any = rq.registration_backlog(tx, as_of=date(2026, 4, 6))
        record = rq.service_record(tx, completed_from=date(2026, 4, 1),
                                   completed_to=date(2026, 4, 30))
    assert [(c["contract_number"], c["stage"], c["overdue"]) for c in on_due["items"]] == [
        ("HT-1", "ready", False), ("HT-2", "awaiting_correction", False)]
    assert on_due["items"][0]["working_days_left"] == 0
    assert on_due["items"][1]["working_days_left"] is None
    assert on_due["summary"] == {"open": 2, "overdue": 0,
                                 "by_stage": {"ready": 1, "awaiting_correction": 1}}
    assert [c["id"] for c in after["items"]] == [str(ready)]
    assert after["summary"]["overdue"] == 1
    assert before_any["summary"]["open"] == 0
    assert (record["completed"], record["on_time"], record["on_time_share"]) == (1, 1, "1.0000")


def test_policy_parameters_are_versioned_data() -> None:
    assert REGISTRATION_2024.limit_for(Decimal("4999999.99"), disputed=False) == 15
    assert REGISTRATION_2024.limit_for(Decimal("5000000"), disputed=False) == 30
    assert REGISTRATION_2024.limit_for(Decimal("1"), disputed=True) == 30
    assert REGISTRATION_2024.version == "contract-registration-2024.1"


def test_statistics_count_completed_registrations_only(world: World, runtime: Runtime) -> None:
    ach = world.achievement()
    completed = world.ledger.register_contract(t.RegisterContract(
        world.terms("HT-1", (ach,), kind=ContractType.SERVICE), ACCEPTED_ON), actor="exchange")
    open_case = accept(world, world.terms("HT-2", (ach,), kind=ContractType.SERVICE))
    refused_case = accept(world, world.terms("HT-3", (ach,), kind=ContractType.SERVICE))
    step(world, "refuse_contract_registration", refused_case, ACCEPTED_ON, "非技术合同")
    with views(runtime) as tx:
        totals = stats.summarize(tx, stats.StatsFilter(), stats.GroupBy.TYPE)["totals"]
    assert (totals["count"], totals["turnover"]) == (1, "500000.00")
    assert completed.value.status == "registered" and open_case != refused_case

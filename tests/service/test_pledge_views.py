"""Pledge and contract views through the real Ledger on SQLite and PostgreSQL: a bank asks
whether an achievement or a patent is pledged on a date, as the ledger knows it now and as it
knew it at a time; exposure; weakened collateral; contracts; rebuild."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from api.runtime import Runtime
from domain.achievement import AchievementDraft
from domain.contract import ContractTerms, ContractType, PricingMethod
from domain.errors import DomainError
from domain.pledge import LoanTerms, PledgeItem
from domain.values import (
    Category,
    Completer,
    Funding,
    MaturityStage,
    PartyKind,
    Patent,
    PatentKind,
    PatentStatus,
)
from projections import trade_queries as q
from projections.ledger_index import history
from projections.trades import Trades
from services import commands as c
from services import trade_commands as t
from services.ledger import Ledger
from tests.factories import credit_code, university

P1, P2, P3 = "ZL201710601862.3", "ZL201810123456.5", "ZL201910654321.6"
START, LOAN_END = date(2026, 3, 1), date(2027, 3, 1)


@dataclass
class World:
    runtime: Runtime
    uni: UUID
    ent: UUID
    exchange: UUID
    banks: tuple[UUID, UUID]

    @property
    def ledger(self) -> Ledger:
        return self.runtime.ledger

    def achievement(self, title: str, *numbers: str) -> UUID:
        patents = tuple(Patent(n, PatentKind.INVENTION, title, date(2019, 5, 10),
                               date(2037, 6, 30)) for n in numbers)
        draft = AchievementDraft(
            title=title, category=Category.APPLIED_TECHNOLOGY, owner_ids=(self.uni,),
            completers=(Completer("张伟"),), field="新能源", keywords=("电池",),
            funding=Funding(fiscal=False), maturity_stage=MaturityStage.PILOT, patents=patents)
        cmd = c.RegisterAchievement(draft, "1306", date(2026, 1, 5))
        return self.ledger.register_achievement(cmd, actor="test").value.id

    def pledge(self, bank: UUID, *items: PledgeItem, amount: str = "1000000.00") -> UUID:
        terms = LoanTerms(self.uni, bank, self.uni, items, Decimal(amount), START, LOAN_END)
        return self.ledger.register_pledge(t.RegisterPledge(terms, START), actor="bank").value.id

    def views(self) -> Any:
        self.runtime.follower.catch_up()
        return self.runtime.views.read()


@pytest.fixture
def world(runtime: Runtime) -> World:
    led = runtime.ledger

    def org(name: str, kind: PartyKind, serial: int) -> UUID:
        cmd = c.RegisterParty(name=name, kind=kind, credit_code=credit_code(serial),
                              region_code="130600")
        return led.register_party(cmd, actor="test").value.id

    return World(runtime, university(led), org("保定某科技公司", PartyKind.ENTERPRISE, 3),
                 org("保定技术交易市场", PartyKind.TRANSFER_AGENCY, 4),
                 (org("保定银行", PartyKind.BANK, 5), org("河北银行", PartyKind.BANK, 6)))


def status(w: World, *, as_of: date, known_at: datetime | None = None,
           achievement: UUID | None = None, patent: str | None = None) -> dict[str, Any]:
    with w.views() as tx:
        return q.pledge_status(tx, achievement_id=str(achievement) if achievement else None,
                               patent_number=patent, as_of=as_of, known_at=known_at)


def test_pledged_as_of_a_date_and_as_known_at_a_time(world: World) -> None:
    ach = world.achievement("一种电池管理系统", P1)
    before_registration = datetime.now(UTC)
    pledge = world.pledge(world.banks[0], PledgeItem(ach))
    between = datetime.now(UTC)
    released = world.ledger.release_pledge(t.PledgeStep(pledge, "还款", effective_date=date(
        2026, 6, 30)), actor="bank").position

    answers = {day: status(world, as_of=day, achievement=ach)["pledged"] for day in (
        date(2026, 2, 28), START, date(2026, 6, 29), date(2026, 6, 30), date(2026, 7, 1))}
    assert list(answers.values()) == [False, True, True, False, False]

    assert status(world, as_of=date(2026, 3, 15), known_at=before_registration,
                  achievement=ach)["pledged"] is False
    then = status(world, as_of=date(2026, 7, 1), known_at=between, achievement=ach)
    assert then["pledged"] is True  # the release was not yet known
    row = then["pledges"][0]
    assert (row["pledge_id"], row["pledgee_name"], row["secured_amount"]) == (
        str(pledge), "保定银行", "1000000.00")
    assert (row["loan_start"], row["loan_end"], row["end_effective"], row["status"]) == (
        "2026-03-01", "2027-03-01", None, None)
    assert then["known_at"] is not None and then["views_position"] >= (released or 0)

    now = status(world, as_of=date(2026, 6, 29), achievement=ach)["pledges"][0]
    assert (now["end_effective"], now["status"]) == ("2026-06-30", "released")
    assert now["registration_position"] < now["end_position"] <= (released or 0)
    with world.views() as tx:
        events = {e["position"]: e["event_type"] for e in history(tx, str(pledge))}
    assert events[now["registration_position"]] == "Pledge.Registered"
    assert events[now["end_position"]] == "Pledge.Released"


def test_lookup_by_patent_number(world: World) -> None:
    whole = world.achievement("一种储能材料", P1)
    parts = world.achievement("一种传感器", P2, P3)
    world.pledge(world.banks[0], PledgeItem(whole))
    partial = world.pledge(world.banks[1], PledgeItem(parts, (P2,)), amount="300000.00")
    day = date(2026, 4, 1)
    assert status(world, as_of=day, patent=P1)["pledges"][0]["achievement_id"] == str(whole)
    by_p2 = status(world, as_of=day, patent=P2)
    assert [(r["pledge_id"], r["patent_numbers"]) for r in by_p2["pledges"]] == [
        (str(partial), [P2])]
    assert status(world, as_of=day, patent=P3)["pledged"] is False
    assert status(world, as_of=day, patent=P2, achievement=whole)["pledged"] is False

    other = world.pledge(world.banks[0], PledgeItem(parts, (P3,)), amount="1.00")
    both = status(world, as_of=day, achievement=parts)["pledges"]
    assert {r["pledge_id"] for r in both} == {str(partial), str(other)}
    with world.views() as tx:
        pledge = q.get_pledge(tx, str(partial))
    assert pledge is not None and pledge["items"] == [
        {"achievement_id": str(parts), "patent_numbers": [P2]}]


def test_exposure_totals(world: World) -> None:
    a, b, gone = (world.achievement(f"成果{n}", p) for n, p in enumerate((P1, P2, P3)))
    for_other = world.achievement("成果3")
    first = world.pledge(world.banks[0], PledgeItem(a), amount="1000000.00")
    world.pledge(world.banks[0], PledgeItem(b), amount="250000.50")
    released = world.pledge(world.banks[0], PledgeItem(gone), amount="99.00")
    world.pledge(world.banks[1], PledgeItem(for_other), amount="7.00")
    led = world.ledger
    led.release_pledge(t.PledgeStep(released, effective_date=date(2026, 5, 1)), actor="bank")
    led.default_pledge(t.PledgeStep(first, effective_date=date(2026, 9, 1)), actor="bank")
    led.record_pledge_support(t.RecordPledgeSupport(first, "interest_subsidy",
                                                    Decimal("12000.00"), "保定市科技局"),
                              actor="bureau")
    with world.views() as tx:
        june = q.bank_pledges(tx, str(world.banks[0]), date(2026, 6, 1))
        october = q.bank_pledges(tx, str(world.banks[0]), date(2026, 10, 1))
        april = q.bank_pledges(tx, str(world.banks[0]), date(2026, 4, 1))
        before = q.bank_pledges(tx, str(world.banks[0]), date(2026, 2, 1))
    assert (june["count"], june["exposure"], june["defaulted_exposure"]) == (
        2, "1250000.50", "0.00")
    assert (october["exposure"], october["defaulted_exposure"]) == ("1250000.50", "1000000.00")
    assert (april["count"], april["exposure"], april["bank_name"]) == (3, "1250099.50", "保定银行")
    assert (before["count"], before["exposure"]) == (0, "0.00")
    assert june["support_received"] == "12000.00"


def test_alerts_for_weakened_collateral(world: World) -> None:
    lapsing = world.achievement("一种电机", P1, P2)
    arrears = world.achievement("一种电解液", P3)
    other = world.achievement("一种涂料")
    watched = world.pledge(world.banks[0], PledgeItem(lapsing))
    world.pledge(world.banks[1], PledgeItem(arrears))
    released = world.pledge(world.banks[0], PledgeItem(other))
    led = world.ledger
    led.release_pledge(t.PledgeStep(released, effective_date=date(2026, 4, 1)), actor="bank")
    for ach, number, new in ((lapsing, P2, PatentStatus.LAPSED),
                             (arrears, P3, PatentStatus.FEE_OVERDUE)):
        led.change_patent_status(c.ChangePatentStatus(ach, number, new, "未缴年费",
                                                      date(2026, 5, 1)), actor="registrar")
    with world.views() as tx:
        mine = q.pledge_alerts(tx, str(world.banks[0]), date(2026, 6, 1))["alerts"]
        every = q.pledge_alerts(tx, None, date(2026, 6, 1))["alerts"]
        later = q.pledge_alerts(tx, None, date(2027, 3, 2))["alerts"]
    assert [(a["pledge_id"], a["patent_number"], a["reason"]) for a in mine] == [
        (str(watched), P2, "patent_lapsed")]
    assert mine[0]["pledgee_name"] == "保定银行" and mine[0]["loan_end"] == "2027-03-01"
    assert sorted((a["patent_number"], a["reason"]) for a in every) == [
        (P2, "patent_lapsed"), (P3, "patent_fee_overdue")]
    assert later == every  # the pledges still bind: nothing released them


def register_contract(w: World, ach: UUID, number: str, kind: ContractType = ContractType.TRANSFER,
                      signed: date = date(2026, 4, 1)) -> UUID:
    terms = ContractTerms(number, "技术转让合同", kind, None, w.uni, w.ent, (ach,),
                          Decimal("500000.00"), Decimal("450000.00"), signed, None, "新能源",
                          w.exchange, PricingMethod.LISTING)
    return w.ledger.register_contract(t.RegisterContract(terms, signed), actor="exchange").value.id


def test_contracts_and_consents_then_rebuild_reproduces_identical_rows(world: World) -> None:
    ach = world.achievement("一种电池管理系统", P1)
    pledge = world.pledge(world.banks[0], PledgeItem(ach))
    with pytest.raises(DomainError) as refused:
        register_contract(world, ach, "HT-2026-001")
    assert refused.value.code == "pledged_without_consent"
    led = world.ledger
    led.grant_consent(t.GrantConsent(pledge, "HT-2026-001", date(2026, 3, 20)), actor="bank")
    sold = register_contract(world, ach, "HT-2026-001")
    led.amend_contract(t.AmendContract(sold, Decimal("520000.00"), Decimal("460000.00"), None,
                                       "补充协议"), actor="exchange")
    for amount in ("100000.00", "50000.50"):
        led.record_payment(t.RecordPayment(sold, Decimal(amount)), actor="exchange")
    consult = register_contract(world, world.achievement("咨询对象"), "HT-2026-002",
                                ContractType.CONSULTING, date(2026, 5, 2))
    led.terminate_contract(t.TerminateContract(consult, "协商解除", date(2026, 6, 1)),
                           actor="exchange")
    led.record_pledge_support(t.RecordPledgeSupport(pledge, "risk_compensation",
                                                    Decimal("5000.00"), "保定市科技局"),
                              actor="bureau")
    with world.views() as tx:
        row = q.get_contract(tx, str(sold))
        by_achievement, total = q.list_contracts(tx, q.ContractFilter(achievement_id=str(ach)),
                                                 page=1, page_size=10)
        may, _ = q.list_contracts(tx, q.ContractFilter(signed_from=date(2026, 5, 1),
                                                       signed_to=date(2026, 5, 31)),
                                  page=1, page_size=10)
        ended, _ = q.list_contracts(tx, q.ContractFilter(status="terminated", type="consulting"),
                                    page=1, page_size=10)
        pledged = q.get_pledge(tx, str(pledge))
    assert row is not None
    assert (row["turnover"], row["transaction_amount"], row["paid"], row["status"]) == (
        "520000.00", "460000.00", "150000.50", "registered")
    assert (row["seller_kind"], row["buyer_kind"], row["seller_region"], row["pricing"]) == (
        "university", "enterprise", "130600", "listing")
    assert total == 1 and by_achievement[0]["achievement_ids"] == [str(ach)]
    assert [r["id"] for r in may] == [str(consult)] == [r["id"] for r in ended]
    assert ended[0]["terminated_on"] == "2026-06-01"
    assert pledged is not None and [x["contract_number"] for x in pledged["consents"]] == [
        "HT-2026-001"]
    assert pledged["support"][0]["amount"] == "5000.00"

    before = dump(world.runtime)
    assert all(before[table] for table in Trades.tables)
    world.runtime.follower.rebuild()
    assert dump(world.runtime) == before


def dump(runtime: Runtime) -> dict[str, list[dict[str, Any]]]:
    with runtime.views.read() as tx:
        return {t: tx.execute(f"SELECT * FROM {t} ORDER BY 1, 2") for t in Trades.tables}

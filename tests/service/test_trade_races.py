"""Racing pledges and trades on one achievement, on SQLite and PostgreSQL, with and without
group commit: they serialise on the achievement's rights (domain/rights.py), so the loser is
decided again on the winner's state (CNIPA: an item already pledged; Civil Code art. 444)."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from uuid import UUID

import pytest

from domain.base import derived_id
from domain.contract import ContractType, TechContract
from domain.pledge import PledgeStatus
from domain.values import PartyKind
from services import trade_commands as t
from services.ledger import Ledger
from services.settings import Settings
from tests.service.trade_world import SIGNED_ON, World, code_of, open_ledger, whole

BANKS = 50
ROUNDS = 20
BUYERS = 10
WAIT_S = 60  # a barrier that never opens fails the test instead of hanging it


def events(ledger: Ledger, topic: str) -> int:
    return len(ledger.recorder.select_notifications(start=None, limit=10_000, topics=[topic]))


@pytest.mark.parametrize("group_commit", [True, False])
def test_cnipa_50_banks_racing_to_pledge_one_achievement_one_wins(
    store_settings: Settings, group_commit: bool
) -> None:
    with open_ledger(store_settings, group_commit=group_commit) as ledger:
        world = World.build(ledger)
        banks = [world.party(f"银行{i}", PartyKind.BANK) for i in range(BANKS)]
        ach = world.achievement()
        barrier = threading.Barrier(BANKS, timeout=WAIT_S)

        def pledge(bank: UUID) -> str:
            command = t.RegisterPledge(world.loan(whole(ach), pledgee=bank), SIGNED_ON)
            barrier.wait()
            return code_of(lambda: ledger.register_pledge(command, actor="bank",
                                                          key=f"loan-{bank}"))

        with ThreadPoolExecutor(BANKS) as pool:
            results = list(pool.map(pledge, banks))

        assert Counter(results) == {"ok": 1, "achievement_already_pledged": BANKS - 1}
        winner = banks[results.index("ok")]
        rights = world.rights(ach)
        assert [(x.pledge_id, x.pledgee_id) for x in rights.liens] == [
            (derived_id("pledge", f"loan-{winner}"), winner)]
        assert events(ledger, "domain.pledge:Pledge.Registered") == 1
        assert events(ledger, "domain.rights:AchievementRights.Pledged") == 1


def race_pledge_and_transfer(world: World, pool: ThreadPoolExecutor, n: int) -> tuple[str, str]:
    """One round on a fresh achievement: the university pledges it to the bank while it
    transfers it to the enterprise, both dated the same day. Checks the final state."""
    ledger = world.ledger
    ach = world.achievement()
    number, key = f"HT-RACE-{n}", f"loan-race-{n}"
    pledge_cmd = t.RegisterPledge(world.loan(whole(ach)), SIGNED_ON)
    transfer_cmd = t.RegisterContract(world.terms(number, (ach,)))
    barrier = threading.Barrier(2, timeout=WAIT_S)

    def pledge() -> str:
        barrier.wait()
        return code_of(lambda: ledger.register_pledge(pledge_cmd, actor="bank", key=key))

    def transfer() -> str:
        barrier.wait()
        return code_of(lambda: ledger.register_contract(transfer_cmd, actor="exchange"))

    if n % 2:  # alternate which thread starts first, so both orders get their chance
        transferred, pledged = pool.submit(transfer), pool.submit(pledge)
    else:
        pledged, transferred = pool.submit(pledge), pool.submit(transfer)
    outcome = (pledged.result(), transferred.result())
    assert outcome in {("ok", "pledged_without_consent"), ("pledgor_not_owner", "ok")}, outcome

    rights = world.rights(ach)
    pledge_id, contract_id = derived_id("pledge", key), TechContract.id_for(number)
    if outcome[0] == "ok":
        assert rights.owners_on(date.max) == (world.university,)
        assert [x.pledge_id for x in rights.liens] == [pledge_id]
        assert rights.trades == ()
        assert contract_id not in ledger.repository
        assert world.loaded_pledge(pledge_id).status is PledgeStatus.REGISTERED
    else:
        assert rights.owners_on(SIGNED_ON) == (world.enterprise,)
        assert rights.owners_on(date(2026, 3, 31)) == (world.university,)
        assert rights.active_liens == ()
        assert [(x.contract_id, x.contract_type) for x in rights.trades] == [
            (contract_id, ContractType.TRANSFER)]
        assert pledge_id not in ledger.repository
    return outcome


@pytest.mark.parametrize("group_commit", [True, False])
def test_civil_code_art444_pledge_and_transfer_race_never_both_succeed(
    store_settings: Settings, group_commit: bool
) -> None:
    with open_ledger(store_settings, group_commit=group_commit) as ledger:
        world = World.build(ledger)
        with ThreadPoolExecutor(2) as pool:
            outcomes = Counter(race_pledge_and_transfer(world, pool, n) for n in range(ROUNDS))
        assert sum(outcomes.values()) == ROUNDS
        assert events(ledger, "domain.pledge:Pledge.Registered") \
            + events(ledger, "domain.contract:TechContract.Accepted") == ROUNDS


@pytest.mark.parametrize("group_commit", [True, False])
def test_double_sale_race_one_buyer_gets_the_achievement(
    store_settings: Settings, group_commit: bool
) -> None:
    """Ten buyers' transfers of one achievement, registered at once: one moves ownership,
    every other seller_not_owner."""
    with open_ledger(store_settings, group_commit=group_commit) as ledger:
        world = World.build(ledger)
        buyers = [world.party(f"企业{i}", PartyKind.ENTERPRISE) for i in range(BUYERS)]
        ach = world.achievement()
        barrier = threading.Barrier(BUYERS, timeout=WAIT_S)

        def buy(buyer: UUID) -> str:
            command = t.RegisterContract(world.terms(f"HT-{buyer}", (ach,), buyer=buyer))
            barrier.wait()
            return code_of(lambda: ledger.register_contract(command, actor="exchange"))

        with ThreadPoolExecutor(BUYERS) as pool:
            results = list(pool.map(buy, buyers))

        assert Counter(results) == {"ok": 1, "seller_not_owner": BUYERS - 1}
        winner = buyers[results.index("ok")]
        rights = world.rights(ach)
        assert rights.owners_on(date.max) == (winner,)
        assert [x.buyer_id for x in rights.trades] == [winner]
        assert events(ledger, "domain.contract:TechContract.Accepted") == 1

"""IP pledges (知识产权质押融资) on real stores: DOMAIN.md, IP pledge.

Sources: Baoding items 10-11 (pledge financing, 贴息 and 风险补偿) [BD]; the CNIPA pledge
registration refusals and Civil Code art. 444 (a pledged right is transferred or licensed only
with the pledgee's consent) [N]. Every refusal is checked for its code and for writing nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from domain.contract import ContractType, ContractVariant
from domain.pledge import PledgeItem, PledgeStatus
from domain.rights import AchievementRights
from domain.values import PatentStatus
from services import commands as c
from services import trade_commands as t
from services.ledger import Ledger
from services.settings import Settings
from tests.service.trade_world import (
    LOAN_END,
    SIGNED_ON,
    World,
    head,
    patents_of,
    refused,
    whole,
)


@pytest.fixture
def world(store_settings: Settings) -> Iterator[World]:
    with Ledger(store_settings) as ledger:
        yield World.build(ledger)


def step(pledge_id: UUID, note: str = "", proceeds: str = "0", *,
         on: date | None = None) -> t.PledgeStep:
    """A release, default or enforcement, dated `on` (default: today)."""
    return t.PledgeStep(pledge_id, note, Decimal(proceeds), on)


# --- registration ------------------------------------------------------------------------------

def test_pledge_registration_marks_every_item_on_its_achievement(world: World) -> None:
    p1, p2 = world.patent(), world.patent()
    ach = world.achievement()
    with_patents = world.achievement(patents=(p1, p2))
    pledge_id = world.pledge(whole(ach), patents_of(with_patents, p1), key="loan-1")

    pledge = world.loaded_pledge(pledge_id)
    assert pledge.status is PledgeStatus.REGISTERED and pledge.active
    assert pledge.terms is not None
    assert pledge.terms.items == (PledgeItem(ach), PledgeItem(with_patents, (p1.number,)))
    assert [(x.pledge_id, x.pledgee_id, x.patent_numbers) for x in world.rights(ach).liens] \
        == [(pledge_id, world.bank, ())]
    assert [(x.pledge_id, x.patent_numbers) for x in world.rights(with_patents).liens] \
        == [(pledge_id, (p1.number,))]

    # The idempotency key: the same request replays, another body is refused.
    before = head(world.ledger)
    again = world.ledger.register_pledge(
        t.RegisterPledge(world.loan(whole(ach), patents_of(with_patents, p1)), SIGNED_ON),
        actor="bank", key="loan-1")
    assert (again.value.id, again.value.replayed, again.position) == (pledge_id, True, None)
    assert head(world.ledger) == before
    with refused(world.ledger, "idempotency_key_reused"):
        world.pledge(whole(ach), key="loan-1")


def test_cnipa_pledgee_must_be_a_bank(world: World) -> None:
    ach = world.achievement()
    for not_a_bank in (world.enterprise, world.registry, world.exchange):
        with refused(world.ledger, "wrong_party_kind") as info:
            world.pledge(whole(ach), pledgee=not_a_bank)
        assert info.value.context == {"field": "pledgee_id"}
    world.pledge(whole(ach), pledgee=world.other_bank)
    assert [x.pledgee_id for x in world.rights(ach).liens] == [world.other_bank]


def test_cnipa_refuses_a_pledgor_who_does_not_own_every_item(world: World) -> None:
    own = world.achievement()
    foreign = world.achievement(world.other_enterprise)
    with refused(world.ledger, "pledgor_not_owner"):
        world.pledge(whole(own), whole(foreign))
    with refused(world.ledger, "pledgor_not_owner"):
        world.pledge(whole(foreign))
    assert AchievementRights.id_for(own) not in world.ledger.repository
    world.pledge(whole(foreign), pledgor=world.other_enterprise)
    world.pledge(whole(own))
    assert len(world.rights(own).liens) == len(world.rights(foreign).liens) == 1


@pytest.mark.parametrize("status", [PatentStatus.LAPSED, PatentStatus.INVALIDATED,
                                    PatentStatus.EXPIRED])
def test_cnipa_refuses_lapsed_patent(world: World, status: PatentStatus) -> None:
    """A lapsed, invalidated or expired patent cannot be pledged, alone or with its achievement;
    the achievement's other patents still can."""
    dead, alive = world.patent(), world.patent()
    ach = world.achievement(patents=(dead, alive))
    world.ledger.change_patent_status(c.ChangePatentStatus(
        ach, dead.number, status, "未缴年费", effective_date=date(2026, 3, 1)), actor="registry")
    with refused(world.ledger, "patent_not_pledgeable") as info:
        world.pledge(whole(ach))
    assert info.value.context == {"patent": dead.number}
    with refused(world.ledger, "patent_not_pledgeable"):
        world.pledge(patents_of(ach, dead))
    pledge_id = world.pledge(patents_of(ach, alive))
    assert [x.pledge_id for x in world.rights(ach).liens] == [pledge_id]


def test_cnipa_fee_overdue_patent_is_still_pledgeable(world: World) -> None:
    """Only lapsed, invalidated or expired patents are refused (DOMAIN.md, IP pledge)."""
    patent = world.patent()
    ach = world.achievement(patents=(patent,))
    world.ledger.change_patent_status(c.ChangePatentStatus(
        ach, patent.number, PatentStatus.FEE_OVERDUE, effective_date=date(2026, 3, 1)),
        actor="registry")
    world.pledge(whole(ach))
    assert len(world.rights(ach).liens) == 1


def test_cnipa_refuses_a_patent_past_its_expiry_date(world: World) -> None:
    expired = world.patent(expiry=date(2026, 3, 31))
    ach = world.achievement(patents=(expired,))
    with refused(world.ledger, "patent_not_pledgeable") as info:
        world.pledge(whole(ach), end=date(2026, 6, 30))
    assert info.value.context == {"patent": expired.number}
    with refused(world.ledger, "patent_not_pledgeable"):
        world.pledge(patents_of(ach, expired), end=date(2026, 6, 30))


def test_cnipa_refuses_a_loan_that_outlives_a_patent(world: World) -> None:
    short = world.patent(expiry=date(2027, 1, 31))
    long = world.patent()
    ach = world.achievement(patents=(short, long))
    assert date(2027, 1, 31) < LOAN_END
    with refused(world.ledger, "loan_outlives_patent") as info:
        world.pledge(whole(ach))
    assert info.value.context == {"patent": short.number}
    with refused(world.ledger, "loan_outlives_patent"):
        world.pledge(patents_of(ach, short))
    # A loan ending on the expiry day is fine, and so is a pledge of the longer patent alone.
    world.pledge(patents_of(ach, short), end=date(2027, 1, 31))
    world.pledge(patents_of(ach, long), pledgee=world.other_bank)
    assert len(world.rights(ach).liens) == 2


@pytest.mark.parametrize(("first", "second", "code"), [
    ("whole", "whole", "achievement_already_pledged"),
    ("whole", "p1", "achievement_already_pledged"),
    ("p1", "whole", "achievement_already_pledged"),
    ("p1", "p1", "achievement_already_pledged"),
    ("p1+p2", "p2", "achievement_already_pledged"),
    ("p1", "p2", "ok"),
])
def test_cnipa_refuses_an_item_already_under_an_active_pledge(
    world: World, first: str, second: str, code: str
) -> None:
    """Whole-achievement and patent-level pledges overlap; two different patents of one
    achievement may be pledged separately."""
    p1, p2 = world.patent(), world.patent()
    ach = world.achievement(patents=(p1, p2))

    def item(spec: str) -> PledgeItem:
        named = {"p1": p1, "p2": p2}
        return whole(ach) if spec == "whole" else patents_of(
            ach, *(named[x] for x in spec.split("+")))

    taken = world.pledge(item(first))
    if code == "ok":
        world.pledge(item(second), pledgee=world.other_bank)
        assert len(world.rights(ach).liens) == 2
        return
    with refused(world.ledger, code) as info:
        world.pledge(item(second), pledgee=world.other_bank)
    assert info.value.context == {"pledge_id": str(taken)}
    assert [x.pledge_id for x in world.rights(ach).liens] == [taken]


def test_cnipa_one_pledged_item_refuses_the_whole_pledge(world: World) -> None:
    free, taken = world.achievement(), world.achievement()
    world.pledge(whole(taken))
    with refused(world.ledger, "achievement_already_pledged"):
        world.pledge(whole(free), whole(taken), pledgee=world.other_bank)
    assert AchievementRights.id_for(free) not in world.ledger.repository


# --- release, default, enforcement -------------------------------------------------------------

def test_released_pledge_frees_its_items(world: World) -> None:
    ach = world.achievement()
    pledge_id = world.pledge(whole(ach))
    world.ledger.release_pledge(step(pledge_id, "贷款已还清", on=date(2026, 5, 31)), actor="bank")
    assert world.loaded_pledge(pledge_id).status is PledgeStatus.RELEASED
    assert world.rights(ach).active_liens == ()
    for command in (world.ledger.release_pledge, world.ledger.default_pledge,
                    world.ledger.enforce_pledge):
        with refused(world.ledger, "invalid_state_transition"):
            command(step(pledge_id), actor="bank")

    again = world.pledge(whole(ach), pledgee=world.other_bank, on=date(2026, 6, 1))
    assert [x.pledge_id for x in world.rights(ach).active_liens] == [again]


def test_default_then_enforce(world: World) -> None:
    ach = world.achievement()
    pledge_id = world.pledge(whole(ach))
    with refused(world.ledger, "invalid_state_transition"):  # enforcement needs a default
        world.ledger.enforce_pledge(step(pledge_id, proceeds="800000.00"), actor="bank")

    world.ledger.default_pledge(step(pledge_id, "逾期未还", on=date(2026, 7, 1)), actor="bank")
    assert world.loaded_pledge(pledge_id).status is PledgeStatus.DEFAULTED
    assert world.loaded_pledge(pledge_id).active
    with refused(world.ledger, "achievement_already_pledged"):  # a default still binds
        world.pledge(whole(ach), pledgee=world.other_bank)
    with refused(world.ledger, "invalid_state_transition"):
        world.ledger.release_pledge(step(pledge_id), actor="bank")
    with refused(world.ledger, "invalid_state_transition"):
        world.ledger.default_pledge(step(pledge_id), actor="bank")
    with refused(world.ledger, "invalid_input"):
        world.ledger.enforce_pledge(step(pledge_id, proceeds="-1"), actor="bank")

    world.ledger.enforce_pledge(step(pledge_id, "拍卖", "800000.00", on=date(2026, 8, 31)),
                                actor="bank")
    assert world.loaded_pledge(pledge_id).status is PledgeStatus.ENFORCED
    assert world.rights(ach).active_liens == ()
    with refused(world.ledger, "invalid_state_transition"):
        world.ledger.enforce_pledge(step(pledge_id), actor="bank")
    world.pledge(whole(ach), pledgee=world.other_bank, on=date(2026, 9, 1))


# --- Civil Code art. 444: transfer or license only with the pledgee's consent -------------------

def test_civil_code_art444_pledged_transfer_needs_consent(world: World) -> None:
    ach = world.achievement()
    pledge_id = world.pledge(whole(ach))
    later = date(2026, 5, 1)
    with refused(world.ledger, "pledged_without_consent") as info:
        world.transfer("HT-1", ach, signed_on=later)
    assert info.value.context == {"pledge_ids": [str(pledge_id)]}
    with refused(world.ledger, "pledged_without_consent"):
        world.license("HT-2", ach, ContractVariant.ORDINARY, signed_on=later)

    world.ledger.grant_consent(t.GrantConsent(pledge_id, "HT-9", date(2026, 4, 10)), actor="bank")
    with refused(world.ledger, "pledged_without_consent"):  # consent names another contract
        world.transfer("HT-1", ach, signed_on=later)
    world.ledger.grant_consent(t.GrantConsent(pledge_id, "HT-1", date(2026, 4, 20)), actor="bank")
    with refused(world.ledger, "invalid_state_transition"):  # already recorded
        world.ledger.grant_consent(t.GrantConsent(pledge_id, "HT-1"), actor="bank")
    with refused(world.ledger, "pledged_without_consent"):  # HT-2 still lacks consent
        world.license("HT-2", ach, ContractVariant.ORDINARY, signed_on=later)

    world.transfer("HT-1", ach, signed_on=later)
    rights = world.rights(ach)
    assert rights.owners_on(later) == (world.enterprise,)
    # The pledge follows the right into the buyer's hands.
    assert [(x.pledge_id, x.consents) for x in rights.liens] == [(pledge_id, ("HT-9", "HT-1"))]
    assert world.loaded_pledge(pledge_id).consents == ("HT-9", "HT-1")


def test_civil_code_art444_binds_only_disposals(world: World) -> None:
    """Development, consulting and service contracts dispose of nothing: no consent needed."""
    ach = world.achievement()
    world.pledge(whole(ach))
    for number, kind, variant in [("HT-1", ContractType.CONSULTING, None),
                                  ("HT-2", ContractType.SERVICE, None),
                                  ("HT-3", ContractType.DEVELOPMENT,
                                   ContractVariant.COOPERATIVE)]:
        world.register_contract(world.terms(number, (ach,), kind=kind, variant=variant))
    assert len(world.rights(ach).trades) == 3


def test_civil_code_art444_patent_level_pledge_binds_a_transfer(world: World) -> None:
    p1, p2 = world.patent(), world.patent()
    ach = world.achievement(patents=(p1, p2))
    first = world.pledge(patents_of(ach, p1))
    second = world.pledge(patents_of(ach, p2), pledgee=world.other_bank)
    world.ledger.grant_consent(t.GrantConsent(first, "HT-1", SIGNED_ON), actor="bank")
    with refused(world.ledger, "pledged_without_consent") as info:  # every pledgee consents
        world.transfer("HT-1", ach)
    assert info.value.context == {"pledge_ids": [str(second)]}
    world.ledger.grant_consent(t.GrantConsent(second, "HT-1", SIGNED_ON), actor="bank")
    world.transfer("HT-1", ach)
    assert world.rights(ach).owners_on(SIGNED_ON) == (world.enterprise,)


def test_civil_code_art444_consent_needs_an_active_pledge(world: World) -> None:
    ach = world.achievement()
    released = world.pledge(whole(ach))
    world.ledger.release_pledge(step(released, on=date(2026, 4, 30)), actor="bank")
    with refused(world.ledger, "invalid_state_transition"):
        world.ledger.grant_consent(t.GrantConsent(released, "HT-1"), actor="bank")

    defaulted = world.pledge(whole(ach), pledgee=world.other_bank, on=date(2026, 5, 1))
    world.ledger.default_pledge(step(defaulted, on=date(2026, 5, 15)), actor="bank")
    with refused(world.ledger, "invalid_input"):  # a consent names its contract
        world.ledger.grant_consent(t.GrantConsent(defaulted, " "), actor="bank")
    world.ledger.grant_consent(t.GrantConsent(defaulted, "HT-1", date(2026, 5, 20)),
                               actor="bank")  # a sale after the default
    world.transfer("HT-1", ach, signed_on=date(2026, 6, 1))
    assert world.rights(ach).owners_on(date.max) == (world.enterprise,)


def test_civil_code_art444_pledge_cannot_be_dated_before_the_latest_ownership_change(
    world: World,
) -> None:
    """Art. 444: the pledge is established on registration. A pledge registered after the
    transfer of 1 April but dated 1 March would bind what the transfer already took, a
    transfer that was never asked for the pledgee's consent."""
    ach = world.achievement()
    world.transfer("HT-1", ach)
    with refused(world.ledger, "pledgor_not_owner"):
        world.pledge(whole(ach), on=date(2026, 3, 1))
    with refused(world.ledger, "pledgor_not_owner"):  # nor by the new owner, before it owned it
        world.pledge(whole(ach), pledgor=world.enterprise, on=date(2026, 3, 1))


# Liens are checked as of the command's date: a pledge or a transfer dated before a
# later-dated release meets the pledge that was binding then.

def test_cnipa_pledge_dated_before_the_previous_release_is_refused(world: World) -> None:
    ach = world.achievement()
    first = world.pledge(whole(ach))
    world.ledger.release_pledge(step(first, on=date(2026, 6, 30)), actor="bank")
    with refused(world.ledger, "achievement_already_pledged"):  # on 1 June it was pledged
        world.pledge(whole(ach), pledgee=world.other_bank, on=date(2026, 6, 1))


def test_civil_code_art444_transfer_signed_while_pledged_needs_consent_after_release(
    world: World,
) -> None:
    ach = world.achievement()
    pledge_id = world.pledge(whole(ach))
    world.ledger.release_pledge(step(pledge_id, on=date(2026, 8, 1)), actor="bank")
    with refused(world.ledger, "pledged_without_consent"):  # signed 1 June, while pledged
        world.transfer("HT-1", ach, signed_on=date(2026, 6, 1))


# --- finance support (Baoding items 10-11) -----------------------------------------------------

def test_baoding_items_10_11_interest_subsidy_and_risk_compensation(world: World) -> None:
    pledge_id = world.pledge(whole(world.achievement()))
    ledger = world.ledger
    ledger.record_pledge_support(t.RecordPledgeSupport(
        pledge_id, "interest_subsidy", Decimal("12000.00"), "保定市科技局"), actor="bureau")
    ledger.record_pledge_support(t.RecordPledgeSupport(
        pledge_id, "risk_compensation", Decimal("50000.00"), "风险补偿资金池"), actor="bureau")
    for kind, amount, payer in [("guarantee_fee", "100.00", "保定市科技局"),
                                ("interest_subsidy", "0", "保定市科技局"),
                                ("interest_subsidy", "-1.00", "保定市科技局"),
                                ("risk_compensation", "100.00", "  ")]:
        with refused(ledger, "invalid_input"):
            ledger.record_pledge_support(t.RecordPledgeSupport(
                pledge_id, kind, Decimal(amount), payer), actor="bureau")
    assert world.loaded_pledge(pledge_id).support == (
        ("interest_subsidy", Decimal("12000.00")), ("risk_compensation", Decimal("50000.00")))

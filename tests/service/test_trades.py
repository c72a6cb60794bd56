"""Technology contracts (技术合同登记) on real stores: DOMAIN.md, technology contract / trade.

Sources: Baoding items 4-5 and 9 [BD]; the national contract-registration rules (types, the two
amounts) [N]; Law on Promoting the Transformation of S&T Achievements art. 18 (pricing) [N].
Every refusal is checked for its stable error code and for writing nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from domain.contract import ContractStatus, ContractType, ContractVariant, PricingMethod
from domain.rights import AchievementRights
from domain.standing import SanctionScope
from domain.values import CancellationReason
from services import commands as c
from services import trade_commands as t
from services.ledger import Ledger
from services.settings import Settings
from tests.service.trade_world import (
    AMOUNT,
    SIGNED_ON,
    TURNOVER,
    World,
    head,
    refused,
    whole,
)

EXCL, ORD, SOLE = ContractVariant.EXCLUSIVE, ContractVariant.ORDINARY, ContractVariant.SOLE


@pytest.fixture
def world(store_settings: Settings) -> Iterator[World]:
    with Ledger(store_settings) as ledger:
        yield World.build(ledger)


# --- types and amounts -------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "variant"), [
    (ContractType.DEVELOPMENT, ContractVariant.ENTRUSTED),
    (ContractType.DEVELOPMENT, ContractVariant.COOPERATIVE),
    (ContractType.TRANSFER, None),
    (ContractType.LICENSE, ContractVariant.EXCLUSIVE),
    (ContractType.LICENSE, ContractVariant.SOLE),
    (ContractType.LICENSE, ContractVariant.ORDINARY),
    (ContractType.CONSULTING, None),
    (ContractType.SERVICE, None),
])
def test_registration_rules_accept_each_contract_type_and_variant(
    world: World, kind: ContractType, variant: ContractVariant | None
) -> None:
    ach = world.achievement()
    terms = world.terms("HT-2026-001", (ach,), kind=kind, variant=variant,
                        term_end=date(2028, 3, 31))
    contract_id = world.register_contract(terms)

    contract = world.contract(contract_id)
    assert contract.terms == terms
    assert contract.status is ContractStatus.REGISTERED
    rights = world.rights(ach)
    assert [(x.contract_id, x.contract_type, x.buyer_id) for x in rights.trades] == [
        (contract_id, kind, world.enterprise)]
    assert rights.trades[0].turnover == TURNOVER
    assert rights.trades[0].transaction_amount == AMOUNT
    expected_owner = world.enterprise if kind is ContractType.TRANSFER else world.university
    assert rights.owners_on(SIGNED_ON) == (expected_owner,)
    assert rights.owners_on(date(2026, 3, 31)) == (world.university,)
    licenses = [(x.contract_id, x.licensee_id, x.variant) for x in rights.licenses]
    assert licenses == ([(contract_id, world.enterprise, variant)]
                        if kind is ContractType.LICENSE else [])


def test_registration_rules_transaction_amount_within_turnover(world: World) -> None:
    """0 ≤ 技术交易额 ≤ 成交额, in CNY with at most two decimals."""
    ach = world.achievement()
    over = world.terms("HT-1", (ach,), kind=ContractType.CONSULTING,
                       amount=TURNOVER + Decimal("0.01"))
    with refused(world.ledger, "transaction_amount_exceeds_turnover") as info:
        world.register_contract(over)
    assert info.value.context == {"field": "transaction_amount"}
    for number, bad in [("HT-2", Decimal("-0.01")), ("HT-3", Decimal("1.001")),
                        ("HT-4", Decimal("NaN"))]:
        with refused(world.ledger, "invalid_input"):
            world.register_contract(replace(over, contract_number=number,
                                            transaction_amount=bad))
    with refused(world.ledger, "invalid_input"):
        world.register_contract(replace(over, contract_number="HT-5",
                                        turnover=Decimal("-1.00"), transaction_amount=Decimal(0)))

    # The bounds themselves are allowed.
    world.register_contract(replace(over, contract_number="HT-6", transaction_amount=TURNOVER))
    world.register_contract(replace(over, contract_number="HT-7",
                                    transaction_amount=Decimal("0.00")))
    assert [x.transaction_amount for x in world.rights(ach).trades] == [TURNOVER, Decimal(0)]


@pytest.mark.parametrize(("kind", "variant"), [
    (ContractType.TRANSFER, ContractVariant.EXCLUSIVE),
    (ContractType.LICENSE, None),
    (ContractType.LICENSE, ContractVariant.ENTRUSTED),
    (ContractType.DEVELOPMENT, None),
    (ContractType.DEVELOPMENT, ContractVariant.ORDINARY),
    (ContractType.CONSULTING, ContractVariant.SOLE),
    (ContractType.SERVICE, ContractVariant.COOPERATIVE),
])
def test_registration_rules_refuse_a_variant_that_does_not_fit_the_type(
    world: World, kind: ContractType, variant: ContractVariant | None
) -> None:
    ach = world.achievement()
    with refused(world.ledger, "invalid_input") as info:
        world.register_contract(world.terms("HT-1", (ach,), kind=kind, variant=variant))
    assert info.value.context == {"field": "variant"}


def test_baoding_item4_exchange_must_be_a_transfer_agency_or_government(world: World) -> None:
    ach = world.achievement()
    bank_run = world.terms("HT-1", (ach,), kind=ContractType.CONSULTING, exchange=world.bank)
    with refused(world.ledger, "wrong_party_kind") as info:
        world.register_contract(bank_run)
    assert info.value.context == {"field": "exchange_id"}
    with refused(world.ledger, "wrong_party_kind"):
        world.register_contract(replace(bank_run, exchange_id=world.other_enterprise))

    by_registry = world.register_contract(replace(bank_run, exchange_id=world.registry))
    by_exchange = world.register_contract(replace(bank_run, contract_number="HT-2",
                                                  exchange_id=world.exchange))
    assert [x.contract_id for x in world.rights(ach).trades] == [by_registry, by_exchange]


def test_law_on_promoting_transformation_art18_public_seller_states_its_pricing(
    world: World,
) -> None:
    """A university or research institute prices a transfer or license by agreement, listing
    or auction and says which; other sellers and other contract types need not."""
    uni_ach = world.achievement()
    inst_ach = world.achievement(world.institute)
    ent_ach = world.achievement(world.other_enterprise)
    with refused(world.ledger, "invalid_input") as info:
        world.register_contract(world.terms("HT-1", (uni_ach,), pricing=None))
    assert info.value.context == {"field": "pricing"}
    with refused(world.ledger, "invalid_input"):
        world.register_contract(world.terms("HT-2", (inst_ach,), kind=ContractType.LICENSE,
                                            variant=ORD, seller=world.institute, pricing=None))

    world.register_contract(world.terms("HT-3", (uni_ach,), kind=ContractType.CONSULTING,
                                        pricing=None))
    world.register_contract(world.terms("HT-4", (ent_ach,), seller=world.other_enterprise,
                                        pricing=None))
    world.register_contract(world.terms("HT-5", (uni_ach,), pricing=PricingMethod.AUCTION))
    assert world.rights(uni_ach).owners_on(SIGNED_ON) == (world.enterprise,)
    assert world.rights(ent_ach).owners_on(SIGNED_ON) == (world.enterprise,)


def test_contract_on_a_cancelled_achievement_is_refused(world: World) -> None:
    ach = world.achievement()
    world.ledger.cancel_registration(c.CancelRegistration(
        ach, CancellationReason.FRAUD, "弄虚作假", effective_date=date(2026, 2, 1)), actor="auditor")
    with refused(world.ledger, "invalid_state_transition"):
        world.transfer("HT-1", ach)


# --- who may sell: ownership by date -----------------------------------------------------------

def test_seller_must_hold_the_achievement_on_the_signing_date(world: World) -> None:
    ach = world.achievement()
    with refused(world.ledger, "seller_not_owner"):
        world.transfer("HT-1", ach, seller=world.other_enterprise)
    with refused(world.ledger, "seller_not_owner"):
        world.license("HT-2", ach, ORD, seller=world.other_enterprise)
    # Development, consulting and service contracts dispose of nothing.
    world.register_contract(world.terms("HT-4", (ach,), kind=ContractType.SERVICE,
                                        seller=world.other_enterprise))
    assert world.rights(ach).owners_on(date.max) == (world.university,)


def test_transfer_moves_ownership_to_the_buyer(world: World) -> None:
    ach = world.achievement()
    world.transfer("HT-1", ach)
    rights = world.rights(ach)
    assert rights.owners_on(date(2026, 3, 31)) == (world.university,)
    assert rights.owners_on(SIGNED_ON) == (world.enterprise,)
    assert rights.owners_on(date.max) == (world.enterprise,)

    later = date(2026, 5, 1)
    with refused(world.ledger, "pledgor_not_owner"):
        world.pledge(whole(ach), on=later)
    with refused(world.ledger, "seller_not_owner"):
        world.license("HT-2", ach, ORD, signed_on=later, buyer=world.other_enterprise)
    pledge_id = world.pledge(whole(ach), pledgor=world.enterprise, on=later)
    assert [x.pledge_id for x in world.rights(ach).liens] == [pledge_id]


def test_double_sale_is_refused(world: World) -> None:
    """A→B, then A→C: A no longer holds it, whether C's contract is dated the same day or later."""
    ach = world.achievement()
    world.transfer("HT-1", ach)
    for number, day in [("HT-2", SIGNED_ON), ("HT-3", date(2026, 5, 1))]:
        with refused(world.ledger, "seller_not_owner"):
            world.transfer(number, ach, buyer=world.other_enterprise, signed_on=day)
    # B may sell on.
    world.transfer("HT-4", ach, seller=world.enterprise, buyer=world.other_enterprise,
                   signed_on=date(2026, 5, 1))
    rights = world.rights(ach)
    assert rights.owners_on(date(2026, 4, 30)) == (world.enterprise,)
    assert rights.owners_on(date(2026, 5, 1)) == (world.other_enterprise,)
    assert len(rights.trades) == 2


def test_disposal_signed_before_the_latest_ownership_change_is_refused(world: World) -> None:
    """History is not rewritten: A held it on 15 March, but after the transfer of 1 April is
    registered, a contract of A's dated 15 March would sell what A has since sold."""
    ach = world.achievement()
    world.transfer("HT-1", ach)
    earlier = date(2026, 3, 15)
    assert world.rights(ach).owners_on(earlier) == (world.university,)
    with refused(world.ledger, "seller_not_owner"):
        world.transfer("HT-2", ach, buyer=world.other_enterprise, signed_on=earlier)
    with refused(world.ledger, "seller_not_owner"):
        world.license("HT-3", ach, ORD, buyer=world.other_enterprise, signed_on=earlier)


def test_a_co_owner_transfers_only_its_own_share(world: World) -> None:
    ach = world.achievement(world.university, world.other_enterprise)
    world.transfer("HT-1", ach)  # the university's share goes to the enterprise
    assert world.rights(ach).owners_on(SIGNED_ON) == (world.enterprise, world.other_enterprise)
    # A buyer who already co-owns it is listed once.
    world.transfer("HT-2", ach, seller=world.enterprise, buyer=world.other_enterprise,
                   signed_on=date(2026, 5, 1))
    assert world.rights(ach).owners_on(date.max) == (world.other_enterprise,)


# --- licenses ----------------------------------------------------------------------------------

def test_at_most_one_active_exclusive_license(world: World) -> None:
    ach = world.achievement()
    exclusive = world.license("HT-1", ach, EXCL, term_end=date(2030, 12, 31))
    later = date(2026, 6, 1)
    for number, variant in [("HT-2", EXCL), ("HT-3", SOLE), ("HT-4", ORD)]:
        with refused(world.ledger, "exclusive_license_conflict") as info:
            world.license(number, ach, variant, buyer=world.other_enterprise, signed_on=later)
        assert info.value.context == {"contract_ids": [str(exclusive)]}

    world.ledger.terminate_contract(t.TerminateContract(exclusive, "协议解除", date(2026, 7, 1)),
                                    actor="exchange")
    assert world.rights(ach).licenses[0].ended_on == date(2026, 7, 1)
    with refused(world.ledger, "exclusive_license_conflict"):  # still active on 30 June
        world.license("HT-5", ach, EXCL, buyer=world.other_enterprise, signed_on=date(2026, 6, 30))
    world.license("HT-6", ach, EXCL, buyer=world.other_enterprise, signed_on=date(2026, 7, 1))
    assert [x.licensee_id for x in world.rights(ach).licenses if x.active_on(date(2026, 8, 1))] \
        == [world.other_enterprise]


def test_exclusive_license_needs_no_other_active_license(world: World) -> None:
    ach = world.achievement()
    ordinary = world.license("HT-1", ach, ORD, term_end=date(2026, 12, 31))
    world.license("HT-2", ach, ORD, buyer=world.other_enterprise)  # ordinary licenses coexist
    with refused(world.ledger, "exclusive_license_conflict"):
        world.license("HT-3", ach, EXCL, buyer=world.other_enterprise, signed_on=date(2026, 5, 1))
    # Once the other licenses have ended by their terms or termination, it may be granted.
    other = world.rights(ach).licenses[1].contract_id
    world.ledger.terminate_contract(t.TerminateContract(other, "到期前解除", date(2026, 9, 1)),
                                    actor="exchange")
    with refused(world.ledger, "exclusive_license_conflict"):
        world.license("HT-4", ach, EXCL, buyer=world.other_enterprise, signed_on=date(2026, 10, 1))
    world.license("HT-5", ach, EXCL, buyer=world.other_enterprise, signed_on=date(2027, 1, 1))
    assert ordinary in [x.contract_id for x in world.rights(ach).licenses]


def test_amended_license_term_ends_the_license_on_its_achievement(world: World) -> None:
    ach = world.achievement()
    exclusive = world.license("HT-1", ach, EXCL, term_end=date(2030, 12, 31))
    world.ledger.amend_contract(t.AmendContract(exclusive, TURNOVER, AMOUNT, date(2026, 6, 30),
                                                "缩短许可期限"), actor="exchange")
    terms = world.contract(exclusive).terms
    assert terms is not None and terms.term_end == date(2026, 6, 30)
    world.license("HT-2", ach, EXCL, buyer=world.other_enterprise, signed_on=date(2027, 1, 1))


def test_a_license_term_cannot_be_extended_into_an_exclusive_one(world: World) -> None:
    ach = world.achievement()
    ordinary = world.license("HT-1", ach, ORD, term_end=date(2026, 12, 31))
    world.license("HT-2", ach, EXCL, buyer=world.other_enterprise, signed_on=date(2027, 1, 1))
    with refused(world.ledger, "exclusive_license_conflict"):
        world.ledger.amend_contract(t.AmendContract(ordinary, TURNOVER, AMOUNT,
                                                    date(2027, 6, 30), "延长许可期限"),
                                    actor="exchange")


def test_a_license_registered_out_of_order_still_meets_an_exclusive_one(world: World) -> None:
    ach = world.achievement()
    world.license("HT-1", ach, EXCL, signed_on=date(2026, 6, 1), term_end=date(2027, 5, 31))
    with refused(world.ledger, "exclusive_license_conflict"):  # signed earlier, runs into it
        world.license("HT-2", ach, ORD, buyer=world.other_enterprise, signed_on=date(2026, 4, 1),
                      term_end=date(2027, 3, 31))
    world.license("HT-3", ach, ORD, buyer=world.other_enterprise, signed_on=date(2026, 4, 1),
                  term_end=date(2026, 5, 31))


def test_an_amendment_cannot_value_a_contract_below_what_was_paid(world: World) -> None:
    contract = world.license("HT-1", world.achievement(), ORD)
    world.ledger.record_payment(t.RecordPayment(contract, Decimal("400000.00")), actor="ex")
    with refused(world.ledger, "invalid_input"):
        world.ledger.amend_contract(t.AmendContract(contract, Decimal("100000.00"),
                                                    Decimal("100000.00"), None), actor="ex")


# --- sanctions (Baoding item 9) ----------------------------------------------------------------

def test_baoding_item9_party_barred_from_trading_is_refused_within_the_sanction(
    world: World,
) -> None:
    ach = world.achievement()
    world.sanction(world.enterprise, start=date(2026, 3, 1), end=date(2026, 6, 30))
    world.sanction(world.institute, start=date(2026, 3, 1), end=None)  # permanent
    world.sanction(world.other_enterprise, start=date(2026, 1, 1), end=None,
                   scopes=(SanctionScope.FUNDING, SanctionScope.EVALUATION_EXPERT))

    def consulting(number: str, day: date, *, seller: UUID | None = None,
                   buyer: UUID | None = None) -> UUID:
        return world.register_contract(world.terms(
            number, (ach,), kind=ContractType.CONSULTING, signed_on=day, seller=seller,
            buyer=buyer))

    for number, day in [("HT-1", date(2026, 3, 1)), ("HT-2", date(2026, 6, 30))]:
        with refused(world.ledger, "party_barred_by_sanction") as info:
            consulting(number, day)  # the buyer is barred
        assert info.value.context == {"party_id": str(world.enterprise), "scope": "trading"}
    with refused(world.ledger, "party_barred_by_sanction"):  # the seller is barred
        consulting("HT-3", date(2030, 1, 1), seller=world.institute)
    own = world.achievement(world.institute)
    with refused(world.ledger, "party_barred_by_sanction"):  # a barred seller may not transfer
        world.register_contract(world.terms("HT-4", (own,), seller=world.institute,
                                            signed_on=date(2026, 5, 1)))

    consulting("HT-5", date(2026, 2, 28))  # before the sanction
    consulting("HT-6", date(2026, 7, 1))  # after it ended
    consulting("HT-7", date(2026, 5, 1), buyer=world.other_enterprise)  # barred elsewhere
    assert len(world.rights(ach).trades) == 3


# --- the contract number is the idempotency key ------------------------------------------------

def test_contract_number_reuse_replays_the_same_body_and_refuses_another(world: World) -> None:
    ach = world.achievement()
    terms = world.terms("HT-2026-001", (ach,))
    first = world.ledger.register_contract(t.RegisterContract(terms), actor="exchange")
    assert first.value.replayed is False
    before = head(world.ledger)

    again = world.ledger.register_contract(t.RegisterContract(terms), actor="exchange")
    assert again.value.id == first.value.id
    assert again.value.replayed is True
    assert again.position is None
    assert head(world.ledger) == before

    with refused(world.ledger, "contract_number_taken"):
        world.register_contract(replace(terms, turnover=TURNOVER + 1))
    with refused(world.ledger, "contract_number_taken"):  # the number is compared trimmed
        world.register_contract(replace(terms, contract_number=" HT-2026-001 "))
    assert len(world.rights(ach).trades) == 1


# --- after registration: amend, pay, terminate -------------------------------------------------

def test_amend_record_payment_and_terminate(world: World) -> None:
    ach = world.achievement()
    contract_id = world.transfer("HT-1", ach)
    ledger = world.ledger
    ledger.amend_contract(t.AmendContract(contract_id, Decimal("600000.00"), Decimal("520000.00"),
                                          date(2027, 12, 31), "补充协议"), actor="exchange")
    with refused(ledger, "transaction_amount_exceeds_turnover"):
        ledger.amend_contract(t.AmendContract(contract_id, Decimal("100.00"), Decimal("100.01"),
                                              None), actor="exchange")
    ledger.record_payment(t.RecordPayment(contract_id, Decimal("200000.00"), "首付款"),
                          actor="exchange")
    ledger.record_payment(t.RecordPayment(contract_id, Decimal("120000.50")), actor="exchange")
    for bad in (Decimal(0), Decimal("-5.00"), Decimal("0.001"), Decimal("279999.51")):
        with refused(ledger, "invalid_input"):
            ledger.record_payment(t.RecordPayment(contract_id, bad), actor="exchange")

    contract = world.contract(contract_id)
    assert contract.terms is not None
    assert (contract.terms.turnover, contract.terms.transaction_amount, contract.terms.term_end) \
        == (Decimal("600000.00"), Decimal("520000.00"), date(2027, 12, 31))
    assert contract.paid == Decimal("320000.50")

    ledger.terminate_contract(t.TerminateContract(contract_id, "买方违约"), actor="exchange")
    assert world.contract(contract_id).status is ContractStatus.TERMINATED
    with refused(ledger, "invalid_state_transition"):
        ledger.amend_contract(t.AmendContract(contract_id, TURNOVER, AMOUNT, None),
                              actor="exchange")
    with refused(ledger, "invalid_state_transition"):
        ledger.record_payment(t.RecordPayment(contract_id, Decimal("1.00")), actor="exchange")
    with refused(ledger, "invalid_state_transition"):
        ledger.terminate_contract(t.TerminateContract(contract_id, "再次解除"), actor="exchange")
    # Terminating a transfer does not give the achievement back: that needs its own contract.
    assert world.rights(ach).owners_on(date.max) == (world.enterprise,)


def test_terminate_needs_a_reason_and_a_known_contract(world: World) -> None:
    ach = world.achievement()
    contract_id = world.license("HT-1", ach, EXCL)
    with refused(world.ledger, "invalid_input"):
        world.ledger.terminate_contract(t.TerminateContract(contract_id, "  "), actor="exchange")
    with refused(world.ledger, "contract_not_found"):
        world.ledger.terminate_contract(t.TerminateContract(ach, "解除"), actor="exchange")
    rights: AchievementRights = world.rights(ach)
    assert rights.licenses[0].ended_on is None
    assert world.contract(contract_id).status is ContractStatus.REGISTERED

"""Shared builders for the technology-contract and IP-pledge stories (real commands, no mocks).

A `World` is a ledger with the usual cast already registered: a university and a research
institute (public sellers), two enterprises, a technology exchange, a government registry and
two banks. Its builders register achievements, contracts and pledges with sensible defaults, so
each story states only what it is about.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import AggregateNotFoundError

from domain.achievement import AchievementDraft
from domain.codes import patent_check_digit
from domain.contract import ContractTerms, ContractType, ContractVariant, PricingMethod, TechContract
from domain.errors import DomainError
from domain.pledge import LoanTerms, Pledge, PledgeItem
from domain.rights import AchievementRights
from domain.standing import IntegrityStanding, Sanction, SanctionScope
from domain.values import Category, Completer, Funding, MaturityStage, PartyKind, Patent, PatentKind
from services import commands as c
from services import trade_commands as t
from services.ledger import Ledger
from services.settings import Settings
from tests.factories import credit_code

REGISTERED_ON = date(2026, 1, 5)  # achievements are registered (成果登记) on this day
SIGNED_ON = date(2026, 4, 1)  # contracts are signed, and pledges registered, on this day
LOAN_END = date(2027, 3, 31)
PATENT_EXPIRY = date(2037, 6, 30)
TURNOVER = Decimal("500000.00")  # 成交额
AMOUNT = Decimal("450000.00")  # 技术交易额


def head(ledger: Ledger) -> int | None:
    """The ledger position of the latest event (None: nothing recorded yet)."""
    return ledger.recorder.max_notification_id()


@contextmanager
def refused(ledger: Ledger, code: str) -> Iterator[pytest.ExceptionInfo[DomainError]]:
    """The block is refused with the stable error `code` and writes nothing."""
    before = head(ledger)
    with pytest.raises(DomainError) as info:
        yield info
    assert info.value.code == code, f"{info.value.code}: {info.value.detail}"
    assert head(ledger) == before, "a refused command wrote events"


def code_of(call: Callable[[], object]) -> str:
    """Run a command thunk: 'ok' if it was accepted, else its stable error code."""
    try:
        call()
    except DomainError as error:
        return error.code
    return "ok"


@contextmanager
def open_ledger(settings: Settings, *, group_commit: bool = True) -> Iterator[Ledger]:
    with Ledger(settings.model_copy(update={"group_commit": group_commit})) as ledger:
        yield ledger


@dataclass
class World:
    ledger: Ledger
    university: UUID
    institute: UUID
    enterprise: UUID
    other_enterprise: UUID
    exchange: UUID  # 技术交易市场 (transfer_agency)
    registry: UUID  # a government registry that also registers contracts
    bank: UUID
    other_bank: UUID
    _serials: Iterator[int] = field(default_factory=lambda: itertools.count(1000))

    @classmethod
    def build(cls, ledger: Ledger) -> World:
        serials = itertools.count(1)

        def party(name: str, kind: PartyKind) -> UUID:
            return register_party(ledger, name, kind, next(serials))

        return cls(
            ledger=ledger,
            university=party("河北大学", PartyKind.UNIVERSITY),
            institute=party("保定市农业科学研究所", PartyKind.RESEARCH_INSTITUTE),
            enterprise=party("保定某新能源科技有限公司", PartyKind.ENTERPRISE),
            other_enterprise=party("北京某材料科技有限公司", PartyKind.ENTERPRISE),
            exchange=party("保定技术交易市场", PartyKind.TRANSFER_AGENCY),
            registry=party("保定市科学技术局", PartyKind.GOVERNMENT),
            bank=party("中国银行保定分行", PartyKind.BANK),
            other_bank=party("河北银行保定分行", PartyKind.BANK),
        )

    def party(self, name: str, kind: PartyKind) -> UUID:
        return register_party(self.ledger, name, kind, next(self._serials))

    def patent(self, expiry: date | None = PATENT_EXPIRY) -> Patent:
        """An invention patent with a fresh, valid CNIPA number."""
        digits = f"20171{next(self._serials):07d}"
        number = f"ZL{digits}.{patent_check_digit(digits)}"
        return Patent(number, PatentKind.INVENTION, "一种电池管理方法", date(2019, 5, 10), expiry)

    def achievement(self, *owners: UUID, patents: tuple[Patent, ...] = ()) -> UUID:
        """A registered achievement (the university's unless owners are given)."""
        draft = AchievementDraft(
            title=f"一种电池管理系统（{next(self._serials)}）", category=Category.APPLIED_TECHNOLOGY,
            owner_ids=owners or (self.university,), completers=(Completer("张伟"),),
            field="新能源", keywords=("电池",), funding=Funding(fiscal=False),
            maturity_stage=MaturityStage.PILOT, patents=patents)
        cmd = c.RegisterAchievement(draft, "1306", REGISTERED_ON)
        return self.ledger.register_achievement(cmd, actor="registry").value.id

    def terms(self, number: str, achievements: tuple[UUID, ...], *,
              kind: ContractType = ContractType.TRANSFER, variant: ContractVariant | None = None,
              seller: UUID | None = None, buyer: UUID | None = None,
              signed_on: date = SIGNED_ON, term_end: date | None = None,
              turnover: Decimal = TURNOVER, amount: Decimal = AMOUNT,
              exchange: UUID | None = None,
              pricing: PricingMethod | None = PricingMethod.LISTING) -> ContractTerms:
        """Contract terms; by default the university transfers to the enterprise."""
        return ContractTerms(
            contract_number=number, title="技术合同", contract_type=kind, variant=variant,
            seller_id=seller or self.university, buyer_id=buyer or self.enterprise,
            achievement_ids=achievements, turnover=turnover, transaction_amount=amount,
            signed_on=signed_on, term_end=term_end, field="新能源",
            exchange_id=exchange or self.exchange, pricing=pricing)

    def register_contract(self, terms: ContractTerms) -> UUID:
        # Registered on the day it was signed, so that dates in the stories stay fixed.
        cmd = t.RegisterContract(terms, effective_date=terms.signed_on)
        return self.ledger.register_contract(cmd, actor="exchange").value.id

    def transfer(self, number: str, achievement: UUID, *, seller: UUID | None = None,
                 buyer: UUID | None = None, signed_on: date = SIGNED_ON) -> UUID:
        return self.register_contract(self.terms(number, (achievement,), seller=seller,
                                                 buyer=buyer, signed_on=signed_on))

    def license(self, number: str, achievement: UUID, variant: ContractVariant, *,
                seller: UUID | None = None, buyer: UUID | None = None,
                signed_on: date = SIGNED_ON, term_end: date | None = None) -> UUID:
        return self.register_contract(self.terms(
            number, (achievement,), kind=ContractType.LICENSE, variant=variant, seller=seller,
            buyer=buyer, signed_on=signed_on, term_end=term_end))

    def loan(self, *items: PledgeItem, pledgor: UUID | None = None,
             pledgee: UUID | None = None, start: date = SIGNED_ON,
             end: date = LOAN_END) -> LoanTerms:
        """Loan terms; by default the university pledges to the bank for its own loan."""
        pledgor = pledgor or self.university
        return LoanTerms(pledgor_id=pledgor, pledgee_id=pledgee or self.bank, debtor_id=pledgor,
                         items=items, secured_amount=Decimal("1000000.00"), loan_start=start,
                         loan_end=end)

    def pledge(self, *items: PledgeItem, pledgor: UUID | None = None,
               pledgee: UUID | None = None, on: date = SIGNED_ON, end: date = LOAN_END,
               key: str | None = None) -> UUID:
        terms = self.loan(*items, pledgor=pledgor, pledgee=pledgee, start=on, end=end)
        return self.ledger.register_pledge(t.RegisterPledge(terms, on), actor="bank",
                                           key=key).value.id

    def rights(self, achievement: UUID) -> AchievementRights:
        rights: object = self.ledger.repository.get(AchievementRights.id_for(achievement))
        assert isinstance(rights, AchievementRights)
        return rights

    def contract(self, contract_id: UUID) -> TechContract:
        contract: object = self.ledger.repository.get(contract_id)
        assert isinstance(contract, TechContract)
        return contract

    def loaded_pledge(self, pledge_id: UUID) -> Pledge:
        pledge: object = self.ledger.repository.get(pledge_id)
        assert isinstance(pledge, Pledge)
        return pledge

    def sanction(self, party: UUID, *, start: date, end: date | None,
                 scopes: tuple[SanctionScope, ...] = (SanctionScope.TRADING,)) -> None:
        """Impose a sanction the way the integrity issue's misconduct decisions do."""
        try:
            found: object = self.ledger.repository.get(IntegrityStanding.id_for(party))
            assert isinstance(found, IntegrityStanding)
            standing = found
        except AggregateNotFoundError:
            standing = IntegrityStanding.open(party, effective_date=start, actor="auditor")
        standing.impose(Sanction(uuid4(), "禁止参与技术交易", scopes, start, end),
                        effective_date=start, actor="auditor")
        self.ledger.save(standing)


def register_party(ledger: Ledger, name: str, kind: PartyKind, serial: int) -> UUID:
    cmd = c.RegisterParty(name=name, kind=kind, credit_code=credit_code(serial),
                          region_code="130600")
    return ledger.register_party(cmd, actor="test").value.id


def whole(achievement: UUID) -> PledgeItem:
    """A pledge item covering the whole achievement."""
    return PledgeItem(achievement)


def patents_of(achievement: UUID, *patents: Patent) -> PledgeItem:
    """A pledge item covering only these patents of the achievement."""
    return PledgeItem(achievement, tuple(p.number for p in patents))

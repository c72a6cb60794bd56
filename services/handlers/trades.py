"""Technology-contract registration (技术合同登记): Baoding items 4-5, DOMAIN.md trades [N]."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.achievement import Achievement, AchievementStatus
from domain.contract import DISPOSING, ContractTerms, PricingMethod, TechContract, check_terms
from domain.errors import DomainError, ErrorKind, InvalidInput, InvalidTransition, WrongPartyKind
from domain.party import Party
from domain.registration_service import PublicNotice, check_notice, registration_policy
from domain.rights import AchievementRights
from domain.standing import SanctionScope
from domain.values import PartyKind
from services import trade_commands as t
from services.core import LedgerCore
from services.handlers.results import Created
from services.idempotency import request_digest
from services.standing import barring
from services.uow import Outcome, UnitOfWork, Work

# Law on Promoting the Transformation of S&T Achievements art. 18: these sellers state how
# they priced a transfer or license.
PUBLIC_SELLERS = frozenset({PartyKind.UNIVERSITY, PartyKind.RESEARCH_INSTITUTE})
EXCHANGES = frozenset({PartyKind.TRANSFER_AGENCY, PartyKind.GOVERNMENT})


class NoticeRequired(DomainError):
    kind = ErrorKind.INVALID
    code = "public_notice_required"
    title_zh = "协议定价须先公示"
    title_en = "Agreement pricing needs a public notice"


class ContractNumberTaken(DomainError):
    code = "contract_number_taken"
    title_zh = "合同编号已登记"
    title_en = "Contract number already registered"


def rights_of(uow: UnitOfWork, achievement_id: UUID, actor: str) -> AchievementRights:
    """The achievement's rights, opened from its registration on first use."""
    rights = uow.find(AchievementRights, AchievementRights.id_for(achievement_id))
    if rights is not None:
        return rights
    achievement = uow.get(Achievement, achievement_id, "achievement")
    rights = AchievementRights.open(achievement_id, achievement.owner_ids,
                                    registered_on=achievement.registered_on, actor=actor)
    uow.add(rights)
    return rights


def registered_achievement(uow: UnitOfWork, achievement_id: UUID) -> Achievement:
    achievement = uow.get(Achievement, achievement_id, "achievement")
    if achievement.status is not AchievementStatus.REGISTERED:
        raise InvalidTransition(f"achievement {achievement_id} is {achievement.status.value}")
    return achievement


class TradeCommands(LedgerCore):
    def register_contract(self, cmd: t.RegisterContract, *, actor: str) -> Outcome[Created]:
        """Accept an application; it completes at once unless held (see RegisterContract).
        The contract number is the idempotency key: the same body again replays, another body
        is a 409."""
        return self.execute(self.contract_registration(cmd, actor=actor))

    def contract_registration(self, cmd: t.RegisterContract, *, actor: str) -> Work[Created]:
        """The registration as work for an executor (bulk import submits many at once)."""

        def work(uow: UnitOfWork) -> Created:
            terms = check_terms(cmd.terms)
            digest = request_digest(cmd)
            existing = uow.find(TechContract, TechContract.id_for(terms.contract_number))
            if existing is not None:
                if existing.request_digest != digest:
                    raise ContractNumberTaken(
                        f"contract {terms.contract_number} is already registered")
                return Created(existing.id, replayed=True, status=existing.status.value)
            day = self.effective(cmd.effective_date)
            seller, buyer = self._check_trading_parties(uow, terms.seller_id, terms.buyer_id,
                                                        terms.exchange_id, terms.signed_on)
            contract = TechContract.accept(
                terms, seller_region=seller.region_code, buyer_region=buyer.region_code,
                notice=cmd.notice, request_digest=digest, effective_date=day, actor=actor)
            _check_pricing(seller, terms, cmd.notice)
            for achievement_id in terms.achievement_ids:
                registered_achievement(uow, achievement_id)
                rights_of(uow, achievement_id, actor).check_trade(contract.id, terms)
            if not cmd.review and not contract.holds_on(day):
                complete_registration(uow, contract, day, actor)
            uow.add(contract)
            return Created(contract.id, replayed=False, status=contract.status.value)

        return work

    def amend_contract(self, cmd: t.AmendContract, *, actor: str) -> Outcome[None]:
        """Amend amounts or term; the achievements' rights follow in the same save."""

        def work(uow: UnitOfWork) -> None:
            day = self.effective(cmd.effective_date)
            contract = uow.get(TechContract, cmd.contract_id, "contract")
            contract.amend(turnover=cmd.turnover, transaction_amount=cmd.transaction_amount,
                           term_end=cmd.term_end, note=cmd.note, effective_date=day, actor=actor)
            assert contract.terms is not None
            for achievement_id in contract.terms.achievement_ids:
                rights_of(uow, achievement_id, actor).amend_trade(
                    contract.id, turnover=cmd.turnover, transaction_amount=cmd.transaction_amount,
                    term_end=cmd.term_end, effective_date=day, actor=actor)

        return self.execute(work)

    def record_payment(self, cmd: t.RecordPayment, *, actor: str) -> Outcome[None]:
        def work(uow: UnitOfWork) -> None:
            uow.get(TechContract, cmd.contract_id, "contract").record_payment(
                cmd.amount, note=cmd.note, effective_date=self.effective(cmd.effective_date),
                actor=actor)

        return self.execute(work)

    def terminate_contract(self, cmd: t.TerminateContract, *, actor: str) -> Outcome[None]:
        """Terminating ends the contract on its achievements: a license ends, a transfer
        stays done, and it no longer counts as market evidence."""

        def work(uow: UnitOfWork) -> None:
            day = self.effective(cmd.effective_date)
            contract = uow.get(TechContract, cmd.contract_id, "contract")
            contract.terminate(reason=cmd.reason, effective_date=day, actor=actor)
            assert contract.terms is not None
            for achievement_id in contract.terms.achievement_ids:
                rights_of(uow, achievement_id, actor).end_trade(
                    contract.id, effective_date=day, actor=actor)

        return self.execute(work)

    @staticmethod
    def _check_trading_parties(uow: UnitOfWork, seller_id: UUID, buyer_id: UUID, exchange_id: UUID,
                       day: date) -> tuple[Party, Party]:
        """Parties exist; neither is barred from trading on the signing date (Baoding item 9)."""
        seller = uow.get(Party, seller_id, "party")
        buyer = uow.get(Party, buyer_id, "party")
        exchange = uow.get(Party, exchange_id, "party")
        if exchange.kind not in EXCHANGES:
            raise WrongPartyKind(f"{exchange.name} is not a technology exchange or registry",
                                 field="exchange_id")
        for party_id in (seller_id, buyer_id):
            barring(uow, party_id, SanctionScope.TRADING, day)
        return seller, buyer



def complete_registration(uow: UnitOfWork, contract: TechContract, day: date, actor: str) -> None:
    """登记完成: the contract's achievements' rights change in the same save, their rules
    decided again on the state of now."""
    contract.complete(effective_date=day, actor=actor)
    assert contract.terms is not None
    for achievement_id in contract.terms.achievement_ids:
        registered_achievement(uow, achievement_id)
        rights_of(uow, achievement_id, actor).record_trade(contract.id, contract.terms,
                                                           actor=actor)


def _check_pricing(seller: Party, terms: ContractTerms, notice: PublicNotice | None) -> None:
    """Law on Promoting the Transformation of S&T Achievements art. 18: a public seller states
    its pricing for a transfer or license, and agreement pricing comes with a public notice."""
    public_disposal = terms.contract_type in DISPOSING and seller.kind in PUBLIC_SELLERS
    if public_disposal and terms.pricing is None:
        raise InvalidInput("a university or research institute states how it priced a "
                           "transfer or license: agreement, listing or auction (促进科技成果"
                           "转化法 art. 18)", field="pricing")
    needs_notice = public_disposal and terms.pricing is PricingMethod.AGREEMENT
    if needs_notice and notice is None:
        raise NoticeRequired("agreement pricing by a university or research institute needs "
                             "the public notice (公示) of the achievement and intended price",
                             field="notice")
    if notice is not None and not needs_notice:
        raise InvalidInput("a public notice goes only with agreement pricing by a university "
                           "or research institute", field="notice")
    if notice is not None:
        check_notice(notice, registration_policy(notice.published_on))

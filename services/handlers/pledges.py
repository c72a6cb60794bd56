"""IP pledge loans (知识产权质押融资): Baoding items 10-11; CNIPA refusals, Civil Code art. 444."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from domain.achievement import Achievement
from domain.codes import normalize_patent_number
from domain.errors import DomainError, InvalidInput, WrongPartyKind
from domain.party import Party
from domain.pledge import LoanTerms, Pledge, PledgeItem
from domain.rights import Lien
from domain.values import PartyKind, PatentStatus
from services import trade_commands as t
from services.core import LedgerCore
from services.handlers.results import Created
from services.handlers.trades import registered_achievement, rights_of
from services.idempotency import create_once
from services.uow import Outcome, UnitOfWork

UNPLEDGEABLE = frozenset({PatentStatus.LAPSED, PatentStatus.INVALIDATED, PatentStatus.EXPIRED})


class PatentNotPledgeable(DomainError):
    code = "patent_not_pledgeable"
    title_zh = "专利已失效、被宣告无效或期满"
    title_en = "Patent lapsed, invalidated or expired"


class LoanOutlivesPatent(DomainError):
    code = "loan_outlives_patent"
    title_zh = "贷款期限超过专利有效期"
    title_en = "Loan ends after the patent expires"


class PledgeCommands(LedgerCore):
    def register_pledge(self, cmd: t.RegisterPledge, *, actor: str,
                        key: str | None = None) -> Outcome[Created]:
        """质押登记: every item owned by the pledgor, patents in force past the loan's end,
        and no item already under an active pledge — decided on the items' rights."""

        def work(uow: UnitOfWork) -> Created:
            def build(pledge_id: UUID, digest: str) -> Pledge:
                terms = cmd.terms
                day = cmd.effective_date or terms.loan_start  # effective from the loan's start
                self._check_loan_parties(uow, terms)
                pledge = Pledge.register(terms, id=pledge_id, request_digest=digest,
                                         effective_date=day, actor=actor)
                for item in terms.items:
                    patents = self._pledged_patents(uow, item, day, terms.loan_end)
                    rights_of(uow, item.achievement_id, actor).pledge(
                        Lien(pledge_id, terms.pledgee_id, patents), terms.pledgor_id,
                        effective_date=day, actor=actor)
                return pledge

            pledge, created = create_once(uow, Pledge, "pledge", key, cmd, build)
            return Created(pledge.id, replayed=not created)

        return self.execute(work)

    def grant_consent(self, cmd: t.GrantConsent, *, actor: str) -> Outcome[None]:
        """The pledgee consents to a named transfer or license of the pledged items."""

        def work(uow: UnitOfWork) -> None:
            day = self.effective(cmd.effective_date)
            pledge = uow.get(Pledge, cmd.pledge_id, "pledge")
            pledge.grant_consent(cmd.contract_number, effective_date=day, actor=actor)
            for achievement_id in self._items(pledge):
                rights_of(uow, achievement_id, actor).note_consent(
                    pledge.id, cmd.contract_number.strip(), effective_date=day, actor=actor)

        return self.execute(work)

    def release_pledge(self, cmd: t.PledgeStep, *, actor: str) -> Outcome[None]:
        """注销: the loan is repaid; the items are free again."""
        return self._end(cmd, actor, lambda p, day: p.release(
            note=cmd.note, effective_date=day, actor=actor), unpledge=True)

    def default_pledge(self, cmd: t.PledgeStep, *, actor: str) -> Outcome[None]:
        return self._end(cmd, actor, lambda p, day: p.default(
            note=cmd.note, effective_date=day, actor=actor), unpledge=False)

    def enforce_pledge(self, cmd: t.PledgeStep, *, actor: str) -> Outcome[None]:
        """质权实现 after a default: the pledge no longer binds (the sale is its own contract)."""
        return self._end(cmd, actor, lambda p, day: p.enforce(
            note=cmd.note, proceeds=cmd.proceeds, effective_date=day, actor=actor), unpledge=True)

    def record_pledge_support(self, cmd: t.RecordPledgeSupport, *, actor: str) -> Outcome[None]:
        """贴息 or 风险补偿 paid on a pledge loan (Baoding items 10-11)."""

        def work(uow: UnitOfWork) -> None:
            uow.get(Pledge, cmd.pledge_id, "pledge").record_support(
                cmd.kind, cmd.amount, cmd.payer,
                effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    def _end(self, cmd: t.PledgeStep, actor: str, step: Callable[[Pledge, date], None], *,
             unpledge: bool) -> Outcome[None]:
        def work(uow: UnitOfWork) -> None:
            day = self.effective(cmd.effective_date)
            pledge = uow.get(Pledge, cmd.pledge_id, "pledge")
            step(pledge, day)
            if unpledge:
                for achievement_id in self._items(pledge):
                    rights_of(uow, achievement_id, actor).unpledge(
                        pledge.id, effective_date=day, actor=actor)

        return self.execute(work)

    @staticmethod
    def _items(pledge: Pledge) -> list[UUID]:
        assert pledge.terms is not None
        return [item.achievement_id for item in pledge.terms.items]

    @staticmethod
    def _check_loan_parties(uow: UnitOfWork, terms: LoanTerms) -> None:
        pledgee = uow.get(Party, terms.pledgee_id, "party")
        if pledgee.kind is not PartyKind.BANK:
            raise WrongPartyKind(f"{pledgee.name} is not a bank (金融机构)", field="pledgee_id")
        uow.get(Party, terms.pledgor_id, "party")
        uow.get(Party, terms.debtor_id, "party")

    @staticmethod
    def _pledged_patents(uow: UnitOfWork, item: PledgeItem, day: date,
                         loan_end: date) -> tuple[str, ...]:
        """The item's patents (all of the achievement's when none are named), each in force on
        `day` and until the loan ends (CNIPA pledge-registration refusals)."""
        achievement: Achievement = registered_achievement(uow, item.achievement_id)
        numbers = tuple(normalize_patent_number(n) for n in item.patent_numbers)
        unknown = set(numbers) - set(achievement.patents)
        if unknown:
            raise InvalidInput(f"patents {sorted(unknown)} do not belong to the achievement",
                               field="items")
        for number in numbers or tuple(achievement.patents):
            patent = achievement.patents[number]
            expired = patent.expiry_date is not None and patent.expiry_date < day
            if patent.status in UNPLEDGEABLE or expired:
                raise PatentNotPledgeable(f"patent {number} is {patent.status.value}"
                                          + (" (expired)" if expired else ""), patent=number)
            if patent.expiry_date is not None and loan_end > patent.expiry_date:
                raise LoanOutlivesPatent(f"the loan ends {loan_end}, after patent {number} "
                                         f"expires on {patent.expiry_date}", patent=number)
        return numbers

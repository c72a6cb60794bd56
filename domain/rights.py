"""Who holds which rights in an achievement, by date: owners, licenses, pledges, trades.

One per achievement (derived id). Every contract and pledge that touches an achievement changes
its rights in the same save as itself, so racing commands on one achievement conflict here and
the loser is decided again on the new state (ARCHITECTURE.md, data flow 1).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from domain.base import LedgerAggregate, derived_id
from domain.contract import ContractTerms, ContractType, ContractVariant
from domain.errors import DomainError, InvalidTransition


class SellerNotOwner(DomainError):
    code = "seller_not_owner"
    title_zh = "出让方不是成果权利人"
    title_en = "Seller does not hold the achievement"


class ExclusiveLicenseConflict(DomainError):
    code = "exclusive_license_conflict"
    title_zh = "与有效的独占许可冲突"
    title_en = "Conflicts with an active exclusive license"


class AlreadyPledged(DomainError):
    code = "achievement_already_pledged"
    title_zh = "成果已处于质押状态"
    title_en = "Achievement already pledged"


class PledgedWithoutConsent(DomainError):
    code = "pledged_without_consent"
    title_zh = "质押物转让或许可须经质权人同意"
    title_en = "Pledged: the pledgee has not consented to this contract"


class PledgorNotOwner(DomainError):
    code = "pledgor_not_owner"
    title_zh = "出质人不是权利人"
    title_en = "Pledgor does not own the item"


@dataclass(frozen=True)
class License:
    contract_id: UUID
    licensee_id: UUID
    variant: ContractVariant
    start: date
    end: date | None
    ended_on: date | None = None

    def active_on(self, day: date) -> bool:
        return self.overlaps(day, day)

    def overlaps(self, start: date, end: date | None) -> bool:
        """Live at some day of [start, end] (end None: open-ended)."""
        last = self.end if self.ended_on is None else (
            self.ended_on - timedelta(days=1) if self.end is None
            else min(self.end, self.ended_on - timedelta(days=1)))
        return (end is None or self.start <= end) and (last is None or last >= start) \
            and (last is None or last >= self.start)


@dataclass(frozen=True)
class Lien:
    """A pledge on the achievement (empty patents: the whole achievement), binding from
    `since` until the day its release takes effect."""

    pledge_id: UUID
    pledgee_id: UUID
    patent_numbers: tuple[str, ...]
    consents: tuple[str, ...] = ()
    since: date = date.min
    ended_on: date | None = None

    def binding_after(self, day: date) -> bool:
        """Still binding on `day` or later (so an open-ended new pledge from `day` collides)."""
        return self.ended_on is None or self.ended_on > day

    def overlaps(self, patent_numbers: tuple[str, ...]) -> bool:
        if not self.patent_numbers or not patent_numbers:
            return True
        return bool(set(self.patent_numbers) & set(patent_numbers))


@dataclass(frozen=True)
class Trade:
    contract_id: UUID
    contract_type: ContractType
    buyer_id: UUID
    turnover: Decimal
    transaction_amount: Decimal
    ended_on: date | None = None  # the contract was terminated


class AchievementRights(LedgerAggregate):
    class Opened(LedgerAggregate.Created):
        achievement_id: UUID
        owner_ids: tuple[UUID, ...]

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, AchievementRights)
            # The registered owners are the owners as far back as the ledger knows.
            aggregate.ownership = ((date.min, self.owner_ids),)

    class Traded(LedgerAggregate.Event):
        """A registered contract involves the achievement; a transfer moves ownership from the
        seller to the buyer on the signing date, a license grants a license."""

        trade: Trade
        owner_ids: tuple[UUID, ...]  # after the contract
        license: License | None

        def apply(self, aggregate: AchievementRights) -> None:
            aggregate.trades = (*aggregate.trades, self.trade)
            if self.owner_ids != aggregate.owners_on(date.max):
                aggregate.ownership = (*aggregate.ownership, (self.effective_date, self.owner_ids))
            if self.license is not None:
                aggregate.licenses = (*aggregate.licenses, self.license)

    class TradeAmended(LedgerAggregate.Event):
        """The contract's amounts or term changed: a license follows its new end."""

        contract_id: UUID
        turnover: Decimal
        transaction_amount: Decimal
        term_end: date | None

        def apply(self, aggregate: AchievementRights) -> None:
            aggregate.trades = tuple(
                replace(x, turnover=self.turnover, transaction_amount=self.transaction_amount)
                if x.contract_id == self.contract_id else x for x in aggregate.trades)
            aggregate.licenses = tuple(
                replace(x, end=self.term_end) if x.contract_id == self.contract_id else x
                for x in aggregate.licenses)

    class TradeEnded(LedgerAggregate.Event):
        """The contract was terminated: its license ends; a transfer stays done."""

        contract_id: UUID

        def apply(self, aggregate: AchievementRights) -> None:
            aggregate.trades = tuple(
                replace(x, ended_on=self.effective_date) if x.contract_id == self.contract_id
                else x for x in aggregate.trades)
            aggregate.licenses = tuple(
                replace(x, ended_on=self.effective_date) if x.contract_id == self.contract_id
                else x for x in aggregate.licenses)

    class Pledged(LedgerAggregate.Event):
        lien: Lien

        def apply(self, aggregate: AchievementRights) -> None:
            aggregate.liens = (*aggregate.liens, replace(self.lien, since=self.effective_date))

    class ConsentNoted(LedgerAggregate.Event):
        pledge_id: UUID
        contract_number: str

        def apply(self, aggregate: AchievementRights) -> None:
            aggregate.liens = tuple(
                replace(x, consents=(*x.consents, self.contract_number))
                if x.pledge_id == self.pledge_id else x for x in aggregate.liens)

    class Unpledged(LedgerAggregate.Event):
        pledge_id: UUID

        def apply(self, aggregate: AchievementRights) -> None:
            aggregate.liens = tuple(
                replace(x, ended_on=self.effective_date) if x.pledge_id == self.pledge_id
                else x for x in aggregate.liens)

    def __init__(self) -> None:
        super().__init__()
        self.ownership: tuple[tuple[date, tuple[UUID, ...]], ...] = ()
        self.licenses: tuple[License, ...] = ()
        self.liens: tuple[Lien, ...] = ()
        self.trades: tuple[Trade, ...] = ()

    @staticmethod
    def id_for(achievement_id: UUID) -> UUID:
        return derived_id("achievement-rights", str(achievement_id))

    @property
    def active_liens(self) -> tuple[Lien, ...]:
        """Pledges not yet released or enforced."""
        return tuple(x for x in self.liens if x.ended_on is None)

    @classmethod
    def open(cls, achievement_id: UUID, owner_ids: tuple[UUID, ...], *, registered_on: date,
             actor: str) -> AchievementRights:
        return cls._create(cls.Opened, id=cls.id_for(achievement_id), request_digest="",
                           effective_date=registered_on, actor=actor,
                           achievement_id=achievement_id, owner_ids=owner_ids)

    def owners_on(self, day: date) -> tuple[UUID, ...]:
        owners: tuple[UUID, ...] = ()
        for since, holders in self.ownership:
            if since <= day:
                owners = holders
        return owners

    def check_trade(self, contract_id: UUID, terms: ContractTerms) -> None:
        """Refuse now what `record_trade` would refuse (a case accepted for later completion)."""
        self._planned_trade(contract_id, terms)

    def record_trade(self, contract_id: UUID, terms: ContractTerms, *, actor: str) -> None:
        """Apply a contract whose registration completes."""
        trade, owners, license = self._planned_trade(contract_id, terms)
        self.trigger_event(self.Traded, trade=trade, owner_ids=owners, license=license,
                           effective_date=terms.signed_on, actor=actor)

    def _planned_trade(self, contract_id: UUID, terms: ContractTerms
                       ) -> tuple[Trade, tuple[UUID, ...], License | None]:
        """The contract's effect, if the rules allow it: who may dispose (seller holds it on the
        signing date), exclusive licenses, and pledges (Civil Code art. 444: only with the
        pledgee's consent)."""
        kind, day = terms.contract_type, terms.signed_on
        owners = self.owners_on(day)
        license = None
        if kind in (ContractType.TRANSFER, ContractType.LICENSE):
            self._require_holder(terms.seller_id, day)
            self._require_consents(terms.contract_number, day)
        if kind is ContractType.TRANSFER:
            owners = tuple(terms.buyer_id if o == terms.seller_id else o for o in owners)
            owners = tuple(dict.fromkeys(owners))  # the buyer may already co-own it
        elif kind is ContractType.LICENSE:
            assert terms.variant is not None
            license = License(contract_id, terms.buyer_id, terms.variant, day, terms.term_end)
            self._require_no_collision(license, day, terms.term_end)
        trade = Trade(contract_id, kind, terms.buyer_id, terms.turnover, terms.transaction_amount)
        return trade, owners, license

    def amend_trade(self, contract_id: UUID, *, turnover: Decimal, transaction_amount: Decimal,
                    term_end: date | None, effective_date: date, actor: str) -> None:
        """Follow an amended contract; a longer license term must not collide with another
        license where either is exclusive."""
        license = next((x for x in self.licenses if x.contract_id == contract_id), None)
        if license is not None and _later(term_end, license.end):
            assert license.end is not None
            self._require_no_collision(license, license.end + timedelta(days=1), term_end)
        self.trigger_event(self.TradeAmended, contract_id=contract_id, turnover=turnover,
                           transaction_amount=transaction_amount, term_end=term_end,
                           effective_date=effective_date, actor=actor)

    def end_trade(self, contract_id: UUID, *, effective_date: date, actor: str) -> None:
        self.trigger_event(self.TradeEnded, contract_id=contract_id,
                           effective_date=effective_date, actor=actor)

    @property
    def standing_trades(self) -> tuple[Trade, ...]:
        """Contracts involving the achievement that were not terminated."""
        return tuple(x for x in self.trades if x.ended_on is None)

    def pledge(self, lien: Lien, pledgor_id: UUID, *, effective_date: date, actor: str) -> None:
        """CNIPA refusals: the pledgor must own it; no item may be under an active pledge."""
        latest_change = self.ownership[-1][0]
        if effective_date < max(latest_change, self.started_on):
            raise PledgorNotOwner(f"a pledge cannot take effect on {effective_date}: before the "
                                  f"achievement's registration or latest change of owner")
        if pledgor_id not in self.owners_on(effective_date):
            raise PledgorNotOwner(f"the pledgor does not own this achievement on {effective_date}")
        taken = next((x for x in self.liens
                      if x.binding_after(effective_date) and x.overlaps(lien.patent_numbers)), None)
        if taken is not None:
            raise AlreadyPledged("the achievement (or one of these patents) is already under an "
                                 "active pledge", pledge_id=str(taken.pledge_id))
        self.trigger_event(self.Pledged, lien=lien, effective_date=effective_date, actor=actor)

    def note_consent(self, pledge_id: UUID, contract_number: str, *, effective_date: date,
                     actor: str) -> None:
        self.trigger_event(self.ConsentNoted, pledge_id=pledge_id, contract_number=contract_number,
                           effective_date=effective_date, actor=actor)

    def unpledge(self, pledge_id: UUID, *, effective_date: date, actor: str) -> None:
        if not any(x.pledge_id == pledge_id and x.ended_on is None for x in self.liens):
            raise InvalidTransition("this pledge does not bind the achievement")
        self.trigger_event(self.Unpledged, pledge_id=pledge_id, effective_date=effective_date,
                           actor=actor)

    def _require_holder(self, seller_id: UUID, day: date) -> None:
        latest_change = self.ownership[-1][0]
        if day < latest_change:
            # History is not rewritten: a disposal dated before the latest ownership change
            # would sell what the seller may no longer hold (a double sale).
            raise SellerNotOwner(f"ownership changed on {latest_change}; a transfer or license "
                                 f"signed on {day} cannot be registered now")
        if seller_id not in self.owners_on(day):
            raise SellerNotOwner(f"the seller does not hold this achievement on {day}",
                                 owners=[str(o) for o in self.owners_on(day)])

    def _require_consents(self, contract_number: str, day: date) -> None:
        """Every pledge binding on the signing date or later must consent: a disposal signed
        before a pledge began, but registered after it, would undercut that pledge too."""
        missing = [x for x in self.liens
                   if x.binding_after(day) and contract_number not in x.consents]
        if missing:
            raise PledgedWithoutConsent(
                f"the achievement is pledged to {len(missing)} pledgee(s) who have not consented "
                f"to contract {contract_number}",
                pledge_ids=[str(x.pledge_id) for x in missing])

    def _require_no_collision(self, license: License, start: date, end: date | None) -> None:
        """At most one exclusive license at a time, and an exclusive one excludes every other:
        no live license may overlap [start, end] where either is exclusive."""
        clashes = [other for other in self.licenses
                   if other.contract_id != license.contract_id
                   and ContractVariant.EXCLUSIVE in (other.variant, license.variant)
                   and other.overlaps(start, end)]
        if clashes:
            raise ExclusiveLicenseConflict(
                "the license's term overlaps another license where one of them is exclusive",
                contract_ids=[str(x.contract_id) for x in clashes])


def _later(new_end: date | None, old_end: date | None) -> bool:
    """True if `new_end` extends a term that ended at `old_end` (None: open-ended)."""
    if old_end is None:
        return False
    return new_end is None or new_end > old_end

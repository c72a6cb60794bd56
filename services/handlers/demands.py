"""Demands (技术需求) and listings (挂牌) on the regional technology market (Baoding items 4-5)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from domain.demand import DemandStatus, TechDemand
from domain.errors import InvalidInput, WrongPartyKind
from domain.listing import AchievementListing
from domain.party import Party
from domain.rights import AchievementRights, SellerNotOwner
from domain.standing import SanctionScope
from domain.values import PartyKind
from services import demand_commands as d
from services.core import LedgerCore
from services.handlers.results import Created
from services.handlers.trades import EXCHANGES, registered_achievement
from services.idempotency import create_once
from services.standing import barring
from services.uow import Outcome, UnitOfWork


class DemandCommands(LedgerCore):
    def post_demand(self, cmd: d.PostDemand, *, actor: str,
                    key: str | None = None) -> Outcome[Created]:
        """An enterprise's need, posted by the exchange; `key` makes a retry safe."""

        def work(uow: UnitOfWork) -> Created:
            def build(demand_id: UUID, digest: str) -> TechDemand:
                day = self.effective(cmd.effective_date)
                _require_kind(uow, cmd.terms.enterprise_id, {PartyKind.ENTERPRISE},
                              "an enterprise (企业)", "enterprise_id")
                return TechDemand.post(cmd.terms, id=demand_id, request_digest=digest,
                                       effective_date=day, actor=actor)

            demand, created = create_once(uow, TechDemand, "demand", key, cmd, build)
            return Created(demand.id, replayed=not created, status=demand.status.value)

        return self.execute(work)

    def update_demand(self, cmd: d.UpdateDemand, *, actor: str) -> Outcome[None]:
        """New terms; given without the enterprise, the demand's own is kept."""

        def work(uow: UnitOfWork) -> None:
            demand = uow.get(TechDemand, cmd.demand_id, "demand")
            terms = cmd.terms
            if isinstance(terms, d.DemandChanges):
                assert demand.terms is not None
                terms = terms.for_enterprise(demand.terms.enterprise_id)
            demand.update(terms, effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    def close_demand(self, cmd: d.CloseDemand, *, actor: str) -> Outcome[None]:
        def work(uow: UnitOfWork) -> None:
            uow.get(TechDemand, cmd.demand_id, "demand").close(
                cmd.reason, effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    def expire_demand(self, cmd: d.ExpireDemand, *, actor: str) -> Outcome[None]:
        def work(uow: UnitOfWork) -> None:
            uow.get(TechDemand, cmd.demand_id, "demand").expire(
                effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)

    def expire_overdue_demands(self, cmd: d.ExpireOverdueDemands, *,
                               actor: str) -> Outcome[list[UUID]]:
        """Expire each candidate still open whose deadline is before `as_of`, as of the day
        after its deadline (when it lapsed, whenever the sweep runs). Those already ended (by
        another sweep, a closure, a match) or not yet due are skipped: running it twice, or in
        two processes at once, expires each demand once (a conflicting save is retried on the
        reloaded demand, which is then no longer open)."""

        def work(uow: UnitOfWork) -> list[UUID]:
            day, expired = self.effective(cmd.as_of), []
            refuse_sweep_ahead(day, self.today())
            for demand_id in cmd.demand_ids:
                demand = uow.find(TechDemand, demand_id)
                if demand is None or demand.status is not DemandStatus.OPEN:
                    continue
                assert demand.terms is not None
                if demand.terms.deadline < day:
                    demand.expire(effective_date=demand.terms.deadline + timedelta(days=1),
                                  actor=actor)
                    expired.append(demand_id)
            return expired

        return self.execute(work)

    def list_achievement(self, cmd: d.ListAchievement, *, actor: str,
                         key: str | None = None) -> Outcome[Created]:
        """挂牌: the seller must hold the achievement and may trade (Baoding item 9)."""

        def work(uow: UnitOfWork) -> Created:
            def build(listing_id: UUID, digest: str) -> AchievementListing:
                terms = cmd.terms
                day = cmd.effective_date or terms.listed_from
                _require_holder(uow, terms.achievement_id, terms.seller_id, terms.listed_from)
                barring(uow, terms.seller_id, SanctionScope.TRADING, day)
                _require_kind(uow, terms.exchange_id, EXCHANGES,
                              "a technology exchange or registry", "exchange_id")
                return AchievementListing.list(terms, id=listing_id, request_digest=digest,
                                               effective_date=day, actor=actor)

            listing, created = create_once(uow, AchievementListing, "listing", key, cmd, build)
            return Created(listing.id, replayed=not created, status=listing.status.value)

        return self.execute(work)

    def withdraw_listing(self, cmd: d.WithdrawListing, *, actor: str) -> Outcome[None]:
        def work(uow: UnitOfWork) -> None:
            uow.get(AchievementListing, cmd.listing_id, "listing").withdraw(
                cmd.reason, effective_date=self.effective(cmd.effective_date), actor=actor)

        return self.execute(work)


def _require_kind(uow: UnitOfWork, party_id: UUID, kinds: set[PartyKind] | frozenset[PartyKind],
                  what: str, field: str) -> None:
    party = uow.get(Party, party_id, "party")
    if party.kind not in kinds:
        raise WrongPartyKind(f"{party.name} ({party.kind.value}) is not {what}", field=field)


def _require_holder(uow: UnitOfWork, achievement_id: UUID, seller_id: UUID, day: date) -> None:
    """Read the rights without opening them: a listing changes no rights."""
    achievement = registered_achievement(uow, achievement_id)
    rights = uow.find(AchievementRights, AchievementRights.id_for(achievement_id))
    owners = rights.owners_on(day) if rights is not None else achievement.owner_ids
    if seller_id not in owners:
        raise SellerNotOwner(f"the seller does not hold this achievement on {day}",
                             owners=[str(o) for o in owners])


def refuse_sweep_ahead(as_of: date, today: date) -> None:
    """A sweep as of a later day would expire demands whose deadline has not passed yet,
    for good (an expired demand does not reopen)."""
    if as_of > today:
        raise InvalidInput(f"as_of {as_of} is after today ({today}): a sweep expires only "
                           "demands whose deadline has passed", field="as_of")

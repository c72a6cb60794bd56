"""Market events (路演, 科技成果直通车, 创新挑战赛): Baoding item 5 asks the market to organise
推介、对接、路演 activities; item 4 lists showing achievements and matching needs among the
market's services. The checks that need other aggregates live here: who may organise, what
may be featured, who may attend."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from domain.achievement import Achievement, AchievementStatus
from domain.demand import DemandStatus, TechDemand
from domain.errors import WrongPartyKind
from domain.market_event import MarketEvent, NotFeaturable
from domain.party import Party
from services import market_event_commands as m
from services.core import LedgerCore
from services.handlers.matches import barred_owner
from services.handlers.results import Created
from services.handlers.trades import EXCHANGES
from services.idempotency import create_once
from services.uow import Outcome, UnitOfWork

Step = Callable[[UnitOfWork, MarketEvent, date], None]


class MarketEventCommands(LedgerCore):
    def schedule_event(self, cmd: m.ScheduleEvent, *, actor: str,
                       key: str | None = None) -> Outcome[Created]:
        """Organised by a technology-transfer agency or a government body: Baoding item 5
        names the S&T bureau and its partners as lead units and asks transfer agencies to run
        matching activities (精准对接活动)."""

        def work(uow: UnitOfWork) -> Created:
            def build(event_id: UUID, digest: str) -> MarketEvent:
                day = self.effective(cmd.effective_date)
                _require_organiser(uow, cmd.plan.organiser_id)
                return MarketEvent.schedule(cmd.plan, id=event_id, request_digest=digest,
                                            effective_date=day, actor=actor)

            event, created = create_once(uow, MarketEvent, "market_event", key, cmd, build)
            return Created(event.id, replayed=not created, status=event.status.value)

        return self.execute(work)

    def _on_event(self, event_id: UUID, given: date | None, step: Step) -> Outcome[None]:
        def work(uow: UnitOfWork) -> None:
            step(uow, uow.get(MarketEvent, event_id, "market_event"), self.effective(given))

        return self.execute(work)

    def feature_achievement(self, cmd: m.FeatureAchievement, *, actor: str) -> Outcome[None]:
        def step(uow: UnitOfWork, event: MarketEvent, day: date) -> None:
            _require_showable(uow, cmd.achievement_id, day)
            event.feature_achievement(cmd.achievement_id, effective_date=day, actor=actor)

        return self._on_event(cmd.event_id, cmd.effective_date, step)

    def unfeature_achievement(self, cmd: m.UnfeatureAchievement, *, actor: str) -> Outcome[None]:
        def step(_: UnitOfWork, event: MarketEvent, day: date) -> None:
            event.unfeature_achievement(cmd.achievement_id, cmd.reason, effective_date=day,
                                        actor=actor)

        return self._on_event(cmd.event_id, cmd.effective_date, step)

    def feature_demand(self, cmd: m.FeatureDemand, *, actor: str) -> Outcome[None]:
        def step(uow: UnitOfWork, event: MarketEvent, day: date) -> None:
            demand = _open_demand(uow, cmd.demand_id, day)
            assert demand.terms is not None
            event.feature_demand(cmd.demand_id, demand.terms.enterprise_id, effective_date=day,
                                 actor=actor)

        return self._on_event(cmd.event_id, cmd.effective_date, step)

    def unfeature_demand(self, cmd: m.UnfeatureDemand, *, actor: str) -> Outcome[None]:
        def step(_: UnitOfWork, event: MarketEvent, day: date) -> None:
            event.unfeature_demand(cmd.demand_id, cmd.reason, effective_date=day, actor=actor)

        return self._on_event(cmd.event_id, cmd.effective_date, step)

    def register_attendee(self, cmd: m.RegisterAttendee, *, actor: str) -> Outcome[None]:
        def step(uow: UnitOfWork, event: MarketEvent, day: date) -> None:
            uow.get(Party, cmd.party_id, "party")
            event.register_attendee(cmd.party_id, effective_date=day, actor=actor)

        return self._on_event(cmd.event_id, cmd.effective_date, step)

    def record_attendance(self, cmd: m.RecordAttendance, *, actor: str) -> Outcome[None]:
        def step(uow: UnitOfWork, event: MarketEvent, day: date) -> None:
            uow.get(Party, cmd.party_id, "party")
            event.record_attendance(cmd.party_id, effective_date=day, actor=actor)

        return self._on_event(cmd.event_id, cmd.effective_date, step)

    def hold_event(self, cmd: m.HoldEvent, *, actor: str) -> Outcome[None]:
        def step(_: UnitOfWork, event: MarketEvent, day: date) -> None:
            event.hold(effective_date=day, actor=actor)

        return self._on_event(cmd.event_id, cmd.effective_date, step)

    def cancel_event(self, cmd: m.CancelEvent, *, actor: str) -> Outcome[None]:
        def step(_: UnitOfWork, event: MarketEvent, day: date) -> None:
            event.cancel(cmd.reason, effective_date=day, actor=actor)

        return self._on_event(cmd.event_id, cmd.effective_date, step)


def _require_organiser(uow: UnitOfWork, party_id: UUID) -> None:
    party = uow.get(Party, party_id, "party")
    if party.kind not in EXCHANGES:
        raise WrongPartyKind(f"{party.name} ({party.kind.value}) is not a technology-transfer "
                             "agency or government body", field="organiser_id")


def _require_showable(uow: UnitOfWork, achievement_id: UUID, day: date) -> None:
    """Only a registered achievement is shown (Baoding item 2: registration is what makes it
    public; a cancelled registration withdraws it), and none whose owner is barred from
    trading (Baoding item 9), since featuring offers it for a deal. A pledge does not bar
    showing [D]: Civil Code art. 444 restricts the transfer, and consent may follow."""
    achievement = uow.get(Achievement, achievement_id, "achievement")
    if achievement.status is not AchievementStatus.REGISTERED:
        raise NotFeaturable("the achievement's registration is cancelled",
                            reason="registration_cancelled")
    if achievement.registered_on > day:
        raise NotFeaturable(f"the achievement is registered only on {achievement.registered_on}",
                            reason="not_yet_registered")
    owner = barred_owner(uow, achievement, day)
    if owner is not None:
        raise NotFeaturable(f"owner {owner} is barred from trading (Baoding item 9)",
                            reason="owner_barred_from_trading")


def _open_demand(uow: UnitOfWork, demand_id: UUID, day: date) -> TechDemand:
    """A demand is featured while it seeks a solution [D]: open, and posted by then."""
    demand = uow.get(TechDemand, demand_id, "demand")
    if demand.status is not DemandStatus.OPEN:
        raise NotFeaturable(f"the demand is {demand.status.value}",
                            reason=f"demand_{demand.status.value}")
    if demand.started_on > day:
        raise NotFeaturable(f"the demand is posted only on {demand.started_on}",
                            reason="not_yet_posted")
    return demand

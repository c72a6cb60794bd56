"""Market events (推介、对接、路演活动): roadshows (路演), achievement direct trains (科技成果直通车)
and innovation challenges (创新挑战赛), which Baoding item 5 asks the market to organise so that
achievements meet enterprises; item 4 lists showing achievements (成果展示), publishing
information and matching needs (需求对接) among the regional market's services.

Scheduled → (achievements and demands featured or taken off, parties registered) → Held
(attendance recorded) | Cancelled. Rules marked [D] are our design; the seeds name the
activities, not their procedure. Which contracts an event produced: domain.market_event_policy.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from domain.base import LedgerAggregate, require_text
from domain.errors import DomainError, InvalidInput, InvalidTransition
from domain.market_event_plan import EventKind, EventPlan, check_plan


class EventStatus(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class NotFeaturable(DomainError):
    code = "not_featurable"
    title_zh = "该成果或需求不可在活动中推介"
    title_en = "May not be featured at the event"


class MarketEvent(LedgerAggregate):
    no_steps_before_creation = True

    class Scheduled(LedgerAggregate.Created):
        plan: EventPlan

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, MarketEvent)
            aggregate.plan = self.plan

    class AchievementFeatured(LedgerAggregate.Event):
        achievement_id: UUID

        def apply(self, aggregate: MarketEvent) -> None:
            aggregate.achievement_ids = (*aggregate.achievement_ids, self.achievement_id)

    class AchievementUnfeatured(LedgerAggregate.Event):
        achievement_id: UUID
        reason: str

        def apply(self, aggregate: MarketEvent) -> None:
            aggregate.achievement_ids = tuple(
                a for a in aggregate.achievement_ids if a != self.achievement_id)

    class DemandFeatured(LedgerAggregate.Event):
        demand_id: UUID
        enterprise_id: UUID  # who posted it: the deals rule and tracing need no lookup

        def apply(self, aggregate: MarketEvent) -> None:
            aggregate.demand_ids = (*aggregate.demand_ids, self.demand_id)

    class DemandUnfeatured(LedgerAggregate.Event):
        demand_id: UUID
        reason: str

        def apply(self, aggregate: MarketEvent) -> None:
            aggregate.demand_ids = tuple(d for d in aggregate.demand_ids if d != self.demand_id)

    class AttendeeRegistered(LedgerAggregate.Event):
        party_id: UUID  # 报名

        def apply(self, aggregate: MarketEvent) -> None:
            aggregate.registered = (*aggregate.registered, self.party_id)

    class Attended(LedgerAggregate.Event):
        party_id: UUID  # 到场: registered or not (walk-ins are welcome [D])

        def apply(self, aggregate: MarketEvent) -> None:
            aggregate.attended = (*aggregate.attended, self.party_id)

    class Held(LedgerAggregate.Event):
        achievement_ids: tuple[UUID, ...]  # what was shown, as held
        demand_ids: tuple[UUID, ...]

        def apply(self, aggregate: MarketEvent) -> None:
            aggregate.status, aggregate.held_on = EventStatus.HELD, self.effective_date

    class Cancelled(LedgerAggregate.Event):
        reason: str
        achievement_ids: tuple[UUID, ...]  # no longer shown: their timelines say so

        def apply(self, aggregate: MarketEvent) -> None:
            aggregate.status = EventStatus.CANCELLED

    def __init__(self) -> None:
        super().__init__()
        self.plan: EventPlan | None = None
        self.status = EventStatus.SCHEDULED
        self.achievement_ids: tuple[UUID, ...] = ()
        self.demand_ids: tuple[UUID, ...] = ()
        self.registered: tuple[UUID, ...] = ()
        self.attended: tuple[UUID, ...] = ()
        self.held_on: date | None = None

    @classmethod
    def schedule(cls, plan: EventPlan, *, id: UUID, request_digest: str, effective_date: date,
                 actor: str) -> MarketEvent:
        return cls._create(cls.Scheduled, id=id, request_digest=request_digest,
                           effective_date=effective_date, actor=actor,
                           plan=check_plan(plan, effective_date))

    @property
    def terms(self) -> EventPlan:
        assert self.plan is not None
        return self.plan

    def _before_held(self, step: str, day: date) -> None:
        """The line-up and registrations are settled by the end of the event [D]; nothing
        changes after a cancellation."""
        if self.status is not EventStatus.SCHEDULED:
            raise InvalidTransition(f"cannot {step}: the event is {self.status.value}")
        if day > self.terms.ends_on:
            raise InvalidTransition(f"cannot {step} on {day}, after the event ended "
                                    f"({self.terms.ends_on})")

    def feature_achievement(self, achievement_id: UUID, *, effective_date: date,
                            actor: str) -> None:
        """Whether the achievement may be shown (registered, owners not barred) is checked
        by the service, which reads the achievement."""
        self._before_held("feature an achievement", effective_date)
        if achievement_id in self.achievement_ids:
            raise InvalidTransition("the achievement is already featured")
        self.trigger_event(self.AchievementFeatured, achievement_id=achievement_id,
                           effective_date=effective_date, actor=actor)

    def unfeature_achievement(self, achievement_id: UUID, reason: str, *, effective_date: date,
                              actor: str) -> None:
        self._before_held("take an achievement off", effective_date)
        if achievement_id not in self.achievement_ids:
            raise InvalidTransition("the achievement is not featured")
        self.trigger_event(self.AchievementUnfeatured, achievement_id=achievement_id,
                           reason=require_text(reason, "reason"),
                           effective_date=effective_date, actor=actor)

    def feature_demand(self, demand_id: UUID, enterprise_id: UUID, *, effective_date: date,
                       actor: str) -> None:
        self._before_held("feature a demand", effective_date)
        if demand_id in self.demand_ids:
            raise InvalidTransition("the demand is already featured")
        self.trigger_event(self.DemandFeatured, demand_id=demand_id, enterprise_id=enterprise_id,
                           effective_date=effective_date, actor=actor)

    def unfeature_demand(self, demand_id: UUID, reason: str, *, effective_date: date,
                         actor: str) -> None:
        self._before_held("take a demand off", effective_date)
        if demand_id not in self.demand_ids:
            raise InvalidTransition("the demand is not featured")
        self.trigger_event(self.DemandUnfeatured, demand_id=demand_id,
                           reason=require_text(reason, "reason"),
                           effective_date=effective_date, actor=actor)

    def register_attendee(self, party_id: UUID, *, effective_date: date, actor: str) -> None:
        """报名: before the event is held [D]."""
        self._before_held("register an attendee", effective_date)
        if party_id in self.registered:
            raise InvalidTransition("the party is already registered")
        self.trigger_event(self.AttendeeRegistered, party_id=party_id,
                           effective_date=effective_date, actor=actor)

    def record_attendance(self, party_id: UUID, *, effective_date: date, actor: str) -> None:
        """Attendance is a fact of the event: only once it is held, dated no earlier."""
        if self.status is not EventStatus.HELD or self.held_on is None:
            raise InvalidTransition(f"attendance is recorded once the event is held; it is "
                                    f"{self.status.value}")
        if effective_date < self.terms.starts_on:
            raise InvalidInput(f"attendance on {effective_date}, before the event began",
                               field="effective_date")
        if party_id in self.attended:
            raise InvalidTransition("the party's attendance is already recorded")
        self.trigger_event(self.Attended, party_id=party_id, effective_date=effective_date,
                           actor=actor)

    def hold(self, *, effective_date: date, actor: str) -> None:
        """Held on or after its first day, showing what its kind is about [D]: achievements at a
        roadshow or direct train, enterprises' demands at a challenge."""
        if self.status is not EventStatus.SCHEDULED:
            raise InvalidTransition(f"the event is {self.status.value}")
        if effective_date < self.terms.starts_on:
            raise InvalidTransition(f"the event begins on {self.terms.starts_on}")
        shown = self.demand_ids if self.terms.kind is EventKind.CHALLENGE else self.achievement_ids
        if not shown:
            what = "demand" if self.terms.kind is EventKind.CHALLENGE else "achievement"
            raise InvalidTransition(f"a {self.terms.kind.value} needs at least one featured {what}")
        self.trigger_event(self.Held, achievement_ids=self.achievement_ids,
                           demand_ids=self.demand_ids, effective_date=effective_date, actor=actor)

    def cancel(self, reason: str, *, effective_date: date, actor: str) -> None:
        if self.status is not EventStatus.SCHEDULED:
            raise InvalidTransition(f"cannot cancel an event that is {self.status.value}")
        self.trigger_event(self.Cancelled, reason=require_text(reason, "reason"),
                           achievement_ids=self.achievement_ids,
                           effective_date=effective_date, actor=actor)

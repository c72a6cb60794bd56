"""Demo market events (Baoding items 4-5): a new-energy roadshow (路演), an achievement direct
train (科技成果直通车) and an innovation challenge (创新挑战赛) on the demo's enterprises'
demands. Loaded after the demands: the roadshow features the achievement that the demand-side
deal (api.demo_demands) licensed a month later to an enterprise that attended, so the
events' statistics show that deal under policy events-2026.1. The schedule keys are fixed and
every later step is issued only if the event does not show it yet, so a second load writes
nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from api.demo_data import _load, _Loader
from domain.base import derived_id
from domain.demand import DemandStatus, TechDemand
from domain.market_event import EventStatus, MarketEvent, NotFeaturable
from domain.market_event_plan import EventKind, EventPlan
from domain.match import Match
from domain.values import PartyKind
from services import market_event_commands as m

ACTOR = "demo:events"
SHOWN = 3  # achievements (or demands) each event features


@dataclass(frozen=True)
class EventSpec:
    kind: EventKind
    title: str
    starts_on: date
    ends_on: date
    venue: str
    fields: tuple[str, ...]  # the featured achievements' fields (none: demands)


SPECS = (
    EventSpec(EventKind.ROADSHOW, "2026年保定市新能源科技成果路演", date(2026, 10, 15),
              date(2026, 10, 15), "保定国家高新区科技成果转化中心", ("新能源",)),
    EventSpec(EventKind.DIRECT_TRAIN, "科技成果直通车·走进保定国家高新区（现代农业与新材料）",
              date(2026, 6, 18), date(2026, 6, 18), "保定国家高新区管委会", ("现代农业", "新材料")),
    EventSpec(EventKind.CHALLENGE, "2026保定创新挑战赛（企业技术需求揭榜）", date(2026, 11, 24),
              date(2026, 11, 25), "保定市科技创新服务中心", ()),
)


@dataclass(frozen=True)
class EventsShowcase:
    event_ids: tuple[UUID, ...]
    roadshow_id: UUID  # followed by the demand-side deal's contract
    deal_contract_id: UUID


def load_events(loader: _Loader) -> EventsShowcase:
    run = _Events(loader)
    deal = _load(loader.ledger, Match, derived_id("match", loader.key("match", 0)))
    assert deal.achievement_id is not None and deal.contract_id is not None
    ids = tuple(run.event(i, spec, deal.achievement_id) for i, spec in enumerate(SPECS))
    return EventsShowcase(ids, ids[0], deal.contract_id)


class _Events:
    def __init__(self, loader: _Loader) -> None:
        self.loader, self.ledger = loader, loader.ledger
        self.enterprises = loader.orgs_of(PartyKind.ENTERPRISE, city="baoding")
        self.exchange = loader.orgs_of(PartyKind.TRANSFER_AGENCY, city="baoding")[0]
        self.bureau = loader.orgs_of(PartyKind.GOVERNMENT, city="baoding")[0]

    def event(self, index: int, spec: EventSpec, deal_achievement: UUID) -> UUID:
        organiser = self.exchange if spec.kind is EventKind.ROADSHOW else self.bureau
        plan = EventPlan(spec.kind, spec.title, organiser.id, spec.starts_on, spec.ends_on,
                         organiser.region, spec.venue)
        event_id = self.ledger.schedule_event(m.ScheduleEvent(
            plan, spec.starts_on - timedelta(days=30)), actor=ACTOR,
            key=self.loader.key("market-event", index)).value.id
        if self.state(event_id).status is EventStatus.SCHEDULED:
            self.line_up(event_id, spec, deal_achievement)
            self.register(event_id, spec, index)
            self.ledger.hold_event(m.HoldEvent(event_id, spec.ends_on), actor=ACTOR)
        self.attend(event_id, spec)
        return event_id

    def state(self, event_id: UUID) -> MarketEvent:
        return _load(self.ledger, MarketEvent, event_id)

    def line_up(self, event_id: UUID, spec: EventSpec, deal_achievement: UUID) -> None:
        day = spec.starts_on - timedelta(days=10)
        if spec.kind is EventKind.CHALLENGE:
            for demand_id in self.open_demands()[:SHOWN]:
                self.ledger.feature_demand(m.FeatureDemand(event_id, demand_id, day), actor=ACTOR)
            return
        first = [deal_achievement] if spec.kind is EventKind.ROADSHOW else []
        candidates = [*first, *(r.id for r in self.loader.registered
                                if r.draft.field in spec.fields and r.on < day)]
        self.feature_some(event_id, candidates, day)

    def feature_some(self, event_id: UUID, candidates: Iterable[UUID], day: date) -> None:
        """The first SHOWN candidates the rules let it show (cancelled or barred ones not)."""
        for achievement_id in dict.fromkeys(candidates):
            if len(self.state(event_id).achievement_ids) >= SHOWN:
                return
            try:
                self.ledger.feature_achievement(m.FeatureAchievement(event_id, achievement_id,
                                                                     day), actor=ACTOR)
            except NotFeaturable:
                continue

    def open_demands(self) -> list[UUID]:
        ids = [derived_id("demand", self.loader.key("demand", i)) for i in range(1, 8)]
        return [i for i in ids if _load(self.ledger, TechDemand, i).status is DemandStatus.OPEN]

    def guests(self, spec: EventSpec) -> list[UUID]:
        """Solvers (universities, institutes) at a challenge; enterprises elsewhere, the
        demand-side deal's buyer (the first Baoding enterprise) first."""
        if spec.kind is EventKind.CHALLENGE:
            return [o.id for o in self.loader.orgs_of(PartyKind.UNIVERSITY,
                                                      PartyKind.RESEARCH_INSTITUTE)[:4]]
        return [o.id for o in self.enterprises[:5]]

    def register(self, event_id: UUID, spec: EventSpec, index: int) -> None:
        day = spec.starts_on - timedelta(days=7)
        for party_id in self.guests(spec)[index % 2:]:
            if party_id not in self.state(event_id).registered:
                self.ledger.register_attendee(m.RegisterAttendee(event_id, party_id, day),
                                              actor=ACTOR)

    def attend(self, event_id: UUID, spec: EventSpec) -> None:
        """All but the last registered came, and the deal's buyer walked in if not registered."""
        event = self.state(event_id)
        came = [*event.registered[:-1], self.enterprises[0].id] \
            if spec.kind is EventKind.ROADSHOW else list(event.registered[:-1])
        for party_id in dict.fromkeys(came):
            if party_id not in self.state(event_id).attended:
                self.ledger.record_attendance(m.RecordAttendance(event_id, party_id,
                                                                 spec.starts_on), actor=ACTOR)


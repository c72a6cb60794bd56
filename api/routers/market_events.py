"""Market events (推介、对接、路演活动), Baoding items 4-5: roadshows (路演), achievement direct
trains (科技成果直通车) and innovation challenges (创新挑战赛), what they featured, who came, and
which contracts followed them.

Roles as for demands and matches: the exchange operator records events (the market's desk
runs them, also for the S&T bureau as organiser); exchange operators, registrars and auditors
read them; any key reads the events' statistics, like the trading statistics."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from api.auth import Anyone, require
from api.deps import IdempotencyKey, LedgerDep, ViewsDep, accepted, created
from api.routers.demands import OPERATORS, READERS  # the market desk's roles
from api.schemas.common import WriteAccepted
from api.schemas.demands import ReasonBody, StepBody
from api.schemas.market_events import AchievementPick, DemandPick, EventCreate, PartyPick
from domain.errors import NotFound
from domain.market_event_plan import EventPlan
from projections import market_event_queries as q
from projections.trade_queries import views_position
from services import market_event_commands as m
from services.handlers.access import Principal

router = APIRouter(tags=["market events"])
Operator = Annotated[Principal, Depends(require(*OPERATORS))]
Reader = Annotated[Principal, Depends(require(*READERS))]
BASE = "/v1/market-events"


@router.post(BASE, status_code=201, response_model=WriteAccepted)
def schedule(body: EventCreate, principal: Operator, ledger: LedgerDep, response: Response,
             idempotency_key: IdempotencyKey = None) -> WriteAccepted:
    """Schedule a roadshow, direct train or challenge."""
    plan = EventPlan(body.kind, body.title, body.organiser_id, body.starts_on, body.ends_on,
                     body.region_code, body.venue)
    outcome = ledger.schedule_event(m.ScheduleEvent(plan, body.effective_date),
                                    actor=principal.actor, key=idempotency_key)
    return created(ledger, outcome, response, "market-events")


@router.post(f"{BASE}/{{event_id}}/achievements", response_model=WriteAccepted)
def feature_achievement(event_id: UUID, body: AchievementPick, principal: Operator,
                        ledger: LedgerDep) -> WriteAccepted:
    """Feature a registered achievement (none cancelled, no owner barred from trading)."""
    command = m.FeatureAchievement(event_id, body.achievement_id, body.effective_date)
    return accepted(ledger, event_id,
                    ledger.feature_achievement(command, actor=principal.actor).position)


@router.post(f"{BASE}/{{event_id}}/achievements/{{achievement_id}}/removal",
             response_model=WriteAccepted)
def unfeature_achievement(event_id: UUID, achievement_id: UUID, body: ReasonBody,
                          principal: Operator, ledger: LedgerDep) -> WriteAccepted:
    """Take an achievement off the line-up before the event is held."""
    command = m.UnfeatureAchievement(event_id, achievement_id, body.reason, body.effective_date)
    return accepted(ledger, event_id,
                    ledger.unfeature_achievement(command, actor=principal.actor).position)


@router.post(f"{BASE}/{{event_id}}/demands", response_model=WriteAccepted)
def feature_demand(event_id: UUID, body: DemandPick, principal: Operator,
                   ledger: LedgerDep) -> WriteAccepted:
    """Feature an open demand (a challenge's 擂台 problem)."""
    command = m.FeatureDemand(event_id, body.demand_id, body.effective_date)
    return accepted(ledger, event_id,
                    ledger.feature_demand(command, actor=principal.actor).position)


@router.post(f"{BASE}/{{event_id}}/demands/{{demand_id}}/removal", response_model=WriteAccepted)
def unfeature_demand(event_id: UUID, demand_id: UUID, body: ReasonBody, principal: Operator,
                     ledger: LedgerDep) -> WriteAccepted:
    """Take a demand off the line-up before the event is held."""
    command = m.UnfeatureDemand(event_id, demand_id, body.reason, body.effective_date)
    return accepted(ledger, event_id,
                    ledger.unfeature_demand(command, actor=principal.actor).position)


@router.post(f"{BASE}/{{event_id}}/registrations", response_model=WriteAccepted)
def register_attendee(event_id: UUID, body: PartyPick, principal: Operator,
                      ledger: LedgerDep) -> WriteAccepted:
    """报名: a party registers before the event is held."""
    command = m.RegisterAttendee(event_id, body.party_id, body.effective_date)
    return accepted(ledger, event_id,
                    ledger.register_attendee(command, actor=principal.actor).position)


@router.post(f"{BASE}/{{event_id}}/attendance", response_model=WriteAccepted)
def record_attendance(event_id: UUID, body: PartyPick, principal: Operator,
                      ledger: LedgerDep) -> WriteAccepted:
    """到场: recorded once the event is held (walk-ins too)."""
    command = m.RecordAttendance(event_id, body.party_id, body.effective_date)
    return accepted(ledger, event_id,
                    ledger.record_attendance(command, actor=principal.actor).position)


@router.post(f"{BASE}/{{event_id}}/holding", response_model=WriteAccepted)
def hold(event_id: UUID, body: StepBody, principal: Operator, ledger: LedgerDep) -> WriteAccepted:
    """Record that the event took place; its line-up is then fixed."""
    outcome = ledger.hold_event(m.HoldEvent(event_id, body.effective_date), actor=principal.actor)
    return accepted(ledger, event_id, outcome.position)


@router.post(f"{BASE}/{{event_id}}/cancellation", response_model=WriteAccepted)
def cancel(event_id: UUID, body: ReasonBody, principal: Operator,
           ledger: LedgerDep) -> WriteAccepted:
    """Cancel an event not yet held; nothing changes after."""
    outcome = ledger.cancel_event(m.CancelEvent(event_id, body.reason, body.effective_date),
                                  actor=principal.actor)
    return accepted(ledger, event_id, outcome.position)


@router.get(BASE)
def search(views: ViewsDep, _: Reader, kind: str | None = None, status: str | None = None,
           starts_from: date | None = None, starts_to: date | None = None) -> dict[str, Any]:
    """Events by first day; filters: kind, status, first day from/to."""
    items = q.list_events(views, q.EventFilter(kind, status, starts_from, starts_to))
    return {"items": items, "views_position": views_position(views)}


@router.get(f"{BASE}/{{event_id}}")
def get_event(event_id: UUID, views: ViewsDep, _: Reader) -> dict[str, Any]:
    """One event: featured achievements and demands, attendance, and the contracts that
    followed it under the versioned rule (`follow_on.policy`), each with its reasons."""
    row = q.get_event(views, str(event_id))
    if row is None:
        raise NotFound("market_event", event_id)
    return row


@router.get("/v1/statistics/events", tags=["statistics"])
def statistics(views: ViewsDep, _: Anyone, kind: str | None = None,
               starts_from: date | None = None, starts_to: date | None = None) -> dict[str, Any]:
    """Which events produced deals: per event its featured count, attendees, follow-on
    contracts and their 成交额 (CNY strings); totals count each contract once."""
    return q.statistics(views, q.EventFilter(kind, None, starts_from, starts_to))

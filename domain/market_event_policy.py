"""Which contracts a market event (路演, 成果直通车, 创新挑战赛) produced — Baoding item 5 asks
the market to organise such 推介、对接、路演 activities "to push achievements into application"
(推动科技成果转化应用), and item 4 to publish the market's information; whether an event
led to deals is the measure of that.

The attribution rule is our design [D], a versioned policy so that a change of window is
recorded, not slipped into code. A registered contract is a follow-on deal of a held event
when it completed registration (登记完成) between the event's first day and N months after its
last day, and
- one of its achievements was featured at the event (`featured_achievement`), or
- its buyer is the enterprise of a demand featured at the event (`featured_demand`).
A featured achievement bought by a party that attended the event is tagged `buyer_attended`
too: the strongest evidence, though not needed to count. The rule counts association, not
cause: the same contract may follow several events, and each of them counts it.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class EventPolicy:
    version: str
    source: str
    follow_on_months: int  # N: how long after the event a registered contract still counts
    effective_from: date


# Newest last.
EVENT_POLICIES = (
    EventPolicy(
        version="events-2026.1",
        source="[D] techledger design: contracts registered from the event's first day to 6 "
               "months after its last day, with a featured achievement or bought by the "
               "enterprise of a featured demand. Baoding items 4-5 name the activities but no "
               "window; 6 months is the horizon Hefei art. 8 gives for founding a company "
               "after an evaluation, reused here",
        follow_on_months=6, effective_from=date(2026, 1, 1)),
)


def event_policy_on(day: date) -> EventPolicy:
    """The policy in force on the event's first day (the first one for earlier events)."""
    in_force = [p for p in EVENT_POLICIES if p.effective_from <= day]
    return in_force[-1] if in_force else EVENT_POLICIES[0]


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class FollowOnWindow:
    starts_on: date
    ends_on: date  # inclusive

    @classmethod
    def of(cls, first_day: date, last_day: date, policy: EventPolicy) -> FollowOnWindow:
        return cls(first_day, add_months(last_day, policy.follow_on_months))

    def holds(self, registered_on: date) -> bool:
        return self.starts_on <= registered_on <= self.ends_on


@dataclass(frozen=True)
class Showing:
    """What was shown at a held event, and who came."""

    achievement_ids: Collection[str]
    demand_enterprise_ids: Collection[str]  # enterprises whose demands were featured
    attendee_ids: Collection[str]  # parties recorded as attended


def deal_reasons(showing: Showing, achievement_ids: Collection[str], buyer_id: str
                 ) -> tuple[str, ...]:
    """Why a contract counts for the event (empty: it does not); see the module's rule."""
    reasons: list[str] = []
    if any(a in showing.achievement_ids for a in achievement_ids):
        reasons.append("featured_achievement")
        if buyer_id in showing.attendee_ids:
            reasons.append("buyer_attended")
    if buyer_id in showing.demand_enterprise_ids:
        reasons.append("featured_demand")
    return tuple(reasons)

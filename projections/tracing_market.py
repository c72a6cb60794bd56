"""Backward tracing (回溯) of the technology market's own records: demands (技术需求), listings
(挂牌), matches introduced (对接) and market events (路演, 科技成果直通车, 创新挑战赛) — Baoding
items 4-5 — so that an achievement's timeline shows where it was listed, to whom it was
introduced and at which events it was shown, beside its trades. Merged into the tables of
projections/tracing_links.py and projections/tracing_summaries.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from domain.demand import TechDemand
from domain.listing import AchievementListing
from domain.market_event import MarketEvent
from domain.market_event_plan import KIND_LABELS, EventKind
from domain.match import Match
from projections.tracing_subjects import Link, Linker, achievement, party, via

if TYPE_CHECKING:
    from projections.tracing_summaries import Names

MARKET_AGGREGATES: dict[type, str] = {
    TechDemand: "demand", AchievementListing: "listing", Match: "match",
    MarketEvent: "market_event",
}


def _listed(e: Any) -> Iterator[Link]:
    t = e.terms
    yield achievement(t.achievement_id, "listed", sticky=True)
    yield from party(t.seller_id, "seller", sticky=True)
    yield from party(t.exchange_id, "exchange", sticky=True)


MARKET_LINKS: dict[type, Linker] = {
    TechDemand.Posted: lambda e: party(e.terms.enterprise_id, "demand_enterprise", sticky=True),
    # Met by a match: the matched achievement's timeline shows the need it met.
    TechDemand.Matched: lambda e: [via(e.match_id, "demand_met")],
    AchievementListing.Listed: _listed,
    Match.Introduced: lambda e: [achievement(e.achievement_id, "matched", sticky=True)],
    MarketEvent.Scheduled: lambda e: party(e.plan.organiser_id, "organiser", sticky=True),
    MarketEvent.AchievementFeatured: lambda e: [achievement(e.achievement_id, "featured")],
    MarketEvent.AchievementUnfeatured: lambda e: [achievement(e.achievement_id, "taken_off")],
    MarketEvent.DemandFeatured: lambda e: party(e.enterprise_id, "demand_enterprise"),
    MarketEvent.AttendeeRegistered: lambda e: party(e.party_id, "registered_attendee"),
    MarketEvent.Attended: lambda e: party(e.party_id, "attendee"),
    # What was shown, as held or cancelled: the featured achievements' timelines say so.
    MarketEvent.Held: lambda e: [achievement(a, "presented") for a in e.achievement_ids],
    MarketEvent.Cancelled: lambda e: [achievement(a, "event_cancelled")
                                      for a in e.achievement_ids],
}

Summary = tuple[str, str]  # (zh, en)


def _title(n: Names, table: str, ident: object) -> str:
    rows = n.tx.execute(f"SELECT title FROM {table} WHERE id = ?", (str(ident),))
    return str(rows[0]["title"]) if rows else str(ident)


def _listing(d: dict[str, Any], n: Names) -> Summary:
    t = d["terms"]
    price = f"{t['asking_price']} 元" if t["asking_price"] else "面议"
    en_price = f"{t['asking_price']} CNY" if t["asking_price"] else "negotiable"
    seller = n.party(t["seller_id"])
    return (f"{seller} 挂牌（{price}，{t['listed_from']} 至 {t['listed_until']}）",
            f"listed by {seller} ({en_price}, {t['listed_from']} to {t['listed_until']})")


def _introduced(d: dict[str, Any], n: Names) -> Summary:
    need = _title(n, "demands", d["demand_id"])
    return f"对接推荐：技术需求《{need}》", f"introduced to the demand \"{need}\""


def _outcome(d: dict[str, Any], _: Names) -> Summary:
    zh = {"negotiating": "洽谈中", "declined": "未达成", "contracted": "签约"}
    return f"对接结果：{zh.get(d['outcome'], d['outcome'])}", f"match outcome: {d['outcome']}"


def _scheduled(d: dict[str, Any], n: Names) -> Summary:
    p = d["plan"]
    who, kind = n.party(p["organiser_id"]), KIND_LABELS[EventKind(p["kind"])]
    return (f"{who} 举办{kind}《{p['title']}》（{p['starts_on']}）",
            f"{who} scheduled {p['kind']} \"{p['title']}\" ({p['starts_on']})")


MARKET_SUMMARIES: dict[str, Callable[[dict[str, Any], Names], Summary]] = {
    "demand.posted": lambda d, n: (f"{n.party(d['terms']['enterprise_id'])} 发布技术需求"
                                   f"《{d['terms']['title']}》",
                                   f"demand posted: {d['terms']['title']}"),
    "demand.matched": lambda d, n: ("需求经对接达成合同", "demand met by a matched contract"),
    "demand.closed": lambda d, n: (f"需求关闭：{d['reason']}", f"demand closed: {d['reason']}"),
    "demand.expired": lambda d, n: ("需求到期未满足", "demand expired unmet"),
    "listing.listed": _listing,
    "listing.withdrawn": lambda d, n: (f"挂牌撤回：{d['reason']}",
                                       f"listing withdrawn: {d['reason']}"),
    "match.introduced": _introduced,
    "match.outcome_recorded": _outcome,
    "market_event.scheduled": _scheduled,
    "market_event.achievement_featured": lambda d, n: (
        f"入选技术市场活动推介：《{n.achievement(d['achievement_id'])}》",
        f"featured at a market event: {n.achievement(d['achievement_id'])}"),
    "market_event.achievement_unfeatured": lambda d, n: (
        f"撤出活动推介：{d['reason']}", f"taken off the event's line-up: {d['reason']}"),
    "market_event.attendee_registered": lambda d, n: (f"{n.party(d['party_id'])} 报名参加活动",
                                                      f"{n.party(d['party_id'])} registered"),
    "market_event.attended": lambda d, n: (f"{n.party(d['party_id'])} 到场参加活动",
                                           f"{n.party(d['party_id'])} attended"),
    "market_event.held": lambda d, n: (
        f"活动举办，推介成果 {len(d['achievement_ids'])} 项、需求 {len(d['demand_ids'])} 项",
        f"event held: {len(d['achievement_ids'])} achievements, {len(d['demand_ids'])} demands "
        "shown"),
    "market_event.cancelled": lambda d, n: (f"活动取消：{d['reason']}",
                                            f"event cancelled: {d['reason']}"),
}

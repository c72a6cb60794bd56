"""Reads of market events (路演, 科技成果直通车, 创新挑战赛; Baoding items 4-5) and "which events
produced deals": each held event's follow-on contracts under the versioned rule of
domain.market_event_policy, with why each one counts; a cancelled or not yet held event has
none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import orjson

from domain.market_event_policy import FollowOnWindow, Showing, deal_reasons, event_policy_on
from projections.store import Row, Tx
from projections.trade_queries import views_position

EVENT_SQL = ("SELECT e.id, e.kind, e.title, e.organiser_id, p.name AS organiser_name, "
             "e.starts_on, e.ends_on, e.region_code, e.venue, e.status, e.scheduled_on, "
             "e.held_on, e.cancelled_on, e.cancel_reason, e.position FROM market_events e "
             "LEFT JOIN parties p ON p.id = e.organiser_id")
# Only contracts whose registration completed count (as in the trading statistics).
COUNTED = "status IN ('registered', 'terminated')"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class EventFilter:
    kind: str | None = None
    status: str | None = None
    starts_from: date | None = None
    starts_to: date | None = None


def list_events(tx: Tx, f: EventFilter) -> list[Row]:
    clauses, params = ["1 = 1"], []
    for sql, value in (("e.kind = ?", f.kind), ("e.status = ?", f.status),
                       ("e.starts_on >= ?", f.starts_from), ("e.starts_on <= ?", f.starts_to)):
        if value is not None:
            clauses.append(sql)
            params.append(str(value))
    return tx.execute(f"{EVENT_SQL} WHERE {' AND '.join(clauses)} ORDER BY e.starts_on, "
                      "e.position", params)


def get_event(tx: Tx, event_id: str) -> Row | None:
    """The event, its line-up (items taken off listed apart), attendance and follow-on deals."""
    rows = tx.execute(f"{EVENT_SQL} WHERE e.id = ?", (event_id,))
    if not rows:
        return None
    event, features = rows[0], _features(tx, event_id)
    return {**event,
            "featured_achievements": [f for f in features if f["item_kind"] == "achievement"
                                      and f["removed_on"] is None],
            "featured_demands": [f for f in features if f["item_kind"] == "demand"
                                 and f["removed_on"] is None],
            "taken_off": [f for f in features if f["removed_on"] is not None],
            "attendees": _attendees(tx, event_id),
            "follow_on": follow_on(tx, event, features)}


def _features(tx: Tx, event_id: str) -> list[Row]:
    return tx.execute(
        "SELECT f.item_kind, f.item_id, COALESCE(a.title, d.title) AS title, f.enterprise_id, "
        "p.name AS enterprise_name, f.featured_on, f.removed_on, f.remove_reason "
        "FROM market_event_features f "
        "LEFT JOIN achievements a ON f.item_kind = 'achievement' AND a.id = f.item_id "
        "LEFT JOIN demands d ON f.item_kind = 'demand' AND d.id = f.item_id "
        "LEFT JOIN parties p ON p.id = f.enterprise_id "
        "WHERE f.event_id = ? ORDER BY f.featured_on, f.position", (event_id,))


def _attendees(tx: Tx, event_id: str) -> list[Row]:
    return tx.execute(
        "SELECT t.party_id, p.name AS party_name, p.kind AS party_kind, t.registered_on, "
        "t.attended_on FROM market_event_attendees t LEFT JOIN parties p ON p.id = t.party_id "
        "WHERE t.event_id = ? ORDER BY COALESCE(t.registered_on, t.attended_on), p.name",
        (event_id,))


def follow_on(tx: Tx, event: Row, features: list[Row]) -> dict[str, Any]:
    """The contracts that followed a held event, and their 成交额 and 技术交易额 summed exactly."""
    policy = event_policy_on(date.fromisoformat(event["starts_on"]))
    window = FollowOnWindow.of(date.fromisoformat(event["starts_on"]),
                               date.fromisoformat(event["ends_on"]), policy)
    deals = _deals(tx, event, features, window) if event["status"] == "held" else []
    return {"policy": {"version": policy.version, "follow_on_months": policy.follow_on_months,
                       "source": policy.source},
            "window": {"from": str(window.starts_on), "to": str(window.ends_on)},
            "contracts": deals, "deals": len(deals),
            "turnover": str(sum((Decimal(d["turnover"]) for d in deals), ZERO)),
            "transaction_amount": str(sum((Decimal(d["transaction_amount"]) for d in deals),
                                          ZERO))}


def _deals(tx: Tx, event: Row, features: list[Row], window: FollowOnWindow) -> list[Row]:
    live = [f for f in features if f["removed_on"] is None]
    attended = tx.execute("SELECT party_id FROM market_event_attendees WHERE event_id = ? "
                          "AND attended_on IS NOT NULL", (event["id"],))
    showing = Showing({f["item_id"] for f in live if f["item_kind"] == "achievement"},
                      {f["enterprise_id"] for f in live if f["item_kind"] == "demand"},
                      {r["party_id"] for r in attended})
    rows = tx.execute(
        "SELECT c.id AS contract_id, c.contract_number, c.type, c.seller_id, c.buyer_id, "
        "b.name AS buyer_name, c.achievement_ids, c.turnover, c.transaction_amount, "
        f"c.signed_on, c.registered_on FROM contracts c LEFT JOIN parties b ON b.id = c.buyer_id "
        f"WHERE c.{COUNTED} AND c.registered_on >= ? AND c.registered_on <= ? "
        "ORDER BY c.registered_on, c.position",
        (str(window.starts_on), str(window.ends_on)))
    deals = []
    for row in rows:
        achievements = orjson.loads(row["achievement_ids"])
        reasons = deal_reasons(showing, achievements, row["buyer_id"])
        if reasons:
            deals.append({**row, "achievement_ids": achievements, "reasons": list(reasons)})
    return deals


def statistics(tx: Tx, f: EventFilter) -> dict[str, Any]:
    """Per event: what it featured, who came, the deals that followed and their amounts. The
    totals count each contract once, though it may follow several events."""
    items: list[dict[str, Any]] = []
    distinct: dict[str, Row] = {}
    for event in list_events(tx, f):
        item, after = _event_statistics(tx, event)
        items.append(item)
        distinct |= {c["contract_id"]: c for c in after["contracts"]}
    return {"items": items, "events": len(items),
            "events_with_deals": sum(1 for i in items if i["deals"] > 0),
            "contracts": len(distinct),
            "turnover": str(sum((Decimal(c["turnover"]) for c in distinct.values()), ZERO)),
            "transaction_amount": str(sum((Decimal(c["transaction_amount"])
                                           for c in distinct.values()), ZERO)),
            "views_position": views_position(tx)}


def _event_statistics(tx: Tx, event: Row) -> tuple[dict[str, Any], dict[str, Any]]:
    features = _features(tx, event["id"])
    live = [x for x in features if x["removed_on"] is None]
    people = _attendees(tx, event["id"])
    after = follow_on(tx, event, features)
    item = {"event_id": event["id"], "kind": event["kind"], "title": event["title"],
            "starts_on": event["starts_on"], "status": event["status"],
            "featured": len(live),
            "featured_achievements": sum(1 for x in live if x["item_kind"] == "achievement"),
            "featured_demands": sum(1 for x in live if x["item_kind"] == "demand"),
            "registered": sum(1 for p in people if p["registered_on"] is not None),
            "attendees": sum(1 for p in people if p["attended_on"] is not None),
            "deals": after["deals"], "turnover": after["turnover"],
            "transaction_amount": after["transaction_amount"],
            "policy": after["policy"]["version"]}
    return item, after

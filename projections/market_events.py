"""Market events (路演, 科技成果直通车, 创新挑战赛; Baoding items 4-5): each event, what it
featured and who registered and attended. Which contracts followed an event is read at query
time against the contracts view (projections/market_event_queries.py), so that a contract
registered after the event was held needs no replay here."""

from __future__ import annotations

from typing import Any

from domain.market_event import MarketEvent
from projections.base import Applied, Handler, Projection
from projections.store import Tx

DDL = (
    "CREATE TABLE IF NOT EXISTS market_events (id TEXT PRIMARY KEY, kind TEXT, title TEXT, "
    "organiser_id TEXT, starts_on TEXT, ends_on TEXT, region_code TEXT, venue TEXT, "
    "status TEXT, scheduled_on TEXT, held_on TEXT, cancelled_on TEXT, cancel_reason TEXT, "
    "actor TEXT, position BIGINT)",
    "CREATE INDEX IF NOT EXISTS market_events_starts ON market_events (starts_on)",
    # item_kind: achievement | demand; removed_on is set while it is off the line-up.
    "CREATE TABLE IF NOT EXISTS market_event_features (event_id TEXT NOT NULL, "
    "item_kind TEXT NOT NULL, item_id TEXT NOT NULL, enterprise_id TEXT, featured_on TEXT, "
    "removed_on TEXT, remove_reason TEXT, position BIGINT, "
    "PRIMARY KEY (event_id, item_kind, item_id))",
    "CREATE INDEX IF NOT EXISTS market_event_features_item ON market_event_features (item_id)",
    "CREATE TABLE IF NOT EXISTS market_event_attendees (event_id TEXT NOT NULL, "
    "party_id TEXT NOT NULL, registered_on TEXT, attended_on TEXT, position BIGINT, "
    "PRIMARY KEY (event_id, party_id))",
)


class MarketEvents(Projection):
    tables = ("market_events", "market_event_features", "market_event_attendees")
    ddl = DDL

    def handlers(self) -> dict[type, Handler]:
        return {
            MarketEvent.Scheduled: _scheduled,
            MarketEvent.AchievementFeatured: _featured("achievement", "achievement_id"),
            MarketEvent.DemandFeatured: _featured("demand", "demand_id"),
            MarketEvent.AchievementUnfeatured: _unfeatured("achievement", "achievement_id"),
            MarketEvent.DemandUnfeatured: _unfeatured("demand", "demand_id"),
            MarketEvent.AttendeeRegistered: _attendee("registered_on"),
            MarketEvent.Attended: _attendee("attended_on"),
            MarketEvent.Held: _held, MarketEvent.Cancelled: _cancelled,
        }


def _scheduled(tx: Tx, a: Applied) -> None:
    e, p = a.event, a.event.plan
    tx.execute("INSERT INTO market_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, NULL, "
               "NULL, NULL, ?, ?)",
               (str(e.originator_id), p.kind.value, p.title, str(p.organiser_id),
                str(p.starts_on), str(p.ends_on), p.region_code, p.venue, str(e.effective_date),
                e.actor, a.position))


def _set_event(tx: Tx, a: Applied, values: dict[str, Any]) -> None:
    assignments = ", ".join(f"{k} = ?" for k in values)
    tx.execute(f"UPDATE market_events SET {assignments}, position = ? WHERE id = ?",
               (*values.values(), a.position, str(a.event.originator_id)))


def _featured(item_kind: str, attribute: str) -> Handler:
    def handle(tx: Tx, a: Applied) -> None:
        e = a.event
        enterprise = getattr(e, "enterprise_id", None)
        # Featured again after being taken off: the same row comes back on the line-up.
        tx.execute("INSERT INTO market_event_features VALUES (?, ?, ?, ?, ?, NULL, NULL, ?) "
                   "ON CONFLICT (event_id, item_kind, item_id) DO UPDATE SET "
                   "featured_on = excluded.featured_on, removed_on = NULL, "
                   "remove_reason = NULL, position = excluded.position",
                   (str(e.originator_id), item_kind, str(getattr(e, attribute)),
                    str(enterprise) if enterprise else None, str(e.effective_date), a.position))
    return handle


def _unfeatured(item_kind: str, attribute: str) -> Handler:
    def handle(tx: Tx, a: Applied) -> None:
        e = a.event
        tx.execute("UPDATE market_event_features SET removed_on = ?, remove_reason = ?, "
                   "position = ? WHERE event_id = ? AND item_kind = ? AND item_id = ?",
                   (str(e.effective_date), e.reason, a.position, str(e.originator_id),
                    item_kind, str(getattr(e, attribute))))
    return handle


def _attendee(column: str) -> Handler:
    def handle(tx: Tx, a: Applied) -> None:
        e = a.event
        tx.execute(f"INSERT INTO market_event_attendees (event_id, party_id, {column}, position) "
                   f"VALUES (?, ?, ?, ?) ON CONFLICT (event_id, party_id) DO UPDATE SET "
                   f"{column} = excluded.{column}, position = excluded.position",
                   (str(e.originator_id), str(e.party_id), str(e.effective_date), a.position))
    return handle


def _held(tx: Tx, a: Applied) -> None:
    _set_event(tx, a, {"status": "held", "held_on": str(a.event.effective_date)})


def _cancelled(tx: Tx, a: Applied) -> None:
    _set_event(tx, a, {"status": "cancelled", "cancelled_on": str(a.event.effective_date),
                       "cancel_reason": a.event.reason})

"""Every event with its position, both dates and actor: the base of history and tracing (回溯)."""

from __future__ import annotations

import orjson

from projections.base import Applied, Handler, Projection
from projections.plain import dumps, event_payload
from projections.store import Tx


class LedgerIndex(Projection):
    tables = ("ledger_events",)
    ddl = (
        "CREATE TABLE IF NOT EXISTS ledger_events (position BIGINT PRIMARY KEY, "
        "aggregate_id TEXT NOT NULL, aggregate_version INTEGER NOT NULL, event_type TEXT NOT NULL, "
        "effective_date TEXT, recorded_at TEXT NOT NULL, actor TEXT, data TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS ledger_events_aggregate "
        "ON ledger_events (aggregate_id, aggregate_version)",
    )

    def handlers(self) -> dict[type, Handler]:
        return {object: self.record}

    @staticmethod
    def record(tx: Tx, applied: Applied) -> None:
        event = applied.event
        payload = event_payload(event)
        effective = payload.pop("effective_date", None)
        actor = payload.pop("actor", None)
        tx.execute(
            "INSERT INTO ledger_events (position, aggregate_id, aggregate_version, event_type, "
            "effective_date, recorded_at, actor, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (applied.position, str(event.originator_id), event.originator_version,
             type(event).__qualname__, effective, applied.recorded_at.isoformat(), actor,
             dumps(payload)),
        )


def history(tx: Tx, aggregate_id: str) -> list[dict[str, object]]:
    """An aggregate's events in order, each with its ledger position and both dates."""
    rows = tx.execute(
        "SELECT position, aggregate_version, event_type, effective_date, recorded_at, actor, data "
        "FROM ledger_events WHERE aggregate_id = ? ORDER BY aggregate_version",
        (aggregate_id,),
    )
    return [{**row, "data": orjson.loads(row["data"])} for row in rows]

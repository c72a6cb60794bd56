"""Tracked positions: how far each follower of the ledger has got (views, relay, ...)."""

from __future__ import annotations

from projections.store import Tx, ViewDB

TRACKING_DDL = "CREATE TABLE IF NOT EXISTS view_tracking (name TEXT PRIMARY KEY, position BIGINT)"


def record_position(tx: Tx, name: str, position: int) -> None:
    """Record a follower's position in the transaction that holds its effect.

    Updated in place, never deleted and inserted again: on PostgreSQL another process waiting
    in `SELECT ... FOR UPDATE` on a deleted row gets no row at all (position 0) and would
    apply the page a second time."""
    tx.execute("INSERT INTO view_tracking (name, position) VALUES (?, ?) "
               "ON CONFLICT (name) DO UPDATE SET position = excluded.position", (name, position))


class Positions:
    """Read and commit tracked positions in the view store."""

    def __init__(self, db: ViewDB) -> None:
        self.db = db
        with db.write() as tx:
            tx.execute(TRACKING_DDL)

    def get(self, name: str) -> int:
        with self.db.read() as tx:
            rows = tx.execute("SELECT position FROM view_tracking WHERE name = ?", (name,))
        return int(rows[0]["position"]) if rows else 0

    def put(self, name: str, position: int) -> None:
        with self.db.write() as tx:
            record_position(tx, name, position)

    def all(self) -> dict[str, int]:
        with self.db.read() as tx:
            rows = tx.execute("SELECT name, position FROM view_tracking ORDER BY name")
        return {str(row["name"]): int(row["position"]) for row in rows}

"""The views as one unit: their DDL, the handlers of every projection, and the tracked position,
written in the same transaction as the view rows (exactly-once effect, also when several
processes feed them). Fed from the notification log (follower.py) or from Kafka
(kafka_source.py)."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Sequence
from typing import Any

from projections.base import Applied, Handler, Projection
from projections.positions import TRACKING_DDL, record_position
from projections.store import Tx, ViewDB

# The DDL the views were built with: when the code's DDL differs, the views are rebuilt.
SCHEMA_DDL = "CREATE TABLE IF NOT EXISTS view_schema (name TEXT PRIMARY KEY, fingerprint TEXT)"
# How often a process whose views are fed by another process looks at their position.
PASSIVE_POLL_S = 0.02


class ViewApplier:
    """Applies events at their ledger positions to every projection's tables."""

    def __init__(self, db: ViewDB, projections: Sequence[Projection], *, name: str = "views") -> None:
        self.db = db
        self.projections = projections
        self.name = name
        self._handlers: dict[type, list[Handler]] = {}
        for projection in projections:
            for event_class, handler in projection.handlers().items():
                self._handlers.setdefault(event_class, []).append(handler)
        self._advanced = threading.Condition()
        self.create_views()
        self.position = self.tracked()

    def create_views(self) -> None:
        """Create missing views; views built by another version of the DDL are dropped, and
        their position forgotten, so they are built again from the log."""
        fingerprint = hashlib.sha256("\n".join(
            statement for projection in self.projections for statement in projection.ddl
        ).encode()).hexdigest()
        with self.db.write() as tx:
            tx.execute(TRACKING_DDL)
            # The position's row exists from the start, so that there is a row to lock: with
            # none, processes following together would each read 0 and apply the same page.
            tx.execute("INSERT INTO view_tracking (name, position) VALUES (?, 0) "
                       "ON CONFLICT (name) DO NOTHING", (self.name,))
            # Followers lock it before writing any view; so does this, before any DDL: a process
            # starting while another one's follower writes the views waits (no deadlock).
            self.tracked(tx)
            tx.execute(SCHEMA_DDL)
            tx.execute("INSERT INTO view_schema (name, fingerprint) VALUES (?, '') "
                       "ON CONFLICT (name) DO NOTHING", (self.name,))
            # Locked, so that processes starting together decide one after the other.
            rows = tx.execute("SELECT fingerprint FROM view_schema WHERE name = ?"
                              f"{self.db.lock_clause}", (self.name,))
            if rows[0]["fingerprint"] != fingerprint:
                self._drop(tx)
                tx.execute("UPDATE view_schema SET fingerprint = ? WHERE name = ?",
                           (fingerprint, self.name))
            for projection in self.projections:
                projection.create(tx)

    def drop_views(self) -> None:
        """Drop every view and forget the position (then `create_views` and replay)."""
        with self.db.write() as tx:
            self._drop(tx)
        self.create_views()
        with self._advanced:
            self.position = 0

    def _drop(self, tx: Tx) -> None:
        for projection in self.projections:
            projection.drop(tx)
        record_position(tx, self.name, 0)  # forgotten; the row stays, to be locked

    def apply(self, tx: Tx, position: int, event: Any) -> None:
        """Apply one event at its ledger position; the caller marks the position after."""
        applied = Applied(event, position, event.timestamp)
        for handler in self._handlers.get(type(event), ()):
            handler(tx, applied)
        for handler in self._handlers.get(object, ()):
            handler(tx, applied)

    def mark(self, tx: Tx, position: int) -> None:
        """Record the views' position in the transaction that wrote their rows."""
        record_position(tx, self.name, position)

    def tracked(self, tx: Tx | None = None) -> int:
        """The views' position as committed (locked when read inside a write transaction)."""
        sql = f"SELECT position FROM view_tracking WHERE name = ?{self.db.lock_clause}"
        if tx is not None:
            rows = tx.execute(sql, (self.name,))
        else:
            with self.db.read() as reader:
                rows = reader.execute(sql, (self.name,))
        return int(rows[0]["position"]) if rows else 0

    def advanced(self, position: int) -> None:
        """Tell readers waiting for a position (`wait_for`) that the views moved."""
        with self._advanced:
            self.position = max(self.position, position)
            self._advanced.notify_all()

    def wait_for(self, position: int, timeout: float) -> bool:
        """Block until the views reflect `position` (read-your-writes); False on timeout.
        Here another process feeds the views: watch their tracked position."""
        deadline = time.monotonic() + timeout
        while True:
            self.advanced(self.tracked())
            if self.position >= position or time.monotonic() >= deadline:
                return self.position >= position
            time.sleep(PASSIVE_POLL_S)

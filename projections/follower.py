"""Follow the notification log and apply events to views, tracking the position in the same
transaction as the view rows (exactly-once effect, also when several processes follow)."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import Notification, PersistenceError

from projections.base import Applied, Handler, Projection
from projections.store import Tx, ViewDB

log = logging.getLogger(__name__)
# Errors of the event store or the view database that a retry may outlive.
TRANSIENT = (sqlite3.Error, psycopg.Error, PersistenceError)

TRACKING_DDL = "CREATE TABLE IF NOT EXISTS view_tracking (name TEXT PRIMARY KEY, position BIGINT)"
# The DDL the views were built with: when the code's DDL differs, the views are rebuilt.
SCHEMA_DDL = "CREATE TABLE IF NOT EXISTS view_schema (name TEXT PRIMARY KEY, fingerprint TEXT)"


class Follower:
    """Reads pages of notifications after its tracked position; one view transaction per page."""

    def __init__(self, app: Application[UUID], db: ViewDB, projections: Sequence[Projection],
                 *, name: str = "views", page_size: int = 1000, idle_poll_s: float = 0.2) -> None:
        self.app = app
        self.db = db
        self.projections = projections
        self.name = name
        self.page_size = page_size
        self.idle_poll_s = idle_poll_s
        self._handlers: dict[type, list[Handler]] = {}
        for projection in projections:
            for event_class, handler in projection.handlers().items():
                self._handlers.setdefault(event_class, []).append(handler)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._advanced = threading.Condition()
        self._thread: threading.Thread | None = None
        self.create_views()
        self.position = self._tracked()

    def create_views(self) -> None:
        """Create missing views; views built by another version of the DDL are dropped, and
        their position forgotten, so they are built again from the log."""
        fingerprint = hashlib.sha256("\n".join(
            statement for projection in self.projections for statement in projection.ddl
        ).encode()).hexdigest()
        with self.db.write() as tx:
            tx.execute(TRACKING_DDL)
            tx.execute(SCHEMA_DDL)
            tx.execute("INSERT INTO view_schema (name, fingerprint) VALUES (?, '') "
                       "ON CONFLICT (name) DO NOTHING", (self.name,))
            # Locked, so that processes starting together decide one after the other.
            rows = tx.execute("SELECT fingerprint FROM view_schema WHERE name = ?"
                              f"{self.db.lock_clause}", (self.name,))
            if rows[0]["fingerprint"] != fingerprint:
                for projection in self.projections:
                    projection.drop(tx)
                tx.execute("DELETE FROM view_tracking WHERE name = ?", (self.name,))
                tx.execute("UPDATE view_schema SET fingerprint = ? WHERE name = ?",
                           (fingerprint, self.name))
            for projection in self.projections:
                projection.create(tx)

    def rebuild(self) -> int:
        """Drop and recreate every view, then replay the whole log. Returns the position."""
        with self.db.write() as tx:
            for projection in self.projections:
                projection.drop(tx)
            tx.execute("DELETE FROM view_tracking WHERE name = ?", (self.name,))
        self.create_views()
        self.position = 0
        return self.catch_up()

    def catch_up(self) -> int:
        """Apply everything recorded so far; return the position reached."""
        while self._apply_next_page():
            pass
        return self.position

    def wake(self, _position: int = 0) -> None:
        self._wake.set()

    def wait_for(self, position: int, timeout: float) -> bool:
        """Block until the views reflect `position` (read-your-writes); False on timeout."""
        self.wake()
        with self._advanced:
            return self._advanced.wait_for(lambda: self.position >= position, timeout)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"follower-{self.name}",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.catch_up()
            except TRANSIENT:
                # Keep following: a database outage must not stop the views for good. Any other
                # error is a bug in a handler: it ends the thread loudly, and reads that wait
                # for a position answer `views_behind`.
                log.exception("follower %s failed; retrying", self.name)
                self._stop.wait(1.0)
            self._wake.wait(self.idle_poll_s)
            self._wake.clear()

    def _apply_next_page(self) -> bool:
        notifications = self.app.recorder.select_notifications(
            start=self.position, limit=self.page_size, inclusive_of_start=False)
        if not notifications:
            self.position = max(self.position, self._tracked())
            return False
        with self.db.write() as tx:
            # Another process may have applied some of these already: re-read under lock.
            done = self._tracked(tx)
            fresh = [n for n in notifications if n.id > done]
            for notification in fresh:
                self._apply(tx, notification)
            last = max(done, notifications[-1].id)
            tx.execute("DELETE FROM view_tracking WHERE name = ?", (self.name,))
            tx.execute("INSERT INTO view_tracking (name, position) VALUES (?, ?)",
                       (self.name, last))
        with self._advanced:
            self.position = last
            self._advanced.notify_all()
        return True

    def _apply(self, tx: Tx, notification: Notification) -> None:
        event: Any = self.app.mapper.to_domain_event(notification)
        handlers = self._handlers.get(type(event), ())
        applied = Applied(event, notification.id, event.timestamp)
        for handler in handlers:
            handler(tx, applied)
        for handler in self._handlers.get(object, ()):
            handler(tx, applied)

    def _tracked(self, tx: Tx | None = None) -> int:
        sql = f"SELECT position FROM view_tracking WHERE name = ?{self.db.lock_clause}"
        if tx is not None:
            rows = tx.execute(sql, (self.name,))
        else:
            with self.db.read() as reader:
                rows = reader.execute(sql, (self.name,))
        return int(rows[0]["position"]) if rows else 0

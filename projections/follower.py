"""Follow the notification log and apply its events to the views, a page per transaction."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Sequence
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import PersistenceError

from projections.applier import ViewApplier
from projections.base import Projection
from projections.store import ViewDB

log = logging.getLogger(__name__)
# Errors of the event store or the view database that a retry may outlive.
TRANSIENT = (sqlite3.Error, psycopg.Error, PersistenceError)


class Follower(ViewApplier):
    """Reads pages of notifications after its tracked position; one view transaction per page.
    Several processes may follow at once: each re-reads the position under lock."""

    def __init__(self, app: Application[UUID], db: ViewDB, projections: Sequence[Projection],
                 *, name: str = "views", page_size: int = 1000, idle_poll_s: float = 0.2) -> None:
        super().__init__(db, projections, name=name)
        self.app = app
        self.page_size = page_size
        self.idle_poll_s = idle_poll_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def rebuild(self) -> int:
        """Drop and recreate every view, then replay the whole log. Returns the position."""
        self.drop_views()
        return self.catch_up()

    def catch_up(self) -> int:
        """Apply everything recorded so far; return the position reached."""
        while self._apply_next_page():
            pass
        return self.position

    def wake(self, _position: int = 0) -> None:
        self._wake.set()

    def wait_for(self, position: int, timeout: float) -> bool:
        if self._thread is None:  # not following: another process feeds these views
            return super().wait_for(position, timeout)
        self.wake()
        with self._advanced:
            return self._advanced.wait_for(lambda: self.position >= position, timeout)

    def views_position(self) -> int:
        """How far the views are; read from the store when another process feeds them."""
        if self._thread is None:
            self.advanced(self.tracked())
        return self.position

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"follower-{self.name}",
                                        daemon=True)
        self._thread.start()

    def join(self) -> None:
        """Wait until the follower thread ends (after `stop()`)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)

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
            self.advanced(self.tracked())
            return False
        with self.db.write() as tx:
            # Another process may have applied some of these already: re-read under lock.
            done = self.tracked(tx)
            for notification in notifications:
                if notification.id > done:
                    self.apply(tx, notification.id, self.app.mapper.to_domain_event(notification))
            last = max(done, notifications[-1].id)
            self.mark(tx, last)
        self.advanced(last)
        return True

"""The notary: follows the notification log, appends one Merkle leaf per event with its position
in the same transaction (exactly-once), and signs a checkpoint at least every few seconds while
the log grows (issue 7; RFC 6962 §2.1 tree, C2SP tlog-checkpoint notes)."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.application import Application

from services import notary_store as store
from services.checkpoint import Checkpoint, Signer, sign_checkpoint
from services.merkle import StoredNode, leaf_hash, nodes_to_store, tree_root
from services.notary_leaf import LeafEntry
from services.persistence import TRANSIENT

log = logging.getLogger(__name__)


class Notary:
    """One active notary per ledger (services.singleton): leaves are appended in ledger order."""

    def __init__(self, app: Application[UUID], db: store.Database, signer: Signer, origin: str,
                 *, page_size: int = 1000, checkpoint_interval_s: float = 2.0,
                 idle_poll_s: float = 0.2) -> None:
        self.app, self.db, self.signer, self.origin = app, db, signer, origin
        self.page_size = page_size
        self.checkpoint_interval_s = checkpoint_interval_s
        self.idle_poll_s = idle_poll_s
        store.create(db)
        with db.read() as tx:
            self.state = store.state(tx)
        self._last_checkpoint = 0.0
        self._signed_size = -1  # unknown until the first checkpoint() looks
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def append_next_page(self) -> int:
        """Append the leaves of the next page of events; return how many."""
        notifications = self.app.recorder.select_notifications(
            start=self.state.position, limit=self.page_size, inclusive_of_start=False)
        if not notifications:
            return 0
        with self.db.write() as tx:
            current = store.state(tx, lock=self.db.lock_clause)  # another notary may have moved
            nodes = store.TxNodes(tx)
            leaves: list[tuple[int, int]] = []
            written: list[StoredNode] = []
            size = current.tree_size
            for notification in (n for n in notifications if n.id > current.position):
                entry = LeafEntry.of(notification.id, notification)
                new = nodes_to_store(size, leaf_hash(entry.encode()), nodes)
                nodes.remember(new)
                written += new
                leaves.append((size, notification.id))
                size += 1
            self.state = store.LogState(max(current.position, notifications[-1].id), size)
            store.save_batch(tx, leaves, written, self.state)
        return len(leaves)

    def checkpoint(self) -> store.StoredCheckpoint | None:
        """Sign the tree as it stands, unless its latest checkpoint already covers it."""
        with self.db.write() as tx:
            current = store.state(tx, lock=self.db.lock_clause)
            latest = store.latest_checkpoint(tx)
            if latest is not None and latest.tree_size >= current.tree_size:
                self._signed_size = latest.tree_size
                return None
            root = tree_root(store.TxNodes(tx), current.tree_size)
            note = sign_checkpoint(self.signer, Checkpoint(self.origin, current.tree_size, root))
            signed = store.StoredCheckpoint(current.tree_size, root, note,
                                            datetime.now(UTC).isoformat())
            store.save_checkpoint(tx, signed)
        self._last_checkpoint = time.monotonic()
        self._signed_size = signed.tree_size
        return signed

    def catch_up(self) -> int:
        """Append every event recorded so far and sign the result; return the tree size."""
        while self.append_next_page():
            pass
        self.checkpoint()
        return self.state.tree_size

    def wake(self, _position: int = 0) -> None:
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="notary", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def run(self) -> None:
        while not self._stop.is_set():
            try:
                self._step()
            except TRANSIENT:
                log.exception("notary failed at position %s; retrying", self.state.position)
                self._stop.wait(1.0)

    def _step(self) -> None:
        while self.append_next_page() and not self._stop.is_set():
            self._checkpoint_if_due()
        self._checkpoint_if_due()
        self._wake.wait(self.idle_poll_s)
        self._wake.clear()

    def _checkpoint_if_due(self) -> None:
        due = time.monotonic() - self._last_checkpoint >= self.checkpoint_interval_s
        if due and self.state.tree_size > self._signed_size:
            self.checkpoint()

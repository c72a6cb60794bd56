"""`techledger verify`: recompute every leaf from the stored events and check the tree against
the latest signed checkpoint (an event altered or deleted in the database is named by its
position); with an older checkpoint, check that the log still extends it (history not rewritten).
RFC 9162 §2.1.4.2 for the consistency check, C2SP tlog-checkpoint for the notes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from services import notary_store as store
from services.checkpoint import Checkpoint, CheckpointError, Verifier, open_checkpoint
from services.merkle import MemoryTree, leaf_hash
from services.merkle_proofs import consistency_proof, verify_consistency
from services.notary_leaf import LeafEntry, UnreadableEvent

PAGE = 5000


@dataclass
class Report:
    tree_size: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_log(app: Application[UUID], db: store.Database, verifier: Verifier, origin: str,
               since: str | None = None) -> Report:
    report = Report()
    with db.read() as tx:
        latest = store.latest_checkpoint(tx)
    if latest is None:
        report.problems.append("the log has no signed checkpoint yet")
        return report
    try:
        signed = open_checkpoint(latest.note, verifier, origin)
    except CheckpointError as error:
        report.problems.append(f"the latest stored checkpoint is not valid: {error}")
        return report
    report.tree_size = signed.size
    recomputed = recompute(app, db, signed.size, report)
    if recomputed.root() != signed.root_hash:
        report.problems.append(f"the tree of {signed.size} leaves recomputed from the stored "
                               "events does not have the signed root")
    if since is not None:
        check_extends(since, signed, recomputed, db, verifier, origin, report)
    return report


def recompute(app: Application[UUID], db: store.Database, size: int, report: Report
              ) -> MemoryTree:
    """Leaves from the stored events, compared one by one with the leaves the log recorded."""
    tree = MemoryTree()
    events = stored_events(app)
    with db.read() as tx:
        nodes = store.TxNodes(tx)
        event = next(events, None)
        for index in range(size):
            position = recorded_position(tx, index)
            while event is not None and event.id < position:
                report.problems.append(f"position {event.id}: an event that is not in the log")
                event = next(events, None)
            if event is None or event.id != position:
                report.problems.append(f"position {position}: the event is missing from the store")
                tree.append(nodes.node(0, index))  # keep the shape to find later problems
                continue
            tree.append(event_leaf(event, report))
            if tree.node(0, index) != nodes.node(0, index):
                report.problems.append(f"position {position}: the stored event was altered")
            event = next(events, None)
    return tree


def event_leaf(event: Notification, report: Report) -> bytes:
    try:
        return leaf_hash(LeafEntry.of(event.id, event).encode())
    except UnreadableEvent:
        report.problems.append(f"position {event.id}: the stored payload is unreadable")
        return leaf_hash(repr(event.state).encode())  # matches no leaf the notary wrote


def check_extends(since: str, latest: Checkpoint, recomputed: MemoryTree, db: store.Database,
                  verifier: Verifier, origin: str, report: Report) -> None:
    try:
        old = open_checkpoint(since, verifier, origin)
    except CheckpointError as error:
        report.problems.append(f"the older checkpoint is not valid: {error}")
        return
    if old.size > latest.size:
        report.problems.append(f"the older checkpoint ({old.size} leaves) is ahead of the log "
                               f"({latest.size}): the log was rolled back")
        return
    if recomputed.root(old.size) != old.root_hash:
        report.problems.append(f"the first {old.size} events no longer have the root signed "
                               "in the older checkpoint: history was rewritten")
    with db.read() as tx:
        proof = consistency_proof(store.TxNodes(tx), old.size, latest.size) if old.size else []
    if old.size and not verify_consistency(old.size, latest.size, old.root_hash,
                                           latest.root_hash, proof):
        report.problems.append("the stored tree gives no valid consistency proof between the "
                               "two checkpoints")


def recorded_position(tx: store.Tx, index: int) -> int:
    rows = tx.execute("SELECT position FROM notary_leaves WHERE leaf_index = ?", (index,))
    return int(rows[0]["position"])


def stored_events(app: Application[UUID]) -> Iterator[Notification]:
    start: int | None = None
    while page := app.recorder.select_notifications(start=start, limit=PAGE,
                                                    inclusive_of_start=start is None):
        yield from page
        start = page[-1].id

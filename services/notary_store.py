"""Where the transparency log keeps its tree: leaves by ledger position, every complete subtree
hash (so proofs are read, not recomputed), signed checkpoints, and how far it has got. A SQLite
file of its own, or a PostgreSQL schema; never dropped with the views."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from services.merkle import StoredNode

DDL = (
    "CREATE TABLE IF NOT EXISTS notary_leaves (leaf_index BIGINT PRIMARY KEY, "
    "position BIGINT NOT NULL UNIQUE)",
    "CREATE TABLE IF NOT EXISTS notary_nodes (level INTEGER NOT NULL, idx BIGINT NOT NULL, "
    "hash TEXT NOT NULL, PRIMARY KEY (level, idx))",
    "CREATE TABLE IF NOT EXISTS notary_checkpoints (tree_size BIGINT PRIMARY KEY, "
    "root_hash TEXT NOT NULL, note TEXT NOT NULL, issued_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS notary_state (name TEXT PRIMARY KEY, position BIGINT NOT NULL, "
    "tree_size BIGINT NOT NULL)",
    "INSERT INTO notary_state (name, position, tree_size) VALUES ('log', 0, 0) "
    "ON CONFLICT (name) DO NOTHING",
)


class Tx(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]: ...
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...


class Database(Protocol):
    """A view store (projections.store) given to the notary by the composition root."""

    lock_clause: str

    def write(self) -> AbstractContextManager[Tx]: ...
    def read(self) -> AbstractContextManager[Tx]: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class LogState:
    position: int  # the last ledger position with a leaf
    tree_size: int


@dataclass(frozen=True)
class StoredCheckpoint:
    tree_size: int
    root_hash: bytes
    note: str
    issued_at: str


class TxNodes:
    """`NodeStore` over one transaction, seeing nodes written earlier in the same batch."""

    def __init__(self, tx: Tx) -> None:
        self.tx = tx
        self.written: dict[tuple[int, int], bytes] = {}

    def node(self, level: int, index: int) -> bytes:
        cached = self.written.get((level, index))
        if cached is not None:
            return cached
        rows = self.tx.execute("SELECT hash FROM notary_nodes WHERE level = ? AND idx = ?",
                               (level, index))
        if not rows:
            raise LookupError(f"no stored node ({level}, {index})")
        return bytes.fromhex(rows[0]["hash"])

    def remember(self, nodes: list[StoredNode]) -> None:
        for stored in nodes:
            self.written[(stored.level, stored.index)] = stored.digest


def create(db: Database) -> None:
    with db.write() as tx:
        for statement in DDL:
            tx.execute(statement)


def state(tx: Tx, *, lock: str = "") -> LogState:
    row = tx.execute(f"SELECT position, tree_size FROM notary_state WHERE name = 'log'{lock}")[0]
    return LogState(int(row["position"]), int(row["tree_size"]))


def save_batch(tx: Tx, leaves: list[tuple[int, int]], nodes: list[StoredNode],
               reached: LogState) -> None:
    tx.executemany("INSERT INTO notary_leaves (leaf_index, position) VALUES (?, ?)", leaves)
    tx.executemany("INSERT INTO notary_nodes (level, idx, hash) VALUES (?, ?, ?)",
                   [(n.level, n.index, n.digest.hex()) for n in nodes])
    tx.execute("UPDATE notary_state SET position = ?, tree_size = ? WHERE name = 'log'",
               (reached.position, reached.tree_size))


def leaf_index(tx: Tx, position: int) -> int | None:
    rows = tx.execute("SELECT leaf_index FROM notary_leaves WHERE position = ?", (position,))
    return int(rows[0]["leaf_index"]) if rows else None


def latest_checkpoint(tx: Tx) -> StoredCheckpoint | None:
    rows = tx.execute("SELECT tree_size, root_hash, note, issued_at FROM notary_checkpoints "
                      "ORDER BY tree_size DESC LIMIT 1")
    return _checkpoint(rows[0]) if rows else None


def checkpoint_at(tx: Tx, tree_size: int) -> StoredCheckpoint | None:
    rows = tx.execute("SELECT tree_size, root_hash, note, issued_at FROM notary_checkpoints "
                      "WHERE tree_size = ?", (tree_size,))
    return _checkpoint(rows[0]) if rows else None


def save_checkpoint(tx: Tx, checkpoint: StoredCheckpoint) -> None:
    tx.execute("INSERT INTO notary_checkpoints (tree_size, root_hash, note, issued_at) "
               "VALUES (?, ?, ?, ?) ON CONFLICT (tree_size) DO NOTHING",
               (checkpoint.tree_size, checkpoint.root_hash.hex(), checkpoint.note,
                checkpoint.issued_at))


def _checkpoint(row: dict[str, Any]) -> StoredCheckpoint:
    return StoredCheckpoint(int(row["tree_size"]), bytes.fromhex(row["root_hash"]), row["note"],
                            row["issued_at"])

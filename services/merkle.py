"""The Merkle tree of the transparency log: hashing, tree shape and the subtree-node store (pure, no I/O).

The tree is RFC 6962 §2.1 / RFC 9162 §2.1.1 exactly, so any Certificate Transparency client can check our
proofs. Proofs are served from stored hashes of *complete aligned subtrees* (the `NodeStore`), never by
rehashing all leaves: node (level, index) covers leaves [index·2^level, (index+1)·2^level). A subtree of the
RFC recursion that is not complete (the right edge of a tree) is folded from at most log2(n)+1 stored nodes.
Proof generation and verification live in `services.merkle_proofs`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) = SHA-256() — RFC 6962 §2.1, RFC 9162 §2.1.1."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d) — RFC 9162 §2.1.1; the prefix keeps leaves apart from interior nodes."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right) — RFC 9162 §2.1.1."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def split_point(size: int) -> int:
    """The largest power of two smaller than `size` (size >= 2): where RFC 9162 §2.1.1 splits D_n."""
    return 1 << ((size - 1).bit_length() - 1)


class NodeStore(Protocol):
    """Hashes of complete aligned subtrees, as a database-backed log stores them."""

    def node(self, level: int, index: int) -> bytes:
        """The hash of leaves [index·2^level, (index+1)·2^level); level 0 are the leaf hashes.

        Only ever asked for nodes that are complete in the tree being proved; a store may raise
        `LookupError` for any other.
        """
        ...


@dataclass(frozen=True, slots=True)
class StoredNode:
    """A complete subtree hash to persist: `NodeStore.node(level, index)` must return `digest`."""

    level: int
    index: int
    digest: bytes


def range_hash(store: NodeStore, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a subtree of the RFC 6962 §2.1 recursion, from popcount(end-start) stored nodes.

    Such a subtree has `start` aligned to the smallest power of two >= its size; its complete pieces are
    the set bits of the size, largest first, and RFC 6962's split (largest power of two below n) peels
    them off left to right, so the hash is folded from the right. Raises ValueError for any other range:
    it is not a node of any RFC 6962 tree, so asking for it is a programming error.
    """
    size = end - start
    if size <= 0 or start < 0 or start % (1 << (size - 1).bit_length()):
        raise ValueError(f"[{start}, {end}) is not a subtree of an RFC 6962 tree")
    pieces: list[bytes] = []
    position = start
    for level in reversed(range(size.bit_length())):
        if size >> level & 1:
            pieces.append(store.node(level, position >> level))
            position += 1 << level
    digest = pieces.pop()
    while pieces:
        digest = node_hash(pieces.pop(), digest)
    return digest


def tree_root(store: NodeStore, size: int) -> bytes:
    """MTH(D[0:size]) — RFC 9162 §2.1.1 — from at most log2(size)+1 stored nodes."""
    if size < 0:
        raise ValueError(f"tree size {size} is negative")
    return EMPTY_ROOT if size == 0 else range_hash(store, 0, size)


def nodes_to_store(index: int, leaf: bytes, store: NodeStore) -> list[StoredNode]:
    """The nodes that become complete when leaf hash `leaf` is appended at `index`, bottom-up.

    The leaf itself, then each ancestor of which it is the last leaf: while the node is a right child,
    its left sibling (already complete, so already in `store`) joins it. `store` is read for those
    siblings only, at most log2(index+1) of them; an appender writing a batch in one transaction must
    let it see the batch's own earlier nodes.
    """
    if index < 0:
        raise ValueError(f"leaf index {index} is negative")
    level, position, digest = 0, index, leaf
    nodes = [StoredNode(level, position, digest)]
    while position & 1:
        digest = node_hash(store.node(level, position - 1), digest)
        level, position = level + 1, position >> 1
        nodes.append(StoredNode(level, position, digest))
    return nodes


class MemoryTree:
    """An in-memory append-only tree of leaf hashes keeping every complete node: for tests and benchmarks."""

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = []
        for leaf in leaf_hashes:
            self.append(leaf)

    @property
    def size(self) -> int:
        """The number of leaves appended."""
        return len(self._levels[0]) if self._levels else 0

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash (already `leaf_hash`ed: the tree never sees entry data)."""
        if len(leaf) != HASH_SIZE:
            raise ValueError(f"a leaf hash has {HASH_SIZE} bytes, not {len(leaf)}")
        for stored in nodes_to_store(self.size, leaf, self):
            if stored.level == len(self._levels):
                self._levels.append([])
            self._levels[stored.level].append(stored.digest)

    def node(self, level: int, index: int) -> bytes:
        """`NodeStore.node`; IndexError for a node not (yet) complete."""
        if level < 0 or index < 0 or level >= len(self._levels):
            raise IndexError(f"no complete node ({level}, {index})")
        # Negative indexes were refused above: Python would silently count them from the end.
        return self._levels[level][index]

    def root(self, size: int | None = None) -> bytes:
        """The root of the first `size` leaves (default: all of them)."""
        return tree_root(self, self.size if size is None else size)


def root_of(leaf_hashes: Iterable[bytes]) -> bytes:
    """MTH of a sequence of leaf hashes — RFC 9162 §2.1.1 (SHA-256("") for none)."""
    return MemoryTree(leaf_hashes).root()

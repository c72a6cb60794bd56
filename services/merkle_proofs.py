"""Inclusion and consistency proofs of the transparency log: generation from a `NodeStore`, and verification.

Generation follows the recursive definitions of RFC 9162 §2.1.3.1 (PATH) and §2.1.4.1 (SUBPROOF), walked
top-down and reversed, so each proof has O(log n) hashes built from O(log n) stored nodes.

The verifiers are security code: their input comes from a server that may lie. They follow RFC 9162
§2.1.3.2 and §2.1.4.2 step by step, refuse every hash that is not 32 bytes, and return False — never
raise — for any proof, size or root they are given. Note that, as in the RFC, a tree size is not hashed
into the root: a root is only meaningful together with the size it was signed with.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from services.merkle import EMPTY_ROOT, HASH_SIZE, NodeStore, node_hash, range_hash, split_point


def inclusion_proof(store: NodeStore, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) — RFC 9162 §2.1.3.1 — ordered from the leaf's sibling up to the root's child.

    Raises ValueError unless 0 <= index < size: there is no such proof to serve.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        middle = start + split_point(end - start)
        if index < middle:
            path.append(range_hash(store, middle, end))
            end = middle
        else:
            path.append(range_hash(store, start, middle))
            start = middle
    path.reverse()
    return path


def consistency_proof(store: NodeStore, old_size: int, new_size: int) -> list[bytes]:
    """PROOF(old_size, D[0:new_size]) = SUBPROOF(m, D[n], true) — RFC 9162 §2.1.4.1.

    Empty for old_size == new_size (nothing to prove but equal roots) and for old_size == 0 (the empty
    tree is a prefix of every tree; see `verify_consistency`). Raises ValueError unless
    0 <= old_size <= new_size.
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    if old_size in (0, new_size):
        return []
    proof: list[bytes] = []
    # SUBPROOF(m, D[start:end], b) unrolled: m counts old leaves within [start, end); b ("known") holds
    # while those m leaves are still the whole old tree, whose root the client has and need not be sent.
    start, end, m, known = 0, new_size, old_size, True
    while m < end - start:
        middle = start + split_point(end - start)
        if m <= middle - start:
            proof.append(range_hash(store, middle, end))
            end = middle
        else:
            proof.append(range_hash(store, start, middle))
            m, start, known = m - (middle - start), middle, False
    if not known:
        proof.append(range_hash(store, start, end))
    proof.reverse()
    return proof


def _is_digest(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _all_digests(*values: object) -> bool:
    return all(_is_digest(value) for value in values)


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """Whether `proof` shows leaf hash `leaf` at `index` in the tree of `size` leaves with `root`.

    RFC 9162 §2.1.3.2, steps 1-5, plus: every hash (leaf, root, each proof element) must be 32 bytes.
    """
    if not 0 <= index < size or not _all_digests(leaf, root, *proof):  # step 1
        return False
    fn, sn = index, size - 1  # step 2
    r = leaf  # step 3
    for p in proof:  # step 4
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and hmac.compare_digest(r, root)  # step 5


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether `proof` shows the tree (old_size, old_root) is a prefix of the tree (new_size, new_root).

    RFC 9162 §2.1.4.2 covers 0 < old_size < new_size. Around it, deliberately:
    - old_size > new_size, a negative size, or any hash that is not 32 bytes: False;
    - old_size == new_size: the proof must be empty and the roots equal (RFC 9162 §2.1.4.1 defines no
      proof here: consistency is identity);
    - old_size == 0: the empty tree is a prefix of every tree, so the proof must be empty, and
      `old_root` must be MTH({}) = SHA-256("") — the only root a tree of size 0 has. (transparency-dev's
      verifier ignores the old root here; we refuse a client state no tree can have.)
    """
    if not 0 <= old_size <= new_size or not _all_digests(old_root, new_root, *proof):
        return False
    if old_size == 0 and not hmac.compare_digest(old_root, EMPTY_ROOT):
        return False
    if old_size == new_size:
        return not proof and hmac.compare_digest(old_root, new_root)
    if old_size == 0:
        return not proof
    return _verify_subproof(old_size, new_size, old_root, new_root, proof)


def _verify_subproof(
    first: int, second: int, first_hash: bytes, second_hash: bytes, consistency_path: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2 steps 1-7, for 0 < first < second, with the RFC's names."""
    if not consistency_path:  # step 1
        return False
    path = list(consistency_path)
    if first & (first - 1) == 0:  # step 2: first is a power of two, its root is a node of the new tree
        path.insert(0, first_hash)
    fn, sn = first - 1, second - 1  # step 3
    while fn & 1:  # step 4
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]  # step 5
    for c in path[1:]:  # step 6
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    # Step 7; both comparisons run whatever the first says.
    first_ok = hmac.compare_digest(fr, first_hash)
    second_ok = hmac.compare_digest(sr, second_hash)
    return sn == 0 and first_ok and second_ok

"""The transparency log's Merkle tree (services.merkle, services.merkle_proofs): RFC 6962 / RFC 9162.

Three independent checks: published known answers; a naive recursive reference written straight from
RFC 9162 §2.1 (below, sharing no code with the module), compared on every size, index and pair of sizes
up to 64; and Hypothesis trying to get altered proofs past the verifiers.
"""

from __future__ import annotations

import hashlib
from typing import cast

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from services.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    StoredNode,
    leaf_hash,
    node_hash,
    nodes_to_store,
    range_hash,
    root_of,
    tree_root,
)
from services.merkle_proofs import (
    consistency_proof,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)

# --- known answers ------------------------------------------------------------------------------
# From transparency-dev/merkle, proof/verify_test.go (`leaves`, `roots`, `inclusionProofs`,
# `consistencyProofs`): the RFC 6962 reference inputs that certificate-transparency-go's merkletree
# tests and the C++ certificate-transparency merkle_tree_test.cc use too. The Go inclusion vectors number
# leaves from 1; here indexes start at 0.
KAT_DATA = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")]
KAT_ROOTS = [bytes.fromhex(h) for h in (
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
)]
_H = {  # named proof hashes, as they recur across the vectors
    "l1": "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "h23": "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "h4567": "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    "h45": "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "l7": "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    "h0123": "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "h01": "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "l0": "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "l5": "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
    "l6": "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
}
KAT_INCLUSION = [  # (index, size, proof)
    (0, 8, ["l1", "h23", "h4567"]),
    (5, 8, ["h45", "l7", "h0123"]),
    (2, 3, ["h01"]),
    (1, 5, ["l0", "h23", "h45"]),
]
KAT_CONSISTENCY = [  # (old_size, new_size, proof)
    (1, 1, []),
    (1, 8, ["l1", "h23", "h4567"]),
    (6, 8, ["l5", "l7", "h0123"]),
    (2, 5, ["h23", "h45"]),
    (6, 7, ["l5", "l6", "h0123"]),
]
KAT_LEAVES = [leaf_hash(d) for d in KAT_DATA]
KAT_TREE = MemoryTree(KAT_LEAVES)


def hashes(names: list[str]) -> list[bytes]:
    return [bytes.fromhex(_H[name]) for name in names]


def test_empty_tree_root_is_sha256_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert root_of([]) == EMPTY_ROOT == tree_root(KAT_TREE, 0)


@pytest.mark.parametrize("size", range(1, 9))
def test_published_roots(size: int) -> None:
    assert root_of(KAT_LEAVES[:size]) == KAT_ROOTS[size - 1]
    assert tree_root(KAT_TREE, size) == KAT_ROOTS[size - 1]
    assert ref_mth([ref_leaf(d) for d in KAT_DATA[:size]]) == KAT_ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "names"), KAT_INCLUSION)
def test_published_inclusion_proofs(index: int, size: int, names: list[str]) -> None:
    assert inclusion_proof(KAT_TREE, index, size) == hashes(names)
    assert verify_inclusion(KAT_LEAVES[index], index, size, hashes(names), KAT_ROOTS[size - 1])


@pytest.mark.parametrize(("old", "new", "names"), KAT_CONSISTENCY)
def test_published_consistency_proofs(old: int, new: int, names: list[str]) -> None:
    assert consistency_proof(KAT_TREE, old, new) == hashes(names)
    assert verify_consistency(old, new, KAT_ROOTS[old - 1], KAT_ROOTS[new - 1], hashes(names))


# --- the naive reference: RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1 transcribed, hashing every leaf ---------

def ref_leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def ref_split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = ref_split(len(leaves))
    return hashlib.sha256(b"\x01" + ref_mth(leaves[:k]) + ref_mth(leaves[k:])).digest()


def ref_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = ref_split(len(leaves))
    if m < k:
        return [*ref_path(m, leaves[:k]), ref_mth(leaves[k:])]
    return [*ref_path(m - k, leaves[k:]), ref_mth(leaves[:k])]


def ref_subproof(m: int, leaves: list[bytes], b: bool) -> list[bytes]:
    if m == len(leaves):
        return [] if b else [ref_mth(leaves)]
    k = ref_split(len(leaves))
    if m <= k:
        return [*ref_subproof(m, leaves[:k], b), ref_mth(leaves[k:])]
    return [*ref_subproof(m - k, leaves[k:], False), ref_mth(leaves[:k])]


def ref_proof(m: int, leaves: list[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) for 0 < m < n; the empty proof at m == 0 and m == n (services.merkle_proofs' rule)."""
    return ref_subproof(m, leaves, True) if 0 < m < len(leaves) else []


LEAVES_64 = [ref_leaf(i.to_bytes(2, "big")) for i in range(64)]
TREE_64 = MemoryTree(LEAVES_64)
ROOTS_64 = [ref_mth(LEAVES_64[:n]) for n in range(65)]


def ceil_log2(n: int) -> int:
    return (n - 1).bit_length()


@pytest.mark.parametrize("size", range(1, 65))
def test_every_inclusion_proof_up_to_64_is_rfc_path_and_verifies(size: int) -> None:
    assert tree_root(TREE_64, size) == ROOTS_64[size] == root_of(LEAVES_64[:size])
    for index in range(size):
        proof = inclusion_proof(TREE_64, index, size)
        assert proof == ref_path(index, LEAVES_64[:size])
        assert verify_inclusion(LEAVES_64[index], index, size, proof, ROOTS_64[size])
        # RFC 6962 §2.1.1: one hash per level of the tree, which is ceil(log2 n) deep.
        assert len(proof) <= ceil_log2(size)


@pytest.mark.parametrize("new", range(65))
def test_every_consistency_proof_up_to_64_is_rfc_subproof_and_verifies(new: int) -> None:
    for old in range(new + 1):
        proof = consistency_proof(TREE_64, old, new)
        assert proof == ref_proof(old, LEAVES_64[:new])
        assert verify_consistency(old, new, ROOTS_64[old], ROOTS_64[new], proof)
        # RFC 6962 §2.1.2: "bounded above by ceil(log2(n)) + 1".
        assert len(proof) <= ceil_log2(new) + 1


def test_the_consistency_bound_needs_its_plus_one() -> None:
    assert len(consistency_proof(TREE_64, 63, 64)) == ceil_log2(64) + 1


def test_every_rfc_subtree_range_folds_to_its_naive_hash() -> None:
    for start in range(64):
        for end in range(start + 1, 65):
            if start % (1 << (end - start - 1).bit_length()) == 0:
                assert range_hash(TREE_64, start, end) == ref_mth(LEAVES_64[start:end]), (start, end)


@pytest.mark.parametrize(("start", "end"), [(1, 3), (2, 5), (0, 0), (3, 2), (-2, 0), (4, 9)])
def test_a_range_that_is_no_rfc_subtree_is_refused(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="not a subtree"):
        range_hash(TREE_64, start, end)


def test_hashing_is_domain_separated() -> None:
    assert leaf_hash(b"ab") == ref_leaf(b"ab") != hashlib.sha256(b"ab").digest()
    assert node_hash(b"a", b"b") == hashlib.sha256(b"\x01ab").digest()


# --- appending: the nodes a database-backed appender stores --------------------------------------

class RowStore:
    """What a database-backed appender keeps: one row per complete node, written once."""

    def __init__(self) -> None:
        self.rows: dict[tuple[int, int], bytes] = {}

    def node(self, level: int, index: int) -> bytes:
        return self.rows[(level, index)]

    def append(self, index: int, leaf: bytes) -> list[StoredNode]:
        new = nodes_to_store(index, leaf, self)
        for stored in new:
            assert (stored.level, stored.index) not in self.rows, "a node is completed once"
            self.rows[(stored.level, stored.index)] = stored.digest
        return new


def test_appending_stores_exactly_the_complete_nodes_with_their_rfc_hashes() -> None:
    store = RowStore()
    for size in range(1, 65):
        store.append(size - 1, LEAVES_64[size - 1])
        complete = {(level, index) for level in range(7) for index in range(size >> level)}
        assert set(store.rows) == complete
    for (level, index), digest in store.rows.items():
        assert digest == ref_mth(LEAVES_64[index << level:(index + 1) << level])
    for index in range(37):
        assert inclusion_proof(store, index, 37) == ref_path(index, LEAVES_64[:37])


def test_an_append_completes_the_leaf_and_each_ancestor_it_ends() -> None:
    store = RowStore()
    completed = [store.append(i, leaf) for i, leaf in enumerate(LEAVES_64[:8])]
    assert [[(n.level, n.index) for n in nodes] for nodes in completed] == [
        [(0, 0)], [(0, 1), (1, 0)], [(0, 2)], [(0, 3), (1, 1), (2, 0)],
        [(0, 4)], [(0, 5), (1, 2)], [(0, 6)], [(0, 7), (1, 3), (2, 1), (3, 0)],
    ]


def test_memory_tree_refuses_what_is_not_a_leaf_hash_or_not_yet_complete() -> None:
    tree = MemoryTree(LEAVES_64[:3])
    with pytest.raises(ValueError, match="32 bytes"):
        tree.append(b"entry data, not its hash")
    for level, index in [(0, 3), (1, 1), (2, 0), (0, -1), (-1, 0)]:
        with pytest.raises(IndexError):
            tree.node(level, index)
    assert tree.size == 3 and tree.root() == ROOTS_64[3]


def test_proofs_of_impossible_claims_are_refused_when_serving() -> None:
    for index, size in [(0, 0), (3, 3), (-1, 3)]:
        with pytest.raises(ValueError, match="not in a tree"):
            inclusion_proof(TREE_64, index, size)
    for old, new in [(4, 3), (-1, 3)]:
        with pytest.raises(ValueError, match="no consistency proof"):
            consistency_proof(TREE_64, old, new)


# --- the verifiers' edges --------------------------------------------------------------------------

def test_inclusion_outside_the_tree_or_with_malformed_hashes_is_rejected() -> None:
    leaf, root = LEAVES_64[0], ROOTS_64[1]
    assert verify_inclusion(leaf, 0, 1, [], root)
    assert not verify_inclusion(leaf, 0, 0, [], EMPTY_ROOT)
    assert not verify_inclusion(leaf, 1, 1, [], root)
    assert not verify_inclusion(leaf, -1, 1, [], root)
    # Equal but short: only the 32-byte rule stops these.
    assert not verify_inclusion(b"short", 0, 1, [], b"short")
    assert not verify_inclusion(leaf + b"!", 0, 1, [], root + b"!")
    garbage = cast(list[bytes], ["x" * 32])
    assert not verify_inclusion(LEAVES_64[0], 0, 2, garbage, ROOTS_64[2])


def test_consistency_edges() -> None:
    r3, r5 = ROOTS_64[3], ROOTS_64[5]
    assert not verify_consistency(5, 3, r5, r3, consistency_proof(TREE_64, 3, 5))  # time travel
    assert not verify_consistency(-1, 3, r3, r3, [])
    assert verify_consistency(3, 3, r3, r3, [])
    assert not verify_consistency(3, 3, r3, r5, [])  # same size, other root: a fork
    assert not verify_consistency(3, 3, r3, r3, [r3])  # nothing to prove, so nothing may be sent
    assert not verify_consistency(3, 5, r3, r5, [])  # RFC 9162 §2.1.4.2 step 1
    assert not verify_consistency(3, 3, b"short", b"short", [])


def test_the_empty_tree_is_consistent_with_every_tree_by_the_empty_proof() -> None:
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert verify_consistency(0, 5, EMPTY_ROOT, ROOTS_64[5], [])
    assert not verify_consistency(0, 5, EMPTY_ROOT, ROOTS_64[5], [ROOTS_64[5]])
    # No tree of size 0 has another root: a client holding one holds garbage.
    assert not verify_consistency(0, 5, ROOTS_64[1], ROOTS_64[5], [])
    assert not verify_consistency(0, 0, ROOTS_64[1], ROOTS_64[1], [])
    assert not verify_consistency(0, 5, EMPTY_ROOT, b"short", [])


def test_a_root_means_something_only_with_the_size_it_was_signed_with() -> None:
    """RFC 9162 hashes no size into a root: the proof of leaf 0 in the 3-leaf tree also chains to the
    3-leaf root when read as a claim about a 4-leaf tree. Harmless once the checkpoint signs (size, root)
    together — the verifier is handed the genuine root of the size it checks — as this shows."""
    proof = inclusion_proof(TREE_64, 0, 3)
    assert verify_inclusion(LEAVES_64[0], 0, 4, proof, ROOTS_64[3])
    assert not verify_inclusion(LEAVES_64[0], 0, 4, proof, ROOTS_64[4])


# --- Hypothesis: a lying server tries to get an altered proof accepted -----------------------------
# The honest log has grown to BIG leaves; the proofs attacked are cut at sizes <= 64. When a size is
# altered the verifier gets the genuine root of the altered size (what a signed checkpoint would give
# it): see test_a_root_means_something_only_with_the_size_it_was_signed_with for why.

BIG = 1024
PROOF_MUTATIONS = ["flip_bit", "drop", "insert", "swap", "resize"]
DELTAS = st.one_of(st.integers(-70, 70), st.integers(-(2**70), 2**70)).filter(lambda d: d != 0)


class HonestLog:
    def __init__(self, salt: bytes) -> None:
        self.leaves = [ref_leaf(salt + i.to_bytes(2, "big")) for i in range(BIG)]
        self.tree = MemoryTree(self.leaves[:64])  # proofs are served at sizes <= 64
        self._roots: dict[int, bytes] = {}

    def root(self, size: int) -> bytes:
        if size not in self._roots:
            self._roots[size] = ref_mth(self.leaves[:size])
        return self._roots[size]


def flip_bit(value: bytes, bit: int) -> bytes:
    altered = bytearray(value)
    altered[bit // 8 % len(value)] ^= 1 << (bit % 8)
    return bytes(altered)


def mutate_proof(data: st.DataObject, proof: list[bytes], kind: str, known: list[bytes]) -> list[bytes]:
    """`proof` with one element flipped, dropped, inserted, swapped or resized."""
    altered = list(proof)
    if kind == "insert":
        value = data.draw(st.one_of(st.sampled_from(known + proof), st.binary(max_size=40)))
        altered.insert(data.draw(st.integers(0, len(proof))), value)
        return altered
    assume(len(proof) >= (2 if kind == "swap" else 1))
    at = data.draw(st.integers(0, len(proof) - 1))
    if kind == "flip_bit":
        altered[at] = flip_bit(proof[at], data.draw(st.integers(0, 255)))
    elif kind == "drop":
        del altered[at]
    elif kind == "swap":
        other = data.draw(st.integers(0, len(proof) - 1).filter(lambda i: i != at))
        assume(proof[at] != proof[other])
        altered[at], altered[other] = proof[other], proof[at]
    else:
        altered[at] = proof[at][:-1] if data.draw(st.booleans()) else proof[at] + b"\x00"
    return altered


def another_hash(data: st.DataObject, original: bytes, log: HonestLog) -> bytes:
    """A replacement for a leaf hash or root: near it, from the log, random, or malformed."""
    value = data.draw(st.one_of(
        st.integers(0, 255).map(lambda bit: flip_bit(original, bit)),
        st.integers(0, BIG).map(log.root),
        st.integers(0, BIG - 1).map(lambda i: log.leaves[i]),
        st.binary(min_size=32, max_size=32),
        st.sampled_from([original[:-1], original + b"\x00", b""]),
    ))
    assume(value != original)
    return value


@pytest.mark.parametrize("kind", [*PROOF_MUTATIONS, "index", "size", "leaf", "root"])
@settings(max_examples=150, deadline=None)
@given(data=st.data(), salt=st.binary(max_size=8))
def test_an_altered_inclusion_proof_is_rejected(kind: str, data: st.DataObject, salt: bytes) -> None:
    log = HonestLog(salt)
    size = data.draw(st.integers(1, 64), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    leaf, root, proof = log.leaves[index], log.root(size), inclusion_proof(log.tree, index, size)
    assert verify_inclusion(leaf, index, size, proof, root)
    if kind in PROOF_MUTATIONS:
        assert not verify_inclusion(leaf, index, size, mutate_proof(data, proof, kind, [leaf, root]), root)
    elif kind == "index":
        assert not verify_inclusion(leaf, index + data.draw(DELTAS), size, proof, root)
    elif kind == "size":
        other = size + data.draw(DELTAS)
        other_root = log.root(other) if 0 <= other <= BIG else root
        assert not verify_inclusion(leaf, index, other, proof, other_root)
    elif kind == "leaf":
        assert not verify_inclusion(another_hash(data, leaf, log), index, size, proof, root)
    else:
        assert not verify_inclusion(leaf, index, size, proof, another_hash(data, root, log))


CONSISTENCY_MUTATIONS = [*PROOF_MUTATIONS, "old_size", "new_size", "old_root", "new_root", "swapped_roots"]


@pytest.mark.parametrize("kind", CONSISTENCY_MUTATIONS)
@settings(max_examples=150, deadline=None)
@given(data=st.data(), salt=st.binary(max_size=8))
def test_an_altered_consistency_proof_is_rejected(kind: str, data: st.DataObject, salt: bytes) -> None:
    log = HonestLog(salt)
    new = data.draw(st.integers(1, 64), label="new_size")
    old = data.draw(st.integers(1, new), label="old_size")
    old_root, new_root, proof = log.root(old), log.root(new), consistency_proof(log.tree, old, new)
    assert verify_consistency(old, new, old_root, new_root, proof)
    if kind in PROOF_MUTATIONS:
        altered = mutate_proof(data, proof, kind, [old_root, new_root])
        assert not verify_consistency(old, new, old_root, new_root, altered)
    elif kind == "old_size":
        other = old + data.draw(DELTAS)
        other_root = log.root(other) if 0 <= other <= BIG else old_root
        # Only a claim this very proof proves may pass: from the empty tree when `proof` is empty.
        genuine = 0 <= other <= new and proof == ref_proof(other, log.leaves[:new])
        assert verify_consistency(other, new, other_root, new_root, proof) == genuine
        assert genuine == (other == 0 and old == new)
    elif kind == "new_size":
        other = new + data.draw(DELTAS)
        other_root = log.root(other) if 0 <= other <= BIG else new_root
        assert not verify_consistency(old, other, old_root, other_root, proof)
    elif kind == "old_root":
        assert not verify_consistency(old, new, another_hash(data, old_root, log), new_root, proof)
    elif kind == "new_root":
        assert not verify_consistency(old, new, old_root, another_hash(data, new_root, log), proof)
    else:
        assume(old < new)
        assert not verify_consistency(old, new, new_root, old_root, proof)


# --- cost: proofs read O(log n) stored nodes ------------------------------------------------------

MILLION = 1_000_000


class SyntheticStore:
    """The node store of a `size`-leaf tree with made-up hashes: no need to hash a million leaves to count
    lookups. Asking for a node that is not complete at `size` is an error, as in a real store."""

    def __init__(self, size: int) -> None:
        self.size = size

    def node(self, level: int, index: int) -> bytes:
        if level < 0 or index < 0 or (index + 1) << level > self.size:
            raise LookupError(f"node ({level}, {index}) is not complete in a tree of {self.size}")
        return hashlib.sha256(f"{level}/{index}".encode()).digest()


class CountingStore:
    def __init__(self, inner: SyntheticStore) -> None:
        self.inner = inner
        self.lookups = 0

    def node(self, level: int, index: int) -> bytes:
        self.lookups += 1
        return self.inner.node(level, index)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_an_inclusion_proof_in_a_million_leaves_reads_o_log_n_nodes(data: st.DataObject) -> None:
    size = data.draw(st.one_of(st.just(MILLION), st.integers(1, MILLION)))
    index = data.draw(st.one_of(st.sampled_from([0, size // 2, size - 1]), st.integers(0, size - 1)))
    store = CountingStore(SyntheticStore(MILLION))
    proof = inclusion_proof(store, index, size)
    assert len(proof) <= ceil_log2(size) <= 20
    # Every sibling but one is a stored node; that one (the tree's right edge) folds popcount(n) nodes.
    assert store.lookups <= ceil_log2(size) + size.bit_length() <= 40


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_consistency_proof_in_a_million_leaves_reads_o_log_n_nodes(data: st.DataObject) -> None:
    new = data.draw(st.one_of(st.just(MILLION), st.integers(1, MILLION)))
    old = data.draw(st.one_of(st.sampled_from([1, new // 2, new - 1]), st.integers(0, new)))
    store = CountingStore(SyntheticStore(MILLION))
    proof = consistency_proof(store, old, new)
    assert len(proof) <= ceil_log2(new) + 1 <= 21
    assert store.lookups <= ceil_log2(new) + new.bit_length() <= 40


@pytest.mark.parametrize("size", [1, 2**19, 2**20 - 1, 999_999, MILLION])
def test_a_root_and_an_append_read_o_log_n_nodes(size: int) -> None:
    store = CountingStore(SyntheticStore(size))
    tree_root(store, size)
    assert store.lookups == size.bit_count()  # one stored node per complete piece
    before_append = CountingStore(SyntheticStore(size))
    nodes_to_store(size, leaf_hash(b"new entry"), before_append)
    trailing_ones = (size ^ (size + 1)).bit_length() - 1
    assert before_append.lookups == trailing_ones <= 20

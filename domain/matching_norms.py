"""Lower bounds of every document's squared TF-IDF norm, kept up to date as documents come
and go, for domain.matching_index to prune with (its exact scores never use them).

A term's IDF (for a query lacking it) is A − L with A = log(1+n)+1 and L = log(1+df), so a
document's squared norm is S = Σ c²(A − L)² = A²·P − 2A·Q + R with P = Σc², Q = Σc²·L and
R = Σc²·L². A new document changes A for everyone — free, A is applied per query — and L of its
own terms only. For a term in few documents the index moves their Q and R to the new L at once;
for a common term (thousands of documents, each change moves L by about 1/df) it leaves them on
the old L and bounds the error instead: |ΔS| ≤ 2A·Σ max(c)²·|L − L_used| over such terms. When
that bound grows past a share of the smallest norm, every Q and R is recomputed.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable
from itertools import compress, repeat
from operator import add, mul, sub

EXACT_MAX = 1000  # a term in at most this many documents has their Q and R moved at once
DRIFT_SHARE = 0.05  # recompute all when the bound reaches this share of the smallest norm
TINY = 1e-12
MARGIN = 1e-9  # relative: A²P − 2AQ + R and Σ(c·idf)² round differently

Postings = dict[int, "array[int]"]  # count → slots
Bag = tuple["array[int]", "array[int]"]  # term ids, counts


class NormBounds:
    def __init__(self) -> None:
        self.logs: list[float] = []  # L per term, now
        self.used: list[float] = []  # L per term, as in Q and R
        self.stale: set[int] = set()  # terms whose L moved since Q and R used it
        self.p: list[float] = []
        self.q: list[float] = []
        self.r: list[float] = []
        self.built = False
        self.a = 1.0
        self.drift = 0.0  # bound of |S − (A²P − 2AQ + R)| for any document, at A
        self.shortest = math.inf  # lower bound of the smallest live S
        self.lows: list[float] = []  # per slot, the bound, as of the last prepare

    def new_term(self) -> None:
        if self.built:
            self.logs.append(0.0)
            self.used.append(0.0)

    def df_changed(self, tid: int, df: int, postings: Postings) -> None:
        """Term `tid` is now in `df` documents (postings not yet holding a new one)."""
        if not self.built:
            return  # the first prepare computes everything from df
        now = self.logs[tid] = math.log(1 + df)
        if not postings:  # no document holds it yet: nothing to move
            self.used[tid] = now
            return
        if df > EXACT_MAX:
            self.stale.add(tid)
            return
        before = self.used[tid]
        dq, dr = now - before, now * now - before * before
        for count, slots in postings.items():
            c2 = count * count
            for slot in slots:
                self.q[slot] += c2 * dq
                self.r[slot] += c2 * dr
        self.used[tid] = now
        self.stale.discard(tid)

    def added(self, tids: array[int], counts: array[int]) -> None:
        """A new slot's sums, on the L the other documents' sums use."""
        if not self.built:
            return  # the first prepare computes them all
        squares = list(map(mul, counts, counts))
        self.p.append(float(sum(squares)))
        self.q.append(sum(map(mul, squares, map(self.used.__getitem__, tids))))
        self.r.append(sum(map(mul, squares, (self.used[t] ** 2 for t in tids))))

    def prepare(self, n: int, df: list[int], bags: list[Bag], alive: bytearray,
                postings: list[Postings]) -> None:
        """For a corpus of n documents (the query included): recompute all sums if the bound
        grew too loose, then the bound and the smallest norm."""
        self.a = math.log(1 + n) + 1
        if not self.built:
            self.logs = [math.log(1 + c) for c in df]
        if not self.built or self._units(postings) * 2 * self.a > DRIFT_SHARE * self.shortest:
            self._rebuild(bags)
        self.drift = 2 * self.a * self._units(postings)
        self.lows = list(self.lower(range(len(self.p))))
        self.shortest = min(compress(self.lows, alive), default=math.inf)

    def _units(self, postings: list[Postings]) -> float:
        return sum(max(postings[t]) ** 2 * abs(self.logs[t] - self.used[t])
                   for t in self.stale if postings[t])

    def _rebuild(self, bags: list[Bag]) -> None:
        self.used, self.stale, self.built = list(self.logs), set(), True
        self.p, self.q, self.r = [], [], []
        for tids, counts in bags:
            self.added(tids, counts)

    def lower(self, slots: Iterable[int]) -> Iterable[float]:
        """Per slot, at most its squared norm under the IDF of terms a query lacks."""
        slots = list(slots)
        a2, a = self.a * self.a, 2 * self.a
        p, q, r = (map(v.__getitem__, slots) for v in (self.p, self.q, self.r))
        sums = map(add, map(sub, map(mul, p, repeat(a2)), map(mul, q, repeat(a))), r)
        return map(sub, map(mul, sums, repeat(1 - MARGIN)), repeat(self.drift))

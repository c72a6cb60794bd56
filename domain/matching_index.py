"""An inverted index that ranks a corpus for one query with the scores of domain.matching.rank
(the policy's field, keyword and bigram TF-IDF cosine signals), without rebuilding every vector
per query (Baoding items 4-5: matching over the whole registry).

How: `rank` computes IDF over the corpus plus the query, so with N documents and document
frequency df(t) a term's IDF is log((2+N)/(1+df(t)+[t in query]))+1. The index keeps df, each
document's term counts and a lower bound of its norm (domain.matching_norms). A query walks the
postings of its own terms (dot products; for the rarest, how the query's own IDF changes the
norm), and bounds what its most common terms (in over a fifth of the documents) can add.
Every document that could reach the policy's minimum — same field, a keyword possibly found, or
a dot product large enough — gets an upper bound of its score; in bound order, documents are
then scored exactly as `rank` does (same IDF values, the norm summed in the same order), until
no bound can enter the best `limit`. So the result is rank()'s, rounded scores and ties alike.
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Set
from dataclasses import replace
from operator import mul

from domain.matching import (
    Doc,
    MatchingPolicy,
    Scored,
    combine,
    doc_terms,
    top_terms,
)
from domain.matching_norms import NormBounds
from domain.matching_query import EPS, Query, accumulate, bounds, candidates


class MatchIndex:
    """Documents by slot; a removed one leaves a dead slot (no field, infinite norm)."""

    def __init__(self) -> None:
        self.docs: list[Doc | None] = []
        self.slot_of: dict[str, int] = {}
        self.term_ids: dict[str, int] = {}
        self.terms: list[str] = []
        self.df: list[int] = []
        self.postings: list[dict[int, array[int]]] = []  # term id → count → slots
        self.bags: list[tuple[array[int], array[int]]] = []  # per slot: term ids, counts
        self.field_slots: dict[str, set[int]] = {}
        self.alive = bytearray()  # per slot: 1 while its document is in the corpus
        self.norms = NormBounds()
        self.idf0: list[float] = []
        self._dirty = True  # the corpus changed since the IDF and the bounds were computed

    def __len__(self) -> int:
        return len(self.slot_of)

    def add(self, doc: Doc, bag: Counter[str] | None = None) -> None:
        """Add (or replace) a document; `bag` is doc_terms(doc) when already known."""
        self.remove(doc.id)
        slot = len(self.docs)
        self.docs.append(doc)
        self.slot_of[doc.id] = slot
        tids, counts = array("q"), array("q")
        for term, count in (bag if bag is not None else doc_terms(doc)).items():
            tid = self._term_id(term)
            self.df[tid] += 1
            self.norms.df_changed(tid, self.df[tid], self.postings[tid])
            self.postings[tid].setdefault(count, array("q")).append(slot)
            tids.append(tid)
            counts.append(count)
        self.bags.append((tids, counts))
        self.norms.added(tids, counts)
        self.alive.append(1)
        self.field_slots.setdefault(doc.field, set()).add(slot)
        self._dirty = True

    def remove(self, doc_id: str) -> None:
        slot = self.slot_of.pop(doc_id, None)
        if slot is None:
            return
        doc = self.docs[slot]
        assert doc is not None
        self.docs[slot] = None
        self.alive[slot] = 0
        for tid in self.bags[slot][0]:
            self.df[tid] -= 1
            self.norms.df_changed(tid, self.df[tid], self.postings[tid])
        self.field_slots[doc.field].discard(slot)
        self._dirty = True

    def _term_id(self, term: str) -> int:
        tid = self.term_ids.get(term)
        if tid is None:
            tid = self.term_ids[term] = len(self.terms)
            self.terms.append(term)
            self.df.append(0)
            self.postings.append({})
            self.norms.new_term()
        return tid

    def _prepare(self) -> None:
        """IDF of terms a query lacks (as rank() computes it), and the norms' bounds."""
        if self._dirty:
            n = len(self) + 1  # the query counts as a document, as in rank()
            self.idf0 = [math.log((1 + n) / (1 + c)) + 1 for c in self.df]
            self.norms.prepare(n, self.df, self.bags, self.alive, self.postings)
            self._dirty = False


    def _square_norm(self, slot: int, idf: list[float]) -> float:
        """Σ (count × IDF)² in the document's own term order, as rank() sums it."""
        tids, counts = self.bags[slot]
        weights = list(map(mul, counts, map(idf.__getitem__, tids)))
        return sum(map(mul, weights, weights)) or math.inf

    def rank(self, query: Doc, policy: MatchingPolicy, limit: int,
             barred: Set[str] = frozenset()) -> tuple[list[Scored], list[Scored]]:
        """The best `limit` documents scoring at least the policy's minimum, best first (ties
        by id), split into those not in `barred` and those in it: rank()'s list, filtered."""
        q = self._query(query, policy)
        kept_out = {self.slot_of[i] for i in barred if i in self.slot_of}
        same = self.field_slots.get(query.field, set()) if query.field else set()
        found = candidates(self, q) - kept_out
        limits: dict[int, float] = {}
        for slots, weight in ((list(found & same), policy.field_weight),
                              (list(found - same), 0.0)):
            limits.update(zip(slots, bounds(self, slots, q, weight), strict=True))
        order = sorted((s for s, b in limits.items() if b >= policy.min_score),
                       key=limits.__getitem__, reverse=True)
        offered = self._best(order, limits, q, limit)
        excluded = self._best(sorted(kept_out), None, q, limit)
        return [self._with_terms(x, q) for x in offered], [self._with_terms(x, q) for x in excluded]

    def _query(self, query: Doc, policy: MatchingPolicy) -> Query:
        self._prepare()
        n = len(self) + 1
        idf, named = list(self.idf0), {}
        for term, count in doc_terms(query).items():
            tid = self.term_ids.get(term)
            value = math.log((1 + n) / (1 + (self.df[tid] if tid is not None else 0) + 1)) + 1
            if tid is not None:
                idf[tid] = value
            named[term] = count * value
        weights = {self.term_ids[t]: w for t, w in named.items() if t in self.term_ids}
        norm = math.sqrt(sum(v * v for v in named.values()))
        q = Query(query, policy, weights, idf, norm, [0.0] * len(self.docs),
                  [0.0] * len(self.docs))
        accumulate(self, q)
        return q

    def _best(self, order: Iterable[int], bounds: Mapping[int, float] | None, q: Query,
              limit: int) -> list[Scored]:
        """Exact scores in bound order, until no later bound can enter the best `limit`."""
        kept: list[tuple[float, str, Scored]] = []
        for slot in order:
            if bounds is not None and len(kept) >= limit and bounds[slot] < -kept[limit - 1][0] - EPS:
                break
            scored = self._exact(slot, q)
            if scored.score >= q.policy.min_score:
                bisect.insort(kept, (-scored.score, scored.id, scored))
                del kept[limit:]
        return [s for _, _, s in kept]

    def _exact(self, slot: int, q: Query) -> Scored:
        """Scored as rank() does: the same IDF values, the norm summed in the same order."""
        doc = self.docs[slot]
        assert doc is not None
        tids, counts = self.bags[slot]
        dot = sum(q.weights[t] * (c * q.idf[t]) for t, c in zip(tids, counts, strict=True)
                  if t in q.weights)
        norm = q.norm * math.sqrt(self._square_norm(slot, q.idf))
        return combine(q.doc, doc, dot / norm if dot and norm else 0.0, (), q.policy)

    def _with_terms(self, scored: Scored, q: Query) -> Scored:
        tids, counts = self.bags[self.slot_of[scored.id]]
        shared = {self.terms[t]: q.weights[t] * (c * q.idf[t])
                  for t, c in zip(tids, counts, strict=True) if t in q.weights}
        return replace(scored, shared_terms=top_terms(shared))


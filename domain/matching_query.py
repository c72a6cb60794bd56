"""The query side of domain.matching_index: walking the query's postings, choosing the
documents that could reach the policy's minimum, and bounding their scores from above."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import add, ge, mul, sub, truediv
from typing import TYPE_CHECKING

from domain.matching import Doc, MatchingPolicy, terms_of

if TYPE_CHECKING:
    from domain.matching_index import MatchIndex

EPS = 1e-9  # slack when a float bound is compared with a score computed another way
HALF_UNIT = 0.5e-4  # scores are rounded to 4 places (domain.matching.combine)
TINY = 1e-12
# A query term in more than this share of the documents (and at least COMMON_MIN of them) is
# bounded instead of walked: such bigrams (技术, 研究, 问题) weigh little and cost the most.
COMMON_SHARE = 0.2
COMMON_MIN = 2000
# The query changes the IDF of its own terms (their df counts it): tracked per document for
# terms in at most RARE_MAX documents, where it matters; bounded for the others, where a
# change of df by one moves the IDF by about 1/df.
RARE_MAX = 500


@dataclass
class Query:
    """One query's weights and, per slot of the index, what its postings gave."""

    doc: Doc
    policy: MatchingPolicy
    weights: dict[int, float]  # term id → query weight (count × IDF), terms in the corpus
    idf: list[float]  # IDF per term id for this query (terms in the query get df + 1)
    norm: float  # the query vector's norm, over all its terms
    dots: list[float]  # per slot, over the terms walked
    corrections: list[float]  # per slot, of the squared norm, over the rare terms
    lift: float = 0.0
    sink: float = 0.0
    sink_rare: float = 0.0  # the most the rare terms' corrections take off
    everywhere: float = 0.0  # keyword share counted for every document
    hits: dict[int, float] = field(default_factory=dict)  # keyword share possibly found


def accumulate(index: MatchIndex, q: Query) -> None:
    """Over the postings of the query's terms: dot products, and how each squared norm
    changes under the query's IDF; for common terms only bounds: the most they can add
    to a dot product (`lift`), and the most they can take off a squared norm (`sink`)."""
    common = max(COMMON_MIN, len(index) * COMMON_SHARE)
    dots, corrections = q.dots, q.corrections
    for tid, weight in q.weights.items():
        df, idf = index.df[tid], q.idf[tid]
        delta = index.idf0[tid] ** 2 - idf ** 2
        most = max(index.postings[tid])
        q.sink_rare += most * most * delta if df <= RARE_MAX else 0.0
        q.sink += most * most * delta if df > RARE_MAX else 0.0
        if df > common:
            q.lift += weight * (most * idf)
            continue
        for count, slots in index.postings[tid].items():
            w, v = weight * (count * idf), count * count * delta
            if df > RARE_MAX:
                for slot in slots:
                    dots[slot] += w
            else:
                for slot in slots:
                    dots[slot] += w
                    corrections[slot] -= v

def candidates(index: MatchIndex, q: Query) -> set[int]:
    """Slots that could reach the minimum: same field, a keyword possibly found, or a dot
    product large enough for the text alone (with the shortest document's norm)."""
    p = q.policy
    share = p.keyword_weight / len(q.doc.keywords) if q.doc.keywords else 0.0
    for keyword in q.doc.keywords:
        slots = bigram_slots(index, keyword)
        if slots is None:
            q.everywhere += share
        for slot in slots or ():
            q.hits[slot] = q.hits.get(slot, 0.0) + share
    found = set(q.hits) | (index.field_slots.get(q.doc.field, set()) if q.doc.field else set())
    need = (p.min_score - q.everywhere - HALF_UNIT - EPS) / p.text_weight \
        if p.text_weight else math.inf
    if need <= 0:
        return found | set(index.slot_of.values())
    shortest = math.sqrt(max(index.norms.shortest - q.sink - q.sink_rare, TINY))
    floor = need * q.norm * shortest - q.lift - EPS
    found |= set(compress(range(len(q.dots)), map(ge, q.dots, repeat(floor))))
    return {slot for slot in found if index.docs[slot] is not None}

def bounds(index: MatchIndex, slots: list[int], q: Query, field_term: float) -> Iterable[float]:
    """At least each slot's rounded score: its field term, keywords possibly found, and the
    text term over a norm that can only be smaller than the document's (list-wide maps)."""
    if not slots:
        return []
    lows, corrections = _gather(index.norms.lows, slots), _gather(q.corrections, slots)
    squares = map(max, map(sub, map(add, lows, corrections), repeat(q.sink)), repeat(TINY))
    texts = map(truediv, map(add, _gather(q.dots, slots), repeat(q.lift)),
                map(math.sqrt, squares))
    scale = q.policy.text_weight / q.norm if q.norm else 0.0
    rest = field_term + q.everywhere + HALF_UNIT + EPS
    return map(add, map(mul, texts, repeat(scale)),
               map(add, map(q.hits.get, slots, repeat(0.0)), repeat(rest)))

def bigram_slots(index: MatchIndex, keyword: str) -> Iterable[int] | None:
    """Where the keyword can be: the postings of its rarest Chinese bigram (empty if that
    bigram is nowhere); None when it has no Chinese bigram to look for."""
    bigrams = [t for t in terms_of(keyword) if len(t) == 2 and not t.isascii()]
    if not bigrams:
        return None
    rarest = min(bigrams, key=lambda t: index.df[index.term_ids[t]] if t in index.term_ids else 0)
    tid = index.term_ids.get(rarest)
    if tid is None:
        return ()
    return (slot for slots in index.postings[tid].values() for slot in slots)


def _gather(values: list[float], slots: list[int]) -> Iterable[float]:
    return map(values.__getitem__, slots)

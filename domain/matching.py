"""Matching demands and achievements (技术供需对接, Baoding items 4-5): a score from the same
field, shared keywords and Chinese text similarity, with the reasons shown to the operator.

Text similarity without external models: Chinese has no spaces, so words are approximated by
character bigrams (the usual baseline for Chinese retrieval); each text becomes a TF-IDF vector
over its bigrams, compared by cosine. Latin words and numbers count as whole tokens.
The weights are versioned policy data [D]; a result names the version that ranked it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class MatchingPolicy:
    version: str
    source: str
    field_weight: float
    keyword_weight: float
    text_weight: float
    min_score: float  # below it a candidate is noise, not a match
    effective_from: date


# Newest last.
MATCHING_POLICIES = (
    MatchingPolicy(
        version="matching-2026.1",
        source="[D] techledger design: same field 0.30, share of the need's keywords found "
               "0.30, bigram TF-IDF cosine of titles and descriptions 0.40; minimum 0.35, so "
               "that the same field alone is not a match",
        field_weight=0.30, keyword_weight=0.30, text_weight=0.40, min_score=0.35,
        effective_from=date(2026, 1, 1)),
)


def matching_policy_on(day: date) -> MatchingPolicy:
    in_force = [p for p in MATCHING_POLICIES if p.effective_from <= day]
    return in_force[-1] if in_force else MATCHING_POLICIES[0]


@dataclass(frozen=True)
class Doc:
    """What matching reads of a demand or an achievement."""

    id: str
    field: str
    keywords: tuple[str, ...]
    text: str  # title and description (summary)


@dataclass(frozen=True)
class Scored:
    id: str
    score: float
    field_match: bool
    shared_keywords: tuple[str, ...]
    text_similarity: float
    shared_terms: tuple[str, ...]  # the bigrams that weigh most in the text similarity


_RUN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z0-9]+")


def terms_of(text: str) -> Counter[str]:
    """Character bigrams of each Chinese run (a lone character stands for itself) and
    lower-cased Latin words and numbers."""
    found: Counter[str] = Counter()
    for run in _RUN.findall(text):
        if run.isascii():
            found[run.lower()] += 1
        elif len(run) == 1:
            found[run] += 1
        else:
            found.update(run[i:i + 2] for i in range(len(run) - 1))
    return found


def doc_terms(doc: Doc) -> Counter[str]:
    """The bag a doc is compared by: its text and its keywords."""
    return terms_of(" ".join((doc.text, *doc.keywords)))


def idf_of(corpus: Iterable[Counter[str]]) -> tuple[dict[str, float], float]:
    """Smoothed inverse document frequencies, and the value for an unseen term."""
    df: Counter[str] = Counter()
    n = 0
    for terms in corpus:
        df.update(terms.keys())
        n += 1
    idf = {t: math.log((1 + n) / (1 + c)) + 1 for t, c in df.items()}
    return idf, math.log(1 + n) + 1


def _vector(terms: Counter[str], idf: dict[str, float], unseen: float) -> dict[str, float]:
    return {t: c * idf.get(t, unseen) for t, c in terms.items()}


def top_terms(shared: dict[str, float]) -> tuple[str, ...]:
    """The five shared terms that weigh most (ties by term), shown as the reason."""
    return tuple(sorted(shared, key=lambda t: (-shared[t], t))[:5])


def _cosine(a: dict[str, float], b: dict[str, float]) -> tuple[float, tuple[str, ...]]:
    shared = {t: a[t] * b[t] for t in a.keys() & b.keys()}
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    if not shared or norm == 0:
        return 0.0, ()
    return sum(shared.values()) / norm, top_terms(shared)


def rank(query: Doc, docs: Sequence[Doc], policy: MatchingPolicy) -> list[Scored]:
    """Every doc scoring at least the policy's minimum, best first (ties by id)."""
    bags = [doc_terms(d) for d in docs]
    query_bag = doc_terms(query)
    idf, unseen = idf_of([*bags, query_bag])
    q = _vector(query_bag, idf, unseen)
    scored = (_score(query, doc, q, _vector(bag, idf, unseen), policy)
              for doc, bag in zip(docs, bags, strict=True))
    kept = [s for s in scored if s.score >= policy.min_score]
    return sorted(kept, key=lambda s: (-s.score, s.id))


def _score(query: Doc, doc: Doc, q: dict[str, float], d: dict[str, float],
           policy: MatchingPolicy) -> Scored:
    text, top = _cosine(q, d)
    return combine(query, doc, text, top, policy)


def combine(query: Doc, doc: Doc, text: float, top: tuple[str, ...],
            policy: MatchingPolicy) -> Scored:
    """The policy's weighted sum of the three signals, given the text similarity."""
    field_match = bool(query.field) and query.field == doc.field
    shared = tuple(k for k in query.keywords if k in doc.keywords or k in doc.text)
    keyword_share = len(shared) / len(query.keywords) if query.keywords else 0.0
    score = (policy.field_weight * field_match + policy.keyword_weight * keyword_share
             + policy.text_weight * text)
    return Scored(doc.id, round(score, 4), field_match, shared, round(text, 4), top)

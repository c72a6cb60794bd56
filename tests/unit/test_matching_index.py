"""The matching index (domain.matching_index, _query, _norms) against domain.matching.rank,
the definition: on random corpora of Chinese titles and summaries, with barred documents,
registrations and cancellations between queries and very common terms bounded instead of
walked, both give the same best candidates, scores and reasons."""

from __future__ import annotations

import random

import pytest

from api.demo_names import FIELDS
from domain import matching_norms, matching_query
from domain.matching import MATCHING_POLICIES, Doc, MatchingPolicy, Scored, rank
from domain.matching_index import MatchIndex

POLICY = MATCHING_POLICIES[-1]
OPENINGS = ("基于", "面向", "新型", "高效", "低成本", "智能", "绿色", "一体化")
ENDINGS = ("关键技术研究", "产业化示范", "制备方法", "应用研究", "装置研发", "工艺优化")


def doc(rnd: random.Random, i: int) -> Doc:
    field = rnd.choice(list(FIELDS))
    words, subjects = FIELDS[field]
    keywords = tuple(rnd.sample(words, 2))
    text = (f"{rnd.choice(OPENINGS)}{rnd.choice(subjects)}{rnd.choice(ENDINGS)} "
            f"围绕{keywords[0]}与{rnd.choice(words)}，研制{rnd.choice(subjects)}。")
    if rnd.random() < 0.1:
        text += " AI 5G"  # Latin tokens, and keywords found only as substrings
    return Doc(f"a{i:05d}", field, keywords, text)


def expected(query: Doc, docs: list[Doc], policy: MatchingPolicy, limit: int,
             barred: set[str]) -> tuple[list[Scored], list[Scored]]:
    ranked = rank(query, docs, policy)
    return ([s for s in ranked if s.id not in barred][:limit],
            [s for s in ranked if s.id in barred][:limit])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_index_ranks_as_rank_does(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # Small thresholds, so that this small corpus has terms of every class (walked with the
    # norm corrected, walked with the correction bounded, bounded).
    monkeypatch.setattr(matching_query, "RARE_MAX", 15)
    monkeypatch.setattr(matching_query, "COMMON_MIN", 40)
    monkeypatch.setattr(matching_query, "COMMON_SHARE", 0.05)
    monkeypatch.setattr(matching_norms, "EXACT_MAX", 30)  # most terms' norms drift
    rnd = random.Random(seed)
    docs = [doc(rnd, i) for i in range(1200)]
    index = MatchIndex()
    for d in docs:
        index.add(d)
    for gone in rnd.sample(docs, 100):  # cancelled registrations leave the corpus
        index.remove(gone.id)
        docs.remove(gone)
    for j in range(25):
        if j % 3 == 1:  # registrations and cancellations between queries
            for fresh in (doc(rnd, 20_000 + 10 * j + k) for k in range(rnd.randint(1, 12))):
                index.add(fresh)
                docs.append(fresh)
            gone = rnd.choice(docs)
            index.remove(gone.id)
            docs.remove(gone)
        query = doc(rnd, 10_000 + j)
        if j % 5 == 0:
            query = Doc(query.id, query.field, ("锂", "ai"), query.text)
        barred = {d.id for d in rnd.sample(docs, 40)}
        limit = rnd.choice((1, 5, 10, 50))
        assert index.rank(query, POLICY, limit, barred) == \
            expected(query, docs, POLICY, limit, barred), (seed, j)


def test_a_policy_where_keywords_alone_suffice_scans_every_document() -> None:
    """Documents sharing no bigram with the need can still match on a keyword found inside
    a Latin word; a policy weighting keywords above the minimum must find them."""
    policy = MatchingPolicy("test", "[D] test", 0.1, 0.6, 0.3, 0.35, POLICY.effective_from)
    docs = [Doc("a1", "电子信息", (), "AIGC 平台"), Doc("a2", "新能源", ("储能",), "储能电站")]
    index = MatchIndex()
    for d in docs:
        index.add(d)
    query = Doc("q", "新材料", ("AI",), "寻求 AI 算法")
    found = index.rank(query, policy, 10)
    assert found == expected(query, docs, policy, 10, set())
    assert [s.id for s in found[0]] == ["a1"]


def test_the_norm_bounds_stay_below_the_norms_between_rebuilds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Registrations move every IDF; the bounds of documents not touched must still hold."""
    monkeypatch.setattr(matching_norms, "EXACT_MAX", 30)
    rnd = random.Random(7)
    index = MatchIndex()
    for i in range(800):
        index.add(doc(rnd, i))
    index.rank(doc(rnd, 9999), POLICY, 5)  # builds the sums
    rebuilt = stale = 0
    for step in range(40):
        index.add(doc(rnd, 1000 + step))
        if step % 7 == 0:
            index.remove(f"a{rnd.randrange(800):05d}")
        sums_before = index.norms.p
        index.rank(doc(rnd, 5000 + step), POLICY, 5)
        rebuilt += index.norms.p is not sums_before
        stale += bool(index.norms.stale)
        live = [slot for slot, d in enumerate(index.docs) if d is not None]
        exact = [index._square_norm(slot, index.idf0) for slot in live]
        bounds = [index.norms.lows[slot] for slot in live]
        assert all(b <= e for b, e in zip(bounds, exact, strict=True))
        assert min(exact) >= index.norms.shortest
    assert stale > 0 and rebuilt < 40  # the bounds were used while stale, and kept a while

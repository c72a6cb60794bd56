"""Matching latency: one demand's candidates (`projections.matching.candidates_for_demand`, the
function behind `GET /v1/demands/{id}/candidates`) over 100,000 registered achievements, next to
a plain substring scan measured in the same run as the baseline.

The registry is synthetic (bench.matching_corpus: varied Chinese titles and summaries over the
demo's seven fields) and written straight into a fresh SQLite view store — the achievements,
match_docs and demands rows the projections would write — because this measures reads, not
the follower: going through the Ledger would take minutes per run. Timed in-process, one query
at a time (no HTTP; bench.console shows what HTTP adds on loopback: about 1.5 ms).

  matching      candidates_for_demand(limit 10): barriers from the views, the in-memory index
                (kept fresh from match_docs by position), titles and listings of the results
  scan (python) for each of the demand's keywords, `kw in text` over all titles + summaries
                already in memory — the cheapest thing that finds anything at all
  scan (sql)    for each keyword, SELECT id FROM achievements WHERE title LIKE '%kw%' OR
                summary LIKE '%kw%'
  per-request   the previous implementation: every vector rebuilt for the query
                (domain.matching.rank over all documents); a few queries, also checked to
                give the same candidates as `matching`

Usage: python -m bench.matching [--achievements 100000] [--demands 240] [--old 2] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from api.runtime import all_projections
from bench.matching_corpus import Record, corpus
from domain.matching import doc_terms, matching_policy_on, rank
from projections import matching
from projections.applier import ViewApplier
from projections.demands import achievement_doc
from projections.store import SqliteViewDB, Tx

AS_OF = date(2026, 6, 1)
SEED = 20261201
ACHIEVEMENT_SQL = ("INSERT INTO achievements VALUES (?, ?, 'BD', ?, 'applied_technology', NULL, "
                   "'[]', ?, ?, ?, '[]', '130600', 0, NULL, 'pilot', NULL, '[]', '[]', "
                   "'registered', NULL, 0, '2026-01-05', ?)")
DEMAND_SQL = ("INSERT INTO demands VALUES (?, 'bench-enterprise', ?, ?, ?, ?, NULL, NULL, '130600', "
              "'2026-12-31', 'open', '2026-05-01', NULL, NULL, NULL, NULL, NULL, ?)")


def fill(db: SqliteViewDB, achievements: list[Record], demands: list[Record]) -> None:
    """Rows as the Registry and Demands projections write them (match_docs with its bigrams)."""
    rows, docs = [], []
    for i, r in enumerate(achievements, start=1):
        rows.append((f"a{i:06d}", f"2026BD{i:06d}", r.title, r.field, "|".join(r.keywords),
                     r.text, i))
        doc = achievement_doc(f"a{i:06d}", r.field, r.keywords, r.title, r.text)
        docs.append((doc.id, doc.field, "|".join(doc.keywords), doc.text,
                     orjson.dumps(doc_terms(doc)).decode(), "registered", i))
    with db.write() as tx:
        tx.executemany(ACHIEVEMENT_SQL, rows)
        tx.executemany("INSERT INTO match_docs VALUES (?, ?, ?, ?, ?, ?, ?)", docs)
        tx.executemany(DEMAND_SQL, [(f"d{j:04d}", r.title, r.text, r.field, "|".join(r.keywords),
                                     len(achievements) + j) for j, r in enumerate(demands)])


def timed(call: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call(*args)
    return (time.perf_counter() - start) * 1000, result


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def candidates(tx: Tx, demand: str) -> dict[str, Any]:
    found = matching.candidates_for_demand(tx, demand, AS_OF, 10)
    assert found is not None
    return found


def python_scan(texts: list[str], keywords: tuple[str, ...]) -> int:
    return sum(1 for kw in keywords for t in texts if kw in t)


def sql_scan(tx: Tx, keywords: tuple[str, ...]) -> int:
    return sum(len(tx.execute("SELECT id FROM achievements WHERE title LIKE ? OR summary LIKE ?",
                              (f"%{kw}%", f"%{kw}%"))) for kw in keywords)


def per_request(tx: Tx, demand: str) -> list[str]:
    """The previous implementation's ranking (no barriers in this registry)."""
    rows = tx.execute("SELECT id, title, summary, field, keywords FROM achievements "
                      "WHERE status = 'registered'")
    query = matching._demand_doc(tx.execute("SELECT * FROM demands WHERE id = ?", (demand,))[0])
    ranked = rank(query, [matching._achievement_doc(r) for r in rows], matching_policy_on(AS_OF))
    return [s.id for s in ranked[:10]]


def registration_refresh(db: SqliteViewDB, demand: str, position: int, times: int) -> list[float]:
    """A new achievement, then the next query: it loads the document and recomputes the
    norms (every IDF depends on the number of documents)."""
    samples = []
    for k in range(times):
        doc = achievement_doc(f"new{k}", "新能源", ("储能",), "储能电站热管理装置", "新增成果。")
        with db.write() as tx:
            tx.execute("INSERT INTO match_docs VALUES (?, ?, ?, ?, ?, 'registered', ?)",
                       (doc.id, doc.field, "储能", doc.text,
                        orjson.dumps(doc_terms(doc)).decode(), position + k))
        with db.read() as tx:
            samples.append(timed(candidates, tx, demand)[0])
    return samples


def run(args: argparse.Namespace, data: Path) -> dict[str, Any]:
    achievements, demands = corpus(SEED, args.achievements, args.demands)
    db = SqliteViewDB(data / "views.sqlite")
    ViewApplier(db, all_projections())
    fill_ms, _ = timed(fill, db, achievements, demands)
    ids = [f"d{j:04d}" for j in range(len(demands))]
    texts = [f"{r.title} {r.text}" for r in achievements]
    out: dict[str, Any] = {"fill_ms": fill_ms}
    with db.read() as tx:
        out["cold_ms"], _ = timed(candidates, tx, ids[0])
        out["matching"] = [timed(candidates, tx, d)[0] for d in ids]
        out["scan_python"] = [timed(python_scan, texts, r.keywords)[0] for r in demands]
        out["scan_sql"] = [timed(sql_scan, tx, r.keywords)[0] for r in demands]
        out["old"], out["old_same"] = [], 0
        for d in ids[:args.old]:
            ms, top = timed(per_request, tx, d)
            out["old"].append(ms)
            new = [i["achievement_id"] for i in candidates(tx, d)["items"]]
            out["old_same"] += top == new
    out["after_registration"] = registration_refresh(db, ids[1], 10 * len(achievements), 5)
    db.close()
    return out


def machine() -> dict[str, Any]:
    with open("/proc/cpuinfo") as f:
        model = next((line.split(":", 1)[1].strip() for line in f if "model name" in line), "?")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"cpus": os.cpu_count(), "cpu": model, "load": os.getloadavg(), "peak_rss_mb": peak_mb}


def report(out: dict[str, Any], args: argparse.Namespace) -> str:
    base = out["scan_python"]
    lines = [f"{args.achievements} achievements, {args.demands} demands (each asked once); "
             f"view rows written in {out['fill_ms'] / 1000:.1f} s; first query (index load "
             f"from match_docs) {out['cold_ms'] / 1000:.1f} s",
             f"{'method':<34} {'p50 ms':>8} {'p99 ms':>8}   {'p50, p99 ÷ python scan':>24}"]
    for name, key in (("matching (candidates_for_demand)", "matching"),
                      ("scan: python `in` (baseline)", "scan_python"),
                      ("scan: sql LIKE", "scan_sql"),
                      ("first query after a registration", "after_registration"),
                      ("per-request vectors (before)", "old")):
        samples = out[key]
        if samples:
            p50, p99 = statistics.median(samples), percentile(samples, 99)
            lines.append(f"{name:<34} {p50:>8.1f} {p99:>8.1f}   {p50 / statistics.median(base):>10.2f}× "
                         f"{p99 / percentile(base, 99):>10.2f}×")
    lines.append(f"per-request vs index: same top 10 on {out['old_same']} of {len(out['old'])} "
                 f"demands checked")
    m = machine()
    load = ", ".join(f"{x:.2f}" for x in m["load"])
    lines.append(f"machine: {m['cpus']} cpus ({m['cpu']}), load average {load}; "
                 f"peak RSS {m['peak_rss_mb']:.0f} MB")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--achievements", type=int, default=100_000)
    parser.add_argument("--demands", type=int, default=240)
    parser.add_argument("--old", type=int, default=2, help="queries by the previous method")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-matching-") as tmp:
        out = run(args, Path(tmp))
    print(report(out, args))
    if args.json:
        args.json.write_text(json.dumps({"args": vars(args) | {"json": str(args.json)},
                                         "machine": machine(), **out}, indent=1))


if __name__ == "__main__":
    main()

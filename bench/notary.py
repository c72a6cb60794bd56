"""Transparency log (issue 7) on SQLite (embedded default), each figure beside a same-run baseline:
1 leaf append (Notary.append_next_page until 0) vs reading the same --events events from the
  notification log in the notary's page size; 2 proof latency at --leaves leaves (real leaves
  + SYNTHETIC ones stored via nodes_to_store + save_batch) vs one primary-key node SELECT, and over
  HTTP (TestClient) vs GET /v1/me; 3 checkpoint delay behind the head under a writer paced to
  --rate events/s, per checkpoint interval. bench/RESULTS.md says what each step does exactly.

Usage: python -m bench.notary [--events 50000] [--rounds 3] [--leaves 1000000] [--proofs 2000]
          [--rate 2000] [--seconds 20] [--warmup 3] [--intervals 2,0.5] [--json PATH]
"""

from __future__ import annotations

import argparse
import base64
import bisect
import itertools
import json
import math
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import Runtime, open_notary
from bench.commands import csv_of, machine_busy_seconds
from domain.access import Role
from domain.errors import DomainError
from projections.store import SqliteViewDB
from services import notary_store as store
from services.checkpoint import Signer, load_or_create_signer
from services.commands import RegisterAchievement
from services.ledger import Ledger
from services.merkle import NodeStore, leaf_hash, nodes_to_store, tree_root
from services.merkle_proofs import consistency_proof, inclusion_proof, verify_inclusion
from services.notary import Notary
from services.notary_leaf import LeafEntry, recorded_at
from services.settings import Settings
from tests.factories import draft, university

DEFAULTS = {"events": 50_000, "rounds": 3, "leaves": 1_000_000, "proofs": 2000,
            "rate": 2000.0, "seconds": 20.0, "warmup": 3.0}  # warmup: phase 3, not counted
T = TypeVar("T")
Timed = tuple[list[float], float | None]  # seconds per call, node lookups per call
WARMUP = 20  # untimed calls before each timed series
EVENTS_PER_REGISTRATION = 3  # Claim.Made, RegistrationSeries.NumberIssued, Achievement.Registered
COVERED = ("SELECT c.issued_at, l.position FROM notary_checkpoints c JOIN notary_leaves l "
           "ON l.leaf_index = c.tree_size - 1 ORDER BY c.tree_size")


def summary(samples: Sequence[float], scale: float = 1.0) -> dict[str, Any]:
    s = sorted(x * scale for x in samples)
    p50, p99 = (s[max(0, math.ceil(p / 100 * len(s)) - 1)] for p in (50, 99))  # nearest rank
    return {"p50": p50, "p99": p99, "max": s[-1], "n": len(s)}


@contextmanager
def cores(into: dict[str, Any], name: str) -> Iterator[None]:
    """This process's cores, and everybody else's (machine busy time minus ours), meanwhile."""
    cpu, busy, started = time.process_time(), machine_busy_seconds(), time.perf_counter()
    yield
    wall, own = time.perf_counter() - started, time.process_time() - cpu
    into[name] = {"bench": own / wall, "other": max(0.0, machine_busy_seconds() - busy - own) / wall}


def register(ledger: Ledger, owner: UUID, tag: str, first: int, count: int) -> int:
    """`count` registrations in one `execute_many`; the last position written."""
    works = [ledger.registration(RegisterAchievement(draft(owner, f"基准透明{tag}{n}号"), "1306"),
                                 actor="bench") for n in range(first, first + count)]
    positions = [o if isinstance(o, DomainError) else o.position for o in ledger.execute_many(works)]
    for refused in (p for p in positions if isinstance(p, DomainError)):
        raise refused
    return max(p for p in positions if isinstance(p, int))


def head_of(ledger: Ledger) -> int:
    return int(ledger.recorder.max_notification_id() or 0)


# ---------------------------------------------------------------- 1 append vs read

def read_pass(ledger: Ledger, page: int, hash_leaves: bool) -> float:
    started, after = time.perf_counter(), 0
    while batch := ledger.recorder.select_notifications(start=after, limit=page,
                                                        inclusive_of_start=False):
        for n in batch if hash_leaves else ():
            leaf_hash(LeafEntry.of(n.id, n).encode())
        after = batch[-1].id
    return time.perf_counter() - started


def notary_pass(ledger: Ledger, settings: Settings, signer: Signer) -> float:
    for old in settings.data_dir.glob("notary.sqlite*"):
        old.unlink()
    notary = Notary(ledger, SqliteViewDB(settings.notary_path), signer, settings.notary_origin,
                    page_size=settings.follower_page_size)
    started = time.perf_counter()
    while notary.append_next_page():
        pass
    notary.db.close()
    return time.perf_counter() - started


def append_phase(settings: Settings, signer: Signer, args: argparse.Namespace) -> dict[str, Any]:
    with Ledger(settings) as ledger:
        key = ledger.issue_api_key(Role.AUDITOR, "bench")  # for phase 2's HTTP requests
        owner, n, started = university(ledger, 1), 0, time.perf_counter()
        while head_of(ledger) < args.events:
            register(ledger, owner, "p", n, 500)
            n += 500
        out: dict[str, Any] = {"events": head_of(ledger), "key": key,
                               "preload_s": time.perf_counter() - started}
        page = settings.follower_page_size
        rounds = [{"read": read_pass(ledger, page, False), "leaves": read_pass(ledger, page, True),
                   "notary": notary_pass(ledger, settings, signer)} for _ in range(args.rounds)]
    return out | {step: sorted(out["events"] / r[step] for r in rounds) for step in rounds[0]}


# ---------------------------------------------------------------- 2 proofs at 1M leaves

def fill(db: store.Database, leaves: int, chunk: int = 100_000) -> tuple[int, float]:
    """Synthetic leaves up to `leaves` (position = leaf index + 1), stored as the notary does."""
    with db.read() as tx:
        first = size = store.state(tx).tree_size
        if store.state(tx).position != size:
            raise RuntimeError("positions are not leaf index + 1: synthetic ones would clash")
    started = time.perf_counter()
    while size < leaves:
        with db.write() as tx:
            nodes, rows, written = store.TxNodes(tx), [], []
            for index in range(size, min(leaves, size + chunk)):
                nodes.remember(new := nodes_to_store(index, leaf_hash(b"x%d" % index), nodes))
                written += new
                rows.append((index, index + 1))
            size += len(rows)
            store.save_batch(tx, rows, written, store.LogState(size, size))
    return size - first, time.perf_counter() - started


def timed(fn: Callable[[T], object], args: Sequence[T]) -> list[float]:
    for arg in args[:WARMUP]:
        fn(arg)
    out = []
    for arg in args:
        started = time.perf_counter()
        fn(arg)
        out.append(time.perf_counter() - started)
    return out


class Counting(store.TxNodes):
    """TxNodes counting its lookups (an attribute increment beside each SELECT)."""

    calls = 0

    def node(self, level: int, index: int) -> bytes:
        Counting.calls += 1
        return super().node(level, index)


def direct(db: store.Database, prove: Callable[[NodeStore, T], object], args: Sequence[T]
           ) -> Timed:
    def one(arg: T) -> None:
        with db.read() as tx:  # a read per proof, as the endpoint does
            prove(Counting(tx), arg)
    Counting.calls = 0
    return timed(one, args), Counting.calls / (len(args) + min(len(args), WARMUP))


def over_http(settings: Settings, key: str, positions: list[int], size: int
              ) -> dict[str, Timed]:
    runtime, auth, answers = Runtime.open(settings, follow=False), {"Authorization": f"Bearer {key}"}, []
    try:
        with runtime.notary.db.read() as tx:
            root = tree_root(store.TxNodes(tx), size)
        with TestClient(create_app(settings, runtime)) as client:
            me = timed(lambda _: client.get("/v1/me", headers=auth).raise_for_status(), positions)
            incl = timed(lambda p: answers.append(client.get(
                "/v1/ledger/proofs/inclusion", headers=auth,
                params={"position": p, "tree_size": size}).raise_for_status().json()), positions)
    finally:
        runtime.close()
    for a in answers:
        path = [base64.b64decode(x) for x in a["proof"]]
        if not verify_inclusion(leaf_hash(a["leaf"].encode()), a["leaf_index"], size, path, root):
            raise RuntimeError(f"inclusion proof for position {a['position']} does not verify")
    return {"http-me": (me, 0.0), "http-inclusion-real": (incl, None)}


def proof_phase(settings: Settings, args: argparse.Namespace, head: int, key: str
                ) -> dict[str, Any]:
    db, rng, size = SqliteViewDB(settings.notary_path), random.Random(7), args.leaves
    added, fill_s = fill(db, size)
    leaves = [rng.randrange(size) for _ in range(args.proofs)]
    pairs = [tuple(sorted(rng.sample(range(1, size + 1), 2))) for _ in range(args.proofs)]
    real = [rng.randint(1, head) for _ in range(args.proofs)]
    times: dict[str, Timed] = {
             "pk-select": direct(db, lambda s, i: s.node(0, i), leaves),
             "inclusion": direct(db, lambda s, i: inclusion_proof(s, i, size), leaves),
             "consistency": direct(db, lambda s, p: consistency_proof(s, *p), pairs),
             "inclusion-real": direct(db, lambda s, p: inclusion_proof(s, p - 1, size), real)}
    db.close()
    rows = {name: summary(t, 1000) | {"lookups": n}
            for name, (t, n) in (times | over_http(settings, key, real, size)).items()}
    for row in rows.values():
        row |= {f"x_pk_{k}": row[k] / rows["pk-select"][k] for k in ("p50", "p99")}
    mb = sum(f.stat().st_size for f in settings.data_dir.glob("notary.sqlite*")) / 2**20
    return {"real_leaves": head, "synthetic_leaves": added, "fill_s": fill_s, "rows": rows,
            "store_mb": mb}


# ---------------------------------------------------------------- 3 checkpoint delay under load

def paced(ledger: Ledger, owner: UUID, rate: float, seconds: float) -> float:
    """Registrations as they fall due at `rate` events/s, up to 500 per `execute_many`."""
    started, done = time.perf_counter(), 0
    while (elapsed := time.perf_counter() - started) < seconds:
        due = min(500, int(elapsed * rate / EVENTS_PER_REGISTRATION) - done)
        if due <= 0:
            time.sleep(0.01)
            continue
        register(ledger, owner, "d", done, due)
        done += due
    return time.perf_counter() - started


def covered(db: store.Database) -> int:
    with db.read() as tx:
        rows = tx.execute(COVERED + " DESC LIMIT 1")
    return int(rows[0]["position"]) if rows else 0


def checkpoints(db: store.Database) -> list[tuple[float, int]]:
    """(issued_at as epoch seconds, last position covered) of every checkpoint, in order."""
    with db.read() as tx:
        return [(datetime.fromisoformat(r["issued_at"]).timestamp(), int(r["position"]))
                for r in tx.execute(COVERED)]


def event_delays(ledger: Ledger, marks: list[tuple[float, int]], after: int, since: float
                 ) -> list[float]:
    """Per event recorded at or after `since`: its covering checkpoint's issue - its recording."""
    positions, out = [p for _, p in marks], []
    while batch := ledger.recorder.select_notifications(start=after, limit=10_000,
                                                        inclusive_of_start=False):
        for n in batch:
            if (stamp := datetime.fromisoformat(recorded_at(n.state)).timestamp()) >= since:
                out.append(marks[bisect.bisect_left(positions, n.id)][0] - stamp)
        after = batch[-1].id
    return out


def under_load(ledger: Ledger, db: store.Database, args: argparse.Namespace,
               out: dict[str, Any]) -> list[float]:
    """The paced writer in a thread; head - covered position every 50 ms after the warm-up."""
    owner, out["start"], behind = university(ledger, 1), head_of(ledger), list[float]()
    with ThreadPoolExecutor(1) as pool, cores(out, "cores"):
        out["begun"], writer = time.time(), pool.submit(paced, ledger, owner, args.rate, args.seconds)
        while not writer.done():
            if time.time() - out["begun"] >= args.warmup:
                behind.append(head_of(ledger) - covered(db))
            time.sleep(0.05)
    out["head"] = head_of(ledger)
    out["achieved_rate"] = (out["head"] - out["start"]) / writer.result()
    return behind


def delay_run(base: Path, args: argparse.Namespace, interval: float) -> dict[str, Any]:
    settings = Settings(data_dir=base / f"delay-{interval}", checkpoint_interval_s=interval)
    settings.data_dir.mkdir(parents=True)
    load_or_create_signer(settings.notary_key_file, settings.notary_origin)  # open_notary: quiet
    out: dict[str, Any] = {"interval_s": interval, "target_rate": args.rate}
    with Ledger(settings) as ledger:
        notary = open_notary(settings, ledger)
        ledger.on_write(notary.wake)
        notary.start()
        behind = under_load(ledger, notary.db, args, out)
        drained, since = time.perf_counter(), out["begun"] + args.warmup
        while covered(notary.db) < out["head"]:
            time.sleep(0.01)
        out["drain_s"] = time.perf_counter() - drained
        notary.stop()
        marks = checkpoints(notary.db)
        delays = event_delays(ledger, marks, out["start"], since)
        notary.db.close()
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(marks) if a[0] >= since]
    out.update(out.pop("cores"), events_behind=summary(behind), seconds_behind=summary(delays),
               checkpoints=len(marks), gap_p50_s=statistics.median(gaps) if gaps else math.nan)
    return out


# ---------------------------------------------------------------- report

def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    cpu = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
           if line.startswith("model name")]
    return {"nproc": os.cpu_count(), "cpu": cpu[0] if cpu else "?", "sqlite": sqlite3.sqlite_version,
            "python": sys.version.split()[0], "eventsourcing": version("eventsourcing"),
            "tmp": tempfile.gettempdir(), "loadavg_start": os.getloadavg()[0]}


def report(m: dict[str, Any], a: dict[str, Any], p: dict[str, Any], d: list[dict[str, Any]]
           ) -> str:
    read, total = statistics.median(a["read"]), p["real_leaves"] + p["synthetic_leaves"]
    out = [f"machine: {m}", "", f"1. {a['events']:,} events (preloaded in {a['preload_s']:.1f} s)"
           f", {len(a['read'])} rounds: median (min–max)", "| step | events/s | × read |",
           "|---|---:|---:|", *(f"| {k} | {statistics.median(a[k]):,.0f} ({a[k][0]:,.0f}–"
                                f"{a[k][-1]:,.0f}) | {statistics.median(a[k]) / read:.2f}× |"
                                for k in ("read", "leaves", "notary")),
           "", f"2. Proofs at {total:,} leaves: {p['real_leaves']:,} real + "
           f"{p['synthetic_leaves']:,} SYNTHETIC via nodes_to_store + save_batch in "
           f"{p['fill_s']:.1f} s ({p['synthetic_leaves'] / p['fill_s']:,.0f}/s); {p['store_mb']:,.0f} MB",
           "| operation | n | p50 ms | p99 ms | max ms | × pk-select p50 / p99 | node lookups |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    out += [f"| {k} | {r['n']} | {r['p50']:.3f} | {r['p99']:.3f} | {r['max']:.2f} | "
            f"{r['x_pk_p50']:.0f}× / {r['x_pk_p99']:.0f}× | "
            f"{'–' if r['lookups'] is None else round(r['lookups'], 1)} |"
            for k, r in p["rows"].items()]
    out += ["", "3. Checkpoint delay: events behind (50 ms samples); s from recording to covered",
            "| interval | ev/s target / achieved | events p50 / p99 / max | s p50 / p99 / max | "
            "checkpoints (gap p50) | drain s | bench / other cores |", "|" + "---:|" * 7]
    for r in d:
        e, s = r["events_behind"], r["seconds_behind"]
        out.append(f"| {r['interval_s']} s | {r['target_rate']:,.0f} / {r['achieved_rate']:,.0f} "
                   f"| {e['p50']:,.0f} / {e['p99']:,.0f} / {e['max']:,.0f} | {s['p50']:.2f} / "
                   f"{s['p99']:.2f} / {s['max']:.2f} | {r['checkpoints']} ({r['gap_p50_s']:.2f} s)"
                   f" | {r['drain_s']:.2f} | {r['bench']:.2f} / {r['other']:.2f} |")
    return "\n".join(out)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.notary", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, default in DEFAULTS.items():
        parser.add_argument(f"--{name}", type=type(default), default=default,
                            help=f"default {default}")
    parser.add_argument("--intervals", type=csv_of(float), default=[2.0, 0.5],
                        help="checkpoint intervals (s) for phase 3")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args, m = parse_args(argv), machine()
    with tempfile.TemporaryDirectory(prefix="bench-notary-") as tmp:
        settings = Settings(data_dir=Path(tmp) / "ledger")
        settings.data_dir.mkdir()
        signer = load_or_create_signer(settings.notary_key_file, settings.notary_origin)
        say("1: preloading, then read / leaves / notary rounds...")
        with cores(m, "phase1_cores"):
            a = append_phase(settings, signer, args)
        say(f"2: filling to {args.leaves:,} leaves, then proofs...")
        with cores(m, "phase2_cores"):
            p = proof_phase(settings, args, a["events"], a.pop("key"))
        say("3: checkpoint delay under load...")
        d = [delay_run(Path(tmp), args, interval) for interval in args.intervals]
    m["loadavg_end"] = os.getloadavg()[0]
    print(report(m, a, p, d))
    if args.json:
        data = {"args": vars(args), "machine": m, "append": a, "proofs": p, "delay": d}
        args.json.write_text(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

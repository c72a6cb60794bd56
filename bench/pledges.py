"""Pledge-status queries: `GET /v1/pledge-status` against a bare FastAPI GET, over real HTTP.

Targets, each served by uvicorn (one worker) in its own subprocess, exactly as bench.commands
serves them (this module reuses its servers, load generator, CPU accounting and table):
  bare        bench.commands' bare app: `GET /commands` answers {"ok": true} (`async def`);
              it is sent the same query strings as techledger and ignores them
  techledger  the real app (create_app) on a copy of one SQLite data dir prepared through the
              Ledger before the run: 200 achievements with one invention patent each, the first
              100 pledged (whole) to a bank from 2026-04-01, every other one of those released
              on 2026-09-30, and a bank API key
Request n asks `?patent_number=…&as_of=…` about one of the 200 patents on 2026-03-01,
2026-06-15 or 2026-12-15; answers that should be pledged and unpledged alternate.

Before each techledger cell's warm-up, a sample of the queries is asked one at a time (after
the server's views have caught up with the prepared ledger): each must answer 200 with the
expected `pledged`, or the run stops. During the run any non-2xx is reported as an error.

Usage: python -m bench.pledges [--seconds 8] [--warmup 2] [--clients 1,16,64] [--json PATH]
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from bench.commands import (
    CLIENTS,
    LEGEND,
    Cell,
    Plan,
    Server,
    Url,
    csv_of,
    find,
    measure,
    metadata,
    no_nan,
    saturation_notes,
    table,
)
from domain.access import Role
from services import trade_commands as t
from services.settings import Settings
from tests.service.trade_world import World, open_ledger, whole

TARGETS = ("bare", "techledger")
ACHIEVEMENTS = 200  # each with one patent
PLEDGED = 100  # achievements 0..99 are pledged from PLEDGE_START ...
PLEDGE_START = date(2026, 4, 1)
RELEASED_ON = date(2026, 9, 30)  # ... and the even-numbered ones released on this day
DAYS = (date(2026, 3, 1), date(2026, 6, 15), date(2026, 12, 15))
SAMPLE_EVERY = 15  # check every 15th query (odd, so pledged and unpledged alternate)
STATUS_PATH = "/v1/pledge-status"


@dataclass(frozen=True)
class Query:
    patent_number: str
    as_of: date
    pledged: bool  # the expected answer

    @property
    def query_string(self) -> str:
        return f"patent_number={self.patent_number}&as_of={self.as_of.isoformat()}"


@dataclass(frozen=True)
class Fixture:
    """A prepared ledger (no views yet), its head position, a bank key and the queries."""

    data_dir: Path
    head: int
    bank_key: str
    queries: list[Query]


def expected(k: int, day: date) -> bool:
    """Achievement k's patent is pledged on `day` (release dates are exclusive ends)."""
    return k < PLEDGED and day >= PLEDGE_START and (k % 2 == 1 or day < RELEASED_ON)


def build_fixture(data_dir: Path) -> Fixture:
    """Register parties, achievements, pledges and releases through the Ledger's commands."""
    with open_ledger(Settings(data_dir=data_dir), group_commit=False) as ledger:
        world = World.build(ledger)
        numbers = []
        for k in range(ACHIEVEMENTS):
            patent = world.patent()
            achievement = world.achievement(patents=(patent,))
            numbers.append(patent.number)
            if k >= PLEDGED:
                continue
            pledge = world.pledge(whole(achievement), on=PLEDGE_START)
            if k % 2 == 0:
                ledger.release_pledge(t.PledgeStep(pledge, "已还款", effective_date=RELEASED_ON),
                                      actor="bank")
        key = ledger.issue_api_key(Role.BANK, "bench bank")
        head = int(ledger.recorder.max_notification_id() or 0)
    every = [Query(n, day, expected(k, day)) for k, n in enumerate(numbers) for day in DAYS]
    yes, no = [q for q in every if q.pledged], [q for q in every if not q.pledged]
    queries = [q for pair in zip(itertools.cycle(yes), no) for q in pair]
    return Fixture(data_dir, head, key, queries)


def urls(base: str, queries: Sequence[Query]) -> Url:
    """Request n's URL, prebuilt so that the load generator only indexes a list."""
    built = [f"{base}?{q.query_string}" for q in queries]
    return lambda n: built[n % len(built)]


def check_sample(server: Server, headers: dict[str, str], fixture: Fixture) -> int:
    """Ask a sample one at a time; each must be 200 with the expected `pledged`."""
    sample = fixture.queries[::SAMPLE_EVERY]
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:
        for q in sample:
            response = client.get(STATUS_PATH, params={
                "patent_number": q.patent_number, "as_of": q.as_of.isoformat(),
                "wait_for_position": fixture.head})  # the views catch up after start
            answer = response.json() if response.status_code == 200 else None
            if answer is None or answer["pledged"] is not q.pledged:
                raise RuntimeError(f"{q}: HTTP {response.status_code} {response.text[:500]}")
    return len(sample)


def setup_for(fixture: Fixture, checked: list[int]) -> Callable[[Server], Plan]:
    """bench.commands.measure's setup step: start the server, return what to send."""

    def setup(server: Server) -> Plan:
        if server.target == "bare":
            server.start()
            return Plan(urls(server.base_url + "/commands", fixture.queries), {}, None, "GET")
        shutil.copytree(fixture.data_dir, server.data_dir, dirs_exist_ok=True)
        server.start()
        headers = {"authorization": f"Bearer {fixture.bank_key}"}
        checked.append(check_sample(server, headers, fixture))
        return Plan(urls(server.base_url + STATUS_PATH, fixture.queries), headers, None, "GET")

    return setup


# ---------------------------------------------------------------- report

def ratios(cells: Sequence[Cell], clients: Sequence[int]) -> list[dict[str, Any]]:
    rows = []
    for n in clients:
        tl, bare = find(cells, "techledger", n), find(cells, "bare", n)
        if tl and bare and bare.rps:
            rows.append({"clients": n, "rps": tl.rps / bare.rps,
                         "p50": tl.p50_ms / bare.p50_ms, "p99": tl.p99_ms / bare.p99_ms})
    return rows


def ratio_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    return [f"  {r['clients']:>2} clients: techledger = {r['rps']:.2f}× bare req/s "
            f"(p50 {r['p50']:.2f}×, p99 {r['p99']:.2f}× bare's)" for r in rows]


def report(cells: Sequence[Cell], clients: Sequence[int], fixture: Fixture,
           checked: Sequence[int]) -> str:
    pledged = sum(q.pledged for q in fixture.queries)
    lines = [table(cells), LEGEND, "", "techledger / bare:", *ratio_lines(ratios(cells, clients)),
             "", f"  queries: {len(fixture.queries)} distinct, {pledged} of them pledged; "
             f"{sum(checked)} sampled answers checked (200 and `pledged` as expected) over "
             f"{len(checked)} techledger servers", *saturation_notes(cells)]
    return "\n".join(lines)


def write_json(path: Path, args: argparse.Namespace, cells: Sequence[Cell],
               fixture: Fixture, checked: Sequence[int]) -> None:
    meta = metadata(args) | {"achievements": ACHIEVEMENTS, "pledged_achievements": PLEDGED,
                             "queries": len(fixture.queries), "checked_answers": sum(checked)}
    data = {"meta": meta, "results": [no_nan(asdict(c)) for c in cells],
            "ratios": ratios(cells, args.clients)}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- entry point

def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.pledges", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8.0, help="measured window per cell")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up before each window")
    parser.add_argument("--clients", type=csv_of(int), default=list(CLIENTS),
                        help="comma-separated concurrency levels (default 1,16,64)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-pledges-") as tmp:
        started = time.perf_counter()
        fixture = build_fixture(Path(tmp) / "ledger")
        print(f"prepared {ACHIEVEMENTS} achievements and {PLEDGED} pledges in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        checked: list[int] = []
        setup = setup_for(fixture, checked)
        cells: list[Cell] = []
        for clients in args.clients:
            for target in TARGETS:
                print(f"running {target} at {clients} clients...", file=sys.stderr, flush=True)
                cells.append(measure(target, clients, args.warmup, args.seconds, setup))
    print(report(cells, args.clients, fixture, checked))
    if args.json:
        write_json(args.json, args, cells, fixture, checked)


if __name__ == "__main__":
    main()

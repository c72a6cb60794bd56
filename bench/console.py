"""Console page rendering: each /console page on the demo data set, one request at a time,
next to `GET /v1/health` in the same run as the floor (HTTP on loopback, routing, no work);
`p50/base` is each page's median over the health median. Pages are timed round robin (one
request each per round), so load from other jobs falls on every page alike. Then, in process,
bench.console_reads: the statistics and post-evaluation renders with one view read against each
query function reading for itself.

A real `techledger serve` (one uvicorn worker, SQLite) on a fresh data dir loaded with the
demo (api.demo_data), as tests/browser runs it; the views catch up before timing starts.
The client signs in through the console's own form as admin (who may open every page) and
times each request from send to last byte: with one request in flight that is the server's
time plus the loopback round trip, which the health baseline shows.

Usage: python -m bench.console [--requests 200] [--warmup 20] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx

from api.demo_data import DemoSummary, load_demo
from bench import console_reads
from domain.access import Role
from services.ledger import Ledger
from services.settings import Settings
from tests.integration.server import free_port, start_server

TARGET_MS = 500.0
# a field, a province (prefix match: its cities too) and a Hefei subtype the demo holds
REGISTRY_FILTERS = urlencode({"field": "电子信息", "region": "130000",
                              "subtype": "applied_research"})


def pages(demo: DemoSummary) -> dict[str, str]:
    """The console's pages (name → path), each asked something that reads the views."""
    return {
        "health (API baseline)": "/v1/health",
        "home": "/console",
        "registry search": "/console/achievements",
        "registry, filtered": f"/console/achievements?{REGISTRY_FILTERS}",
        "achievement + timeline": f"/console/achievements/{demo.library_achievement_id}",
        "library": "/console/library",
        "pledge lookup": f"/console/bank/pledge-status?patent={demo.pledged_patent_number}",
        "active pledges": f"/console/bank/pledges?bank_id={demo.bank_id}",
        "alerts": "/console/bank/alerts",
        "bank desk": "/console/bank/desk",
        "blacklist": "/console/integrity/blacklist",
        "party record": f"/console/integrity/parties/{demo.university_id}",
        "post-evaluation": "/console/integrity/post-evaluation?window=12",
        "post-evaluation, filtered": "/console/integrity/post-evaluation?window=24&grade=A",
        "post-evaluation CSV": "/console/integrity/post-evaluation/experts.csv?window=12",
        "exchange desk": "/console/exchange",
        "statistics": "/console/statistics",
        "demands": "/console/demands",
        "events (which produced deals)": "/console/events",
    }


def market_pages(client: httpx.Client, key: str) -> dict[str, str]:
    """The market desk's record pages: the demo's 储能 demand with its ranked candidates, and
    the first demo event with the contracts that followed it (ids read from the API)."""
    auth = {"Authorization": f"Bearer {key}"}
    demand = client.get("/v1/demands", params={"q": "储能"}, headers=auth).json()["items"][0]
    event = client.get("/v1/statistics/events", headers=auth).json()["items"][0]
    return {"demand + ranked candidates": f"/console/demands/{demand['id']}",
            "event + deals": f"/console/events/{event['event_id']}"}


def prepare(data: Path) -> tuple[DemoSummary, str, int]:
    with Ledger(Settings(data_dir=data, group_commit=False)) as ledger:
        demo = load_demo(ledger)
        key = ledger.issue_api_key(Role.ADMIN, "bench console")
        head = int(ledger.recorder.max_notification_id() or 0)
    return demo, key, head


def signed_in(base: str, key: str, head: int) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    caught_up = client.get("/v1/integrity/blacklist", params={"wait_for_position": head},
                           headers={"Authorization": f"Bearer {key}"})
    caught_up.raise_for_status()
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/console/login").text)
    assert found, "no CSRF token on the sign-in page"
    client.post("/console/login", data={"key": key, "csrf": found.group(1)})
    return client


def timed(client: httpx.Client, paths: dict[str, str], requests: int, warmup: int
          ) -> dict[str, list[float]]:
    """Round robin over the pages (one request each per round), so that other jobs on a shared
    machine slow every page alike and the ratios to the baseline stay meaningful."""
    for path in paths.values():
        for _ in range(warmup):
            client.get(path).raise_for_status()
    samples: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(requests):
        for name, path in paths.items():
            start = time.perf_counter()
            client.get(path).raise_for_status()
            samples[name].append((time.perf_counter() - start) * 1000)
    return samples


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-console-") as tmp:
        data = Path(tmp)
        demo, key, head = prepare(data)
        port = free_port()
        server: subprocess.Popen[bytes] = start_server(data, port, log=data / "serve.log")
        try:
            client = signed_in(f"http://127.0.0.1:{port}", key, head)
            paths = pages(demo) | market_pages(client, key)
            samples = timed(client, paths, args.requests, args.warmup)
            client.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
        reads = console_reads.measure(Settings(data_dir=data, group_commit=False),
                                      args.requests)
    rows = [Row(name, path, samples[name]) for name, path in paths.items()]
    report(rows)
    console_reads.report(reads)
    if args.json:
        args.json.write_text(json.dumps({"requests": args.requests, "rows": [
            {"page": r.page, "path": r.path, "p50": r.p50, "p99": r.p99} for r in rows],
            "reads": [{"case": r.case, "statements": r.statements, "p50": r.p50}
                      for r in reads]}, indent=2))


def report(rows: list[Row]) -> None:
    base = rows[0].p50
    print(f"{'page':<30} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'p50/base':>9}  "
          f"under {TARGET_MS:.0f} ms")
    for r in rows:
        print(f"{r.page:<30} {r.p50:>8.1f} {r.p99:>8.1f} {max(r.samples):>8.1f} "
              f"{r.p50 / base:>8.1f}x  {'yes' if r.p99 < TARGET_MS else 'NO'}")


@dataclass(frozen=True)
class Row:
    page: str
    path: str
    samples: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p99(self) -> float:
        return percentile(self.samples, 99)


if __name__ == "__main__":
    main()

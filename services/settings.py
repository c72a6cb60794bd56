"""One settings object, read from `TECHLEDGER_*` environment variables in one place."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Defaults run the embedded mode: SQLite files under ./data, followers as threads."""

    model_config = SettingsConfigDict(env_prefix="TECHLEDGER_", extra="ignore")

    data_dir: Path = Path("data")
    # A postgresql:// URL switches the event store and the views to PostgreSQL.
    database_url: str | None = None
    views_schema: str = "techledger_views"
    pg_pool_size: int = 5
    pg_max_overflow: int = 10

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    # uvicorn replaces a worker that has not answered within this; workers starting together on
    # PostgreSQL create their tables one after the other (services/persistence.py ddl_lock).
    worker_healthcheck_timeout_s: int = 30

    max_body_bytes: int = 1_048_576
    import_max_body_bytes: int = 67_108_864  # bulk imports (/v1/imports/...)
    # A running import job silent this long lost its process: it reads `interrupted`
    # (services/import_jobs.py; a live job writes its progress about every quarter second).
    import_job_stale_s: float = 60.0
    read_wait_timeout_s: float = 5.0
    # How often the serving process expires open demands past their deadline (0: never).
    demand_expiry_interval_s: float = 3600.0
    # Group commit gathers concurrent commands into one transaction (ARCHITECTURE.md).
    group_commit: bool = True
    group_commit_max_batch: int = 256
    command_max_attempts: int = 16
    follower_page_size: int = 1000
    follower_idle_poll_s: float = 0.2
    aggregate_cache_size: int = 10_000
    key_cache_ttl_s: float = 5.0
    registry_timezone: str = "Asia/Shanghai"
    # Keys the web console's sealed (AES-GCM) session cookie; None: a random secret per process
    # (sessions end on restart, and several workers need one shared secret).
    console_secret: str | None = None
    # Where the API's views come from: its own log follower, or `techledger project --source kafka`.
    views_source: Literal["log", "kafka"] = "log"

    # Transparency log (RFC 6962 Merkle tree over the ledger order, signed checkpoints).
    # `notary_thread`: the API process runs the notary; false when `techledger notary` runs apart.
    notary_thread: bool = True
    notary_schema: str = "techledger_notary"
    notary_origin: str = "techledger.local/ledger"
    notary_key_path: Path | None = None  # default: <data_dir>/notary.key (created on first run)
    checkpoint_interval_s: float = 2.0

    # Kafka distribution (`techledger relay`, `techledger project --source kafka`).
    kafka_bootstrap_servers: str = "localhost:9092"
    kafka_topic_prefix: str = "techledger"
    kafka_partitions: int = 3  # per-domain topics, keyed by aggregate id
    # The views join across aggregates, so they are applied in ledger order: one partition keeps
    # that order for free; more also work (the chain header orders them) but workers take turns.
    kafka_all_events_partitions: int = 1
    kafka_replication_factor: int = 1
    kafka_retention_ms: int = 7 * 24 * 3600 * 1000
    kafka_linger_ms: int = 5
    kafka_batch_size: int = 262_144  # bytes per partition batch (bench/RESULTS.md, Kafka relay)
    kafka_relay_pages_in_flight: int = 4  # pages sent before waiting for their acknowledgements
    kafka_relay_idle_poll_s: float = 0.02  # a separate process: nothing wakes it early
    kafka_fetch_max_wait_ms: int = 50  # the projector's longest wait for new messages
    kafka_request_timeout_ms: int = 30_000
    kafka_consumer_group: str = "techledger-projector"
    kafka_max_poll_interval_ms: int = 300_000
    kafka_session_timeout_ms: int = 10_000
    kafka_heartbeat_interval_ms: int = 3_000

    @property
    def events_path(self) -> Path:
        return self.data_dir / "events.sqlite"

    @property
    def views_path(self) -> Path:
        return self.data_dir / "views.sqlite"

    @property
    def notary_path(self) -> Path:
        return self.data_dir / "notary.sqlite"

    @property
    def notary_key_file(self) -> Path:
        return self.notary_key_path or self.data_dir / "notary.key"

    @property
    def uses_postgres(self) -> bool:
        return self.database_url is not None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

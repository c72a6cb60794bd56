"""One settings object, read from `TECHLEDGER_*` environment variables in one place."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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

    max_body_bytes: int = 1_048_576
    import_max_body_bytes: int = 67_108_864  # bulk imports (/v1/imports/...)
    read_wait_timeout_s: float = 5.0
    # Group commit gathers concurrent commands into one transaction (ARCHITECTURE.md).
    group_commit: bool = True
    group_commit_max_batch: int = 256
    command_max_attempts: int = 16
    follower_page_size: int = 1000
    follower_idle_poll_s: float = 0.2
    aggregate_cache_size: int = 10_000
    key_cache_ttl_s: float = 5.0
    registry_timezone: str = "Asia/Shanghai"

    @property
    def events_path(self) -> Path:
        return self.data_dir / "events.sqlite"

    @property
    def views_path(self) -> Path:
        return self.data_dir / "views.sqlite"

    @property
    def uses_postgres(self) -> bool:
        return self.database_url is not None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

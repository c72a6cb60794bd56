"""docker-compose.yml cannot run here (no Docker engine); check it against what it must match."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from services.persistence import postgres_env
from services.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def test_services_are_declared() -> None:
    assert {"postgres", "kafka", "api"} <= set(compose()["services"])


def test_api_environment_names_real_settings_and_reaches_postgres() -> None:
    services = compose()["services"]
    env = services["api"]["environment"]
    fields = {f"TECHLEDGER_{name.upper()}" for name in Settings.model_fields}
    assert set(env) <= fields
    pg = services["postgres"]["environment"]
    parsed = postgres_env(env["TECHLEDGER_DATABASE_URL"], Settings())
    assert (parsed["POSTGRES_USER"], parsed["POSTGRES_PASSWORD"], parsed["POSTGRES_DBNAME"]) == (
        pg["POSTGRES_USER"], pg["POSTGRES_PASSWORD"], pg["POSTGRES_DB"])
    assert parsed["POSTGRES_HOST"] == "postgres"


def test_kafka_runs_kraft_without_zookeeper() -> None:
    kafka = compose()["services"]["kafka"]["environment"]
    assert "controller" in kafka["KAFKA_PROCESS_ROLES"]
    assert "zookeeper" not in str(compose()).lower()

"""docker-compose.yml cannot run here (no Docker engine); check it against what it must match.

The Compose Specification schema (compose_spec.json beside this file, see compose_spec.README.md),
the settings the services read (services/settings.py), the PostgreSQL and Kafka services they reach,
and the exact command forms of the CLI.
"""

from __future__ import annotations

import copy
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from api.cli import build_parser
from api.routers.system import router as system_router
from services.persistence import postgres_env
from services.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).with_name("compose_spec.json")
PREFIX = "TECHLEDGER_"
APP_SERVICES = ("api", "relay", "projector", "notary")
ALL_SERVICES = ("postgres", "kafka", *APP_SERVICES)


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def schema_errors(document: Any) -> list[str]:
    validator = Draft7Validator(json.loads(SCHEMA.read_text()))
    return sorted(f"/{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator.iter_errors(document))


def env_value(value: Any) -> str:
    """As the container sees it: compose passes every value as a string."""
    assert value is not None, "a variable without a value would be taken from the host"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment, in either of the forms the specification allows."""
    raw = service.get("environment", {})
    if isinstance(raw, list):
        assert all("=" in str(item) for item in raw), raw
        return dict(str(item).split("=", 1) for item in raw)
    return {str(key): env_value(value) for key, value in raw.items()}


def names_set_anywhere(node: Any) -> set[str]:
    """Every TECHLEDGER_* name the file sets: as a mapping key, or as `NAME=value` in a list."""
    if isinstance(node, dict):
        return {str(k) for k in node if str(k).startswith(PREFIX)}.union(
            *(names_set_anywhere(v) for v in node.values()))
    if isinstance(node, list):
        return {str(item).split("=", 1)[0] for item in node
                if isinstance(item, str) and item.startswith(PREFIX) and "=" in item}.union(
            *(names_set_anywhere(item) for item in node))
    return set()


def settings_of(name: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The Settings a service's process builds from its environment (and nothing else)."""
    for key in list(os.environ):
        if key.upper().startswith(PREFIX):
            monkeypatch.delenv(key)
    for key, value in environment(services()[name]).items():
        monkeypatch.setenv(key, value)
    return Settings()  # a value that does not parse raises here and fails the test


def listeners(spec: str) -> dict[str, tuple[str, int]]:
    """`NAME://host:port,...` (Kafka's listener lists) as {NAME: (host, port)}."""
    found: dict[str, tuple[str, int]] = {}
    for entry in spec.split(","):
        match = re.fullmatch(r"([A-Z_]+)://([^:]*):(\d+)", entry.strip())
        assert match, f"not a Kafka listener: {entry!r}"
        found[match[1]] = (match[2], int(match[3]))
    return found


def option(command: list[str], flag: str) -> str:
    return command[command.index(flag) + 1]


# The specification ----------------------------------------------------------------------------

def test_vendored_schema_is_a_draft7_compose_schema() -> None:
    schema = json.loads(SCHEMA.read_text())
    Draft7Validator.check_schema(schema)
    assert schema["title"] == "Compose Specification"
    assert {"service", "healthcheck", "deployment"} <= set(schema["definitions"])


def test_compose_file_is_valid_against_the_specification() -> None:
    assert schema_errors(compose()) == []


def _misspell_key(doc: dict[str, Any]) -> None:
    doc["services"]["api"]["helthcheck"] = doc["services"]["api"].pop("healthcheck")


def _bad_condition(doc: dict[str, Any]) -> None:
    doc["services"]["relay"]["depends_on"]["kafka"]["condition"] = "service_healty"


def _bad_top_level(doc: dict[str, Any]) -> None:
    doc["service"] = doc.pop("services")


def _bad_type(doc: dict[str, Any]) -> None:
    doc["services"]["api"]["ports"] = "8000:8000"  # a list in the specification


@pytest.mark.parametrize("breaks", [_misspell_key, _bad_condition, _bad_top_level, _bad_type])
def test_a_broken_copy_fails_the_specification(breaks: Any) -> None:
    broken = copy.deepcopy(compose())
    breaks(broken)
    assert schema_errors(broken) != []


# Services and their settings ------------------------------------------------------------------

def test_services_are_declared() -> None:
    assert set(ALL_SERVICES) <= set(services())


def test_every_techledger_variable_is_a_setting() -> None:
    doc = compose()
    known = {PREFIX + field.upper() for field in Settings.model_fields}
    assert Settings.model_config.get("env_prefix") == PREFIX
    named = names_set_anywhere(doc)
    assert named, "the file sets no TECHLEDGER_* variable at all"
    assert named <= known, f"not settings: {sorted(named - known)}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_environment_parses_as_settings(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    env = environment(services()[name])
    assert env, f"{name} sets no environment"
    # Unprefixed names would be ignored by Settings (extra="ignore"): none are allowed here.
    assert all(key.startswith(PREFIX) for key in env), sorted(env)
    settings = settings_of(name, monkeypatch)
    assert {key.removeprefix(PREFIX).lower() for key in env} <= settings.model_fields_set


@pytest.mark.parametrize("name", APP_SERVICES)
def test_database_url_reaches_the_postgres_service(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_of(name, monkeypatch)
    assert settings.database_url is not None, f"{name} would run on embedded SQLite"
    parsed = postgres_env(settings.database_url, settings)
    pg = environment(services()["postgres"])
    assert (parsed["POSTGRES_USER"], parsed["POSTGRES_PASSWORD"], parsed["POSTGRES_DBNAME"]) == (
        pg["POSTGRES_USER"], pg["POSTGRES_PASSWORD"], pg["POSTGRES_DB"])
    assert (parsed["POSTGRES_HOST"], parsed["POSTGRES_PORT"]) == ("postgres", "5432")


@pytest.mark.parametrize("name", APP_SERVICES)
def test_kafka_bootstrap_servers_are_the_advertised_listener(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_of(name, monkeypatch)
    kafka = environment(services()["kafka"])
    advertised = listeners(kafka["KAFKA_ADVERTISED_LISTENERS"])
    bound = listeners(kafka["KAFKA_LISTENERS"])
    # Reachable from the compose network: advertised under the service's own name, and bound.
    internal = {f"{host}:{port}" for listener, (host, port) in advertised.items()
                if host == "kafka" and bound.get(listener, ("", -1))[1] == port}
    servers = {server.strip() for server in settings.kafka_bootstrap_servers.split(",")}
    assert servers, "no bootstrap servers"
    assert servers <= internal, (servers, internal)


def test_api_reads_views_written_by_the_kafka_projector(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings_of("api", monkeypatch).views_source == "kafka"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_kafka_replication_fits_the_single_broker(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_of(name, monkeypatch)
    brokers = services()["kafka"].get("deploy", {}).get("replicas", 1)
    assert settings.kafka_replication_factor <= brokers
    assert int(environment(services()["kafka"])["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"]) <= brokers


def test_postgres_connections_fit_max_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each process: the event store pool (size + overflow) and the view store pool (size)."""
    pg_command: list[str] = services()["postgres"]["command"]
    max_connections = int(next(arg.split("=", 1)[1] for arg in pg_command
                               if arg.startswith("max_connections=")))
    needed = 0
    for name in APP_SERVICES:
        service = services()[name]
        settings = settings_of(name, monkeypatch)
        processes = service.get("deploy", {}).get("replicas", 1)
        if "--workers" in service["command"]:
            processes *= int(option(service["command"], "--workers"))
        processes += 1  # a healthcheck (`techledger positions`) running beside them
        needed += processes * (2 * settings.pg_pool_size + settings.pg_max_overflow)
    assert needed <= max_connections - 3  # superuser_reserved_connections


# Commands, health checks and start order ------------------------------------------------------

def test_commands_are_the_cli_forms() -> None:
    svc = services()
    assert svc["relay"]["command"] == ["techledger", "relay"]
    assert svc["projector"]["command"] == ["techledger", "project", "--source", "kafka"]
    api = svc["api"]["command"]
    assert api[:2] == ["techledger", "serve"]
    assert option(api, "--host") == "0.0.0.0"
    assert int(option(api, "--workers")) >= 2


@pytest.mark.parametrize("name", APP_SERVICES)
def test_commands_parse_with_the_real_cli(name: str) -> None:
    """The command and any `techledger` health check are accepted by api.cli's own parser."""
    service = services()[name]
    commands = [service["command"], service["healthcheck"]["test"][1:]]
    for command in (c for c in commands if c[0] == "techledger"):
        args = build_parser().parse_args(command[1:])  # exits (fails the test) on a bad form
        assert args.command == command[1]


def test_api_publishes_the_port_it_serves() -> None:
    api = services()["api"]
    port = option(api["command"], "--port")
    assert any(str(p).split(":")[-1] == port for p in api["ports"]), api["ports"]


def test_projector_runs_two_replicas_without_fixed_names_or_host_ports() -> None:
    projector = services()["projector"]
    assert projector["deploy"]["replicas"] == 2
    assert "container_name" not in projector
    assert "ports" not in projector


@pytest.mark.parametrize("name", ALL_SERVICES)
def test_every_service_has_a_healthcheck(name: str) -> None:
    check = services()[name].get("healthcheck", {})
    assert not check.get("disable", False)
    assert check.get("test") and check["test"] != ["NONE"], f"{name} has no health check"


@pytest.mark.parametrize(("name", "position"), [("relay", "relay"), ("projector", "views"),
                                               ("notary", "notary")])
def test_followers_are_healthy_when_their_position_is_caught_up(name: str, position: str) -> None:
    test = services()[name]["healthcheck"]["test"]
    assert test[:-1] == ["CMD", "techledger", "positions", "--check", position, "--max-lag"]
    assert int(test[-1]) > 0


def test_api_healthcheck_hits_the_health_route_without_curl() -> None:
    api = services()["api"]
    test = api["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    url = f"http://localhost:{option(api['command'], '--port')}/v1/health"
    assert "urllib.request.urlopen" in test[3]
    assert url in test[3]
    assert "/v1/health" in {getattr(route, "path", None) for route in system_router.routes}


def test_infrastructure_healthchecks_probe_the_right_thing() -> None:
    svc = services()
    pg = environment(svc["postgres"])
    assert "pg_isready" in " ".join(svc["postgres"]["healthcheck"]["test"])
    assert f"-U {pg['POSTGRES_USER']}" in " ".join(svc["postgres"]["healthcheck"]["test"])
    kafka_test = " ".join(svc["kafka"]["healthcheck"]["test"])
    assert "/opt/kafka/bin/kafka-broker-api-versions.sh" in kafka_test
    bound = listeners(environment(svc["kafka"])["KAFKA_LISTENERS"])
    assert f"--bootstrap-server localhost:{bound['PLAINTEXT'][1]}" in kafka_test


@pytest.mark.parametrize(("name", "needs"), [
    ("api", {"postgres"}),
    ("relay", {"postgres", "kafka"}),
    ("projector", {"postgres", "kafka"}),
], ids=["api", "relay", "projector"])
def test_services_wait_for_healthy_dependencies(name: str, needs: set[str]) -> None:
    svc = services()
    depends = svc[name]["depends_on"]
    assert isinstance(depends, dict), "the short form cannot wait for health"
    for dependency in needs:
        assert depends[dependency]["condition"] == "service_healthy", (name, dependency)
        assert "healthcheck" in svc[dependency]


# Kafka, images ---------------------------------------------------------------------------------

def test_kafka_runs_kraft_without_zookeeper() -> None:
    kafka = environment(services()["kafka"])
    assert set(kafka["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    controller = kafka["KAFKA_CONTROLLER_LISTENER_NAMES"]
    port = listeners(kafka["KAFKA_LISTENERS"])[controller][1]
    assert kafka["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{kafka['KAFKA_NODE_ID']}@kafka:{port}"
    assert set(listeners(kafka["KAFKA_LISTENERS"])) <= {
        entry.split(":")[0] for entry in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")}
    assert "zookeeper" not in json.dumps(compose()).lower()


def test_infrastructure_images_are_pinned() -> None:
    for name in ("postgres", "kafka"):
        image = services()[name]["image"]
        assert ":" in image and not image.endswith(":latest"), image


def test_app_services_are_built_from_the_dockerfile() -> None:
    for name in APP_SERVICES:
        assert services()[name]["build"] in (".", {"context": "."}), name


def test_dockerfile_installs_every_package_and_the_cli() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = [p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]]
    copied = set(re.findall(r"^COPY\s+(\S+)\s", dockerfile, flags=re.MULTILINE))
    assert "." in copied or set(packages) <= copied, (packages, copied)
    assert "techledger" in pyproject["project"]["scripts"]
    assert re.search(r"^RUN pip install \.", dockerfile, flags=re.MULTILINE)
    assert re.search(r'^CMD \["techledger", "serve"', dockerfile, flags=re.MULTILINE)


def test_the_api_and_the_notary_share_the_signing_key() -> None:
    """The notary signs with the key; the API serves its public key and signs receipts with it."""
    svc = services()
    key_dir = str(Path(compose()["x-techledger-env"]["TECHLEDGER_NOTARY_KEY_PATH"]).parent)
    for name in ("api", "notary"):
        mounts = [str(v).split(":") for v in svc[name]["volumes"]]
        assert any(m[1] == key_dir and m[0] in compose()["volumes"] for m in mounts), name
    assert compose()["x-techledger-env"]["TECHLEDGER_NOTARY_THREAD"] == "false"

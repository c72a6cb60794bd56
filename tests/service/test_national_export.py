"""The national export (techledger-national-export/1) on the demo data set: exactly the events
after a position, the same records in JSON Lines and CSV, runs that continue each other, and an
independent reader that rebuilds the registry's public rows from the export alone."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import psycopg
import pytest

from api.cli import build_parser
from api.cli_export import export, run_export
from api.demo_data import load_demo
from api.runtime import Runtime
from domain.values import CancellationReason
from projections.registry_queries import AchievementFilter, search_achievements
from projections.trade_queries import ContractFilter, list_contracts
from services.commands import CancelRegistration
from services.ledger import Ledger
from services.national_export import ROUTES, NationalExporter
from services.national_reader import NationalReader, public_achievement, public_contract
from services.national_schema import FIELDS, FORMAT, KINDS
from services.national_writers import read_csv, read_jsonl, write_csv, write_jsonl
from services.settings import Settings
from tests.factories import register, university
from tests.service.national_private import leaks, private_values

ALL = 100_000


@dataclass(frozen=True)
class Demo:
    ledger: Ledger
    settings: Settings
    head: int


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("national"))
    ledger = Ledger(settings)
    try:
        load_demo(ledger)
        yield Demo(ledger, settings, ledger.recorder.max_notification_id() or 0)
    finally:
        ledger.close()


def exported(settings: Settings, tmp_path: Path, since: int, name: str) -> tuple[list[Any], int]:
    out = tmp_path / name
    _, last = export(settings, since, "jsonl", str(out))
    return list(read_jsonl(out.read_bytes().splitlines())), last


def test_an_export_since_a_position_holds_exactly_the_events_after_it(
        demo: Demo, tmp_path: Path) -> None:
    log = demo.ledger.recorder.select_notifications(start=None, limit=ALL)
    exportable = [n.id for n in log if n.topic in ROUTES]
    assert len(exportable) > 300
    for since in (0, exportable[0], exportable[len(exportable) // 2] - 1, exportable[-1],
                  demo.head):
        records, last = exported(demo.settings, tmp_path, since, f"since-{since}.jsonl")
        assert [r["position"] for r in records] == [p for p in exportable if p > since]
        assert last == demo.head
    by_position = {n.id: n for n in log}
    first = NationalExporter(demo.ledger).since(0, demo.head)
    for record in first:
        stored = by_position[record["position"]]
        assert record["id"] == str(stored.originator_id)
        assert record["format"] == FORMAT


def test_incremental_exports_concatenated_equal_one_full_export(
        demo: Demo, tmp_path: Path) -> None:
    full, _ = exported(demo.settings, tmp_path, 0, "full.jsonl")
    pieces: list[Any] = []
    since = 0
    for stop in (demo.head // 4, demo.head // 2, demo.head * 3 // 4):  # as if the ledger grew
        exporter = NationalExporter(demo.ledger)
        pieces += list(exporter.since(since, stop))
        since = stop
    tail, last = exported(demo.settings, tmp_path, since, "tail.jsonl")
    assert pieces + tail == full
    assert last == demo.head and len(full) > 400


def test_csv_and_jsonl_carry_the_same_records(demo: Demo, tmp_path: Path) -> None:
    jsonl, _ = exported(demo.settings, tmp_path, 0, "all.jsonl")
    export(demo.settings, 0, "csv", str(tmp_path / "csv"))
    assert read_csv(tmp_path / "csv") == jsonl
    raw = (tmp_path / "csv" / "contract.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfformat,record_kind,position,")  # BOM, then the header
    assert {r["record_kind"] for r in jsonl} == set(KINDS)


def test_every_record_keeps_to_its_field_table_and_leaks_nothing(demo: Demo) -> None:
    records = list(NationalExporter(demo.ledger).since(0, demo.head))
    for record in records:
        allowed = {f.name: f for f in FIELDS[record["record_kind"]]}
        assert set(record) <= set(allowed), set(record) - set(allowed)
        for name in record:
            events = allowed[name].events
            assert not events or record["event_type"] in events, (name, record["event_type"])
    private = private_values(demo.ledger)
    assert len(private) > 500  # amounts, people's names, notes, contract numbers
    buffer = io.BytesIO()
    write_jsonl(records, buffer)
    assert leaks(buffer.getvalue().decode(), private) == []


def view_rows(settings: Settings) -> tuple[list[Any], list[Any]]:
    runtime = Runtime.open(settings, follow=False)
    try:
        runtime.follower.catch_up()
        with runtime.views.read() as tx:
            achievements, _ = search_achievements(tx, AchievementFilter(), page=1, page_size=ALL)
            contracts, _ = list_contracts(tx, ContractFilter(), page=1, page_size=ALL)
    finally:
        runtime.close()
    return achievements, [c for c in contracts if c["status"] in ("registered", "terminated")]


def test_an_empty_reader_rebuilds_the_registry_public_rows_from_the_export(
        demo: Demo, tmp_path: Path) -> None:
    write_csv(NationalExporter(demo.ledger).since(0, demo.head), tmp_path / "csv")
    reader = NationalReader().apply_all(read_csv(tmp_path / "csv"))
    achievements, contracts = view_rows(demo.settings)
    assert {r["id"]: public_achievement(r) for r in achievements} == reader.achievements
    assert {r["id"]: public_contract(r) for r in contracts} == reader.contracts
    assert {r["status"] for r in reader.achievements.values()} == {"registered", "cancelled"}
    assert {r["status"] for r in reader.contracts.values()} == {"registered", "terminated"}


def test_the_cli_continues_from_the_position_it_printed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(data_dir=tmp_path / "ledger")
    with Ledger(settings) as ledger:
        owner = university(ledger)
        register(ledger, owner, "一种石墨烯导热膜的制备方法", "first")
    args = build_parser().parse_args(["export", "--out", str(tmp_path / "one.jsonl")])
    assert run_export(settings, args) == 0
    last = int(capsys.readouterr().err.split("last_position=")[1])
    with Ledger(settings) as ledger:
        achievement_id = orjson.loads((tmp_path / "one.jsonl").read_bytes())["id"]
        ledger.cancel_registration(CancelRegistration(
            UUID(achievement_id), CancellationReason.PLAGIARISM,
            "抄袭他人成果的具体情况"), actor="test")
    args = build_parser().parse_args(["export", "--since", str(last),
                                      "--out", str(tmp_path / "two.jsonl")])
    assert run_export(settings, args) == 0
    (second,) = read_jsonl((tmp_path / "two.jsonl").read_bytes().splitlines())
    assert (second["event_type"], second["cancellation_reason_code"]) == (
        "registration_cancelled", "2")
    assert second["position"] > last and "detail" not in second
    assert int(capsys.readouterr().err.split("last_position=")[1]) == second["position"]


def test_csv_to_stdout_is_refused(tmp_path: Path) -> None:
    args = build_parser().parse_args(["export", "--format", "csv"])
    assert run_export(Settings(data_dir=tmp_path), args) == 2


def _skip_positions(ledger: Ledger, url: str, count: int) -> None:
    """What rolled-back and concurrent transactions leave on PostgreSQL: positions never used
    (the notification id sequence moved on without a row)."""
    recorder: Any = ledger.recorder
    table = f"{recorder.datastore.schema}.{recorder.events_table_name}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), "
                     "(SELECT MAX(notification_id) FROM " + table + ") + %s)", (table, count))


def test_positions_with_gaps_are_read_as_greater_than_last_seen(
        pg_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=pg_url)
    with Ledger(settings) as ledger:
        owner = university(ledger)
        register(ledger, owner, "一种石墨烯导热膜的制备方法", "before the gap")
        before = ledger.recorder.max_notification_id() or 0
        _skip_positions(ledger, pg_url, 1000)
        register(ledger, owner, "一种钙钛矿电池的封装方法", "after the gap")
        head = ledger.recorder.max_notification_id() or 0
    assert head > before + 1000
    titles = {since: [r["achievement_name"] for r in exported(
        settings, tmp_path, since, f"gap-{since}.jsonl")[0] if r["record_kind"] == "achievement"]
        for since in (0, before, before + 500)}
    assert titles[0] == ["一种石墨烯导热膜的制备方法", "一种钙钛矿电池的封装方法"]
    assert titles[before] == titles[before + 500] == ["一种钙钛矿电池的封装方法"]


@pytest.mark.parametrize("since", ["-1", "BEYOND"])
def test_a_since_before_the_start_or_past_the_head_is_refused_with_a_reason(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], since: str) -> None:
    settings = Settings(data_dir=tmp_path / "ledger")
    with Ledger(settings) as ledger:
        register(ledger, university(ledger), "一种石墨烯导热膜的制备方法", "one")
        head = ledger.recorder.max_notification_id() or 0
    out = tmp_path / "out.jsonl"
    position = str(head + 1) if since == "BEYOND" else since
    args = build_parser().parse_args(["export", "--since", position, "--out", str(out)])
    assert run_export(settings, args) == 2
    error = capsys.readouterr().err
    assert "--since" in error and "last_position=" not in error
    if since == "BEYOND":
        assert f"last position {head}" in error
    assert not out.exists()  # nothing written that a caller could take for an empty export

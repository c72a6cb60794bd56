"""The transparency log (issue 7) on SQLite and PostgreSQL: a leaf per event in ledger order,
signed checkpoints, proofs that verify against them, and `verify` naming the position of an event
altered or deleted directly in the database, or a history rewritten and re-signed."""

from __future__ import annotations

import base64
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from api.runtime import Runtime
from domain.access import Role
from services import notary_store as store
from services.checkpoint import open_checkpoint
from services.merkle import leaf_hash, root_of
from services.merkle_proofs import verify_consistency, verify_inclusion
from services.notary_leaf import LeafEntry
from services.settings import Settings
from services.verification import verify_log
from tests.factories import register, university


def fill(runtime: Runtime, first: int, count: int) -> int:
    owner = university(runtime.ledger, serial=first + 1)
    for n in range(first, first + count):
        register(runtime.ledger, owner, f"透明日志测试成果{n}", f"tlog-{n}")
    return runtime.notary.catch_up()


def verify(runtime: Runtime, since: str | None = None) -> list[str]:
    return verify_log(runtime.ledger, runtime.notary.db, runtime.notary.signer.verifier,
                      runtime.settings.notary_origin, since).problems


def tamper(settings: Settings, position: int, *, delete: bool = False) -> None:
    """Change (or remove) a stored event behind the ledger's back, as an intruder with database
    access would."""
    if settings.database_url is None:
        import sqlite3
        with sqlite3.connect(settings.events_path) as conn:
            if delete:
                conn.execute("DELETE FROM stored_events WHERE rowid = ?", (position,))
            else:
                conn.execute("UPDATE stored_events SET state = CAST(replace(state, '透明', '篡改') AS BLOB) "
                             "WHERE rowid = ?", (position,))
        return
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        table = conn.execute("SELECT table_name FROM information_schema.columns "
                             "WHERE column_name = 'notification_id'").fetchone()
        assert table is not None
        if delete:
            conn.execute(f"DELETE FROM {table[0]} WHERE notification_id = %s", (position,))
        else:
            conn.execute(f"UPDATE {table[0]} SET state = convert_to(replace(convert_from(state, "
                         "'UTF8'), '透明', '篡改'), 'UTF8') WHERE notification_id = %s",
                         (position,))


def positions(runtime: Runtime) -> list[int]:
    return [n.id for n in runtime.ledger.recorder.select_notifications(start=None, limit=10_000)]


def titled(runtime: Runtime) -> list[int]:
    """Positions of the events that carry an achievement title (what `tamper` changes)."""
    return [n.id for n in runtime.ledger.recorder.select_notifications(start=None, limit=10_000)
            if "透明".encode() in n.state]


def test_every_event_is_a_leaf_and_the_checkpoint_signs_their_root(runtime: Runtime) -> None:
    size = fill(runtime, 0, 5)
    events = runtime.ledger.recorder.select_notifications(start=None, limit=10_000)
    assert size == len(events) > 5
    with runtime.notary.db.read() as tx:
        latest = store.latest_checkpoint(tx)
    assert latest is not None
    signed = open_checkpoint(latest.note, runtime.notary.signer.verifier,
                             runtime.settings.notary_origin)
    expected = root_of(leaf_hash(LeafEntry.of(e.id, e).encode()) for e in events)
    assert (signed.size, signed.root_hash) == (size, expected)
    assert verify(runtime) == []


def test_proofs_served_over_http_verify_against_the_signed_checkpoint(
        store_settings: Settings) -> None:
    runtime = Runtime.open(store_settings, follow=False)
    try:
        fill(runtime, 0, 4)
        old = runtime.notary.checkpoint() or latest_note(runtime)
        key = runtime.ledger.issue_api_key(Role.AUDITOR, "proofs")
        fill(runtime, 10, 4)
        with TestClient(create_app(store_settings, runtime)) as client:
            body = client.get("/v1/ledger/checkpoint").json()
            signed = open_checkpoint(body["note"], runtime.notary.signer.verifier,
                                     store_settings.notary_origin)
            auditor = {"Authorization": f"Bearer {key}"}
            for position in positions(runtime)[:: 3]:
                proof = client.get("/v1/ledger/proofs/inclusion", headers=auditor,
                                   params={"position": position}).json()
                leaf = leaf_hash(proof["leaf"].encode())
                path = [base64.b64decode(node) for node in proof["proof"]]
                assert verify_inclusion(leaf, proof["leaf_index"], signed.size, path,
                                        signed.root_hash)
                assert not verify_inclusion(leaf_hash(b"forged"), proof["leaf_index"],
                                            signed.size, path, signed.root_hash)
            consistency = client.get("/v1/ledger/proofs/consistency", headers=auditor,
                                     params={"first": old.tree_size}).json()
            path = [base64.b64decode(node) for node in consistency["proof"]]
            assert verify_consistency(old.tree_size, signed.size, old.root_hash,
                                      signed.root_hash, path)
            assert client.get("/v1/ledger/proofs/inclusion",
                              params={"position": 1}).status_code == 401
            beyond = client.get("/v1/ledger/proofs/consistency", headers=auditor,
                                params={"first": signed.size + 1}).json()
            assert beyond["code"] == "tree_sizes_reversed"
    finally:
        runtime.close()


def latest_note(runtime: Runtime) -> store.StoredCheckpoint:
    with runtime.notary.db.read() as tx:
        latest = store.latest_checkpoint(tx)
    assert latest is not None
    return latest


@pytest.mark.parametrize("delete", [False, True], ids=["altered", "deleted"])
def test_verify_names_the_position_of_a_changed_event(runtime: Runtime, delete: bool) -> None:
    fill(runtime, 0, 6)
    victim = titled(runtime)[-2]
    tamper(runtime.settings, victim, delete=delete)
    problems = verify(runtime)
    what = "the event is missing from the store" if delete else "the stored event was altered"
    assert [p for p in problems if p.startswith("position")] == [f"position {victim}: {what}"]
    assert any("does not have the signed root" in p for p in problems) is not delete


def test_a_rewritten_and_re_signed_history_fails_against_an_older_checkpoint(
        runtime: Runtime, tmp_path: Path) -> None:
    fill(runtime, 0, 4)
    older = latest_note(runtime).note
    fill(runtime, 10, 2)
    tamper(runtime.settings, titled(runtime)[1])
    with runtime.notary.db.write() as tx:  # an intruder with the key rebuilds the whole log
        for table in ("notary_leaves", "notary_nodes", "notary_checkpoints"):
            tx.execute(f"DELETE FROM {table}")
        tx.execute("UPDATE notary_state SET position = 0, tree_size = 0")
    runtime.notary.state = store.LogState(0, 0)
    runtime.notary.catch_up()
    assert verify(runtime) == []  # consistent with itself...
    problems = verify(runtime, since=older)
    assert any("history was rewritten" in p for p in problems)  # ...but not with what was signed


def test_the_verify_command_exits_1_and_names_the_position(
        sqlite_settings: Settings, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = Runtime.open(sqlite_settings, follow=False)
    try:
        fill(runtime, 0, 3)
        victim = titled(runtime)[0]
    finally:
        runtime.close()
    monkeypatch.setenv("TECHLEDGER_DATA_DIR", str(sqlite_settings.data_dir))
    with pytest.raises(SystemExit) as clean:
        main(["verify"])
    assert clean.value.code == 0
    tamper(sqlite_settings, victim)
    with pytest.raises(SystemExit) as failed:
        main(["verify"])
    assert failed.value.code == 1
    assert f"FAIL position {victim}: the stored event was altered" in capsys.readouterr().out

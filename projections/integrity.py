"""Integrity read models (Baoding item 9; DOMAIN.md, Integrity blacklist): misconduct records
and every sanction with its period, withdrawal and end changes, so the blacklist can be asked
for any date."""

from __future__ import annotations

from typing import Any

import orjson

from domain.misconduct import MisconductRecord
from domain.standing import IntegrityStanding
from projections.base import Applied, Handler, Projection
from projections.plain import dumps, event_payload
from projections.store import Tx

DDL = (
    "CREATE TABLE IF NOT EXISTS misconduct_records (id TEXT PRIMARY KEY, subject_id TEXT, "
    "subject_name TEXT, subject_kind TEXT, role TEXT, category TEXT, severity TEXT, "
    "findings TEXT, authority TEXT, decision_ref TEXT, decided_on TEXT, status TEXT, "
    "published INTEGER, evaluation_ids TEXT, achievement_ids TEXT, cancel_registrations INTEGER, "
    "appeal TEXT, corrections TEXT, recorded_position BIGINT, position BIGINT)",
    "CREATE INDEX IF NOT EXISTS misconduct_records_subject ON misconduct_records (subject_id)",
    # end_on NULL: permanent; withdrawn_from: the day an overturned appeal lifted it.
    "CREATE TABLE IF NOT EXISTS sanctions (sanction_id TEXT PRIMARY KEY, record_id TEXT, "
    "party_id TEXT, kind TEXT, scopes TEXT, start_on TEXT, end_on TEXT, withdrawn_from TEXT, "
    "imposed_position BIGINT, position BIGINT)",
    "CREATE INDEX IF NOT EXISTS sanctions_party ON sanctions (party_id)",
    "CREATE TABLE IF NOT EXISTS standings (id TEXT PRIMARY KEY, party_id TEXT)",
)


class Integrity(Projection):
    """List it after Registry: records copy the subject's name and kind."""

    tables = ("misconduct_records", "sanctions", "standings")
    ddl = DDL

    def handlers(self) -> dict[type, Handler]:
        return {
            MisconductRecord.Recorded: _recorded,
            MisconductRecord.Appealed: _appealed,
            MisconductRecord.AppealDecided: _appeal_decided,
            MisconductRecord.Corrected: _corrected,
            IntegrityStanding.Opened: _opened,
            IntegrityStanding.SanctionImposed: _imposed,
            IntegrityStanding.SanctionWithdrawn: _sanction_set("withdrawn_from", "effective_date"),
            IntegrityStanding.SanctionEndChanged: _sanction_set("end_on", "end"),
        }


def _recorded(tx: Tx, a: Applied) -> None:
    d = a.event.decision
    party = tx.execute("SELECT name, kind FROM parties WHERE id = ?", (str(d.subject_id),))
    name, kind = (party[0]["name"], party[0]["kind"]) if party else (None, None)
    tx.execute(
        "INSERT INTO misconduct_records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?)",
        (str(a.event.originator_id), str(d.subject_id), name, kind, d.role.value,
         d.category.value, d.severity.value, d.findings, d.authority, d.decision_ref,
         str(d.decided_on), "decided", int(d.published),
         dumps([str(x) for x in d.evaluation_ids]), dumps([str(x) for x in d.achievement_ids]),
         int(d.cancel_registrations), None, "[]", a.position, a.position))


def _update(tx: Tx, a: Applied, values: dict[str, Any]) -> None:
    columns = ", ".join(f"{column} = ?" for column in values)
    tx.execute(f"UPDATE misconduct_records SET {columns}, position = ? WHERE id = ?",
               (*values.values(), a.position, str(a.event.originator_id)))


def _appeal(tx: Tx, a: Applied) -> dict[str, Any]:
    rows = tx.execute("SELECT appeal FROM misconduct_records WHERE id = ?",
                      (str(a.event.originator_id),))
    loaded: dict[str, Any] = orjson.loads(rows[0]["appeal"] or "{}")
    return loaded


def _appealed(tx: Tx, a: Applied) -> None:
    appeal = {"grounds": a.event.grounds, "filed_on": str(a.event.effective_date),
              "position": a.position}
    _update(tx, a, {"status": "appealed", "appeal": dumps(appeal)})


def _appeal_decided(tx: Tx, a: Applied) -> None:
    e = a.event
    appeal = {**_appeal(tx, a), "decided_on": str(e.effective_date), "overturned": e.overturned,
              "reasons": e.reasons, "decision_position": a.position}
    _update(tx, a, {"status": "overturned" if e.overturned else "upheld",
                    "appeal": dumps(appeal)})


def _corrected(tx: Tx, a: Applied) -> None:
    rows = tx.execute("SELECT corrections, findings FROM misconduct_records WHERE id = ?",
                      (str(a.event.originator_id),))
    corrections = [*orjson.loads(rows[0]["corrections"]), {
        "note": a.event.note, "previous_findings": rows[0]["findings"],
        "sanction_ends": event_payload(a.event)["sanction_ends"],
        "effective_date": str(a.event.effective_date), "position": a.position}]
    _update(tx, a, {"findings": a.event.findings, "corrections": dumps(corrections)})


def _opened(tx: Tx, a: Applied) -> None:
    tx.execute("INSERT INTO standings VALUES (?, ?)",
               (str(a.event.originator_id), str(a.event.party_id)))


def _imposed(tx: Tx, a: Applied) -> None:
    s = a.event.sanction
    tx.execute("INSERT INTO sanctions VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
               (str(s.sanction_id), str(s.record_id) if s.record_id else None,
                _party_of_standing(tx, a), s.kind, dumps([x.value for x in s.scopes]),
                str(s.start), str(s.end) if s.end else None, a.position, a.position))


def _party_of_standing(tx: Tx, a: Applied) -> str | None:
    rows = tx.execute("SELECT party_id FROM standings WHERE id = ?", (str(a.event.originator_id),))
    return str(rows[0]["party_id"]) if rows else None


def _sanction_set(column: str, attribute: str) -> Handler:
    def handle(tx: Tx, a: Applied) -> None:
        value = getattr(a.event, attribute)
        tx.execute(f"UPDATE sanctions SET {column} = ?, position = ? WHERE sanction_id = ?",
                   (str(value) if value is not None else None, a.position,
                    str(a.event.sanction_id)))
    return handle

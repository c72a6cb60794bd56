"""The integrity blacklist (Baoding item 9; DOMAIN.md): who is barred on a date, from what and
until when; what expires soon; a party's full record, overturned decisions included and marked;
and the public list, which shows only what a decision ordered published, and only its public
fields (no findings, no links)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import orjson

from projections.store import Row, Tx

ACTIVE = ("s.start_on <= ? AND (s.end_on IS NULL OR s.end_on >= ?) "
          "AND (s.withdrawn_from IS NULL OR s.withdrawn_from > ?)")
SANCTION_COLUMNS = (
    "s.sanction_id, s.record_id, s.party_id, s.kind, s.scopes, s.start_on, s.end_on, "
    "s.withdrawn_from, s.imposed_position, p.name AS party_name, p.kind AS party_kind, "
    "r.category, r.authority, r.decision_ref, r.decided_on, r.status AS record_status, "
    "r.published")
SANCTION_JOINS = (" FROM sanctions s LEFT JOIN parties p ON p.id = s.party_id "
                  "LEFT JOIN misconduct_records r ON r.id = s.record_id")


def _sanction(row: Row) -> Row:
    out = dict(row)
    out["scopes"] = orjson.loads(row["scopes"])
    out["published"] = bool(row["published"])
    return out


def state_on(sanction: Row, day: date) -> str:
    """upcoming, active, expired or withdrawn (an overturned appeal lifted it)."""
    iso = day.isoformat()
    if sanction["withdrawn_from"] is not None and sanction["withdrawn_from"] <= iso:
        return "withdrawn"
    if sanction["start_on"] > iso:
        return "upcoming"
    if sanction["end_on"] is not None and sanction["end_on"] < iso:
        return "expired"
    return "active"


def active_sanctions(tx: Tx, as_of: date, scope: str | None = None) -> list[Row]:
    day = as_of.isoformat()
    sql = f"SELECT {SANCTION_COLUMNS}{SANCTION_JOINS} WHERE {ACTIVE}"
    params: list[Any] = [day, day, day]
    if scope is not None:
        sql += " AND s.scopes LIKE ?"
        params.append(f'%"{scope}"%')
    return [_sanction(r) for r in tx.execute(sql + " ORDER BY p.name, s.start_on", params)]


def blacklist(tx: Tx, *, as_of: date, scope: str | None = None) -> dict[str, Any]:
    """One entry per barred party: the scopes it is barred from, until when, and why."""
    parties: dict[str, Row] = {}
    for s in active_sanctions(tx, as_of, scope):
        entry = parties.setdefault(s["party_id"], {
            "party_id": s["party_id"], "name": s["party_name"], "kind": s["party_kind"],
            "scopes": [], "barred_until": s["end_on"], "sanctions": []})
        entry["scopes"] = sorted({*entry["scopes"], *s["scopes"]})
        entry["barred_until"] = _later(entry["barred_until"], s["end_on"])
        entry["sanctions"].append(s)
    return {"as_of": as_of.isoformat(), "count": len(parties), "items": list(parties.values())}


def _later(a: str | None, b: str | None) -> str | None:
    """The later of two end dates; None is permanent."""
    return None if a is None or b is None else max(a, b)


def expiring(tx: Tx, *, as_of: date, within_days: int) -> dict[str, Any]:
    """Sanctions active on `as_of` that end within the next `within_days` days."""
    last = (as_of + timedelta(days=within_days)).isoformat()
    rows = [s for s in active_sanctions(tx, as_of)
            if s["end_on"] is not None and s["end_on"] <= last]
    rows.sort(key=lambda s: (s["end_on"], s["party_name"] or ""))
    return {"as_of": as_of.isoformat(), "until": last, "count": len(rows), "items": rows}


def _record(row: Row) -> Row:
    out = dict(row)
    for column in ("evaluation_ids", "achievement_ids", "corrections", "appeal"):
        if isinstance(out.get(column), str):
            out[column] = orjson.loads(out[column])
    out["published"], out["cancel_registrations"] = (bool(row["published"]),
                                                     bool(row["cancel_registrations"]))
    out["overturned"] = row["status"] == "overturned"
    return out


def get_record(tx: Tx, record_id: str, *, today: date) -> Row | None:
    rows = tx.execute("SELECT * FROM misconduct_records WHERE id = ?", (record_id,))
    if not rows:
        return None
    record = _record(rows[0])
    record["sanctions"] = _sanctions_of(tx, record_id, today)
    return record


def _sanctions_of(tx: Tx, record_id: str, today: date) -> list[Row]:
    rows = tx.execute(f"SELECT {SANCTION_COLUMNS}{SANCTION_JOINS} WHERE s.record_id = ? "
                      "ORDER BY s.imposed_position", (record_id,))
    return [{**_sanction(r), "state": state_on(r, today)} for r in rows]


def party_record(tx: Tx, party_id: str, *, today: date) -> dict[str, Any]:
    """Every decision about the party, newest first, overturned ones marked, with each
    sanction's state today."""
    rows = tx.execute("SELECT * FROM misconduct_records WHERE subject_id = ? "
                      "ORDER BY decided_on DESC, recorded_position DESC", (party_id,))
    records = [{**_record(r), "sanctions": _sanctions_of(tx, r["id"], today)} for r in rows]
    barred = blacklist_entry(tx, party_id, today)
    return {"party_id": party_id, "today": today.isoformat(), "barred": barred,
            "records": records}


def blacklist_entry(tx: Tx, party_id: str, day: date) -> list[str]:
    """The scopes the party is barred from on `day`."""
    scopes: set[str] = set()
    for s in active_sanctions(tx, day):
        if s["party_id"] == party_id:
            scopes.update(s["scopes"])
    return sorted(scopes)


PUBLIC_FIELDS = ("party_name", "party_kind", "category", "authority", "decision_ref",
                 "decided_on", "kind", "scopes", "start_on", "end_on")


def public_blacklist(tx: Tx, *, as_of: date) -> dict[str, Any]:
    """信息按规定公开: sanctions of published, standing decisions active on `as_of`, with the
    public fields only; a pending appeal is said (it does not suspend the sanction)."""
    items = [{**{k: s[k] for k in PUBLIC_FIELDS}, "appeal_pending": s["record_status"] == "appealed"}
             for s in active_sanctions(tx, as_of)
             if s["published"] and s["record_status"] != "overturned"]
    return {"as_of": as_of.isoformat(), "count": len(items), "items": items}

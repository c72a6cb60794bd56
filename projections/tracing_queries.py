"""Timelines for backward tracing (回溯, Baoding item 1 过程回溯; DOMAIN.md "Backward tracing"): an
achievement's whole life, a project with its outputs' lives, and a party's deeds and the
decisions about it, each entry with its ledger position, both dates and the actor.

`as_known_at` answers as the ledger knew it then: only entries recorded at or before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from projections.store import Row, Tx
from projections.tracing_summaries import Names, summarize
from projections.trades import instant

# Fields not worth repeating in a timeline (a key's hash is no business of an auditor's).
HIDDEN = frozenset({"key_hash"})
ENTRY_SQL = (
    "SELECT l.position, l.subject_id, l.subject_kind, l.role, t.aggregate_id, t.aggregate_kind, "
    "t.event_name, t.recorded_at, x.effective_date, x.actor, x.data FROM trace_links l "
    "JOIN trace_events t ON t.position = l.position "
    "JOIN ledger_events x ON x.position = l.position ")


@dataclass(frozen=True)
class Window:
    """Which entries: recorded by `known` (None: all), one page of them (size None: all)."""

    known: str | None = None
    page: int = 1
    page_size: int | None = None

    @classmethod
    def of(cls, as_known_at: datetime | None, page: int = 1,
           page_size: int | None = None) -> Window:
        return cls(instant(as_known_at) if as_known_at else None, page, page_size)


def achievement_timeline(tx: Tx, achievement_id: str, as_known_at: datetime | None = None
                         ) -> dict[str, Any] | None:
    """Registration to today: disclosure, evaluations (panel, scores), trades and ownership
    changes, valuations, pledges and releases, decisions. None if no such achievement."""
    rows = tx.execute("SELECT id, title, registration_number, status FROM achievements "
                      "WHERE id = ?", (achievement_id,))
    if not rows:
        return None
    return _answer(tx, {**rows[0], "kind": "achievement"}, [achievement_id],
                   Window.of(as_known_at))


def project_timeline(tx: Tx, project_id: str, as_known_at: datetime | None = None
                     ) -> dict[str, Any] | None:
    """The project's own steps and the timelines of the achievements linked as its outputs."""
    rows = tx.execute("SELECT id, title, status FROM projects WHERE id = ?", (project_id,))
    if not rows:
        return None
    window = Window.of(as_known_at)
    outputs = _outputs(tx, project_id, window.known)
    subject = {**rows[0], "kind": "project", "output_ids": outputs}
    return _answer(tx, subject, [project_id, *outputs], window)


def party_timeline(tx: Tx, party_id: str, as_known_at: datetime | None = None, *,
                   page: int = 1, page_size: int = 50) -> dict[str, Any] | None:
    """What the party did (seller, buyer, owner, pledgor, expert, agency, appraiser …) and what
    was decided about it (sanctions, misconduct), one page at a time, oldest first."""
    rows = tx.execute("SELECT id, name, kind AS party_kind FROM parties WHERE id = ?",
                      (party_id,))
    if not rows:
        return None
    return _answer(tx, {**rows[0], "kind": "party"}, [party_id],
                   Window.of(as_known_at, page, page_size))


def _outputs(tx: Tx, project_id: str, known: str | None) -> list[str]:
    """Achievements linked to the project as outputs (by then, with `known`)."""
    clause, params = _known(known)
    rows = tx.execute(
        "SELECT o.subject_id FROM trace_links p JOIN trace_links o ON o.position = p.position "
        "JOIN trace_events t ON t.position = p.position WHERE p.subject_id = ? "
        f"AND o.subject_kind = 'achievement' AND o.role = 'output'{clause} ORDER BY o.position",
        [project_id, *params])
    return list(dict.fromkeys(r["subject_id"] for r in rows))


def _answer(tx: Tx, subject: dict[str, Any], subject_ids: list[str], window: Window
            ) -> dict[str, Any]:
    positions, total = _positions(tx, subject_ids, window)
    answer = {"subject": subject, "as_known_at": window.known, "total": total,
              "entries": _entries(tx, subject_ids, positions, subject["id"])}
    if window.page_size is not None:
        answer |= {"page": window.page, "page_size": window.page_size}
    return answer


def _positions(tx: Tx, subject_ids: list[str], window: Window) -> tuple[list[int], int]:
    """The page's positions in order, and how many there are in all."""
    clause, known = _known(window.known)
    where = (f"FROM trace_links l JOIN trace_events t ON t.position = l.position WHERE "
             f"l.subject_id IN ({_marks(subject_ids)}){clause}")
    params = [*subject_ids, *known]
    total = int(tx.execute(f"SELECT COUNT(DISTINCT l.position) AS n {where}", params)[0]["n"])
    page = ""
    if window.page_size is not None:
        page = f" LIMIT {int(window.page_size)} OFFSET {int((window.page - 1) * window.page_size)}"
    rows = tx.execute(f"SELECT DISTINCT l.position {where} ORDER BY l.position{page}", params)
    return [int(r["position"]) for r in rows], total


def _known(known: str | None) -> tuple[str, list[str]]:
    """The clause keeping entries recorded by `known`, and its parameter."""
    return ("", []) if known is None else (" AND t.recorded_at <= ?", [known])


def _marks(values: list[Any]) -> str:
    return ", ".join("?" * len(values))


def _entries(tx: Tx, subject_ids: list[str], positions: list[int], main: str
             ) -> list[dict[str, Any]]:
    if not positions:
        return []
    rows = tx.execute(
        f"{ENTRY_SQL}WHERE l.position IN ({_marks(positions)}) AND l.subject_id "
        f"IN ({_marks(subject_ids)}) ORDER BY l.position, l.subject_id, l.role",
        [*positions, *subject_ids])
    names = Names(tx)
    entries: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = entries.get(row["position"])
        if entry is None:
            entry = entries[row["position"]] = _entry(row, names)
        link = {"subject_id": row["subject_id"], "subject_kind": row["subject_kind"],
                "role": row["role"]}
        entry["links"].append(link)
        if row["subject_id"] == main:
            entry["roles"].append(row["role"])
    return list(entries.values())


def _entry(row: Row, names: Names) -> dict[str, Any]:
    data = orjson.loads(row["data"])
    return {
        "position": int(row["position"]), "event": row["event_name"],
        "aggregate_id": row["aggregate_id"], "aggregate_kind": row["aggregate_kind"],
        "effective_date": row["effective_date"], "recorded_at": row["recorded_at"],
        "actor": row["actor"], "roles": [], "links": [],
        "summary": summarize(row["event_name"], data, names),
        "payload": {k: v for k, v in data.items() if k not in HIDDEN},
    }

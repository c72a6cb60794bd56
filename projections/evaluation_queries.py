"""Queries over the evaluation views: evaluations, the library (Hefei arts. 7-9), the company
countdown (art. 8), expert workload and recusals (Baoding item 7), policies, qualifications."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import orjson

from projections.store import Row, Tx

JSON_COLUMNS = ("forms", "panel", "indicator_scores", "conclusion", "scope", "weights",
                "thresholds")
BOOL_COLUMNS = ("technology_manager", "scored")
LATEST_CULTIVATION = (
    " FROM evaluations e LEFT JOIN achievements a ON a.id = e.subject_id "
    "WHERE e.evaluation_class = 'transferable' AND e.status = 'finalized' "
    "AND e.grade = 'cultivation' AND NOT EXISTS (SELECT 1 FROM evaluations l "
    "WHERE l.subject_id = e.subject_id AND l.evaluation_class = e.evaluation_class "
    "AND l.status = e.status AND (l.finalized_on > e.finalized_on "
    "OR (l.finalized_on = e.finalized_on AND l.position > e.position))) "
    "AND e.subject_id NOT IN (SELECT achievement_id FROM library)"
)


def _decode(row: Row) -> Row:
    out = dict(row)
    for column in JSON_COLUMNS:
        if isinstance(out.get(column), str):
            out[column] = orjson.loads(out[column])
    for column in BOOL_COLUMNS:
        if out.get(column) is not None:
            out[column] = bool(out[column])
    return out


def _where(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    """Equality filters for the given columns; None means any."""
    given = {column: value for column, value in filters.items() if value is not None}
    if not given:
        return "", []
    return " WHERE " + " AND ".join(f"{c} = ?" for c in given), list(given.values())


def _page(tx: Tx, select: str, rest: str, params: list[Any], order: str, *, page: int,
          page_size: int) -> tuple[list[Row], int]:
    total = int(tx.execute(f"SELECT COUNT(*) AS n{rest}", params)[0]["n"])
    rows = tx.execute(f"SELECT {select}{rest} ORDER BY {order} LIMIT ? OFFSET ?",
                      [*params, page_size, (page - 1) * page_size])
    return [_decode(r) for r in rows], total


def list_evaluations(tx: Tx, *, achievement_id: str | None, agency_id: str | None,
                     status: str | None, evaluation_class: str | None, page: int,
                     page_size: int) -> tuple[list[Row], int]:
    """Evaluations, most recently changed first."""
    where, params = _where({"subject_id": achievement_id, "evaluator_id": agency_id,
                            "status": status, "evaluation_class": evaluation_class})
    return _page(tx, "*", f" FROM evaluations{where}", params, "position DESC, id",
                 page=page, page_size=page_size)


def get_evaluation(tx: Tx, evaluation_id: str) -> Row | None:
    """One evaluation with `panel_rows`: every member ever named, serving or recused."""
    rows = tx.execute("SELECT * FROM evaluations WHERE id = ?", (evaluation_id,))
    if not rows:
        return None
    panel = tx.execute("SELECT * FROM expert_panels WHERE evaluation_id = ? ORDER BY name, "
                       "party_id", (evaluation_id,))
    return {**_decode(rows[0]), "panel_rows": [_decode(r) for r in panel]}


def library(tx: Tx, *, grade: str | None, subtype: str | None, field: str | None, page: int,
            page_size: int) -> tuple[list[Row], int]:
    """Hefei art. 7: the transferable-achievement library, A before B before C."""
    where, params = _where({"grade": grade, "hefei_subtype": subtype, "field": field})
    return _page(tx, "*", f" FROM library{where}", params,
                 "grade, finalized_on DESC, achievement_id", page=page, page_size=page_size)


def library_entry(tx: Tx, achievement_id: str) -> Row | None:
    """The achievement's library row, or None when it is not in the library."""
    rows = tx.execute("SELECT * FROM library WHERE achievement_id = ?", (achievement_id,))
    return _decode(rows[0]) if rows else None


def cultivation_candidates(tx: Tx, *, page: int, page_size: int) -> tuple[list[Row], int]:
    """Hefei art. 9: achievements whose latest finalized transferable evaluation is below C."""
    select = ("e.subject_id AS achievement_id, e.id AS evaluation_id, e.total, e.finalized_on, "
              "a.title, a.hefei_subtype, a.field, a.category")
    return _page(tx, select, LATEST_CULTIVATION, [], "e.finalized_on DESC, e.subject_id",
                 page=page, page_size=page_size)


def company_countdown(tx: Tx, *, as_of: date, within_days: int) -> dict[str, list[Row]]:
    """Hefei art. 8: library entries still waiting for a company, by deadline; lapsed ones."""
    today, horizon = as_of.isoformat(), (as_of + timedelta(days=within_days)).isoformat()
    pending = "SELECT * FROM library WHERE support_status = 'pending' AND company_deadline"
    due = tx.execute(f"{pending} >= ? AND company_deadline <= ? ORDER BY company_deadline, "
                     "achievement_id", (today, horizon))
    overdue = tx.execute(f"{pending} < ? ORDER BY company_deadline, achievement_id", (today,))
    lapsed = tx.execute("SELECT * FROM library WHERE support_status = 'lapsed' "
                        "ORDER BY company_deadline, achievement_id")
    return {
        "due_soon": [{**r, "days_left": _days(as_of, r["company_deadline"])} for r in due],
        "overdue": [{**r, "days_overdue": -_days(as_of, r["company_deadline"])} for r in overdue],
        "lapsed": lapsed,
    }


def _days(as_of: date, day: str) -> int:
    return (date.fromisoformat(day) - as_of).days


def expert_workload(tx: Tx, *, page: int, page_size: int) -> tuple[list[Row], int]:
    """Per expert: panels served, sheets scored, recusals and their reasons (Baoding item 7)."""
    total = int(tx.execute("SELECT COUNT(DISTINCT party_id) AS n FROM expert_panels")[0]["n"])
    rows = tx.execute(
        "SELECT party_id, MAX(name) AS name, MAX(expert_type) AS expert_type, "
        "MAX(CASE WHEN technology_manager THEN 1 ELSE 0 END) AS technology_manager, "
        "SUM(CASE WHEN status = 'serving' THEN 1 ELSE 0 END) AS panels, "
        "SUM(CASE WHEN scored THEN 1 ELSE 0 END) AS scored, "
        "SUM(CASE WHEN status = 'recused' THEN 1 ELSE 0 END) AS recusals "
        "FROM expert_panels GROUP BY party_id ORDER BY panels DESC, name, party_id "
        "LIMIT ? OFFSET ?", (page_size, (page - 1) * page_size))
    reasons: dict[str, list[str]] = {r["party_id"]: [] for r in rows}
    if reasons:
        marks = ", ".join("?" * len(reasons))
        for r in tx.execute(f"SELECT party_id, recusal_reason FROM expert_panels WHERE status = "
                            f"'recused' AND party_id IN ({marks}) ORDER BY party_id, "
                            "evaluation_id", list(reasons)):
            reasons[r["party_id"]].append(r["recusal_reason"])
    items = [{**r, "panels": int(r["panels"]), "scored": int(r["scored"]),
              "recusals": int(r["recusals"]), "technology_manager": bool(r["technology_manager"]),
              "recusal_reasons": reasons[r["party_id"]]} for r in rows]
    return items, total


def list_policies(tx: Tx) -> list[Row]:
    """Built-in and published policy versions (Hefei art. 13), oldest first."""
    rows = tx.execute("SELECT * FROM evaluation_policies ORDER BY effective_from, version")
    return [_decode(r) for r in rows]


def qualifications_of(tx: Tx, agency_id: str) -> list[Row]:
    """Baoding item 8: an agency's recorded qualifications, in recording order."""
    rows = tx.execute("SELECT agency_id, scope, issuer, certificate_no, valid_from, valid_to "
                      "FROM agency_qualifications WHERE agency_id = ? ORDER BY position",
                      (agency_id,))
    return [_decode(r) for r in rows]


def manager_engagements(tx: Tx, achievement_id: str) -> list[Row]:
    """Baoding item 6: technology managers' parts in an achievement, in recording order."""
    return tx.execute(
        "SELECT m.achievement_id, m.manager_id, p.name AS manager_name, m.stage, m.note, "
        "m.effective_date, m.position FROM manager_engagements m LEFT JOIN parties p "
        "ON p.id = m.manager_id WHERE m.achievement_id = ? ORDER BY m.position",
        (achievement_id,))

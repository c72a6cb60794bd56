"""Queries over the valuation view, and a bank's pledge review (Baoding items 10-11, 13): the
achievement's latest finalized evaluation grade (Hefei art. 6) and its latest valuation."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.store import Row, Tx
from projections.trade_queries import views_position

VALUATION_COLUMNS = (
    "v.id AS valuation_id, v.achievement_id, v.appraiser_id, p.name AS appraiser_name, "
    "v.report_number, v.method, v.value, v.base_date, v.valid_until, v.purpose, "
    "v.policy_version, v.recorded_on, v.status, v.withdrawn_on, v.withdraw_reason, "
    "v.recorded_position, v.position")
VALUATION_FROM = " FROM valuations v LEFT JOIN parties p ON p.id = v.appraiser_id"
NEWEST_FIRST = " ORDER BY v.base_date DESC, v.recorded_position DESC"


def _marked(row: Row) -> Row:
    return {**row, "withdrawn": row["status"] == "withdrawn"}


def get_valuation(tx: Tx, valuation_id: str) -> Row | None:
    rows = tx.execute(f"SELECT {VALUATION_COLUMNS}{VALUATION_FROM} WHERE v.id = ?",
                      (valuation_id,))
    return _marked(rows[0]) if rows else None


def achievement_row(tx: Tx, achievement_id: str) -> Row | None:
    rows = tx.execute("SELECT id, title, registration_number, status FROM achievements "
                      "WHERE id = ?", (achievement_id,))
    return rows[0] if rows else None


def valuation_history(tx: Tx, achievement_id: str) -> list[Row]:
    """Every valuation of the achievement, newest base date first; withdrawn ones marked."""
    rows = tx.execute(f"SELECT {VALUATION_COLUMNS}{VALUATION_FROM} WHERE v.achievement_id = ?"
                      f"{NEWEST_FIRST}", (achievement_id,))
    return [_marked(r) for r in rows]


def latest_valuation(tx: Tx, achievement_id: str, as_of: date) -> Row | None:
    """The valuation with the latest base date on or before `as_of`. A withdrawn report was found
    defective, so it never counts, also for dates before its withdrawal. `expired`: its period
    of use (valid_until) ended before `as_of`."""
    rows = tx.execute(f"SELECT {VALUATION_COLUMNS}{VALUATION_FROM} WHERE v.achievement_id = ? "
                      f"AND v.status = 'recorded' AND v.base_date <= ?{NEWEST_FIRST} LIMIT 1",
                      (achievement_id, as_of.isoformat()))
    if not rows:
        return None
    return {**_marked(rows[0]), "expired": as_of.isoformat() > rows[0]["valid_until"]}


def latest_finalized_evaluation(tx: Tx, achievement_id: str, as_of: date) -> Row | None:
    """The latest transferable evaluation finalized (认定) on or before `as_of`. A revoked one
    was found fraudulent, so it never counts (as in the library, Hefei art. 7)."""
    rows = tx.execute(
        "SELECT e.id AS evaluation_id, e.grade, e.total, e.finalized_on, e.policy_version, "
        "e.evaluator_id, p.name AS evaluator_name FROM evaluations e LEFT JOIN parties p "
        "ON p.id = e.evaluator_id WHERE e.subject_id = ? AND e.evaluation_class = 'transferable' "
        "AND e.status = 'finalized' AND e.finalized_on <= ? "
        "ORDER BY e.finalized_on DESC, e.position DESC LIMIT 1",
        (achievement_id, as_of.isoformat()))
    return rows[0] if rows else None


def pledge_review(tx: Tx, achievement_id: str, as_of: date) -> dict[str, Any] | None:
    """What a bank sees of an achievement on `as_of` before lending on it; None if unknown.
    A cancelled registration (fraud, plagiarism) carries no grade, as the library drops it."""
    achievement = achievement_row(tx, achievement_id)
    if achievement is None:
        return None
    cancelled = achievement["status"] == "cancelled"
    return {"achievement_id": achievement_id, "title": achievement["title"],
            "registration_number": achievement["registration_number"],
            "status": achievement["status"], "as_of": as_of.isoformat(),
            "evaluation": None if cancelled else latest_finalized_evaluation(
                tx, achievement_id, as_of),
            "valuation": latest_valuation(tx, achievement_id, as_of),
            "views_position": views_position(tx)}


def pledge_reviews(tx: Tx, pledge: Row, as_of: date) -> list[dict[str, Any]]:
    """One review per pledged achievement, in the pledge's item order."""
    reviews = (pledge_review(tx, item["achievement_id"], as_of) for item in pledge["items"])
    return [review for review in reviews if review is not None]

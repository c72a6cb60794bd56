"""Post-evaluation (后评价) of one grade's evaluations, by agency and by expert: is one agency's
(or one expert's) A worth as much on the market as another's? Baoding, general requirements
(后评价); DOMAIN.md, read models ("does the grade predict the market?").

The same evaluations, outcomes and figures as projections.post_evaluation and
post_evaluation_experts (the same `evaluated` facts and `Tally`), keeping only the finalized
evaluations whose grade (Hefei art. 6) is the one asked. With every grade together the rows
are those modules' rows; the console's tests hold the two to that.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from projections.post_evaluation import GRADES, Tally, by_agency, frame, mean_money
from projections.post_evaluation_experts import by_expert, sheet_totals
from projections.post_evaluation_facts import Evaluated, Filters, evaluated
from projections.store import Row, Tx


def agencies(tx: Tx, window: int, as_of: date, f: Filters, grade: str | None) -> dict[str, Any]:
    """By agency: every grade together, or one grade's evaluations only."""
    if grade is None:
        return by_agency(tx, window, as_of, f)
    return agencies_of_grade(tx, window, as_of, f, grade)


def experts(tx: Tx, window: int, as_of: date, f: Filters, grade: str | None) -> dict[str, Any]:
    """By serving expert: every grade together, or one grade's evaluations only."""
    if grade is None:
        return by_expert(tx, window, as_of, f)
    return experts_of_grade(tx, window, as_of, f, grade)


def of_grade(tx: Tx, as_of: date, f: Filters, grade: str) -> list[Evaluated]:
    assert grade in GRADES
    return [e for e in evaluated(tx, as_of, f) if e.row["grade"] == grade]


def agencies_of_grade(tx: Tx, window: int, as_of: date, f: Filters, grade: str
                      ) -> dict[str, Any]:
    """Per agency, its evaluations of `grade`: outcomes and revocations, most revoked first
    (the order of post_evaluation.by_agency)."""
    groups: dict[str, list[Evaluated]] = defaultdict(list)
    for e in of_grade(tx, as_of, f, grade):
        groups[e.row["evaluator_id"]].append(e)
    rows = []
    for agency, found in groups.items():
        tally = _tally(found, window, as_of)
        grades = {g: (len(found) if g == grade else 0) for g in GRADES}
        revoked = {grade: tally.revoked} if tally.revoked else {}
        rows.append({"agency_id": agency, "agency_name": found[0].row["agency_name"],
                     "grades": grades, "revoked_grades": revoked, **tally.row()})
    rows.sort(key=lambda r: (-r["revoked"], -r["evaluations"], r["agency_name"] or "",
                             r["agency_id"]))
    return {**frame(tx, window, as_of, f), "grade": grade, "rows": rows}


def experts_of_grade(tx: Tx, window: int, as_of: date, f: Filters, grade: str
                     ) -> dict[str, Any]:
    """Per serving expert, the evaluations of `grade` they sat on: own sheet and panel totals,
    outcomes — most served first (the order of post_evaluation_experts.by_expert)."""
    found = {e.id: e for e in of_grade(tx, as_of, f, grade)}
    seats: dict[str, list[tuple[Row, Evaluated]]] = defaultdict(list)
    for member in tx.execute("SELECT evaluation_id, party_id, name, expert_type FROM "
                             "expert_panels WHERE status = 'serving' ORDER BY party_id, "
                             "evaluation_id"):
        if member["evaluation_id"] in found:
            seats[member["party_id"]].append((member, found[member["evaluation_id"]]))
    sheets = sheet_totals(tx)
    rows = [_expert_row(expert, served, sheets, window, as_of)
            for expert, served in seats.items()]
    rows.sort(key=lambda r: (-r["evaluations"], r["name"] or "", r["expert_id"]))
    return {**frame(tx, window, as_of, f), "grade": grade, "rows": rows}


def _tally(found: list[Evaluated], window: int, as_of: date) -> Tally:
    tally = Tally()
    for e in found:
        tally.add(e, window, as_of)
    return tally


def _expert_row(expert: str, served: list[tuple[Row, Evaluated]],
                sheets: dict[tuple[str, str], Decimal], window: int, as_of: date) -> Row:
    evaluations = [e for _, e in served]
    own = [sheets[(e.id, expert)] for e in evaluations if (e.id, expert) in sheets]
    results = [Decimal(e.row["total"]) for e in evaluations if e.row["total"] is not None]
    member = served[0][0]
    return {"expert_id": expert, "name": member["name"], "expert_type": member["expert_type"],
            "scored": len(own), "mean_sheet_total": mean_money(own),
            "mean_result_total": mean_money(results),
            **_tally(evaluations, window, as_of).row()}

"""The post-evaluation (后评价) page's question and tables: window, reading day, agency and grade;
the tables by grade, by agency and by expert from the query functions behind
/v1/post-evaluation/*, and their CSV downloads in the API's columns (same bytes when no grade is
picked; the API has no grade filter, so a grade narrows to that grade's evaluations through
projections.post_evaluation_graded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import Response

from api.console.views import ReadOnce
from api.csv_export import csv_response
from api.routers.post_evaluation import AGENCY_COLUMNS, EXPERT_COLUMNS, GRADE_COLUMNS
from domain.values import EvaluationClass
from projections import post_evaluation as pe
from projections import post_evaluation_graded as graded
from projections.post_evaluation_facts import WINDOWS, Filters
from projections.store import Tx

TABLES = ("grades", "agencies", "experts")
CLASSES = tuple(c.value for c in EvaluationClass)


@dataclass(frozen=True)
class Asked:
    window: int
    as_of: date
    agency: str = ""  # an agency's id, '' for every agency
    grade: str = ""  # A, B, C or cultivation; '' for every grade
    policy: str = ""  # a policy version (Hefei art. 13), '' for every version
    evaluation_class: str = ""  # EvaluationClass, '' for every class

    @property
    def error(self) -> str | None:
        """Why the question cannot be answered (the API's 422s, and an unknown grade)."""
        if self.window not in WINDOWS:
            return "bad_window"
        if self.grade and self.grade not in pe.GRADES:
            return "bad_grade"
        if self.evaluation_class and self.evaluation_class not in CLASSES:
            return "bad_class"
        try:
            _ = UUID(self.agency) if self.agency else None
        except ValueError:
            return "bad_agency"
        return None

    def filters(self) -> Filters:
        """The API's filters (agency_id, policy_version, evaluation_class)."""
        return Filters(str(UUID(self.agency)) if self.agency else None, self.policy or None,
                       self.evaluation_class or None)

    def query(self) -> str:
        """The question as a query string, for the CSV links."""
        asked = {"window": self.window, "as_of": self.as_of.isoformat(), "agency": self.agency,
                 "grade": self.grade, "policy": self.policy,
                 "evaluation_class": self.evaluation_class}
        return urlencode({k: v for k, v in asked.items() if v})


def by_grade(tx: Tx, a: Asked) -> dict[str, Any]:
    result = pe.by_grade(tx, a.window, a.as_of, a.filters())
    if a.grade:  # the grade's row is also the total of that grade's evaluations
        row = next(r for r in result["rows"] if r["grade"] == a.grade)
        result = {**result, "rows": [row], "totals": {**row, "grade": None}}
    return result


def by_agency(tx: Tx, a: Asked) -> dict[str, Any]:
    return graded.agencies(tx, a.window, a.as_of, a.filters(), a.grade or None)


def by_experts(tx: Tx, a: Asked) -> dict[str, Any]:
    return graded.experts(tx, a.window, a.as_of, a.filters(), a.grade or None)


def tables(tx: Tx, a: Asked) -> dict[str, dict[str, Any]]:
    """The three tables from one read of the finalized evaluations and their achievements'
    stories (each query function asks for the same rows; ReadOnce answers repeats)."""
    once = ReadOnce(tx)
    return {"grades": by_grade(once, a), "agencies": by_agency(once, a),
            "experts": by_experts(once, a)}


def choices(tx: Tx) -> dict[str, Any]:
    """What the pickers offer: agencies and policy versions of finalized evaluations."""
    agencies = tx.execute(
        "SELECT DISTINCT e.evaluator_id AS id, COALESCE(p.name, e.evaluator_id) AS name FROM "
        "evaluations e LEFT JOIN parties p ON p.id = e.evaluator_id WHERE e.finalized_on IS "
        "NOT NULL ORDER BY name, id")
    policies = tx.execute("SELECT DISTINCT policy_version FROM evaluations WHERE finalized_on "
                          "IS NOT NULL AND policy_version IS NOT NULL ORDER BY policy_version")
    return {"agency_choices": agencies, "policy_choices": [r["policy_version"] for r in policies],
            "class_choices": CLASSES, "grade_names": pe.GRADES}


def download(tx: Tx, a: Asked, table: str) -> Response:
    """One table as the API's `format=csv` writes it (file named as the API names it, with
    the grade when one is picked)."""
    assert table in TABLES
    result = {"grades": by_grade, "agencies": by_agency, "experts": by_experts}[table](tx, a)
    grade = f"-grade-{a.grade}" if a.grade else ""
    name = f"post-evaluation-{table}-{a.window}m-{a.as_of}{grade}.csv"
    if table == "grades":
        return csv_response(name, GRADE_COLUMNS,
                            [*result["rows"], {**result["totals"], "grade": "total"}])
    if table == "agencies":
        return csv_response(name, AGENCY_COLUMNS, [
            {**r, **{f"grade_{g}": n for g, n in r["grades"].items()}} for r in result["rows"]])
    return csv_response(name, EXPERT_COLUMNS, result["rows"])

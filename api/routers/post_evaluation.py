"""Post-evaluation (后评价, Baoding general requirements; DOMAIN.md, read models): what followed
finalized evaluations within 6, 12 or 24 months — by grade, by evaluation agency, by expert, and
for one evaluation. Windows not yet elapsed on `as_of` are reported as not yet observable. Auditors and
registrars read; `format=csv` downloads the table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from api.auth import require
from api.csv_export import csv_response
from api.deps import LedgerDep, ViewsDep
from api.problems import ApiProblem
from api.routers.statistics import Format, FormatQuery
from domain.access import Role
from domain.errors import NotFound
from domain.evaluation_policy import Grade
from domain.values import EvaluationClass
from projections import post_evaluation as pe
from projections import post_evaluation_graded as graded
from projections.evaluation_queries import get_evaluation
from projections.post_evaluation_facts import WINDOWS, Filters
from services.handlers.access import Principal

router = APIRouter(tags=["post-evaluation"])
# Named so the web console (api/console) admits exactly the same roles.
READERS = (Role.AUDITOR, Role.REGISTRAR)
Reader = Annotated[Principal, Depends(require(*READERS))]
AsOf = Annotated[date | None, Query(description="the day the outcomes are read on (default: today)")]
GradeQuery = Annotated[Grade | None, Query(description="only the evaluations of this grade")]
OUTCOMES = ("evaluations", "observed", "not_yet_observable",
            *(f"{x}{f}" for f in pe.FLAGS for x in ("", "share_")), "contracts",
            "transaction_amount", "mean_transaction_amount", "median_transaction_amount",
            "mean_transaction_amount_traded", "median_transaction_amount_traded",
            "secured_amount", "revoked", "share_revoked", "registrations_cancelled")
GRADE_COLUMNS = ("grade", *OUTCOMES)
AGENCY_COLUMNS = ("agency_id", "agency_name", *(f"grade_{g}" for g in pe.GRADES), *OUTCOMES)
EXPERT_COLUMNS = ("expert_id", "name", "expert_type", "scored", "mean_sheet_total",
                  "mean_result_total", *OUTCOMES)


@dataclass(frozen=True)
class Asked:
    window: int
    as_of: date
    filters: Filters


async def asked(ledger: LedgerDep, window_months: Annotated[int, Query(
                    description="months after finalization: 6, 12 or 24")] = 12,
                as_of: AsOf = None, agency_id: UUID | None = None,
                policy_version: Annotated[str | None, Query(max_length=40)] = None,
                evaluation_class: EvaluationClass | None = None) -> Asked:
    """The window, the reading day and which finalized evaluations to include."""
    if window_months not in WINDOWS:
        raise ApiProblem(422, "invalid_field", f"window_months must be one of {WINDOWS}",
                         zh="观察期无效", en="Invalid window")
    return Asked(window_months, as_of or ledger.today(), Filters(
        str(agency_id) if agency_id else None, policy_version,
        evaluation_class.value if evaluation_class else None))


AskedDep = Annotated[Asked, Depends(asked)]


def _csv(name: str, a: Asked, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> Response:
    return csv_response(f"post-evaluation-{name}-{a.window}m-{a.as_of}.csv", columns, rows)


@router.get("/v1/post-evaluation/grades", response_model=None)
def grades(views: ViewsDep, a: AskedDep, _: Reader, output: FormatQuery = Format.JSON
           ) -> dict[str, Any] | Response:
    """Per grade: shares traded, licensed, transferred, with a company, pledged; 技术交易额 mean
    and median; revocations — and the plain A/B/C share traded within 12 months."""
    result = pe.by_grade(views, a.window, a.as_of, a.filters)
    if output is Format.CSV:
        return _csv("grades", a, GRADE_COLUMNS, [*result["rows"], {**result["totals"],
                                                                   "grade": "total"}])
    return result


@router.get("/v1/post-evaluation/agencies", response_model=None)
def agencies(views: ViewsDep, a: AskedDep, _: Reader, grade: GradeQuery = None,
             output: FormatQuery = Format.JSON) -> dict[str, Any] | Response:
    """Per evaluation agency: grade distribution, share traded, results later revoked (with
    `grade`: that grade's evaluations only — is one agency's A worth another's?)."""
    result = graded.agencies(views, a.window, a.as_of, a.filters, grade.value if grade else None)
    if output is Format.CSV:
        lines = [{**r, **{f"grade_{g}": n for g, n in r["grades"].items()}}
                 for r in result["rows"]]
        return _csv("agencies", a, AGENCY_COLUMNS, lines)
    return result


@router.get("/v1/post-evaluation/experts", response_model=None)
def experts(views: ViewsDep, a: AskedDep, _: Reader, grade: GradeQuery = None,
            output: FormatQuery = Format.JSON) -> dict[str, Any] | Response:
    """Per expert (serving, not recused): mean sheet and result totals against the outcomes
    (with `grade`: that grade's evaluations only)."""
    result = graded.experts(views, a.window, a.as_of, a.filters, grade.value if grade else None)
    if output is Format.CSV:
        return _csv("experts", a, EXPERT_COLUMNS, result["rows"])
    return result


@router.get("/v1/evaluations/{evaluation_id}/outcomes")
def outcomes(evaluation_id: UUID, views: ViewsDep, ledger: LedgerDep, _: Reader,
             as_of: AsOf = None) -> dict[str, Any]:
    """One finalized evaluation: what followed within 6, 12 and 24 months (so far, where the
    window has not elapsed), its revocation and the registration's cancellation."""
    result = pe.evaluation_outcomes(views, str(evaluation_id), as_of or ledger.today())
    if result is not None:
        return result
    if get_evaluation(views, str(evaluation_id)) is None:
        raise NotFound("evaluation", evaluation_id)
    raise ApiProblem(409, "evaluation_not_finalized",
                     "outcomes follow a finalized (认定) evaluation of an achievement; this one "
                     "was not finalized by as_of", zh="评价尚未认定", en="Evaluation not finalized")

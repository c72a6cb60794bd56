"""Post-evaluation (后评价): does the grade predict the market? For finalized evaluations, what
followed within 6, 12 or 24 months — trades and 技术交易额, licences, transfers, companies formed,
pledge financing — with revocations and cancelled registrations, by grade and by evaluation
agency (experts: post_evaluation_experts). Baoding's general requirements call for it
("加强中长期评价、后评价和成果回溯"); DOMAIN.md, read models. The facts and their rules are in
post_evaluation_facts.

Censoring: an evaluation whose window has not elapsed by `as_of` is left out of that window's
shares and counted as `not_yet_observable` — otherwise a young evaluation looks like a failure.
Revocations and cancellations count whenever they happened up to `as_of`. Shares have 4 places,
money 2; amounts are summed as Decimal.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from domain.evaluation_policy import Grade
from projections.post_evaluation_facts import (
    ANY,
    WINDOWS,
    ZERO,
    Evaluated,
    Filters,
    Outcome,
    evaluated,
    outcome,
)
from projections.store import Row, Tx
from projections.trade_queries import views_position
from projections.trade_statistics import money, ratio

GRADES = tuple(g.value for g in Grade)
FLAGS = ("traded", "licensed", "transferred", "company_formed", "pledged")
PREDICTOR_WINDOW, PREDICTOR_GRADES = 12, ("A", "B", "C")


def mean_money(values: list[Decimal]) -> str | None:
    return money(sum(values, ZERO) / len(values)) if values else None


def _median(values: list[Decimal]) -> str | None:
    return money(statistics.median(values)) if values else None


@dataclass
class Tally:
    """A group of evaluations: all of them, and the outcomes of those whose window elapsed."""

    evaluations: int = 0
    revoked: int = 0
    cancelled: int = 0
    censored: int = 0
    seen: list[Outcome] = field(default_factory=list)

    def add(self, e: Evaluated, window: int, as_of: date) -> None:
        self.evaluations += 1
        self.revoked += e.revoked_by(as_of)
        self.cancelled += e.story.cancelled_on is not None and e.story.cancelled_on <= as_of
        o = outcome(e, window, as_of)
        if o.observable:
            self.seen.append(o)
        else:
            self.censored += 1

    def count(self, flag: str) -> int:
        return sum(bool(getattr(o, flag)) for o in self.seen)

    def row(self) -> dict[str, Any]:
        n = Decimal(len(self.seen))
        amounts = [o.transaction_amount for o in self.seen]
        traded = [o.transaction_amount for o in self.seen if o.traded]
        flags: dict[str, Any] = {}
        for flag in FLAGS:
            flags[flag] = self.count(flag)
            flags[f"share_{flag}"] = ratio(Decimal(flags[flag]), n)
        return {
            "evaluations": self.evaluations, "observed": len(self.seen),
            "not_yet_observable": self.censored, **flags,
            "contracts": sum(o.contracts for o in self.seen),
            "transaction_amount": money(sum(amounts, ZERO)),
            "mean_transaction_amount": mean_money(amounts), "median_transaction_amount": _median(amounts),
            "mean_transaction_amount_traded": mean_money(traded),
            "median_transaction_amount_traded": _median(traded),
            "secured_amount": money(sum((o.secured_amount for o in self.seen), ZERO)),
            "revoked": self.revoked, "share_revoked": ratio(Decimal(self.revoked),
                                                            Decimal(self.evaluations)),
            "registrations_cancelled": self.cancelled,
        }


def frame(tx: Tx, window: int, as_of: date, f: Filters) -> dict[str, Any]:
    return {"window_months": window, "as_of": as_of.isoformat(), "filters": asdict(f),
            "views_position": views_position(tx)}


def by_grade(tx: Tx, window: int, as_of: date, f: Filters = ANY) -> dict[str, Any]:
    """Per grade (A, B, C, cultivation): outcomes within `window` months of finalization."""
    graded = [e for e in evaluated(tx, as_of, f) if e.row["grade"] is not None]
    tallies, total = {g: Tally() for g in GRADES}, Tally()
    for e in graded:
        tallies[e.row["grade"]].add(e, window, as_of)
        total.add(e, window, as_of)
    return {**frame(tx, window, as_of, f),
            "rows": [{"grade": g, **t.row()} for g, t in tallies.items()],
            "totals": {"grade": None, **total.row()}, "predictor": predictor(graded, as_of)}


def predictor(graded: list[Evaluated], as_of: date) -> dict[str, Any]:
    """The plain numbers: share traded within 12 months for A, B and C."""
    tallies = {g: Tally() for g in PREDICTOR_GRADES}
    for e in graded:
        if e.row["grade"] in tallies:
            tallies[e.row["grade"]].add(e, PREDICTOR_WINDOW, as_of)
    shares = {g: {"observed": len(t.seen), "traded": t.count("traded"),
                  "share_traded": ratio(Decimal(t.count("traded")), Decimal(len(t.seen)))}
              for g, t in tallies.items()}
    line = " · ".join(f"{g} {s['share_traded'] or '-'} ({s['traded']}/{s['observed']})"
                      for g, s in shares.items())
    return {"window_months": PREDICTOR_WINDOW, "grades": shares,
            "line": f"12个月内成交比例 / share traded within 12 months: {line}"}


def by_agency(tx: Tx, window: int, as_of: date, f: Filters = ANY) -> dict[str, Any]:
    """Per evaluation agency: its evaluations (every class), grade distribution, outcomes, and
    how many of its results were later revoked — most revoked first."""
    groups: dict[str, list[Evaluated]] = defaultdict(list)
    for e in evaluated(tx, as_of, f):
        groups[e.row["evaluator_id"]].append(e)
    rows = [_agency_row(agency, found, window, as_of) for agency, found in groups.items()]
    rows.sort(key=lambda r: (-r["revoked"], -r["evaluations"], r["agency_name"] or "",
                             r["agency_id"]))
    return {**frame(tx, window, as_of, f), "rows": rows}


def _agency_row(agency: str, found: list[Evaluated], window: int, as_of: date) -> Row:
    tally = Tally()
    grades, revoked = dict.fromkeys(GRADES, 0), dict.fromkeys(GRADES, 0)
    for e in found:
        tally.add(e, window, as_of)
        if e.row["grade"] is not None:
            grades[e.row["grade"]] += 1
            revoked[e.row["grade"]] += e.revoked_by(as_of)
    return {"agency_id": agency, "agency_name": found[0].row["agency_name"], "grades": grades,
            "revoked_grades": {g: n for g, n in revoked.items() if n}, **tally.row()}


def _window(o: Outcome) -> dict[str, Any]:
    return {"window_months": o.window_months, "ends_on": o.ends_on.isoformat(),
            "observable": o.observable,
            "status": "observed" if o.observable else "not_yet_observable",
            "traded": o.traded, "contracts": o.contracts,
            "transaction_amount": money(o.transaction_amount), "licensed": o.licensed,
            "transferred": o.transferred, "company_formed": o.company_formed,
            "pledged": o.pledged, "secured_amount": money(o.secured_amount)}


def evaluation_outcomes(tx: Tx, evaluation_id: str, as_of: date) -> dict[str, Any] | None:
    """One evaluation's outcomes in each window (so far, where not yet observable); None when it
    is not a finalized evaluation of an achievement by `as_of`."""
    found = evaluated(tx, as_of, evaluation_id=evaluation_id)
    if not found:
        return None
    e = found[0]
    keys = ("id", "evaluation_class", "subject_id", "title", "registration_number",
            "evaluator_id", "agency_name", "policy_version", "grade", "total", "finalized_on",
            "revoked_on", "revoke_reason")
    about, cancelled = {k: e.row[k] for k in keys}, e.story.cancelled_on
    if not e.revoked_by(as_of):  # revoked later than as_of: not yet known then
        about.update(revoked_on=None, revoke_reason=None)
    return {**about, "achievement_id": about.pop("subject_id"), "as_of": as_of.isoformat(),
            "revoked": e.revoked_by(as_of), "registration_cancelled_on": (
                cancelled.isoformat() if cancelled and cancelled <= as_of else None),
            "windows": [_window(outcome(e, m, as_of)) for m in WINDOWS],
            "views_position": views_position(tx)}

"""Post-evaluation (后评价) by expert: for each expert who served on a finalized evaluation's
panel (recused members do not count, Baoding item 7), the evaluations served, the mean of the
totals of their own score sheets and of the panels' results, and what followed those evaluations
(share traded, revocations). Baoding, general requirements (后评价); DOMAIN.md, read models.

An expert's sheet total uses the evaluation's policy weights, as the panel total does (Hefei
art. 3): sum of weight x mark / 100, rounded half-up to 2 places.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import orjson

from projections.post_evaluation import Tally, frame, mean_money
from projections.post_evaluation_facts import ANY, Evaluated, Filters, evaluated
from projections.store import Row, Tx

CENT = Decimal("0.01")


def _weights(tx: Tx) -> dict[str, dict[str, int]]:
    rows = tx.execute("SELECT version, weights FROM evaluation_policies")
    return {r["version"]: {w["key"]: int(w["weight"]) for w in orjson.loads(r["weights"])}
            for r in rows}


def sheet_totals(tx: Tx) -> dict[tuple[str, str], Decimal]:
    """(evaluation, expert) → the weighted total of that expert's own sheet."""
    weights = _weights(tx)
    rows = tx.execute(
        "SELECT l.aggregate_id, l.data, e.policy_version FROM ledger_events l JOIN evaluations e "
        "ON e.id = l.aggregate_id WHERE l.event_type = 'Evaluation.ScoresSubmitted' "
        "AND e.finalized_on IS NOT NULL")
    totals: dict[tuple[str, str], Decimal] = {}
    for r in rows:
        sheet, weight = orjson.loads(r["data"]), weights.get(r["policy_version"])
        if weight is None:
            continue
        exact = sum((weight[k] * Decimal(v) for k, v in sheet["scores"].items()), Decimal(0))
        totals[(r["aggregate_id"], sheet["expert_id"])] = (exact / 100).quantize(CENT,
                                                                                ROUND_HALF_UP)
    return totals


def _panels(tx: Tx) -> list[Row]:
    return tx.execute("SELECT evaluation_id, party_id, name, expert_type, scored FROM "
                      "expert_panels WHERE status = 'serving' ORDER BY party_id, evaluation_id")


def by_expert(tx: Tx, window: int, as_of: date, f: Filters = ANY) -> dict[str, Any]:
    """Per expert: evaluations served, sheet and result totals, outcomes; most served first."""
    found = {e.id: e for e in evaluated(tx, as_of, f)}
    served: dict[str, list[tuple[Row, Evaluated]]] = defaultdict(list)
    for member in _panels(tx):
        if member["evaluation_id"] in found:
            served[member["party_id"]].append((member, found[member["evaluation_id"]]))
    sheets = sheet_totals(tx)
    rows = [_expert_row(expert, seats, sheets, window, as_of) for expert, seats in served.items()]
    rows.sort(key=lambda r: (-r["evaluations"], r["name"] or "", r["expert_id"]))
    return {**frame(tx, window, as_of, f), "rows": rows}


def _expert_row(expert: str, seats: list[tuple[Row, Evaluated]],
                sheets: dict[tuple[str, str], Decimal], window: int, as_of: date) -> Row:
    tally = Tally()
    own: list[Decimal] = []
    results: list[Decimal] = []
    for _, e in seats:
        tally.add(e, window, as_of)
        if (e.id, expert) in sheets:
            own.append(sheets[(e.id, expert)])
        if e.row["total"] is not None:
            results.append(Decimal(e.row["total"]))
    member = seats[0][0]
    return {"expert_id": expert, "name": member["name"], "expert_type": member["expert_type"],
            "scored": len(own), "mean_sheet_total": mean_money(own),
            "mean_result_total": mean_money(results), **tally.row()}

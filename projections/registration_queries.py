"""The registry's desk: open registration cases with their deadlines (backlog and overdue
cases), and how often registrations completed on time [N: contract-registration service levels,
domain/registration_service.py]."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

import orjson

from domain.working_days import working_days_between
from projections.store import Row, Tx
from projections.trade_statistics import ratio

OPEN_CASE_COLUMNS = (
    "id, contract_number, title, type, seller_id, buyer_id, transaction_amount, exchange_id, "
    "accepted_on, clock_started_on, due_on, correction_requested_on, notice, disputes")


def _stage(row: Row, as_of: date) -> str:
    """What the case waits for: the applicant, a dispute, the notice, or the registry."""
    if row["correction_requested_on"] is not None:
        return "awaiting_correction"
    if any(x.get("upheld") is None for x in row["disputes"]):
        return "disputed"
    if row["notice"] is not None and as_of.isoformat() <= row["notice"]["ends_on"]:
        return "notice_running"
    return "ready"


def _open_case(row: Row, as_of: date) -> Row:
    case = dict(row)
    case["notice"] = orjson.loads(row["notice"]) if row["notice"] else None
    case["disputes"] = orjson.loads(row["disputes"])
    case["stage"] = _stage(case, as_of)
    due = row["due_on"]
    # The clock stands still while the applicant corrects the application.
    case["working_days_left"] = (None if due is None
                                 else working_days_between(as_of, date.fromisoformat(due)))
    case["overdue"] = due is not None and as_of.isoformat() > due
    return case


def registration_backlog(tx: Tx, *, as_of: date, exchange_id: str | None = None,
                         overdue_only: bool = False) -> dict[str, Any]:
    """Cases accepted by `as_of` and still open (their current state), most urgent first, with
    counts per stage. The clocks are read on `as_of` (today, or a day ahead to plan)."""
    sql = (f"SELECT {OPEN_CASE_COLUMNS} FROM contracts WHERE status = 'accepted' "
           "AND accepted_on <= ?")
    params: list[Any] = [as_of.isoformat()]
    if exchange_id is not None:
        sql += " AND exchange_id = ?"
        params.append(exchange_id)
    cases = [_open_case(row, as_of) for row in tx.execute(sql, params)]
    cases.sort(key=lambda c: (c["due_on"] is None, c["due_on"] or "", c["contract_number"]))
    summary = {"open": len(cases), "overdue": sum(c["overdue"] for c in cases),
               "by_stage": dict(Counter(c["stage"] for c in cases))}
    items = [c for c in cases if c["overdue"]] if overdue_only else cases
    return {"as_of": as_of.isoformat(), "summary": summary, "items": items}


def service_record(tx: Tx, *, completed_from: date, completed_to: date,
                   exchange_id: str | None = None) -> dict[str, Any]:
    """Registrations completed in [from, to] (inclusive): how many on time, and the late ones."""
    sql = ("SELECT id, contract_number, accepted_on, clock_started_on, due_on, registered_on, "
           "on_time FROM contracts WHERE registered_on >= ? AND registered_on <= ? "
           "AND accepted_on IS NOT NULL")
    params: list[Any] = [completed_from.isoformat(), completed_to.isoformat()]
    if exchange_id is not None:
        sql += " AND exchange_id = ?"
        params.append(exchange_id)
    rows = tx.execute(sql + " ORDER BY registered_on, contract_number", params)
    on_time = sum(int(r["on_time"] or 0) for r in rows)
    return {"completed": len(rows), "on_time": on_time,
            "on_time_share": ratio(Decimal(on_time), Decimal(len(rows))),
            "late": [dict(r) for r in rows if not r["on_time"]]}

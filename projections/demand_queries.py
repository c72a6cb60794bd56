"""Reads of demands (技术需求), listings (挂牌) and matches (对接), and the conversion from
demand to deal for the market's statistics (Baoding items 4-5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from projections.store import Row, Tx
from projections.trade_queries import views_position

DEMAND_COLUMNS = (
    "d.id, d.enterprise_id, p.name AS enterprise_name, d.title, d.description, d.field, "
    "d.keywords, d.budget_min, d.budget_max, d.region_code, d.deadline, d.status, d.posted_on, "
    "d.updated_on, d.ended_on, d.close_reason, d.match_id, d.contract_id, d.position")
DEMAND_FROM = " FROM demands d LEFT JOIN parties p ON p.id = d.enterprise_id"


def _demand(row: Row) -> Row:
    return {**row, "keywords": row["keywords"].split("|") if row["keywords"] else []}


@dataclass(frozen=True)
class DemandFilter:
    status: str | None = None
    field: str | None = None
    enterprise_id: str | None = None
    q: str | None = None  # a substring of the title or description


def list_demands(tx: Tx, f: DemandFilter, page: int, page_size: int) -> tuple[list[Row], int]:
    clauses, params = ["1 = 1"], []
    for column, value in (("d.status", f.status), ("d.field", f.field),
                          ("d.enterprise_id", f.enterprise_id)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if f.q:
        clauses.append("(d.title LIKE ? OR d.description LIKE ?)")
        params += [f"%{f.q}%", f"%{f.q}%"]
    where = " WHERE " + " AND ".join(clauses)
    total = tx.execute(f"SELECT COUNT(*) AS n{DEMAND_FROM}{where}", params)[0]["n"]
    rows = tx.execute(f"SELECT {DEMAND_COLUMNS}{DEMAND_FROM}{where} ORDER BY d.posted_on DESC, "
                      "d.position DESC LIMIT ? OFFSET ?",
                      [*params, page_size, (page - 1) * page_size])
    return [_demand(r) for r in rows], int(total)


def get_demand(tx: Tx, demand_id: str) -> Row | None:
    rows = tx.execute(f"SELECT {DEMAND_COLUMNS}{DEMAND_FROM} WHERE d.id = ?", (demand_id,))
    if not rows:
        return None
    return {**_demand(rows[0]), "matches": list_matches(tx, demand_id=demand_id)}


MATCH_COLUMNS = ("m.id, m.demand_id, m.achievement_id, a.title AS achievement_title, m.note, "
                 "m.score, m.introduced_on, m.outcome, m.outcome_on, m.outcome_note, "
                 "m.contract_id, c.contract_number, m.actor, m.position")
MATCH_FROM = (" FROM matches m LEFT JOIN achievements a ON a.id = m.achievement_id "
              "LEFT JOIN contracts c ON c.id = m.contract_id")


def list_matches(tx: Tx, *, demand_id: str | None = None,
                 achievement_id: str | None = None) -> list[Row]:
    clauses, params = ["1 = 1"], []
    for column, value in (("m.demand_id", demand_id), ("m.achievement_id", achievement_id)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    return tx.execute(f"SELECT {MATCH_COLUMNS}{MATCH_FROM} WHERE {' AND '.join(clauses)} "
                      "ORDER BY m.introduced_on, m.position", params)


def get_match(tx: Tx, match_id: str) -> Row | None:
    rows = tx.execute(f"SELECT {MATCH_COLUMNS}{MATCH_FROM} WHERE m.id = ?", (match_id,))
    return rows[0] if rows else None


def evaluation_ids_of(tx: Tx, achievement_id: str) -> list[str]:
    """The achievement's evaluations known to the views, for the match command to check."""
    return [r["id"] for r in tx.execute("SELECT id FROM evaluations WHERE subject_id = ?",
                                        (achievement_id,))]


def list_listings(tx: Tx, *, achievement_id: str | None, status: str | None) -> list[Row]:
    clauses, params = ["1 = 1"], []
    for column, value in (("l.achievement_id", achievement_id), ("l.status", status)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    rows = tx.execute(
        "SELECT l.id, l.achievement_id, a.title AS achievement_title, l.seller_id, "
        "p.name AS seller_name, l.exchange_id, l.asking_price, l.terms, l.listed_from, "
        "l.listed_until, l.status, l.withdrawn_on, l.withdraw_reason, l.position FROM listings l "
        "LEFT JOIN achievements a ON a.id = l.achievement_id LEFT JOIN parties p "
        f"ON p.id = l.seller_id WHERE {' AND '.join(clauses)} ORDER BY l.listed_from, l.position",
        params)
    return [{**r, "negotiable": r["asking_price"] is None} for r in rows]


def _share(part: int, whole: int) -> str | None:
    return None if whole == 0 else str((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")))


def conversion(tx: Tx, *, posted_from: date | None, posted_to: date | None,
               field: str | None) -> dict[str, Any]:
    """Demands posted in the period → with a match introduced → met by a registered contract,
    and the linked contracts' 成交额 and 技术交易额 (summed exactly)."""
    clauses, params = ["1 = 1"], []
    for sql, value in (("d.posted_on >= ?", posted_from), ("d.posted_on <= ?", posted_to),
                       ("d.field = ?", field)):
        if value is not None:
            clauses.append(sql)
            params.append(str(value))
    where = " WHERE " + " AND ".join(clauses)
    demands = tx.execute(f"SELECT d.id, d.status FROM demands d{where}", params)
    ids = {d["id"] for d in demands}
    matches = [m for m in tx.execute(
        "SELECT m.demand_id, m.outcome, m.contract_id, c.turnover, c.transaction_amount "
        "FROM matches m LEFT JOIN contracts c ON c.id = m.contract_id") if m["demand_id"] in ids]
    deals = [m for m in matches if m["outcome"] == "contracted"]
    contracts = {m["contract_id"]: m for m in deals}  # one contract may meet several matches
    by_status: dict[str, int] = {}
    for d in demands:
        by_status[d["status"]] = by_status.get(d["status"], 0) + 1
    by_outcome: dict[str, int] = {}
    for m in matches:
        key = m["outcome"] or "pending"
        by_outcome[key] = by_outcome.get(key, 0) + 1
    introduced, dealt = len({m["demand_id"] for m in matches}), len({m["demand_id"] for m in deals})
    return {
        "demands": len(demands), "by_status": by_status, "matches": len(matches),
        "by_outcome": by_outcome, "demands_with_match": introduced,
        "demands_with_deal": dealt, "contracts": len(contracts),
        "turnover": str(sum((Decimal(m["turnover"]) for m in contracts.values()),
                            Decimal("0.00"))),
        "transaction_amount": str(sum((Decimal(m["transaction_amount"])
                                       for m in contracts.values()), Decimal("0.00"))),
        "share_matched": _share(introduced, len(demands)),
        "share_dealt": _share(dealt, len(demands)),
        "match_to_deal": _share(len(deals), len(matches)),
        "views_position": views_position(tx)}

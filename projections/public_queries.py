"""Queries behind the anonymous public API (api/routers/public.py): registered contracts and
their statistics by type and year, read from the trade views."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson

from projections.store import Row, Tx

REGISTERED = "status IN ('registered', 'terminated')"  # 登记完成, whether or not ended later


def decode_contract(row: Row) -> Row:
    return {**row, "achievement_ids": orjson.loads(row["achievement_ids"] or "[]")}


def registered_contracts(tx: Tx, *, contract_type: str | None, page: int, page_size: int
                         ) -> tuple[list[Row], int]:
    """Contracts whose registration completed, latest registered first."""
    where, params = REGISTERED, []
    if contract_type is not None:
        where += " AND type = ?"
        params.append(contract_type)
    total = int(tx.execute(f"SELECT COUNT(*) AS n FROM contracts WHERE {where}", params)[0]["n"])
    rows = tx.execute(f"SELECT * FROM contracts WHERE {where} ORDER BY registered_on DESC, id "
                      "LIMIT ? OFFSET ?", [*params, page_size, (page - 1) * page_size])
    return [decode_contract(r) for r in rows], total


def registered_contract(tx: Tx, contract_id: str) -> Row | None:
    rows = tx.execute(f"SELECT * FROM contracts WHERE id = ? AND {REGISTERED}", (contract_id,))
    return decode_contract(rows[0]) if rows else None


def contract_tallies(tx: Tx) -> list[dict[str, Any]]:
    """Count and 技术交易额 of registered contracts per (type, registration year)."""
    tallies: dict[tuple[str, str], dict[str, Any]] = {}
    for row in tx.execute(f"SELECT type, registered_on, transaction_amount FROM contracts "
                          f"WHERE {REGISTERED}"):
        key = (str(row["type"]), str(row["registered_on"])[:4])
        cell = tallies.setdefault(key, {"type": key[0], "year": key[1], "count": 0,
                                        "transaction_amount": Decimal("0.00")})
        cell["count"] += 1
        cell["transaction_amount"] += Decimal(row["transaction_amount"])
    return [tallies[key] for key in sorted(tallies)]

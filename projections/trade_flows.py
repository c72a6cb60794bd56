"""The origin→destination matrix of technology trades (技术流向): where sellers sell to, region
by region, and how 京津冀 (Beijing, Tianjin, Hebei) flows stay inside, leave or come in — Baoding
items 4-5 ("regional technology market statistics"); DOMAIN.md, read models, trading statistics.
The same contracts count as in projections.trade_statistics (registration completed)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from domain.regions import in_jjj, region_label
from projections.store import Tx
from projections.trade_queries import views_position
from projections.trade_statistics import (
    OTHER,
    UNKNOWN,
    RegionLevel,
    StatsFilter,
    Tally,
    counted_contracts,
    ratio,
)


def _place(code: str | None, digits: int, jjj_only: bool) -> str:
    """A flow end: the code at the level, 'other' outside 京津冀 when asked, or 'unknown'."""
    if code is None:
        return "unknown"
    if jjj_only and not in_jjj(code):
        return "other"
    return code[:digits]


def _place_label(key: str) -> str:
    return {"unknown": UNKNOWN, "other": OTHER}.get(key) or region_label(key)


def _direction(seller: str | None, buyer: str | None) -> str | None:
    """How a contract touches 京津冀: inside, outflow (sold out), inflow (bought in), unknown
    (the other end has no region), or None (it does not touch the region)."""
    sells, buys = in_jjj(seller), in_jjj(buyer)
    if sells and buys:
        return "inside"
    if not (sells or buys):
        return None
    if seller is None or buyer is None:
        return "unknown"
    return "outflow" if sells else "inflow"


def _place_order(key: str) -> tuple[int, str]:
    return ({"other": 1, "unknown": 2}.get(key, 0), key)


def _ends(tallies: dict[str, Tally], end: str) -> list[dict[str, Any]]:
    return [{end: key, f"{end}_label": _place_label(key), **tallies[key].figures()}
            for key in sorted(tallies, key=_place_order)]


def _jjj_summary(directions: dict[str, Tally]) -> dict[str, Any]:
    """Each direction's figures and its share of the 京津冀 flows, by 技术交易额 and by count."""
    whole = Tally()
    for tally in directions.values():
        whole.merge(tally)
    out: dict[str, Any] = {"total": whole.figures()}
    for name in ("inside", "outflow", "inflow", "unknown"):
        part = directions[name]
        out[name] = {**part.figures(),
                     "amount_share": ratio(part.transaction_amount, whole.transaction_amount),
                     "count_share": ratio(Decimal(part.count), Decimal(whole.count))}
    return out


def flows(tx: Tx, f: StatsFilter, level: RegionLevel = RegionLevel.PROVINCE, *,
          jjj_only: bool = False) -> dict[str, Any]:
    """The origin (seller's region) → destination (buyer's region) matrix at `level`, with row
    (origin) and column (destination) totals and how 京津冀 flows stay, leave or come in. With
    `jjj_only` every region outside Beijing, Tianjin and Hebei is 'other'."""
    cells: dict[tuple[str, str], Tally] = defaultdict(Tally)
    origins: dict[str, Tally] = defaultdict(Tally)
    destinations: dict[str, Tally] = defaultdict(Tally)
    directions: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    for row in counted_contracts(tx, f):
        seller, buyer = row["seller_region"], row["buyer_region"]
        origin = _place(seller, level.digits, jjj_only)
        destination = _place(buyer, level.digits, jjj_only)
        for tally in (cells[origin, destination], origins[origin], destinations[destination],
                      total):
            tally.add_row(row)
        direction = _direction(seller, buyer)
        if direction is not None:
            directions[direction].add_row(row)
    matrix = [{"origin": o, "origin_label": _place_label(o), "destination": d,
               "destination_label": _place_label(d), **cells[o, d].figures()}
              for o, d in sorted(cells, key=lambda k: (_place_order(k[0]), _place_order(k[1])))]
    return {"level": level.value, "jjj_only": jjj_only, "cells": matrix,
            "origins": _ends(origins, "origin"), "destinations": _ends(destinations, "destination"),
            "totals": total.figures(), "jjj": _jjj_summary(directions),
            "views_position": views_position(tx)}


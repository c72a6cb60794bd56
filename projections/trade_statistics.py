"""Trading statistics (技术交易统计) over the contract views: Baoding items 4-5 ("regional
technology market statistics") and DOMAIN.md, read models — count, 成交额 (turnover), 技术交易额
(transaction_amount) and its share, averages; by type, field, entity kind, period and region; the
origin→destination matrix of 京津冀 flows; the achievements that traded for most.

Only contracts whose registration completed count: status 'registered' or 'terminated' (a
terminated contract was registered; the exchange reported it). 'accepted' (受理, under review) and
'refused' (不予登记) do not. The period date is `registered_on`, the day registration completed.
Amounts are TEXT in the views and are summed here as Decimal, never as float.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

import orjson

from domain.regions import region_label, trimmed
from projections.store import Row, Tx
from projections.trade_queries import views_position

CENT, RATIO = Decimal("0.01"), Decimal("0.0001")
COUNTED = "status IN ('registered', 'terminated')"
COLUMNS = ("id, type, field, seller_kind, buyer_kind, seller_region, buyer_region, registered_on, "
           "turnover, transaction_amount, achievement_ids")
TOTAL, UNKNOWN, OTHER = "合计/total", "未知/unknown", "其他/other"
TYPE_LABELS = {"development": "技术开发", "transfer": "技术转让", "license": "技术许可",
               "consulting": "技术咨询", "service": "技术服务"}
KIND_LABELS = {"university": "高等院校", "research_institute": "科研机构", "enterprise": "企业",
               "individual": "个人", "bank": "金融机构", "evaluation_agency": "第三方评价机构",
               "transfer_agency": "技术转移机构", "government": "政府部门"}


class GroupBy(StrEnum):
    TYPE = "type"
    FIELD = "field"
    SELLER_KIND = "seller_kind"
    BUYER_KIND = "buyer_kind"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    SELLER_REGION = "seller_region"
    BUYER_REGION = "buyer_region"


class RegionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"

    @property
    def digits(self) -> int:
        """How many leading digits of a GB/T 2260 code name a division at this level."""
        return {"province": 2, "city": 4, "county": 6}[self.value]


@dataclass(frozen=True)
class StatsFilter:
    registered_from: date | None = None
    registered_to: date | None = None  # inclusive
    type: str | None = None
    field: str | None = None
    seller_kind: str | None = None
    buyer_kind: str | None = None
    seller_region: str | None = None  # GB/T 2260 prefix: 13 Hebei, 1306 Baoding, 130602
    buyer_region: str | None = None
    exchange_id: str | None = None


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, ROUND_HALF_UP))


def ratio(part: Decimal, whole: Decimal) -> str | None:
    return None if whole == 0 else str((part / whole).quantize(RATIO, ROUND_HALF_UP))


@dataclass
class Tally:
    """Counts and exact sums of one group of contracts."""

    count: int = 0
    turnover: Decimal = Decimal("0.00")
    transaction_amount: Decimal = Decimal("0.00")

    def add(self, turnover: Decimal, transaction_amount: Decimal) -> None:
        self.count += 1
        self.turnover += turnover
        self.transaction_amount += transaction_amount

    def add_row(self, row: Row) -> None:
        self.add(Decimal(row["turnover"]), Decimal(row["transaction_amount"]))

    def merge(self, other: Tally) -> None:
        self.count += other.count
        self.turnover += other.turnover
        self.transaction_amount += other.transaction_amount

    def figures(self) -> dict[str, Any]:
        return {"count": self.count, "turnover": money(self.turnover),
                "transaction_amount": money(self.transaction_amount)}

    def row(self) -> dict[str, Any]:
        """Figures, the share of 技术交易额 in 成交额 and the averages per contract."""
        n = Decimal(self.count)
        return {**self.figures(), "share": ratio(self.transaction_amount, self.turnover),
                "average_turnover": money(self.turnover / n) if n else None,
                "average_transaction_amount": money(self.transaction_amount / n) if n else None}


def _where(f: StatsFilter) -> tuple[str, list[Any]]:
    clauses, params = [COUNTED], []
    for column in ("type", "field", "seller_kind", "buyer_kind", "exchange_id"):
        value = getattr(f, column)
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    for column in ("seller_region", "buyer_region"):
        prefix = getattr(f, column)
        if prefix is not None:
            clauses.append(f"{column} LIKE ?")
            params.append(trimmed(prefix) + "%")
    if f.registered_from is not None:
        clauses.append("registered_on >= ?")
        params.append(f.registered_from.isoformat())
    if f.registered_to is not None:
        clauses.append("registered_on <= ?")
        params.append(f.registered_to.isoformat())
    return " WHERE " + " AND ".join(clauses), params


def counted_contracts(tx: Tx, f: StatsFilter) -> list[Row]:
    """The contracts the statistics count, with the columns they group by."""
    where, params = _where(f)
    return tx.execute(f"SELECT {COLUMNS} FROM contracts{where} ORDER BY registered_on, id", params)


def period_key(registered_on: str, group_by: GroupBy) -> str:
    """2026-03-15 → 2026-03 (month), 2026-Q1 (quarter), 2026 (year)."""
    year, month = registered_on[:4], int(registered_on[5:7])
    if group_by is GroupBy.MONTH:
        return registered_on[:7]
    return f"{year}-Q{(month - 1) // 3 + 1}" if group_by is GroupBy.QUARTER else year


def _key(row: Row, group_by: GroupBy, digits: int) -> str | None:
    if group_by in (GroupBy.MONTH, GroupBy.QUARTER, GroupBy.YEAR):
        return period_key(row["registered_on"], group_by)
    value = row[group_by.value]
    if value is not None and group_by in (GroupBy.SELLER_REGION, GroupBy.BUYER_REGION):
        return str(value)[:digits]
    return None if value is None else str(value)


def _label(group_by: GroupBy, key: str | None) -> str:
    if key is None:
        return UNKNOWN
    if group_by is GroupBy.TYPE:
        return TYPE_LABELS.get(key, key)
    if group_by in (GroupBy.SELLER_KIND, GroupBy.BUYER_KIND):
        return KIND_LABELS.get(key, key)
    if group_by in (GroupBy.SELLER_REGION, GroupBy.BUYER_REGION):
        return region_label(key)
    return key


def summarize(tx: Tx, f: StatsFilter, group_by: GroupBy,
              region_level: RegionLevel = RegionLevel.PROVINCE) -> dict[str, Any]:
    """One row per group (by key; unknown last) and the totals. Regions group at
    `region_level`; periods are those of `registered_on`."""
    groups: dict[str | None, Tally] = defaultdict(Tally)
    total = Tally()
    for row in counted_contracts(tx, f):
        groups[_key(row, group_by, region_level.digits)].add_row(row)
        total.add_row(row)
    rows = [{"key": key, "label": _label(group_by, key), **groups[key].row()}
            for key in sorted(groups, key=lambda k: (k is None, k or ""))]
    return {"group_by": group_by.value, "region_level": region_level.value, "rows": rows,
            "totals": {"key": None, "label": TOTAL, **total.row()},
            "views_position": views_position(tx)}


def split_equally(amount: Decimal, parts: int) -> list[Decimal]:
    """`amount` rounded half-up to cents, cut into `parts` shares that sum to it exactly: each
    share is the whole cents of amount / parts, and the cents left over (fewer than `parts`)
    go one each to the first shares. 100.00 / 3 → 33.34, 33.33, 33.33."""
    cents = int(amount.quantize(CENT, ROUND_HALF_UP).scaleb(2))
    base, extra = divmod(cents, parts)
    return [Decimal(base + (1 if i < extra else 0)).scaleb(-2) for i in range(parts)]


def _achievement_tallies(rows: list[Row]) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for row in rows:
        ids = orjson.loads(row["achievement_ids"] or "[]")
        if not ids:
            continue
        turnovers = split_equally(Decimal(row["turnover"]), len(ids))
        amounts = split_equally(Decimal(row["transaction_amount"]), len(ids))
        for achievement_id, turnover, amount in zip(ids, turnovers, amounts, strict=True):
            tallies[achievement_id].add(turnover, amount)
    return tallies


def _achievements(tx: Tx, ids: list[str]) -> dict[str, Row]:
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = tx.execute("SELECT id, title, registration_number, owners FROM achievements "
                      f"WHERE id IN ({marks})", ids)
    return {r["id"]: r for r in rows}


def _owners(row: Row | None) -> list[dict[str, Any]]:
    if row is None or not row["owners"]:
        return []
    return [{"id": o["id"], "name": o["name"]} for o in orjson.loads(row["owners"])]


def _ranked(rank: int, achievement_id: str, known: Row | None, tally: Tally) -> dict[str, Any]:
    return {"rank": rank, "achievement_id": achievement_id,
            "title": known["title"] if known else None,
            "registration_number": known["registration_number"] if known else None,
            "owners": _owners(known), "contract_count": tally.count,
            "turnover": money(tally.turnover), "transaction_amount": money(tally.transaction_amount)}


def top_achievements(tx: Tx, f: StatsFilter, limit: int = 10) -> dict[str, Any]:
    """Achievements ranked by the 技术交易额 of the counted contracts covering them (then 成交额,
    then id). A contract covering several achievements is split equally among them: each
    amount rounded half-up to cents, each achievement the whole cents of amount / n, and the
    cents left over one each to the first achievements in the contract's order — so the shares
    sum exactly to the contract's amounts. Owners are those named at registration."""
    tallies = _achievement_tallies(counted_contracts(tx, f))
    ranked = sorted(tallies, key=lambda a: (-tallies[a].transaction_amount,
                                            -tallies[a].turnover, a))[:limit]
    known = _achievements(tx, ranked)
    items = [_ranked(rank, a, known.get(a), tallies[a]) for rank, a in enumerate(ranked, 1)]
    return {"items": items, "achievements": len(tallies), "limit": limit,
            "views_position": views_position(tx)}

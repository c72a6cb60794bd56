"""Trading statistics (技术交易统计, Baoding items 4-5 "regional technology market statistics";
DOMAIN.md, read models): totals and shares by dimension, the 京津冀 flow matrix, the top
achievements — as JSON, or as CSV with `format=csv`. Any authenticated role may read."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from api.auth import Anyone
from api.csv_export import csv_response
from api.deps import ViewsDep
from api.problems import ApiProblem
from domain.contract import ContractType
from domain.values import PartyKind
from projections import trade_flows as tf
from projections import trade_statistics as ts

router = APIRouter(prefix="/v1/statistics/trades", tags=["statistics"])
FIGURES = ("count", "turnover", "transaction_amount")
SUMMARY_COLUMNS = ("key", "label", *FIGURES, "share", "average_turnover",
                   "average_transaction_amount")
FLOW_COLUMNS = ("origin", "origin_label", "destination", "destination_label", *FIGURES)
TOP_COLUMNS = ("rank", "achievement_id", "registration_number", "title", "owners",
               "contract_count", "turnover", "transaction_amount")


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"


RegionPrefix = Annotated[str | None, Query(
    pattern=r"^[0-9]{2}([0-9]{2}){0,2}$",
    description="GB/T 2260 prefix: 2 digits a province, 4 a city, 6 a county")]
FormatQuery = Annotated[Format, Query(alias="format", description="json, or csv to download")]


async def stats_filter(
    registered_from: date | None = None, registered_to: date | None = None,
    type: ContractType | None = None, field: Annotated[str | None, Query(max_length=100)] = None,
    seller_kind: PartyKind | None = None, buyer_kind: PartyKind | None = None,
    seller_region: RegionPrefix = None, buyer_region: RegionPrefix = None,
    exchange_id: UUID | None = None,
) -> ts.StatsFilter:
    """Which counted contracts to include; dates are those registration completed (inclusive)."""
    if registered_from and registered_to and registered_from > registered_to:
        raise ApiProblem(422, "invalid_field", "registered_from is after registered_to",
                         zh="统计期间无效", en="Invalid period")
    return ts.StatsFilter(
        registered_from=registered_from, registered_to=registered_to,
        type=type.value if type else None, field=field,
        seller_kind=seller_kind.value if seller_kind else None,
        buyer_kind=buyer_kind.value if buyer_kind else None, seller_region=seller_region,
        buyer_region=buyer_region, exchange_id=str(exchange_id) if exchange_id else None)


FilterDep = Annotated[ts.StatsFilter, Depends(stats_filter)]


@router.get("", response_model=None)
def summary(views: ViewsDep, f: FilterDep, _: Anyone, group_by: ts.GroupBy = ts.GroupBy.TYPE,
            region_level: ts.RegionLevel = ts.RegionLevel.PROVINCE,
            output: FormatQuery = Format.JSON) -> dict[str, Any] | Response:
    """Count, 成交额, 技术交易额, its share and the averages per contract, by one dimension,
    with totals; registered and later terminated contracts count, by date registered."""
    result = ts.summarize(views, f, group_by, region_level)
    if output is Format.CSV:
        totals = {**result["totals"], "key": "total"}
        return csv_response(f"trade-statistics-by-{group_by.value}.csv", SUMMARY_COLUMNS,
                            [*result["rows"], totals])
    return result


@router.get("/flows", response_model=None)
def flows(views: ViewsDep, f: FilterDep, _: Anyone,
          level: ts.RegionLevel = ts.RegionLevel.PROVINCE, jjj_only: bool = False,
          output: FormatQuery = Format.JSON) -> dict[str, Any] | Response:
    """Seller's region → buyer's region (技术流向), with row and column totals and how 京津冀
    flows stay inside, go out or come in; `jjj_only` folds other regions into 其他/other."""
    result = tf.flows(views, f, level, jjj_only=jjj_only)
    if output is Format.CSV:
        return csv_response(f"trade-flows-{level.value}.csv", FLOW_COLUMNS, flow_lines(result))
    return result


def flow_lines(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The cells, then each origin's and destination's total, then the grand total."""
    total = {"key": "total", "label": ts.TOTAL}
    return [*result["cells"],
            *({**o, "destination": total["key"], "destination_label": total["label"]}
              for o in result["origins"]),
            *({**d, "origin": total["key"], "origin_label": total["label"]}
              for d in result["destinations"]),
            {"origin": total["key"], "origin_label": total["label"], "destination": total["key"],
             "destination_label": total["label"], **result["totals"]}]

@router.get("/top-achievements", response_model=None)
def top_achievements(views: ViewsDep, f: FilterDep, _: Anyone,
                     limit: Annotated[int, Query(ge=1, le=100)] = 10,
                     output: FormatQuery = Format.JSON) -> dict[str, Any] | Response:
    """Achievements by the 技术交易额 of their contracts; a contract covering several
    achievements is split equally (remainder cents to the first ones)."""
    result = ts.top_achievements(views, f, limit)
    if output is Format.CSV:
        lines = [{**item, "owners": ";".join(o["name"] or o["id"] for o in item["owners"])}
                 for item in result["items"]]
        return csv_response("top-achievements.csv", TOP_COLUMNS, lines)
    return result

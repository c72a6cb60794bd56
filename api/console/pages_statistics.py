"""Trading statistics (技术交易统计): the API's figures by month, contract type and field and
the 京津冀 flow matrix, as ECharts charts, tables and CSV downloads (any signed-in role, as in
the API). The figures come from the same query functions as /v1/statistics/trades."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from api.auth import ALL_ROLES
from api.console.access import Viewer, need
from api.console.render import not_found, page
from api.console.views import ReadOnce, read_views
from api.csv_export import csv_response
from api.routers.statistics import FLOW_COLUMNS, SUMMARY_COLUMNS, flow_lines
from projections import trade_flows as tf
from projections import trade_statistics as ts
from projections.store import Tx

router = APIRouter(prefix="/console/statistics", include_in_schema=False)
Signed = Annotated[Viewer, Depends(need(*ALL_ROLES))]
# The dimensions charted, in page order (the API's group_by values).
DIMENSIONS = (ts.GroupBy.MONTH, ts.GroupBy.TYPE, ts.GroupBy.FIELD)
EVERYTHING = ts.StatsFilter()


def summaries(tx: Tx) -> dict[str, dict[str, Any]]:
    return {d.value: ts.summarize(tx, EVERYTHING, d) for d in DIMENSIONS}


def jjj_flows(tx: Tx) -> dict[str, Any]:
    return tf.flows(tx, EVERYTHING, ts.RegionLevel.PROVINCE, jjj_only=True)


def figures(tx: Tx) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """The three summaries and the flow matrix from one read of the counted contracts (each
    query function asks for the same rows; ReadOnce answers the repeats from memory)."""
    once = ReadOnce(tx)
    return summaries(once), jjj_flows(once)


def _matrix(flows: dict[str, Any]) -> dict[str, Any]:
    """The flow cells as a dense origin × destination grid (for the table and the heatmap)."""
    origins = [(o["origin"], o["origin_label"]) for o in flows["origins"]]
    destinations = [(d["destination"], d["destination_label"]) for d in flows["destinations"]]
    cells = {(c["origin"], c["destination"]): c for c in flows["cells"]}
    return {"origins": origins, "destinations": destinations,
            "grid": [[cells.get((o, d)) for d, _ in destinations] for o, _ in origins]}


@router.get("", response_class=HTMLResponse)
def statistics(request: Request, viewer: Signed) -> HTMLResponse:
    with read_views(request) as tx:
        by_dimension, flows = figures(tx)
    matrix = _matrix(flows)
    chart_data = {"summaries": by_dimension, "flows": {
        "origins": [label for _, label in matrix["origins"]],
        "destinations": [label for _, label in matrix["destinations"]],
        "cells": [[i, j, cell["transaction_amount"]] for i, row in enumerate(matrix["grid"])
                  for j, cell in enumerate(row) if cell is not None]}}
    return page(request, "statistics.html", viewer, summaries=by_dimension, flows=flows,
                matrix=matrix, chart_data=chart_data, dimensions=[d.value for d in DIMENSIONS])


@router.get("/{name}.csv", response_model=None)
def download(request: Request, name: str, viewer: Signed) -> Response:
    """The same CSV as the API's `format=csv` for one table of the page."""
    with read_views(request) as tx:
        if name == "flows":
            return csv_response("trade-flows-jjj.csv", FLOW_COLUMNS, flow_lines(jjj_flows(tx)))
        if name not in {d.value for d in DIMENSIONS}:
            return not_found(request, viewer)
        result = ts.summarize(tx, EVERYTHING, ts.GroupBy(name))
    totals = {**result["totals"], "key": "total"}
    return csv_response(f"trade-statistics-by-{name}.csv", SUMMARY_COLUMNS,
                        [*result["rows"], totals])

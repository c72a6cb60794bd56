"""Trading statistics over HTTP (Baoding items 4-5): JSON and CSV downloads (UTF-8 with a BOM,
so Excel shows Chinese), any role may read, bad parameters are problem+json."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from domain.access import Role
from tests.api.test_http import Api
from tests.api.test_trades_http import Market, call
from tests.factories import credit_code

BASE = "/v1/statistics/trades"
EX = Role.EXCHANGE_OPERATOR


@pytest.fixture
def traded(api: Api) -> tuple[Market, int]:
    """Two licenses of one achievement by a 保定 university: to 保定 (Q2) and to 北京 (Q3)."""
    market = Market(api)
    beijing = call(api, "/v1/parties", {"name": "北京某科技有限公司", "kind": "enterprise",
                                        "credit_code": credit_code(9, "110108"),
                                        "region_code": "110108"})["id"]
    call(api, "/v1/contracts", market.contract(effective_date="2026-04-02"), EX)
    last = call(api, "/v1/contracts", market.contract(
        contract_number="HT-2026-002", buyer_id=beijing, turnover="300000.00",
        transaction_amount="250000.00", signed_on="2026-06-28", effective_date="2026-07-01"),
        EX)
    return market, int(last["position"])


def fetch(api: Api, path: str, position: int, role: Role = Role.AUDITOR,
          **params: Any) -> httpx.Response:
    response: httpx.Response = api.client.get(
        path, params={"wait_for_position": position, **params}, headers=api.as_(role))
    return response


def rows_of(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_summary_by_quarter_as_json_and_csv(api: Api, traded: tuple[Market, int]) -> None:
    _, position = traded
    body = fetch(api, BASE, position, group_by="quarter").json()
    assert [(r["key"], r["count"], r["transaction_amount"]) for r in body["rows"]] == [
        ("2026-Q2", 1, "450000.00"), ("2026-Q3", 1, "250000.00")]
    assert {k: body["totals"][k] for k in ("count", "turnover", "transaction_amount", "share",
                                           "average_turnover")} == {
        "count": 2, "turnover": "800000.00", "transaction_amount": "700000.00",
        "share": "0.8750", "average_turnover": "400000.00"}

    download = fetch(api, BASE, position, Role.BANK, group_by="buyer_region",
                     region_level="city", format="csv")
    assert download.headers["content-disposition"] == (
        'attachment; filename="trade-statistics-by-buyer_region.csv"')
    header, *lines = rows_of(download)
    assert header == ["key", "label", "count", "turnover", "transaction_amount", "share",
                      "average_turnover", "average_transaction_amount"]
    assert lines == [
        ["1101", "北京市", "1", "300000.00", "250000.00", "0.8333", "300000.00", "250000.00"],
        ["1306", "保定市", "1", "500000.00", "450000.00", "0.9000", "500000.00", "450000.00"],
        ["total", "合计/total", "2", "800000.00", "700000.00", "0.8750", "400000.00",
         "350000.00"]]


def test_filters_over_http(api: Api, traded: tuple[Market, int]) -> None:
    _, position = traded
    july = fetch(api, BASE, position, registered_from="2026-07-01", buyer_region="11").json()
    assert [(r["key"], r["count"]) for r in july["rows"]] == [("license", 1)]
    none = fetch(api, BASE, position, seller_kind="enterprise", type="license").json()
    assert (none["rows"], none["totals"]["share"]) == ([], None)


def test_flows_of_jjj_cities_as_json_and_csv(api: Api, traded: tuple[Market, int]) -> None:
    _, position = traded
    body = fetch(api, f"{BASE}/flows", position, level="city", jjj_only="true").json()
    assert [(c["origin_label"], c["destination_label"], c["transaction_amount"])
            for c in body["cells"]] == [("保定市", "北京市", "250000.00"), ("保定市", "保定市", "450000.00")]
    assert body["jjj"]["inside"]["amount_share"] == "1.0000"

    header, *lines = rows_of(fetch(api, f"{BASE}/flows", position, level="city", format="csv"))
    assert header == ["origin", "origin_label", "destination", "destination_label", "count",
                      "turnover", "transaction_amount"]
    assert lines == [
        ["1306", "保定市", "1101", "北京市", "1", "300000.00", "250000.00"],
        ["1306", "保定市", "1306", "保定市", "1", "500000.00", "450000.00"],
        ["1306", "保定市", "total", "合计/total", "2", "800000.00", "700000.00"],
        ["total", "合计/total", "1101", "北京市", "1", "300000.00", "250000.00"],
        ["total", "合计/total", "1306", "保定市", "1", "500000.00", "450000.00"],
        ["total", "合计/total", "total", "合计/total", "2", "800000.00", "700000.00"]]


def test_top_achievements_as_json_and_csv(api: Api, traded: tuple[Market, int]) -> None:
    market, position = traded
    body = fetch(api, f"{BASE}/top-achievements", position, limit=5).json()
    assert [(i["achievement_id"], i["contract_count"], i["transaction_amount"])
            for i in body["items"]] == [(market.ach, 2, "700000.00")]
    download = fetch(api, f"{BASE}/top-achievements", position, Role.EXCHANGE_OPERATOR,
                     format="csv")
    assert 'filename="top-achievements.csv"' in download.headers["content-disposition"]
    header, *lines = rows_of(download)
    assert header[:5] == ["rank", "achievement_id", "registration_number", "title", "owners"]
    assert [(x[0], x[1], x[3], x[4], x[5], x[7]) for x in lines] == [
        ("1", market.ach, "一种节水灌溉装置", "河北农业大学", "2", "700000.00")]


@pytest.mark.parametrize(("path", "params"), [
    (BASE, {"group_by": "colour"}),
    (BASE, {"region_level": "street"}),
    (BASE, {"seller_region": "1"}),
    (BASE, {"buyer_region": "13060"}),
    (BASE, {"registered_from": "2026-07-01", "registered_to": "2026-06-30"}),
    (BASE, {"format": "xlsx"}),
    (f"{BASE}/flows", {"level": "village"}),
    (f"{BASE}/top-achievements", {"limit": 0}),
])
def test_bad_parameters_are_problems(api: Api, path: str, params: dict[str, Any]) -> None:
    response = api.client.get(path, params=params, headers=api.as_(Role.AUDITOR))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_field"


def test_an_api_key_is_needed(api: Api) -> None:
    response = api.client.get(BASE)
    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")

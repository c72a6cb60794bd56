"""Trading statistics (技术交易统计) on real stores, SQLite and PostgreSQL: DOMAIN.md read models,
Baoding items 4-5 ("regional technology market statistics"). Six contracts registered through
the ledger's own commands by sellers and buyers in Hebei, Beijing, Tianjin, Shanghai and
Guangdong (and one individual without a region); every figure is checked to the cent.

    HT-1 license   保定 university → 北京 enterprise  500000.00 / 450000.00  registered 2026-01-12
    HT-2 license   保定 university → 天津 enterprise  100000.00 / 100000.00  registered 2026-03-31
    HT-3 develop.  上海 enterprise  → 保定 enterprise  200000.00 / 150000.00  registered 2026-04-01
    HT-4 consult.  保定 institute   → 石家庄 enterprise  80000.00 /      0.00  2026-06-30, terminated
    HT-5 service   individual (no region) → 北京        0.00 /      0.00  registered 2025-12-20
    HT-6 develop.  保定 enterprise  → 广东 enterprise   50000.00 /  50000.00  registered 2026-05-15
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from api.runtime import Runtime
from domain.codes import PROVINCE_PREFIXES
from domain.contract import ContractType, ContractVariant, PricingMethod
from domain.regions import PROVINCE_NAMES, region_label
from domain.values import PartyKind
from projections import trade_flows as tf
from projections import trade_statistics as ts
from projections.trade_statistics import GroupBy, RegionLevel, StatsFilter
from services import commands as c
from services import trade_commands as t
from services.settings import Settings
from tests.factories import credit_code
from tests.service.trade_world import World

D = Decimal
EVERYTHING = StatsFilter()


@dataclass
class Market:
    world: World
    runtime: Runtime
    contracts: dict[str, UUID]
    achievements: dict[str, UUID]

    def read(self, query: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.runtime.follower.catch_up()
        with self.runtime.views.read() as tx:
            result: dict[str, Any] = query(tx, *args, **kwargs)
        return result


def _party(world: World, name: str, kind: PartyKind, region: str | None, serial: int) -> UUID:
    code = credit_code(serial, region) if region else None
    cmd = c.RegisterParty(name=name, kind=kind, credit_code=code, region_code=region)
    return world.ledger.register_party(cmd, actor="test").value.id


def _contract(w: World, number: str, kind: ContractType, seller: UUID, buyer: UUID,
              money: tuple[str, str], signed: date, registered: date, *achievements: UUID,
              variant: ContractVariant | None = None, exchange: UUID | None = None) -> UUID:
    disposing = kind in (ContractType.TRANSFER, ContractType.LICENSE)
    terms = w.terms(number, achievements, kind=kind, variant=variant, seller=seller, buyer=buyer,
                    signed_on=signed, turnover=D(money[0]), amount=D(money[1]),
                    exchange=exchange, pricing=PricingMethod.LISTING if disposing else None)
    cmd = t.RegisterContract(terms, effective_date=registered)
    return w.ledger.register_contract(cmd, actor="exchange").value.id


def _build(w: World) -> tuple[dict[str, UUID], dict[str, UUID]]:
    beijing = _party(w, "北京某信息技术有限公司", PartyKind.ENTERPRISE, "110108", 501)
    tianjin = _party(w, "天津某生物科技有限公司", PartyKind.ENTERPRISE, "120116", 502)
    shijiazhuang = _party(w, "石家庄某制药有限公司", PartyKind.ENTERPRISE, "130102", 503)
    shanghai = _party(w, "上海某芯片设计有限公司", PartyKind.ENTERPRISE, "310115", 504)
    guangdong = _party(w, "深圳某电子有限公司", PartyKind.ENTERPRISE, "440305", 505)
    person = _party(w, "王某", PartyKind.INDIVIDUAL, None, 506)
    a1, a2, a3 = w.achievement(), w.achievement(), w.achievement()
    b1 = w.achievement(w.institute)
    lic, dev = ContractType.LICENSE, ContractType.DEVELOPMENT
    ordinary = ContractVariant.ORDINARY
    contracts = {
        "HT-1": _contract(w, "HT-1", lic, w.university, beijing, ("500000.00", "450000.00"),
                          date(2026, 1, 10), date(2026, 1, 12), a1, variant=ordinary),
        "HT-2": _contract(w, "HT-2", lic, w.university, tianjin, ("100000.00", "100000.00"),
                          date(2026, 3, 30), date(2026, 3, 31), a2, a1, a3, variant=ordinary),
        "HT-3": _contract(w, "HT-3", dev, shanghai, w.enterprise, ("200000.00", "150000.00"),
                          date(2026, 3, 25), date(2026, 4, 1),
                          variant=ContractVariant.ENTRUSTED),
        "HT-4": _contract(w, "HT-4", ContractType.CONSULTING, w.institute, shijiazhuang,
                          ("80000.00", "0.00"), date(2026, 6, 28), date(2026, 6, 30), b1),
        "HT-5": _contract(w, "HT-5", ContractType.SERVICE, person, beijing, ("0.00", "0.00"),
                          date(2025, 12, 18), date(2025, 12, 20), exchange=w.registry),
        "HT-6": _contract(w, "HT-6", dev, w.enterprise, guangdong, ("50000.00", "50000.00"),
                          date(2026, 5, 10), date(2026, 5, 15),
                          variant=ContractVariant.COOPERATIVE),
    }
    w.ledger.terminate_contract(t.TerminateContract(contracts["HT-4"], "协商解除",
                                                    date(2026, 8, 1)), actor="exchange")
    return contracts, {"A1": a1, "A2": a2, "A3": a3, "B1": b1}


@pytest.fixture
def market(store_settings: Settings) -> Iterator[Market]:
    runtime = Runtime.open(store_settings, follow=False)
    world = World.build(runtime.ledger)
    contracts, achievements = _build(world)
    yield Market(world, runtime, contracts, achievements)
    runtime.close()


def figures(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["key"], row["count"], row["turnover"], row["transaction_amount"], row["share"])


def by(m: Market, group_by: GroupBy, f: StatsFilter = EVERYTHING,
       level: RegionLevel = RegionLevel.PROVINCE) -> dict[str, Any]:
    return m.read(ts.summarize, f, group_by, level)


# --- totals, shares and averages -----------------------------------------------------------------

def test_totals_count_registered_and_terminated_contracts_exactly(market: Market) -> None:
    result = by(market, GroupBy.TYPE)
    assert result["totals"] == {
        "key": None, "label": "合计/total", "count": 6, "turnover": "930000.00",
        "transaction_amount": "750000.00", "share": "0.8065", "average_turnover": "155000.00",
        "average_transaction_amount": "125000.00"}
    with market.runtime.views.read() as tx:
        statuses = {r["contract_number"]: r["status"] for r in tx.execute(
            "SELECT contract_number, status FROM contracts")}
    assert statuses["HT-4"] == "terminated"  # and still counted above


def test_by_type_with_share_null_when_turnover_is_zero(market: Market) -> None:
    rows = by(market, GroupBy.TYPE)["rows"]
    assert [figures(r) for r in rows] == [
        ("consulting", 1, "80000.00", "0.00", "0.0000"),
        ("development", 2, "250000.00", "200000.00", "0.8000"),
        ("license", 2, "600000.00", "550000.00", "0.9167"),
        ("service", 1, "0.00", "0.00", None)]
    assert [r["label"] for r in rows] == ["技术咨询", "技术开发", "技术许可", "技术服务"]
    license_row = rows[2]
    assert (license_row["average_turnover"], license_row["average_transaction_amount"]) == (
        "300000.00", "275000.00")


def test_by_entity_kind_and_field(market: Market) -> None:
    sellers = by(market, GroupBy.SELLER_KIND)["rows"]
    assert [(r["key"], r["label"], r["count"], r["transaction_amount"]) for r in sellers] == [
        ("enterprise", "企业", 2, "200000.00"), ("individual", "个人", 1, "0.00"),
        ("research_institute", "科研机构", 1, "0.00"), ("university", "高等院校", 2, "550000.00")]
    buyers = by(market, GroupBy.BUYER_KIND)["rows"]
    assert [figures(r) for r in buyers] == [("enterprise", 6, "930000.00", "750000.00", "0.8065")]
    assert [r["key"] for r in by(market, GroupBy.FIELD)["rows"]] == ["新能源"]


def test_periods_follow_the_date_registration_completed(market: Market) -> None:
    months = by(market, GroupBy.MONTH)["rows"]
    assert [(r["key"], r["count"]) for r in months] == [
        ("2025-12", 1), ("2026-01", 1), ("2026-03", 1), ("2026-04", 1), ("2026-05", 1),
        ("2026-06", 1)]
    quarters = by(market, GroupBy.QUARTER)["rows"]
    # HT-3 was signed in March but registered on 1 April: it counts in Q2.
    assert [figures(r) for r in quarters] == [
        ("2025-Q4", 1, "0.00", "0.00", None),
        ("2026-Q1", 2, "600000.00", "550000.00", "0.9167"),
        ("2026-Q2", 3, "330000.00", "200000.00", "0.6061")]
    assert (quarters[2]["average_turnover"], quarters[2]["average_transaction_amount"]) == (
        "110000.00", "66666.67")
    years = by(market, GroupBy.YEAR)["rows"]
    assert [(r["key"], r["label"], r["count"], r["turnover"]) for r in years] == [
        ("2025", "2025", 1, "0.00"), ("2026", "2026", 5, "930000.00")]


def test_by_region_at_each_level(market: Market) -> None:
    sellers = by(market, GroupBy.SELLER_REGION)["rows"]
    assert [(r["key"], r["label"], r["count"], r["transaction_amount"], r["share"])
            for r in sellers] == [
        ("13", "河北省", 4, "600000.00", "0.8219"), ("31", "上海市", 1, "150000.00", "0.7500"),
        (None, "未知/unknown", 1, "0.00", None)]
    cities = by(market, GroupBy.BUYER_REGION, level=RegionLevel.CITY)["rows"]
    assert [(r["key"], r["label"], r["count"]) for r in cities] == [
        ("1101", "北京市", 2), ("1201", "天津市", 1), ("1301", "石家庄市", 1),
        ("1306", "保定市", 1), ("4403", "广东省 4403", 1)]
    counties = by(market, GroupBy.BUYER_REGION, level=RegionLevel.COUNTY)["rows"]
    assert [(r["key"], r["label"]) for r in counties] == [
        ("110108", "北京市 110108"), ("120116", "天津市 120116"), ("130102", "石家庄市 130102"),
        ("130600", "保定市"), ("440305", "广东省 440305")]


# --- filters -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("f", "expected"), [
    (StatsFilter(seller_region="13"), ["HT-1", "HT-2", "HT-4", "HT-6"]),
    (StatsFilter(seller_region="130600"), ["HT-1", "HT-2", "HT-4", "HT-6"]),  # 130600 = 1306
    (StatsFilter(buyer_region="1306"), ["HT-3"]),
    (StatsFilter(buyer_region="110108"), ["HT-1", "HT-5"]),
    (StatsFilter(buyer_region="11", seller_region="13"), ["HT-1"]),
    (StatsFilter(registered_from=date(2026, 1, 12), registered_to=date(2026, 3, 31)),
     ["HT-1", "HT-2"]),
    (StatsFilter(type="development"), ["HT-3", "HT-6"]),
    (StatsFilter(seller_kind="university", buyer_kind="enterprise"), ["HT-1", "HT-2"]),
    (StatsFilter(field="新能源", registered_to=date(2025, 12, 31)), ["HT-5"]),
    (StatsFilter(buyer_kind="university"), []),
])
def test_filters(market: Market, f: StatsFilter, expected: list[str]) -> None:
    market.runtime.follower.catch_up()
    with market.runtime.views.read() as tx:
        rows = ts.counted_contracts(tx, f)
    numbers = {str(v): k for k, v in market.contracts.items()}
    assert sorted(numbers[r["id"]] for r in rows) == expected


def test_exchange_filter_and_an_empty_selection(market: Market) -> None:
    registry = StatsFilter(exchange_id=str(market.world.registry))
    assert by(market, GroupBy.TYPE, registry)["totals"]["count"] == 1
    empty = by(market, GroupBy.TYPE, StatsFilter(buyer_kind="university"))
    assert empty["rows"] == []
    assert empty["totals"] == {
        "key": None, "label": "合计/total", "count": 0, "turnover": "0.00",
        "transaction_amount": "0.00", "share": None, "average_turnover": None,
        "average_transaction_amount": None}


# --- flows ---------------------------------------------------------------------------------------

def cell_figures(cells: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(x["origin"], x["destination"], x["count"], x["turnover"], x["transaction_amount"])
            for x in cells]


def test_flow_matrix_by_province_with_totals_and_jjj_shares(market: Market) -> None:
    result = market.read(tf.flows, EVERYTHING, RegionLevel.PROVINCE)
    assert cell_figures(result["cells"]) == [
        ("13", "11", 1, "500000.00", "450000.00"), ("13", "12", 1, "100000.00", "100000.00"),
        ("13", "13", 1, "80000.00", "0.00"), ("13", "44", 1, "50000.00", "50000.00"),
        ("31", "13", 1, "200000.00", "150000.00"), ("unknown", "11", 1, "0.00", "0.00")]
    first = result["cells"][0]
    assert (first["origin_label"], first["destination_label"]) == ("河北省", "北京市")
    assert result["cells"][-1]["origin_label"] == "未知/unknown"
    assert [(o["origin"], o["count"], o["transaction_amount"]) for o in result["origins"]] == [
        ("13", 4, "600000.00"), ("31", 1, "150000.00"), ("unknown", 1, "0.00")]
    assert [(d["destination"], d["destination_label"], d["count"], d["turnover"])
            for d in result["destinations"]] == [
        ("11", "北京市", 2, "500000.00"), ("12", "天津市", 1, "100000.00"),
        ("13", "河北省", 2, "280000.00"), ("44", "广东省", 1, "50000.00")]
    assert result["totals"] == {"count": 6, "turnover": "930000.00",
                                "transaction_amount": "750000.00"}
    jjj = result["jjj"]
    assert [(k, jjj[k]["count"], jjj[k]["transaction_amount"], jjj[k]["amount_share"],
             jjj[k]["count_share"]) for k in ("inside", "outflow", "inflow", "unknown")] == [
        ("inside", 3, "550000.00", "0.7333", "0.5000"),
        ("outflow", 1, "50000.00", "0.0667", "0.1667"),
        ("inflow", 1, "150000.00", "0.2000", "0.1667"),
        ("unknown", 1, "0.00", "0.0000", "0.1667")]
    assert jjj["total"] == {"count": 6, "turnover": "930000.00", "transaction_amount": "750000.00"}


def test_flow_matrix_of_jjj_cities_folds_the_rest_into_other(market: Market) -> None:
    result = market.read(tf.flows, EVERYTHING, RegionLevel.CITY, jjj_only=True)
    assert [(x["origin_label"], x["destination_label"], x["count"]) for x in result["cells"]] == [
        ("保定市", "北京市", 1), ("保定市", "天津市", 1), ("保定市", "石家庄市", 1),
        ("保定市", "其他/other", 1), ("其他/other", "保定市", 1), ("未知/unknown", "北京市", 1)]
    assert [(o["origin"], o["count"]) for o in result["origins"]] == [
        ("1306", 4), ("other", 1), ("unknown", 1)]
    hebei_sellers = market.read(tf.flows, StatsFilter(seller_region="13"), RegionLevel.PROVINCE)
    assert hebei_sellers["jjj"]["inflow"]["count"] == 0
    assert hebei_sellers["jjj"]["inside"]["amount_share"] == "0.9167"  # 550000 / 600000


# --- top achievements ----------------------------------------------------------------------------

def test_top_achievements_split_a_contract_equally_to_the_cent(market: Market) -> None:
    a = market.achievements
    result = market.read(ts.top_achievements, EVERYTHING, 10)
    items = result["items"]
    # HT-2 names (A2, A1, A3): 100000.00 / 3 gives the first, A2, the remainder cent.
    assert [(i["rank"], i["achievement_id"], i["contract_count"], i["turnover"],
             i["transaction_amount"]) for i in items] == [
        (1, str(a["A1"]), 2, "533333.33", "483333.33"),
        (2, str(a["A2"]), 1, "33333.34", "33333.34"),
        (3, str(a["A3"]), 1, "33333.33", "33333.33"),
        (4, str(a["B1"]), 1, "80000.00", "0.00")]
    ht2_shares = [D(items[0]["transaction_amount"]) - D("450000.00"),  # A1 also has HT-1
                  D(items[1]["transaction_amount"]), D(items[2]["transaction_amount"])]
    assert sum(ht2_shares) == D("100000.00")
    assert items[0]["title"].startswith("一种电池管理系统")
    assert items[0]["registration_number"]
    assert [o["name"] for o in items[0]["owners"]] == ["河北大学"]
    assert [o["name"] for o in items[3]["owners"]] == ["保定市农业科学研究所"]
    assert result["achievements"] == 4
    top_two = market.read(ts.top_achievements, StatsFilter(type="license"), 2)
    assert [i["achievement_id"] for i in top_two["items"]] == [str(a["A1"]), str(a["A2"])]
    assert top_two["achievements"] == 3


@pytest.mark.parametrize(("amount", "parts", "shares"), [
    ("100.00", 3, ["33.34", "33.33", "33.33"]),
    ("0.05", 3, ["0.02", "0.02", "0.01"]),
    ("0.00", 2, ["0.00", "0.00"]),
    ("450000.00", 1, ["450000.00"]),
    ("10.01", 4, ["2.51", "2.50", "2.50", "2.50"]),
])
def test_equal_split_sums_exactly(amount: str, parts: int, shares: list[str]) -> None:
    split = ts.split_equally(D(amount), parts)
    assert [str(s) for s in split] == shares
    assert sum(split) == D(amount)


def test_every_province_prefix_has_a_name() -> None:
    assert set(PROVINCE_NAMES) == PROVINCE_PREFIXES
    assert [region_label(x) for x in ("13", "130000", "1306", "139002", "1399")] == [
        "河北省", "河北省", "保定市", "定州市", "河北省 1399"]

"""The exchange desk and the statistics page in a real browser, against the API's figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from domain.access import Role
from tests.browser.conftest import Console, shoot, sign_in

HEADER = "contract_number,title,contract_type,seller,buyer,turnover,transaction_amount," \
         "signed_on,field,exchange"


def a_demo_contract(console: Console) -> dict[str, Any]:
    found = console.api("/v1/contracts", Role.AUDITOR, type="service").json()["items"]
    assert found, "the demo has no service contract to borrow parties from"
    item: dict[str, Any] = found[0]
    return item


def csv_line(c: dict[str, Any], number: str, turnover: str, amount: str) -> str:
    return (f"{number},技术服务（浏览器测试）,service,{c['seller_id']},{c['buyer_id']},{turnover},"
            f"{amount},{c['signed_on']},{c['field']},{c['exchange_id']}")


def test_an_operator_uploads_a_file_and_sees_the_bad_row_and_why(
        page: Page, console: Console, tmp_path: Path) -> None:
    c = a_demo_contract(console)
    upload = tmp_path / "contracts.csv"
    upload.write_text("\n".join([HEADER, csv_line(c, "BT-UP-1", "1000.00", "800.00"),
                                 csv_line(c, "BT-UP-2", "500.00", "900.00"),
                                 csv_line(c, "BT-UP-3", "2000.00", "2000.00")]) + "\n")
    sign_in(page, console, Role.EXCHANGE_OPERATOR)
    page.get_by_role("link", name="技术合同登记").first.click()
    page.get_by_test_id("file").set_input_files(str(upload))
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("import-summary")).to_contain_text("新登记 2")
    expect(page.get_by_test_id("progress")).to_have_attribute("value", "100")
    rejected = page.get_by_test_id("rejected").locator("tbody tr")
    expect(rejected).to_have_count(1)
    expect(rejected.first).to_have_attribute("data-line", "3")
    expect(rejected.first).to_contain_text("transaction_amount_exceeds_turnover")
    shoot(page, "exchange-upload-report")
    head = console.api("/v1/health", Role.AUDITOR).json()["ledger_position"]
    listed = console.api("/v1/contracts", Role.AUDITOR, type="service", page_size="100",
                         signed_from=c["signed_on"], signed_to=c["signed_on"],
                         wait_for_position=str(head)).json()["items"]
    numbers = {i["contract_number"] for i in listed}
    assert {"BT-UP-1", "BT-UP-3"} <= numbers and "BT-UP-2" not in numbers

def test_an_operator_fixes_a_bad_field_and_registers_the_contract(page: Page,
                                                                  console: Console) -> None:
    c = a_demo_contract(console)
    sign_in(page, console, Role.EXCHANGE_OPERATOR)
    page.goto(f"{console.base}/console/exchange")
    values = {"contract_number": "BT-FORM-1", "title": "技术服务（表单测试）",
              "seller_id": c["seller_id"], "buyer_id": c["buyer_id"], "turnover": "3000.00",
              "transaction_amount": "3000.00", "signed_on": "2026-13-01", "field": c["field"],
              "exchange_id": c["exchange_id"]}
    for name, value in values.items():
        page.get_by_test_id(f"f-{name}").fill(value)
    page.get_by_test_id("f-contract_type").select_option("service")
    page.get_by_test_id("register").click()
    expect(page.get_by_test_id("error-signed_on")).to_have_text("日期格式应为 YYYY-MM-DD。")
    expect(page.get_by_test_id("f-title")).to_have_value(values["title"])
    page.get_by_test_id("f-signed_on").fill(c["signed_on"])
    page.get_by_test_id("f-transaction_amount").fill("4000.00")  # a rule, not the schema
    page.get_by_test_id("register").click()
    expect(page.get_by_test_id("error-transaction_amount")).to_contain_text("超过成交额")
    page.get_by_test_id("f-transaction_amount").fill("3000.00")
    page.get_by_test_id("register").click()
    expect(page.get_by_test_id("registered")).to_contain_text("BT-FORM-1")
    expect(page.get_by_test_id("error-signed_on")).to_have_count(0)
    contract_id = page.get_by_test_id("registered").locator("code").inner_text()
    head = console.api("/v1/health", Role.AUDITOR).json()["ledger_position"]
    found = console.api(f"/v1/contracts/{contract_id}", Role.AUDITOR,
                        wait_for_position=str(head)).json()
    assert found["contract_number"] == "BT-FORM-1"


def test_the_statistics_page_charts_the_apis_figures(page: Page, console: Console) -> None:
    head = console.api("/v1/health", Role.AUDITOR).json()["ledger_position"]
    sign_in(page, console, Role.BANK)
    page.get_by_role("link", name="交易统计").first.click()
    for dim in ("month", "type", "field"):
        expect(page.locator(f"#chart-{dim} canvas").first).to_be_visible()
        api = console.api("/v1/statistics/trades", Role.BANK, group_by=dim,
                          wait_for_position=str(head)).json()["totals"]
        totals = page.get_by_test_id(f"totals-{dim}")
        expect(totals.get_by_test_id("total-turnover")).to_have_text(api["turnover"])
        expect(totals.get_by_test_id("total-transaction_amount")).to_have_text(
            api["transaction_amount"])
        expect(totals.get_by_test_id("total-count")).to_have_text(str(api["count"]))
    expect(page.locator("#chart-flows canvas").first).to_be_visible()
    flows = console.api("/v1/statistics/trades/flows", Role.BANK, jjj_only="true").json()
    expect(page.get_by_test_id("totals-flows").get_by_test_id("total-transaction_amount")
           ).to_have_text(flows["totals"]["transaction_amount"])
    shoot(page, "statistics")
    with page.expect_download() as download:
        page.get_by_test_id("csv-type").click()
    assert download.value.suggested_filename == "trade-statistics-by-type.csv"


def test_a_bank_cannot_reach_the_exchange_desk(page: Page, console: Console) -> None:
    sign_in(page, console, Role.BANK)
    expect(page.locator("nav.menu")).not_to_contain_text("技术合同登记")
    answer = page.goto(f"{console.base}/console/exchange")
    assert answer is not None and answer.status == 403
    expect(page.get_by_test_id("error")).to_contain_text("无权访问")

"""The post-evaluation (后评价) page in a real browser: every figure equals the API's — by grade,
by agency and by expert, for every agency and for one — a grade narrows the tables, and each
table downloads as the API's CSV."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from domain.access import Role
from tests.browser.conftest import Console, shoot, sign_in

COLUMNS = ["evaluations", "observed", "not_yet_observable", "share_traded", "share_licensed",
           "share_transferred", "share_company_formed", "share_pledged", "transaction_amount",
           "median_transaction_amount", "revoked", "share_revoked"]
EXPERT_COLUMNS = ["evaluations", "scored", "mean_sheet_total", "mean_result_total", "observed",
                  "not_yet_observable", "share_traded", "transaction_amount", "revoked",
                  "share_revoked"]


def shown(value: Any) -> str:
    """A figure as the page prints it; numbers compared by value, not by spelling."""
    return "—" if value is None else str(Decimal(str(value)).normalize())


def row_of(page: Page, key: str, columns: list[str]) -> dict[str, str]:
    on_page = {c: page.get_by_test_id(f"{key}-{c}").inner_text().strip() for c in columns}
    return {c: shown(v) if v != "—" else v for c, v in on_page.items()}


def assert_rows(page: Page, expected: list[tuple[str, dict[str, Any]]], columns: list[str]
                ) -> None:
    for key, row in expected:
        assert row_of(page, key, columns) == {c: shown(row[c]) for c in columns}, key


def ask(page: Page, window: str, as_of: str, agency: str = "", grade: str = "") -> None:
    page.get_by_test_id("window").select_option(window)
    page.get_by_test_id("as-of").fill(as_of)
    page.get_by_test_id("agency").select_option(agency)
    page.get_by_test_id("grade").select_option(grade)
    page.get_by_test_id("apply").click()


def test_an_auditor_sees_the_apis_post_evaluation_figures(page: Page, console: Console) -> None:
    grades = console.api("/v1/post-evaluation/grades", Role.AUDITOR, window_months="24").json()
    asked = {"window_months": "24", "as_of": grades["as_of"]}
    agencies = console.api("/v1/post-evaluation/agencies", Role.AUDITOR, **asked).json()
    experts = console.api("/v1/post-evaluation/experts", Role.AUDITOR, **asked).json()
    assert grades["totals"]["evaluations"] > 0, "the demo has no finalized evaluation"
    assert agencies["rows"] and experts["rows"], "the demo has no agency or expert"
    sign_in(page, console, Role.AUDITOR)
    page.get_by_role("link", name="后评价").first.click()
    ask(page, "24", grades["as_of"])
    expect(page.locator("h2").first).to_contain_text("24 个月")
    expected = [(f"g-{r['grade']}", r) for r in grades["rows"]] + [("g-total", grades["totals"])]
    assert_rows(page, expected + [(f"a-{r['agency_id']}", r) for r in agencies["rows"]], COLUMNS)
    assert_rows(page, [(f"e-{r['expert_id']}", r) for r in experts["rows"]], EXPERT_COLUMNS)
    expect(page.get_by_test_id("experts").locator("tbody tr")).to_have_count(len(experts["rows"]))
    expect(page.get_by_test_id("predictor")).to_have_text(grades["predictor"]["line"])
    shoot(page, "post-evaluation")


def test_an_agency_and_a_grade_narrow_the_tables_and_each_downloads(
        page: Page, console: Console, tmp_path: Path) -> None:
    top = console.api("/v1/post-evaluation/agencies", Role.REGISTRAR).json()
    agency = next(r["agency_id"] for r in top["rows"] if r["grades"]["A"])
    as_of = top["as_of"]
    asked = {"window_months": "12", "as_of": as_of, "agency_id": agency}
    grades = console.api("/v1/post-evaluation/grades", Role.REGISTRAR, **asked).json()
    sign_in(page, console, Role.REGISTRAR)
    page.goto(f"{console.base}/console/integrity/post-evaluation")
    ask(page, "12", as_of, agency=agency)
    expect(page.get_by_test_id("agencies").locator("tbody tr")).to_have_count(1)
    assert_rows(page, [("g-total", grades["totals"])], COLUMNS)
    with page.expect_download() as download:
        page.get_by_test_id("csv-experts").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    api_csv = console.api("/v1/post-evaluation/experts", Role.REGISTRAR, format="csv", **asked)
    assert saved.read_bytes() == api_csv.content
    ask(page, "12", as_of, agency=agency, grade="A")
    expect(page.get_by_test_id("grades").locator("tbody tr")).to_have_count(2)  # A and total
    a_row = next(r for r in grades["rows"] if r["grade"] == "A")
    assert_rows(page, [("g-A", a_row), ("g-total", a_row)], COLUMNS)
    # one agency's grade-A evaluations: its row is the grade's row
    assert_rows(page, [(f"a-{agency}", a_row)], COLUMNS)
    shoot(page, "post-evaluation-grade-a", full_page=False)

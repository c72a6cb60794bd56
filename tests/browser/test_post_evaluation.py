"""The post-evaluation (后评价) page in a real browser: every figure equals the API's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from playwright.sync_api import Page, expect

from domain.access import Role
from tests.browser.conftest import Console, shoot, sign_in


def shown(value: Any) -> str:
    """A figure as the page prints it; numbers compared by value, not by spelling."""
    return "—" if value is None else str(Decimal(str(value)).normalize())


def row_of(page: Page, key: str, columns: list[str]) -> dict[str, str]:
    return {c: page.get_by_test_id(f"{key}-{c}").inner_text().strip() for c in columns}


def test_an_auditor_sees_the_apis_post_evaluation_figures(page: Page, console: Console) -> None:
    grades = console.api("/v1/post-evaluation/grades", Role.AUDITOR, window_months="24").json()
    agencies = console.api("/v1/post-evaluation/agencies", Role.AUDITOR, window_months="24",
                           as_of=grades["as_of"]).json()
    assert grades["totals"]["evaluations"] > 0, "the demo has no finalized evaluation"
    sign_in(page, console, Role.AUDITOR)
    page.get_by_role("link", name="后评价").first.click()
    page.get_by_test_id("window").select_option("24")
    page.get_by_test_id("as-of").fill(grades["as_of"])
    page.get_by_test_id("apply").click()
    expect(page.locator("h2").first).to_contain_text("24 个月")
    columns = ["evaluations", "observed", "not_yet_observable", "share_traded",
               "share_licensed", "share_transferred", "share_company_formed", "share_pledged",
               "transaction_amount", "median_transaction_amount", "revoked", "share_revoked"]
    expected = [(f"g-{r['grade']}", r) for r in grades["rows"]] + [("g-total", grades["totals"])]
    expected += [(f"a-{r['agency_id']}", r) for r in agencies["rows"]]
    assert agencies["rows"], "the demo has no evaluation agency"
    for key, row in expected:
        on_page = {c: shown(v) if v != "—" else v for c, v in row_of(page, key, columns).items()}
        assert on_page == {c: shown(row[c]) for c in columns}, key
    expect(page.get_by_test_id("predictor")).to_have_text(grades["predictor"]["line"])
    shoot(page, "post-evaluation")

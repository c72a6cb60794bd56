"""The bank desk's write forms in a real browser: register a pledge, consent to a transfer, see
it among the bank's active pledges, release it; a second pledge of the same achievement is
refused on the form. Another pledge defaults and is enforced, the S&T bureau records a subsidy,
and the pledge's page shows what GET /v1/pledges/{id} says."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from playwright.sync_api import Page, expect

from domain.access import Role
from tests.browser.conftest import Console, shoot, sign_in


def an_unpledged_achievement(console: Console, nth: int = 0) -> dict[str, Any]:
    """One with an owner and no patents (so no patent term limits the loan), free today; the
    `nth` such, so that tests do not pledge the same one."""
    items = console.api("/v1/achievements", Role.AUDITOR, page_size="100").json()["items"]
    for item in items:
        found: dict[str, Any] = console.api(f"/v1/achievements/{item['id']}", Role.AUDITOR).json()
        status = console.api(f"/v1/achievements/{item['id']}/pledge-status", Role.BANK).json()
        if found.get("owners") and not found.get("patents") and not status["pledged"]:
            if nth == 0:
                return {**found, "as_of": status["as_of"]}
            nth -= 1
    raise AssertionError("the demo has too few unpledged achievements without patents")


def fill_pledge(page: Page, console: Console, a: dict[str, Any], start: date) -> None:
    page.get_by_test_id("pledges-pledgor_id").fill(a["owners"][0]["id"])
    page.get_by_test_id("pledges-pledgee_id").select_option(str(console.demo.bank_id))
    page.get_by_test_id("pledges-achievement_ids").fill(a["id"])
    page.get_by_test_id("pledges-secured_amount").fill("500000.00")
    page.get_by_test_id("pledges-loan_start").fill(start.isoformat())
    page.get_by_test_id("pledges-loan_end").fill((start + timedelta(days=365)).isoformat())
    page.get_by_test_id("pledges-submit").click()


def caught_up(console: Console) -> None:
    head = console.api("/v1/health", Role.AUDITOR).json()["ledger_position"]
    console.api("/v1/integrity/blacklist", Role.AUDITOR, wait_for_position=str(head))


def test_a_bank_registers_sees_and_releases_a_pledge_and_a_second_is_refused(
        page: Page, console: Console) -> None:
    a = an_unpledged_achievement(console)
    today = date.fromisoformat(a["as_of"])
    sign_in(page, console, Role.BANK)
    page.get_by_role("link", name="质押登记与注销").first.click()
    fill_pledge(page, console, a, today)
    expect(page.get_by_test_id("done-pledges")).to_contain_text("质押已登记")
    pledge_id = page.get_by_test_id("done-pledges").locator("code").inner_text()

    fill_pledge(page, console, a, today)
    refusal = page.get_by_test_id("error-pledges")
    expect(refusal).to_contain_text("成果已处于质押状态")
    expect(refusal).to_contain_text("achievement_already_pledged")
    expect(page.get_by_test_id("pledges-achievement_ids")).to_have_value(a["id"])
    shoot(page, "bank-register-pledge")

    page.get_by_test_id("consents-pledge_id").fill(pledge_id)
    page.get_by_test_id("consents-contract_number").fill("BT-CONSENT-1")
    page.get_by_test_id("consents-submit").click()
    expect(page.get_by_test_id("done-consents")).to_contain_text(pledge_id)

    caught_up(console)
    page.goto(f"{console.base}/console/bank/pledges?bank_id={console.demo.bank_id}"
              f"&as_of={today.isoformat()}")
    expect(page.locator(f'tr[data-pledge="{pledge_id}"]')).to_have_count(1)

    page.goto(f"{console.base}/console/bank/desk")
    page.get_by_test_id("release-pledge_id").fill(pledge_id)
    page.get_by_test_id("release-note").fill("贷款已结清")
    page.get_by_test_id("release-effective_date").fill(today.isoformat())
    page.get_by_test_id("release-submit").click()
    expect(page.get_by_test_id("done-release")).to_contain_text(pledge_id)

    caught_up(console)
    after = (today + timedelta(days=1)).isoformat()
    page.goto(f"{console.base}/console/bank/pledge-status?achievement={a['id']}&as_of={after}")
    expect(page.get_by_test_id("verdict")).to_contain_text("未质押")


def pledge_as_the_api_says(console: Console, pledge_id: str) -> dict[str, Any]:
    head = console.api("/v1/health", Role.AUDITOR).json()["ledger_position"]
    row: dict[str, Any] = console.api(f"/v1/pledges/{pledge_id}", Role.AUDITOR,
                                      wait_for_position=str(head)).json()
    return row


def test_a_pledge_defaults_is_enforced_and_the_bureau_records_a_subsidy(
        page: Page, console: Console) -> None:
    a = an_unpledged_achievement(console, nth=1)
    sign_in(page, console, Role.BANK)
    page.goto(f"{console.base}/console/bank/desk")
    expect(page.get_by_test_id("support-form")).to_have_count(0)  # the bureau's, not the bank's
    fill_pledge(page, console, a, date.fromisoformat(a["as_of"]))
    pledge_id = page.get_by_test_id("done-pledges").locator("code").inner_text()

    page.get_by_test_id("enforcement-pledge_id").fill(pledge_id)
    page.get_by_test_id("enforcement-proceeds").fill("420000.00")
    page.get_by_test_id("enforcement-submit").click()
    expect(page.get_by_test_id("error-enforcement")).to_contain_text("invalid_state_transition")
    page.get_by_test_id("default-pledge_id").fill(pledge_id)
    page.get_by_test_id("default-note").fill("借款人逾期未偿还贷款本息")
    page.get_by_test_id("default-submit").click()
    expect(page.get_by_test_id("done-default")).to_contain_text(pledge_id)
    page.get_by_test_id("enforcement-pledge_id").fill(pledge_id)
    page.get_by_test_id("enforcement-proceeds").fill("420000.00")
    page.get_by_test_id("enforcement-note").fill("拍卖处置")
    page.get_by_test_id("enforcement-submit").click()
    expect(page.get_by_test_id("done-enforcement")).to_contain_text(pledge_id)
    page.get_by_test_id("enforcement-form").scroll_into_view_if_needed()
    shoot(page, "bank-default-enforcement")

    page.get_by_test_id("done-enforcement-link").click()
    row = pledge_as_the_api_says(console, pledge_id)
    assert (row["status"], row["proceeds"]) == ("enforced", "420000.00")
    expect(page.get_by_test_id("pledge-status")).to_have_attribute("data-status", row["status"])
    expect(page.get_by_test_id("pledge-status")).to_have_text("质权已实现")
    expect(page.get_by_test_id("proceeds")).to_have_text("¥420000.00")

    sign_in(page, console, Role.REGISTRAR)
    page.goto(f"{console.base}/console/bank/pledges/{pledge_id}")
    page.get_by_test_id("act-support").click()
    expect(page.get_by_test_id("default-form")).to_have_count(0)  # the bank's, not the bureau's
    expect(page.get_by_test_id("support-pledge_id")).to_have_value(pledge_id)
    page.get_by_test_id("support-kind").select_option("interest_subsidy")
    page.get_by_test_id("support-amount").fill("12000.00")
    page.get_by_test_id("support-payer").fill("保定市科学技术局")
    page.get_by_test_id("support-submit").click()
    expect(page.get_by_test_id("done-support")).to_contain_text(pledge_id)
    shoot(page, "bank-record-subsidy")
    page.get_by_test_id("done-support-link").click()
    paid = pledge_as_the_api_says(console, pledge_id)["support"]
    assert [(s["kind"], s["amount"]) for s in paid] == [("interest_subsidy", "12000.00")]
    expect(page.get_by_test_id("support")).to_contain_text("贴息")
    expect(page.get_by_test_id("support")).to_contain_text("12000.00")
    shoot(page, "bank-pledge-page")

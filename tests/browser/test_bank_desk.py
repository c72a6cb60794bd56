"""The bank desk's write forms in a real browser: register a pledge, consent to a transfer, see
it among the bank's active pledges, release it; a second pledge of the same achievement is
refused on the form."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from playwright.sync_api import Page, expect

from domain.access import Role
from tests.browser.conftest import Console, shoot, sign_in


def an_unpledged_achievement(console: Console) -> dict[str, Any]:
    """One with an owner and no patents (so no patent term limits the loan), free today."""
    items = console.api("/v1/achievements", Role.AUDITOR, page_size="100").json()["items"]
    for item in items:
        found: dict[str, Any] = console.api(f"/v1/achievements/{item['id']}", Role.AUDITOR).json()
        status = console.api(f"/v1/achievements/{item['id']}/pledge-status", Role.BANK).json()
        if found.get("owners") and not found.get("patents") and not status["pledged"]:
            return {**found, "as_of": status["as_of"]}
    raise AssertionError("the demo has no unpledged achievement without patents")


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

"""Each role's main task in the web console, in a real browser, asserting on what it shows."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from domain.access import Role
from tests.browser.conftest import Console, shoot, sign_in


def test_a_bank_looks_a_pledge_up_as_of_a_date(page: Page, console: Console) -> None:
    patent = console.demo.pledged_patent_number
    known = console.api("/v1/pledge-status", Role.BANK, patent_number=patent).json()
    start = date.fromisoformat(known["pledges"][0]["start_effective"])
    sign_in(page, console, Role.BANK)
    page.get_by_role("link", name="质押查询").first.click()
    page.get_by_test_id("patent").fill(patent)
    page.get_by_test_id("as-of").fill((start - timedelta(days=1)).isoformat())
    page.get_by_test_id("lookup").click()
    expect(page.get_by_test_id("verdict")).to_contain_text("未质押")
    page.get_by_test_id("as-of").fill((start + timedelta(days=30)).isoformat())
    page.get_by_test_id("lookup").click()
    expect(page.get_by_test_id("verdict")).to_contain_text("已质押")
    expect(page.locator("table")).to_contain_text(known["pledges"][0]["pledgee_name"])
    shoot(page, "bank-pledge-lookup")


def test_a_bank_sees_its_book_and_alerts_but_not_the_integrity_desk(page: Page,
                                                                    console: Console) -> None:
    sign_in(page, console, Role.BANK)
    page.goto(f"{console.base}/console/bank/pledges?bank_id={console.demo.bank_id}")
    expected = console.api(f"/v1/banks/{console.demo.bank_id}/pledges", Role.BANK).json()
    expect(page.get_by_test_id("exposure")).to_have_text(f"¥{expected['exposure']}")
    shoot(page, "bank-active-pledges")
    page.goto(f"{console.base}/console/bank/alerts")
    expect(page.get_by_test_id("alerts")).to_be_visible()
    shoot(page, "bank-alerts")
    answer = page.goto(f"{console.base}/console/integrity/parties/{console.demo.bank_id}")
    assert answer is not None and answer.status == 403
    expect(page.get_by_test_id("error")).to_contain_text("无权访问")


def test_an_auditor_traces_an_achievement_and_downloads_its_receipt(
        page: Page, console: Console, tmp_path: Path) -> None:
    achievement = console.demo.library_achievement_id
    api = console.api(f"/v1/achievements/{achievement}/timeline", Role.AUDITOR).json()
    sign_in(page, console, Role.AUDITOR)
    page.get_by_role("link", name="可转化成果库").first.click()
    page.get_by_test_id("grade").select_option("A")
    page.get_by_role("button", name="搜索").click()
    page.locator(f"a[href='/console/achievements/{achievement}']").click()
    steps = page.get_by_test_id("timeline").locator("li")
    expect(steps).to_have_count(len(api["entries"]))
    shown = [int(p) for p in steps.evaluate_all("els => els.map(e => e.dataset.position)")]
    assert shown == [e["position"] for e in api["entries"]]
    first = api["entries"][0]
    expect(steps.first).to_contain_text(f"#{first['position']}")
    expect(steps.first).to_contain_text(first["effective_date"])
    expect(steps.first).to_contain_text(first["actor"])
    shoot(page, "auditor-timeline", full_page=False)
    with page.expect_download() as download:
        page.get_by_test_id("receipt").click()
    saved = tmp_path / "receipt.json"
    download.value.save_as(saved)
    receipt = json.loads(saved.read_text())
    assert receipt["question"]["id"] == str(achievement)
    assert [e["position"] for e in receipt["answer"]["entries"]] == shown
    assert receipt["signature"] and receipt["checkpoint"]


def test_an_auditor_sees_the_blacklist_and_a_party_record(page: Page, console: Console) -> None:
    expected = console.api("/v1/integrity/blacklist", Role.AUDITOR, as_of="2026-11-20").json()
    assert expected["count"] > 0
    sign_in(page, console, Role.AUDITOR)
    page.get_by_role("link", name="黑名单").first.click()
    page.get_by_test_id("as-of").fill("2026-11-20")
    page.get_by_test_id("apply").click()
    rows = page.get_by_test_id("blacklist").locator("tbody tr")
    expect(rows).to_have_count(expected["count"])
    expect(rows.first).to_contain_text(expected["items"][0]["name"])
    shoot(page, "integrity-blacklist")
    rows.first.get_by_role("link").click()
    expect(page.get_by_test_id("party-name")).to_have_text(expected["items"][0]["name"])


def test_an_exchange_operator_cannot_reach_the_bank_desk(page: Page, console: Console) -> None:
    sign_in(page, console, Role.EXCHANGE_OPERATOR)
    expect(page.locator("nav.menu")).not_to_contain_text("在押质押与敞口")
    answer = page.goto(f"{console.base}/console/bank/pledges")
    assert answer is not None and answer.status == 403
    expect(page.get_by_test_id("error")).to_contain_text("exchange_operator")
    shoot(page, "forbidden")


def test_sign_out_and_a_bad_key(page: Page, console: Console) -> None:
    page.goto(f"{console.base}/console/login")
    page.get_by_test_id("key").fill("tl_not-a-key")
    page.get_by_test_id("sign-in").click()
    expect(page.get_by_test_id("login-error")).to_have_text("API 密钥无效或已吊销。")
    shoot(page, "sign-in-error")
    sign_in(page, console, Role.REGISTRAR)
    page.get_by_test_id("lang").click()
    expect(page.get_by_test_id("sign-out")).to_have_text("Sign out")
    page.get_by_test_id("sign-out").click()
    page.wait_for_url("**/console/login")
    page.goto(f"{console.base}/console/achievements")
    expect(page.get_by_test_id("sign-in")).to_be_visible()


def test_pages_fit_a_phone(page: Page, console: Console) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, console, Role.AUDITOR)
    page.goto(f"{console.base}/console/achievements/{console.demo.library_achievement_id}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    shoot(page, "phone-timeline", full_page=False)


def test_a_registrar_filters_the_registry_by_field_region_and_subtype(page: Page,
                                                                      console: Console) -> None:
    asked = {"field": "电子信息", "region": "130000", "hefei_subtype": "applied_research"}
    expected = console.api("/v1/achievements", Role.REGISTRAR, **asked).json()
    everything = console.api("/v1/achievements", Role.REGISTRAR).json()["total"]
    assert 0 < expected["total"] < everything
    sign_in(page, console, Role.REGISTRAR)
    page.get_by_role("link", name="成果登记").first.click()
    page.get_by_test_id("field").select_option("电子信息")
    page.get_by_test_id("region").select_option("130000")
    page.get_by_test_id("subtype").select_option("applied_research")
    page.get_by_test_id("search").click()
    expect(page.get_by_test_id("total")).to_have_text(f"共 {expected['total']} 条")
    rows = page.get_by_test_id("results").locator("tbody tr")
    shown = rows.evaluate_all("els => els.map(e => e.dataset.id)")
    assert shown == [a["id"] for a in expected["items"]]
    expect(page.get_by_test_id("region")).to_have_value("130000")  # the form keeps the question
    shoot(page, "registry-filters", full_page=False)

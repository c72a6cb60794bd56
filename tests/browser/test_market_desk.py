"""The market desk (技术需求与对接) in a real browser: an exchange operator finds a 新能源
demand, sees the API's ranked candidates with why each matched, sees the achievement pledged
without consent kept out, and introduces a candidate (对接) that the API then lists."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from domain.access import Role
from tests.browser.conftest import Console, shoot, sign_in


def demand_titled(console: Console, text: str) -> dict[str, Any]:
    found = console.api("/v1/demands", Role.AUDITOR, q=text).json()["items"]
    assert found, f"the demo has no demand about {text}"
    return dict(found[0])


def candidates(console: Console, demand_id: str) -> dict[str, Any]:
    answer = console.api(f"/v1/demands/{demand_id}/candidates", Role.REGISTRAR)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def shown_candidates(page: Page) -> list[str | None]:
    rows = page.get_by_test_id("candidates").locator("tbody tr[data-achievement]")
    return [rows.nth(i).get_attribute("data-achievement") for i in range(rows.count())]


def test_an_operator_finds_a_new_energy_demand_and_its_ranked_candidates(
        page: Page, console: Console) -> None:
    wanted = demand_titled(console, "储能")
    ranked = candidates(console, wanted["id"])
    sign_in(page, console, Role.EXCHANGE_OPERATOR)
    page.get_by_role("link", name="技术需求").first.click()
    page.get_by_test_id("q").fill("储能")
    page.get_by_test_id("search").click()
    page.get_by_role("link", name=wanted["title"]).click()
    expect(page.get_by_test_id("demand-title")).to_have_text(wanted["title"])
    assert shown_candidates(page) == [c["achievement_id"] for c in ranked["items"]]
    first = page.get_by_test_id("candidates").locator("tbody tr").first
    expect(first).to_contain_text("新能源")
    expect(first.locator("td.why")).to_contain_text("储能")
    shoot(page, "market-demand")


def test_an_achievement_pledged_without_consent_is_kept_out(page: Page, console: Console) -> None:
    demands = console.api("/v1/demands", Role.AUDITOR, page_size="100").json()["items"]
    kept = next((d for d in demands if candidates(console, d["id"])["excluded"]), None)
    assert kept is not None, "the demo has no demand whose best candidate is barred"
    barred = {x["achievement_id"] for x in candidates(console, kept["id"])["excluded"]}
    sign_in(page, console, Role.REGISTRAR)
    page.goto(f"{console.base}/console/demands/{kept['id']}")
    excluded = page.get_by_test_id("excluded")
    expect(excluded).to_contain_text("已质押且无质权人同意")
    expect(excluded.locator("td[data-reasons*=pledged_without_consent]").first).to_be_visible()
    rows = excluded.locator("tbody tr")
    assert {rows.nth(i).get_attribute("data-achievement") for i in range(rows.count())} == barred
    assert not barred & set(shown_candidates(page))


def test_an_operator_introduces_the_top_candidate(page: Page, console: Console) -> None:
    wanted = demand_titled(console, "光伏")
    top = candidates(console, wanted["id"])["items"][0]
    sign_in(page, console, Role.EXCHANGE_OPERATOR)
    page.goto(f"{console.base}/console/demands/{wanted['id']}")
    page.get_by_test_id("introduce").first.click()
    row = page.get_by_test_id("matches").locator(f"tr:has(a[href$='{top['achievement_id']}'])")
    expect(row.get_by_test_id("outcome")).to_have_text("已对接")
    listed = console.api("/v1/matches", Role.AUDITOR, demand_id=wanted["id"]).json()["items"]
    assert [m["achievement_id"] for m in listed][-1] == top["achievement_id"]


def test_an_operator_sees_which_events_produced_deals(page: Page, console: Console) -> None:
    figures = console.api("/v1/statistics/events", Role.EXCHANGE_OPERATOR).json()
    with_deal = next((i for i in figures["items"] if i["deals"] > 0), None)
    assert with_deal is not None, "the demo has no event followed by a deal"
    sign_in(page, console, Role.EXCHANGE_OPERATOR)
    page.get_by_role("link", name="路演与对接活动").first.click()
    rows = page.get_by_test_id("events").locator("tbody tr[data-event]")
    shown = {rows.nth(i).get_attribute("data-event"): rows.nth(i).get_by_test_id("deals")
             .inner_text() for i in range(rows.count())}
    assert shown == {i["event_id"]: str(i["deals"]) for i in figures["items"]}
    expect(page.get_by_test_id("turnover-total")).to_have_text(figures["turnover"])
    shoot(page, "events-statistics")
    page.get_by_role("link", name=with_deal["title"]).click()
    expect(page.get_by_test_id("event-title")).to_have_text(with_deal["title"])
    detail = console.api(f"/v1/market-events/{with_deal['event_id']}", Role.AUDITOR).json()
    deals = page.get_by_test_id("follow-on").locator("tbody tr[data-contract]")
    assert [deals.nth(i).get_attribute("data-contract") for i in range(deals.count())] == \
        [c["contract_id"] for c in detail["follow_on"]["contracts"]]
    expect(page.get_by_test_id("follow-on-rule")).to_contain_text(
        detail["follow_on"]["policy"]["version"])
    shoot(page, "event-deals")

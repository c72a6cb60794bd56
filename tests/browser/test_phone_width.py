"""The market, events and pledge pages on a phone (390 px wide, as the issue asks besides
1280 px): nothing scrolls sideways except a table inside its own scroll box, and the main heading
shows; the same pages in English show no console word as its raw key (the translator shows an
unknown key as itself)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from domain.access import Role
from tests.browser.conftest import Console, shoot, sign_in

PHONE: ViewportSize = {"width": 390, "height": 844}
# A console word key as the templates name it (`f_budget_min`, `barrier_pledged_without_consent`)
# or a code meant to be shown through one: the shape an untranslated word takes on the page.
RAW_KEY = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
SEPARATORS = re.compile(r"[\s;:,、·()（）：]+")  # between the words a cell joins
LABELS = "h1, h2, h3, th, td, dt, dd, li, label, legend, button, nav a, p, option"


@pytest.fixture(scope="module")
def new_pages(console: Console) -> dict[str, str]:
    """The pages added with the market, events and bank desks, on demo records that fill them:
    a demand with an achievement kept out, an event followed by deals, a bank's pledge."""
    demands = console.api("/v1/demands", Role.AUDITOR, page_size="100").json()["items"]
    kept_out = next(c for c in (console.api(f"/v1/demands/{d['id']}/candidates",
                                            Role.REGISTRAR).json() for d in demands)
                    if c["excluded"])
    events = console.api("/v1/statistics/events", Role.AUDITOR).json()["items"]
    with_deal = next(e for e in events if e["deals"] > 0)
    pledges = console.api(f"/v1/banks/{console.demo.bank_id}/pledges", Role.AUDITOR).json()
    achievement = console.demo.library_achievement_id
    return {
        "demands": "/console/demands", "demand": f"/console/demands/{kept_out['demand_id']}",
        "achievement-demands": f"/console/achievements/{achievement}/demands",
        "barred-achievement-demands":
            f"/console/achievements/{kept_out['excluded'][0]['achievement_id']}/demands",
        "events": "/console/events", "event": f"/console/events/{with_deal['event_id']}",
        "pledge": f"/console/bank/pledges/{pledges['pledges'][0]['pledge_id']}",
    }


def overflow(page: Page) -> list[str]:
    """Elements that reach past the viewport's right edge, outside any scroll box."""
    found: list[str] = page.evaluate("""() => {
      const inBox = el => el.closest('.scroll') !== null;
      return [...document.querySelectorAll('body *')]
        .filter(el => !inBox(el) && el.getBoundingClientRect().right > window.innerWidth + 1)
        .map(el => el.tagName + (el.dataset.testid ? '#' + el.dataset.testid : '')
                   + ' ' + Math.round(el.getBoundingClientRect().right));
    }""")
    return found


@pytest.mark.parametrize("name", ["demands", "demand", "achievement-demands", "events", "event",
                                  "pledge"])
def test_a_new_page_fits_a_phone(page: Page, console: Console, new_pages: dict[str, str],
                                 name: str) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, console, Role.EXCHANGE_OPERATOR)  # sees the pages' forms too
    page.goto(f"{console.base}{new_pages[name]}")
    expect(page.locator("main h1")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{name} scrolls sideways ({width}px): {overflow(page)}"
    assert overflow(page) == []
    if name == "demand":
        shoot(page, "phone-demand", full_page=False)


def test_the_new_pages_in_english_show_no_raw_word_key(page: Page, console: Console,
                                                       new_pages: dict[str, str]) -> None:
    sign_in(page, console, Role.EXCHANGE_OPERATOR)
    page.get_by_test_id("lang").click()
    expect(page.get_by_test_id("sign-out")).to_have_text("Sign out")
    for name, path in new_pages.items():
        page.goto(f"{console.base}{path}")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        texts = page.locator(LABELS).all_inner_texts()
        raw = [w for s in texts for w in SEPARATORS.split(s) if RAW_KEY.match(w)]
        assert raw == [], f"{name} shows untranslated word keys: {raw}"

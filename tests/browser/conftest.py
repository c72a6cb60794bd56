"""A real `techledger serve` on the demo data set, and Debian's chromium driven by Playwright
(`playwright install` cannot download here, so the system browser is launched by path). Both are
package-scoped: they end with these tests, not with the whole run."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from api.demo_data import DemoSummary, load_demo
from domain.access import Role
from services.ledger import Ledger
from services.settings import Settings
from tests.integration.server import free_port, start_server

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@dataclass(frozen=True)
class Console:
    base: str
    keys: dict[Role, str]
    demo: DemoSummary

    def api(self, path: str, role: Role, **params: str) -> httpx.Response:
        return httpx.get(f"{self.base}{path}", params=params, timeout=30,
                         headers={"Authorization": f"Bearer {self.keys[role]}"})


@pytest.fixture(scope="package")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    data = tmp_path_factory.mktemp("console")
    with Ledger(Settings(data_dir=data, group_commit=False)) as ledger:
        demo = load_demo(ledger)
        keys = {role: ledger.issue_api_key(role, f"console {role.value}") for role in Role}
        head = int(ledger.recorder.max_notification_id() or 0)
    port = free_port()
    server: subprocess.Popen[bytes] = start_server(data, port, log=data / "serve.log")
    try:
        ready = Console(f"http://127.0.0.1:{port}", keys, demo)
        # the views catch up with the demo before any page is read
        caught_up = ready.api("/v1/integrity/blacklist", Role.AUDITOR,
                              wait_for_position=str(head))
        assert caught_up.status_code == 200, caught_up.text
        yield ready
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install chromium (see .ci/run)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS,
                                              headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def sign_in(page: Page, console: Console, role: Role) -> None:
    page.goto(f"{console.base}/console/login")
    page.get_by_test_id("key").fill(console.keys[role])
    page.get_by_test_id("sign-in").click()
    page.wait_for_url(f"{console.base}/console")


def shoot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Screenshots for the README (docs/screenshots); long pages only down to the fold."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

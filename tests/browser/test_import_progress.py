"""The exchange desk's upload follows the rows being imported, not only the bytes sent: the
page shows a row count between none and all before the report, whose counts are the API's."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from domain.access import Role
from tests.browser.conftest import Console, shoot, sign_in
from tests.browser.test_exchange_and_statistics import HEADER, a_demo_contract

ROWS = 10_000  # the operator's ten thousand contracts: ~1.1 MB, over the 1 MiB general limit
# Every state text the page shows, kept by the page itself: polls come and go faster than a
# test could read them one by one.
RECORD_STATES = """() => {
  const state = document.querySelector("[data-testid=upload-state]");
  window.seenStates = [];
  new MutationObserver(() => window.seenStates.push(state.textContent))
    .observe(state, {childList: true, characterData: true, subtree: true});
}"""


def test_the_bar_follows_the_rows_imported_then_shows_the_report(
        page: Page, console: Console, tmp_path: Path) -> None:
    c = a_demo_contract(console)
    upload = tmp_path / "many-contracts.csv"
    # consulting contracts: the other upload test lists the service contracts of that day
    lines = [f"BT-PROG-{n},技术咨询（进度测试）,consulting,{c['seller_id']},{c['buyer_id']},"
             f"1000.00,{'2000.00' if n % 500 == 0 else '800.00'},{c['signed_on']},{c['field']},"
             f"{c['exchange_id']}" for n in range(1, ROWS + 1)]
    upload.write_text("\n".join([HEADER, *lines]) + "\n")
    sign_in(page, console, Role.EXCHANGE_OPERATOR)
    page.goto(f"{console.base}/console/exchange")
    page.evaluate(RECORD_STATES)
    page.get_by_test_id("file").set_input_files(str(upload))
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.get_by_test_id("upload").click()
    summary = page.get_by_test_id("import-summary")
    expect(summary).to_contain_text(f"共 {ROWS} 行", timeout=120_000)
    expect(page.get_by_test_id("progress")).to_have_attribute("value", "100")
    expect(page.get_by_test_id("upload-state")).to_have_text(f"已导入 {ROWS} / {ROWS} 行")
    shoot(page, "exchange-import-progress", full_page=False)
    seen = page.evaluate("window.seenStates")
    counts = [int(m.group(1)) for s in seen if (m := re.fullmatch(rf"已导入 (\d+) / {ROWS} 行", s))]
    assert any(0 < n < ROWS for n in counts), f"no intermediate row count among {seen}"
    assert counts == sorted(counts)
    job_ids = {m.group(1) for url in asked
               if (m := re.search(r"/console/exchange/imports/([0-9a-f-]{36})/report$", url))}
    assert len(job_ids) == 1, asked  # the page fetched one job's report
    job = console.api(f"/v1/imports/jobs/{job_ids.pop()}", Role.EXCHANGE_OPERATOR).json()
    report = job["report"]
    assert job["state"] == "done" and report["rows"] == ROWS
    shown = {k: summary.get_attribute(f"data-{k}") for k in ("rows", "created", "replayed",
                                                              "rejected")}
    assert shown == {"rows": str(report["rows"]), "created": str(report["created"]),
                     "replayed": str(report["replayed"]),
                     "rejected": str(len(report["rejected"]))}
    assert len(report["rejected"]) == ROWS // 500
    expect(page.get_by_test_id("rejected").locator("tbody tr")).to_have_count(ROWS // 500)

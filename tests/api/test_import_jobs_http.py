"""Bulk imports as jobs over HTTP, on SQLite and PostgreSQL: `Prefer: respond-async` gives 202
and a job to poll to its report, visible only to its actor; without it the import answers as
it always did."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain.access import Role
from services.ledger import Ledger
from services.settings import Settings
from tests.api.test_console_http import csrf_of, sign_in
from tests.api.test_http import Api
from tests.service.test_bulk_import import HEADER, world

ROWS = 1200


@dataclass(frozen=True)
class Desk:
    api: Api
    other: str  # a second exchange operator's key: another actor
    data: bytes

    def headers(self, key: str | None = None, **more: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.api.keys[Role.EXCHANGE_OPERATOR]}",
                "Content-Type": "text/csv", **more}


@pytest.fixture
def desk(store_settings: Settings) -> Iterator[Desk]:
    with Ledger(store_settings) as ledger:
        keys = {role: ledger.issue_api_key(role, f"test {role.value}") for role in Role}
        other = ledger.issue_api_key(Role.EXCHANGE_OPERATOR, "另一交易机构")
        seller, buyer, exchange, _ = world(ledger)
    lines = [f"API-{n},技术服务合同,service,,{seller},{buyer},,100.00,"
             f"{'200.00' if n % 100 == 0 else '80.00'},2026-05-01,新材料,{exchange},"
             for n in range(1, ROWS + 1)]
    with TestClient(create_app(store_settings)) as client:
        yield Desk(Api(client, keys), other, (HEADER + "\n".join(lines) + "\n").encode())


def poll(desk: Desk, location: str, key: str | None = None) -> list[dict[str, Any]]:
    """Every answer of the job until it is no longer running (bounded by a deadline)."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        answer = desk.api.client.get(location, headers=desk.headers(key))
        assert answer.status_code == 200, answer.text
        seen.append(answer.json())
        if seen[-1]["state"] != "running":
            return seen
        time.sleep(0.05)
    raise AssertionError(f"job still running after 120 s: {seen[-1]}")


def test_respond_async_answers_202_and_the_job_reaches_its_report(desk: Desk) -> None:
    started = desk.api.client.post("/v1/imports/contracts", content=desk.data,
                                   headers=desk.headers(Prefer="respond-async, wait=10"))
    assert started.status_code == 202, started.text
    job = started.json()
    assert started.headers["Location"] == f"/v1/imports/jobs/{job['id']}"
    assert started.headers["Preference-Applied"] == "respond-async"
    assert (job["state"], job["total"], job["done"]) == ("running", ROWS, 0)
    seen = poll(desk, started.headers["Location"])
    done = [s["done"] for s in seen]
    assert done == sorted(done)  # never backwards
    final = seen[-1]
    assert final["state"] == "done" and final["message"] is None
    report = final["report"]
    assert (report["rows"], report["created"], len(report["rejected"])) == (ROWS, 1188, 12)
    assert (final["done"], final["accepted"], final["rejected"]) == (ROWS, 1188, 12)
    assert report["rejected"][0]["line"] == 101


def test_a_job_is_visible_only_to_its_actor(desk: Desk) -> None:
    started = desk.api.client.post("/v1/imports/contracts", content=desk.data,
                                   headers=desk.headers(Prefer="respond-async"))
    location = started.headers["Location"]
    for key in (desk.other, desk.api.keys[Role.REGISTRAR]):
        hidden = desk.api.client.get(location, headers=desk.headers(key))
        assert (hidden.status_code, hidden.json()["code"]) == (404, "import_job_not_found")
    bank = desk.api.client.get(location, headers=desk.headers(desk.api.keys[Role.BANK]))
    assert bank.status_code == 403
    unknown = desk.api.client.get("/v1/imports/jobs/nope", headers=desk.headers())
    assert unknown.status_code == 404
    assert poll(desk, location)[-1]["state"] == "done"


def test_without_the_preference_the_import_answers_its_report_at_once(desk: Desk) -> None:
    answer = desk.api.client.post("/v1/imports/contracts", content=desk.data,
                                  headers=desk.headers(Prefer="return=minimal"))
    assert answer.status_code == 200 and "Preference-Applied" not in answer.headers
    report = answer.json()
    assert set(report) == {"rows", "created", "replayed", "rejected", "last_position"}
    assert (report["rows"], report["created"], len(report["rejected"])) == (ROWS, 1188, 12)
    again = desk.api.client.post("/v1/imports/contracts", content=desk.data,
                                 headers=desk.headers(Prefer="respond-async"))
    final = poll(desk, again.headers["Location"])[-1]["report"]
    assert (final["created"], final["replayed"]) == (0, 1188)  # a job is idempotent too


def test_the_console_starts_a_job_polls_it_and_shows_its_report(desk: Desk) -> None:
    client = desk.api.client
    sign_in(desk.api, Role.EXCHANGE_OPERATOR)
    token = csrf_of(client.get("/console/exchange").text)
    started = client.post("/console/exchange/imports", content=desk.data,
                          headers={"X-CSRF-Token": token, "X-Filename": "contracts.csv"})
    assert started.status_code == 202, started.text
    job_id, total = started.json()["id"], started.json()["total"]
    assert total == ROWS
    deadline = time.monotonic() + 120
    while (progress := client.get(f"/console/exchange/imports/{job_id}").json())[
            "state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (progress["state"], progress["done"], progress["rejected"]) == ("done", ROWS, 12)
    report = client.get(f"/console/exchange/imports/{job_id}/report")
    assert report.status_code == 200 and 'data-created="1188"' in report.text
    api_view = client.get(f"/v1/imports/jobs/{job_id}", headers=desk.headers()).json()
    assert api_view["report"]["created"] == 1188  # the API sees the console's job: same actor
    sign_in(desk.api, Role.REGISTRAR)
    assert client.get(f"/console/exchange/imports/{job_id}").status_code == 404
    assert client.get(f"/console/exchange/imports/{job_id}/report").status_code == 404


def test_the_desks_upload_has_the_import_limit_and_over_it_a_413_problem(
        desk: Desk, store_settings: Settings) -> None:
    """The exchange desk's upload gets the import body limit (not the 1 MiB of other requests);
    over it, declared or streamed, the script gets a 413 problem naming the limit."""
    limit = len(desk.data)
    settings = store_settings.model_copy(update={"max_body_bytes": 1024,
                                                 "import_max_body_bytes": limit})
    with TestClient(create_app(settings)) as client:
        api = Api(client, desk.api.keys)
        sign_in(api, Role.EXCHANGE_OPERATOR)
        headers = {"X-CSRF-Token": csrf_of(client.get("/console/exchange").text),
                   "X-Filename": "contracts.csv"}
        started = client.post("/console/exchange/imports", content=desk.data, headers=headers)
        assert started.status_code == 202, started.text
        poll(desk, f"/v1/imports/jobs/{started.json()['id']}")  # let it end before the store
        too_large = desk.data + b"\n"
        for refused in (client.post("/console/exchange/imports", content=too_large,
                                    headers=headers),
                        client.post("/console/exchange/imports", headers=headers,
                                    content=iter([too_large[:limit], b"\n"]))):
            assert refused.status_code == 413
            assert refused.headers["content-type"] == "application/problem+json"
            problem = refused.json()
            assert (problem["code"], problem["limit_bytes"]) == ("body_too_large", limit)
            assert f"{limit} bytes" in problem["detail"]
        elsewhere = client.post("/console/exchange/imports-x", content=b"x" * 2048,
                                headers=headers)
        assert elsewhere.status_code == 413  # only the upload itself has the larger limit

"""SIGKILL the server mid-import-job: after a restart the job reads `interrupted`, and sending
the file again registers the rest without registering any contract twice."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import httpx

from domain.access import Role
from services.ledger import Ledger
from services.settings import Settings
from tests.integration.server import free_port, start_server
from tests.service.test_bulk_import import HEADER, world

ROWS = 6000
STALE = {"TECHLEDGER_IMPORT_JOB_STALE_S": "2"}  # so the test need not wait a minute


def until(check: Any, seconds: float) -> Any:
    """Poll `check()` until it returns something truthy (bounded by a deadline)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.05)
    raise AssertionError(f"not reached within {seconds} s")


def test_a_job_killed_mid_import_reads_interrupted_and_a_resend_duplicates_nothing(
        tmp_path: Path) -> None:
    with Ledger(Settings(data_dir=tmp_path)) as ledger:
        key = ledger.issue_api_key(Role.EXCHANGE_OPERATOR, "crash test")
        seller, buyer, exchange, _ = world(ledger)
    data = (HEADER + "\n".join(
        f"K-{n},技术服务合同,service,,{seller},{buyer},,100.00,80.00,2026-05-01,新材料,{exchange},"
        for n in range(1, ROWS + 1)) + "\n").encode()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "text/csv"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(tmp_path, port, env=STALE)
    started = httpx.post(f"{base}/v1/imports/contracts", content=data, timeout=30,
                         headers={**headers, "Prefer": "respond-async"})
    location = base + started.headers["Location"]

    def midway() -> dict[str, Any] | None:
        job: dict[str, Any] = httpx.get(location, headers=headers, timeout=10).json()
        assert job["state"] == "running", "the import finished before the kill"
        return job if job["done"] > 0 else None

    at_kill = until(midway, 60)
    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=10)

    server = start_server(tmp_path, port, env=STALE)
    try:
        job = until(lambda: (j := httpx.get(location, headers=headers, timeout=10).json())[
            "state"] == "interrupted" and j, 30)
        assert job["done"] >= at_kill["done"] and job["done"] < ROWS
        assert "send the file again" in job["message"] and job["report"] is None
        resent = httpx.post(f"{base}/v1/imports/contracts", content=data, headers=headers,
                            timeout=120).json()
        assert resent["created"] + resent["replayed"] == ROWS and not resent["rejected"]
        assert resent["replayed"] >= job["accepted"] > 0  # what landed before the kill
        listed = httpx.get(f"{base}/v1/contracts", headers=headers, timeout=30, params={
            "page_size": 1, "wait_for_position": resent["last_position"]}).json()
        assert listed["total"] == ROWS  # each contract number registered once
    finally:
        server.terminate()
        server.wait(timeout=30)

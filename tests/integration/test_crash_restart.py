"""SIGKILL the server mid-load: no acknowledged command is lost or duplicated after restart."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

import httpx

from domain.access import Role
from services.ledger import Ledger
from services.settings import Settings
from tests.factories import university
from tests.integration.server import free_port, post, start_server

TOTAL = 240


def load_until_killed(base: str, key: str, owner: str, process: subprocess.Popen[bytes]
                      ) -> dict[int, dict[str, Any]]:
    """8 clients post registrations; after 60 acknowledgements the server gets SIGKILL."""
    acked: dict[int, dict[str, Any]] = {}
    lock = threading.Lock()

    def client(start: int) -> None:
        for n in range(start, TOTAL, 8):
            try:
                response = post(base, key, owner, n)
            except httpx.TransportError:
                return  # the server is gone
            if response.status_code == 201:
                with lock:
                    acked[n] = response.json()
                    if len(acked) == 60:
                        os.kill(process.pid, signal.SIGKILL)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    process.wait(timeout=10)
    return acked


def test_sigkill_mid_load_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    with Ledger(Settings(data_dir=tmp_path)) as ledger:
        key = ledger.issue_api_key(Role.REGISTRAR, "crash test")
        owner = str(university(ledger))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    acked = load_until_killed(base, key, owner, start_server(tmp_path, port))
    assert 60 <= len(acked) < TOTAL, "the kill must land mid-load"

    server = start_server(tmp_path, port)
    try:
        # Clients retry everything they sent with the same keys, acknowledged or not.
        final = {n: post(base, key, owner, n) for n in range(TOTAL)}
        assert {r.status_code for r in final.values()} == {201}
        for n, first in acked.items():
            again = final[n].json()
            assert (again["id"], again["registration_number"], again["replayed"]) == (
                first["id"], first["registration_number"], True)
        numbers = sorted(int(r.json()["registration_number"][-5:]) for r in final.values())
        assert numbers == list(range(1, TOTAL + 1))
        head = max(r.json()["position"] for r in final.values())
        page = httpx.get(f"{base}/v1/achievements", timeout=30,
                         headers={"Authorization": f"Bearer {key}"}, params={
            "wait_for_position": head, "page_size": 1, "q": "崩溃测试"}).json()
        assert page["total"] == TOTAL
    finally:
        server.terminate()
        server.wait(timeout=10)

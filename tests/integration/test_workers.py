"""`techledger serve --workers 2`: two processes write one ledger and keep its rules."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from domain.access import Role
from services.ledger import Ledger
from services.settings import Settings
from tests.factories import university
from tests.integration.server import free_port, post, start_server

TOTAL = 80


def children(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_two_worker_processes_number_consecutively_and_replay_once(tmp_path: Path) -> None:
    with Ledger(Settings(data_dir=tmp_path)) as ledger:
        key = ledger.issue_api_key(Role.REGISTRAR, "workers test")
        owner = str(university(ledger))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(tmp_path, port, "--workers", "2")
    try:
        assert len(children(server.pid)) >= 2, "uvicorn should run two worker processes"
        with ThreadPoolExecutor(16) as pool:
            first = list(pool.map(lambda n: post(base, key, owner, n), range(TOTAL)))
            again = list(pool.map(lambda n: post(base, key, owner, n), range(TOTAL)))
        assert {r.status_code for r in first + again} == {201}
        assert sorted(int(r.json()["registration_number"][-5:]) for r in first) == list(
            range(1, TOTAL + 1))
        assert [r.json()["id"] for r in again] == [r.json()["id"] for r in first]
        assert all(r.json()["replayed"] for r in again)
        head = max(r.json()["position"] for r in first)
        for _ in range(4):  # each request may land on either worker's views follower
            page = httpx.get(f"{base}/v1/achievements", timeout=30,
                             headers={"Authorization": f"Bearer {key}"}, params={
                "wait_for_position": head, "page_size": 1, "q": "崩溃测试"}).json()
            assert page["total"] == TOTAL
    finally:
        server.terminate()
        server.wait(timeout=10)

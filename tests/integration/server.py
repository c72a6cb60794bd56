"""Run `techledger serve` as a real subprocess for end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path, port: int, *options: str, env: Mapping[str, str] | None = None,
                 log: Path | None = None) -> subprocess.Popen[bytes]:
    """`techledger serve` in a subprocess, returned once it answers /v1/health.

    `env` adds variables (e.g. TECHLEDGER_DATABASE_URL); `log` receives its stderr."""
    environment = {**os.environ, "TECHLEDGER_DATA_DIR": str(data_dir), **(env or {})}
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port), *options]
    with contextlib.ExitStack() as stack:
        stderr = stack.enter_context(log.open("wb")) if log else subprocess.DEVNULL
        process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL,
                                   stderr=stderr)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    process.wait()
    raise AssertionError("server did not start" + (f"; see {log}" if log else ""))


def body(owner: str, n: int) -> dict[str, Any]:
    return {"registry_code": "1306", "title": f"崩溃测试成果{n}", "category": "applied_technology",
            "owner_ids": [owner], "completers": [{"name": "赵磊"}], "field": "电子信息",
            "keywords": ["测试"], "funding": {"fiscal": False}, "maturity_stage": "pilot"}


def post(base: str, key: str, owner: str, n: int) -> httpx.Response:
    """Register achievement `n` with the idempotency key `crash-{n}`."""
    return httpx.post(f"{base}/v1/achievements", json=body(owner, n), timeout=10,
                      headers={"Authorization": f"Bearer {key}", "Idempotency-Key": f"crash-{n}"})

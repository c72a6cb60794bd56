"""Fixtures of the HTTP tests: an app on SQLite with a key per role, and a small market."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain.access import Role
from services.ledger import Ledger
from services.settings import Settings
from tests.api.test_http import Api
from tests.api.test_trades_http import Market


@pytest.fixture
def api(sqlite_settings: Settings) -> Iterator[Api]:
    with Ledger(sqlite_settings) as ledger:
        keys = {role: ledger.issue_api_key(role, f"test {role.value}") for role in Role}
    with TestClient(create_app(sqlite_settings)) as client:
        yield Api(client, keys)


@pytest.fixture
def market(api: Api) -> Market:
    return Market(api)

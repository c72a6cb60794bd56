"""Fixtures of the HTTP tests: an app on SQLite with a key per role, and a small market."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.settings import Settings
from tests.api.test_http import Api, api_on
from tests.api.test_trades_http import Market


@pytest.fixture
def api(sqlite_settings: Settings) -> Iterator[Api]:
    with api_on(sqlite_settings) as opened:
        yield opened


@pytest.fixture
def market(api: Api) -> Market:
    return Market(api)

"""The web console at /console: server-rendered pages (Jinja2) over the same views, commands
and roles as the API, in Simplified Chinese with an English switch."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.console import (
    pages_auth,
    pages_bank,
    pages_bank_desk,
    pages_events,
    pages_exchange,
    pages_integrity,
    pages_market,
    pages_registry,
    pages_statistics,
)
from api.console.access import PageForbidden, SignInRequired
from api.console.render import on_forbidden, on_sign_in_required
from api.console.session import Sealer


def install(app: FastAPI, secret: str | None) -> None:
    """Mount the console's pages and static files on `app`."""
    app.state.console_sealer = Sealer(secret)
    for module in (pages_auth, pages_registry, pages_bank, pages_bank_desk, pages_integrity,
                   pages_exchange, pages_market, pages_events, pages_statistics):
        app.include_router(module.router)
    app.mount("/console/static", StaticFiles(directory=Path(__file__).parent / "static"),
              name="console-static")
    app.add_exception_handler(SignInRequired, on_sign_in_required)
    app.add_exception_handler(PageForbidden, on_forbidden)

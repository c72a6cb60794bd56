"""The FastAPI application: routers, problem+json errors, body limit, lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import console, demand_expiry, problems
from api.auth import KeyCache
from api.limits import BodyLimit
from api.routers import (
    achievements,
    contract_registration,
    contracts,
    demands,
    evaluations,
    imports,
    integrity,
    library,
    market_events,
    parties,
    pledges,
    post_evaluation,
    projects,
    public,
    statistics,
    system,
    tracing,
    transparency,
    valuations,
)
from api.runtime import Runtime
from projections import matching_index
from services.settings import Settings, get_settings

DESCRIPTION = """
techledger — 科技成果与技术市场账本. An event-sourced ledger for a regional technology market.
Send an API key as `Authorization: Bearer <key>`. Errors are RFC 9457 problem+json with a
stable `code`. Writes return a ledger `position`; pass it as `wait_for_position` to a read.
"""


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Build the app; it opens (and closes) its own runtime unless one is given."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = runtime is None
        app.state.runtime = runtime or Runtime.open(settings)
        app.state.keys = KeyCache(settings.key_cache_ttl_s)
        matching_index.warm_in_background(app.state.runtime.views)
        sweeper = demand_expiry.start_for(app.state.runtime)  # None when switched off
        try:
            yield
        finally:
            if sweeper is not None:
                sweeper.stop()
            if own:
                app.state.runtime.close()

    app = FastAPI(title="techledger", version="0.1.0", description=DESCRIPTION,
                  lifespan=lifespan)
    problems.install(app)
    for module in (system, parties, projects, achievements, evaluations, library, imports,
                   contracts, contract_registration, pledges, statistics, valuations, integrity,
                   tracing, post_evaluation, transparency, demands, market_events,
                   public):
        app.include_router(module.router)
    console.install(app, settings.console_secret)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes,
                       import_max_bytes=settings.import_max_body_bytes)
    return app


def app_factory() -> FastAPI:
    """Entry point for `uvicorn --factory` (used with several workers)."""
    return create_app()

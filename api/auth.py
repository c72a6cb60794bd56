"""API keys mapped to roles. Each endpoint declares the roles it admits."""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool

from api.problems import ApiProblem
from domain.access import Role
from services.handlers.access import Principal
from services.ledger import Ledger


class KeyCache:
    """Recently checked keys; revocation takes effect within the TTL."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def cached(self, key: str) -> tuple[bool, Principal | None]:
        """(hit, principal): a hit needs no ledger read."""
        with self._lock:
            hit = self._entries.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return True, hit[1]
        return False, None

    def load(self, ledger: Ledger, key: str) -> Principal | None:
        principal = ledger.principal_for(key)
        with self._lock:
            self._entries[key] = (time.monotonic() + self.ttl_s, principal)
        return principal


def _presented_key(authorization: str | None, x_api_key: str | None) -> str | None:
    if x_api_key:
        return x_api_key.strip()
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


async def principal_of(request: Request, key: str) -> Principal | None:
    """The key's principal through the key cache (also the web console's sign-in check)."""
    keys: KeyCache = request.app.state.keys
    hit, principal = keys.cached(key)
    if not hit:
        # Dependencies are async so that the usual cache hit costs no threadpool hop;
        # the ledger read on a miss must not block the event loop.
        principal = await run_in_threadpool(keys.load, request.app.state.runtime.ledger, key)
    return principal


async def optional_principal(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> Principal | None:
    """The caller, or None for anonymous public reads. A wrong key is refused, not ignored."""
    key = _presented_key(authorization, x_api_key)
    if key is None:
        return None
    principal = await principal_of(request, key)
    if principal is None:
        raise ApiProblem(401, "invalid_api_key", "the API key is unknown or revoked",
                         headers={"WWW-Authenticate": "Bearer"})
    assert isinstance(principal, Principal)
    return principal


MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]


def require(*roles: Role) -> Callable[[Principal | None], Awaitable[Principal]]:
    """A dependency admitting only callers with one of `roles` (admin is always admitted)."""
    admitted = {*roles, Role.ADMIN}

    async def check(principal: MaybePrincipal) -> Principal:
        if principal is None:
            raise ApiProblem(401, "unauthenticated",
                             "send an API key as 'Authorization: Bearer <key>' or 'X-API-Key'",
                             headers={"WWW-Authenticate": "Bearer"})
        if principal.role not in admitted:
            allowed = ", ".join(sorted(r.value for r in admitted))
            raise ApiProblem(403, "forbidden",
                             f"role {principal.role.value} may not do this (allowed: {allowed})")
        return principal

    check.__name__ = f"require_{'_'.join(sorted(r.value for r in admitted))}"
    return check


ALL_ROLES = tuple(Role)
Registrar = Annotated[Principal, Depends(require(Role.REGISTRAR))]
Anyone = Annotated[Principal, Depends(require(*ALL_ROLES))]

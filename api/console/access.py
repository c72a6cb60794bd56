"""Who is looking at a console page: the session's key resolved exactly as the API resolves a
key (api.auth.principal_of), and admitted by the same role sets as the API's endpoints."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Request

from api.auth import principal_of
from api.console.session import Session, read_session
from domain.access import Role
from services.handlers.access import Principal


class SignInRequired(Exception):
    """No session key, or one that no longer resolves (revoked): back to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageForbidden(Exception):
    """The signed-in role may not open this page (the API would answer 403 too)."""

    def __init__(self, viewer: Viewer, reason: str = "forbidden_text") -> None:
        super().__init__(reason)
        self.viewer, self.reason = viewer, reason


@dataclass(frozen=True)
class Viewer:
    principal: Principal
    session: Session

    @property
    def role(self) -> Role:
        return self.principal.role

    def may(self, roles: tuple[Role, ...]) -> bool:
        return self.role is Role.ADMIN or self.role in roles


def sign_in_url(request: Request) -> str:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/console/login?next={quote(path, safe='')}"


def need(*roles: Role) -> Callable[[Request], Awaitable[Viewer]]:
    """A dependency admitting signed-in viewers with one of `roles` (admin always)."""

    async def check(request: Request) -> Viewer:
        session = read_session(request)
        principal = await principal_of(request, session.key) if session.key else None
        if principal is None:
            raise SignInRequired(sign_in_url(request))
        viewer = Viewer(principal, session)
        if not viewer.may(roles):
            raise PageForbidden(viewer)
        return viewer

    return check


def csrf_ok(session: Session, token: str | None) -> bool:
    """The form's token must be this session's (compared in constant time)."""
    return bool(token) and hmac.compare_digest(str(token), session.csrf)


"""Console sign-in and sign-out (an API key held in the session cookie), language switch, home."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import ALL_ROLES, principal_of
from api.console.access import Viewer, csrf_ok, need
from api.console.render import page
from api.console.session import Session, read_session, write_session

router = APIRouter(prefix="/console", include_in_schema=False)
Signed = Annotated[Viewer, Depends(need(*ALL_ROLES))]


def _local(path: str | None) -> str:
    """Only console paths: a `next` pointing elsewhere would make an open redirect."""
    if path and path.startswith("/console") and not path.startswith("//"):
        return path
    return "/console"


@router.get("", response_class=HTMLResponse)
async def home(request: Request, viewer: Signed) -> HTMLResponse:
    return page(request, "home.html", viewer)


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return page(request, "login.html", None, next=_local(next), error=None)


@router.post("/login", response_model=None)
async def login(request: Request, key: Annotated[str, Form(max_length=200)],
                csrf: Annotated[str, Form(max_length=100)] = "",
                next: Annotated[str, Form(max_length=2000)] = "/console") -> Response:
    session = read_session(request)
    if not csrf_ok(session, csrf):
        return page(request, "login.html", None, http_status=403, next=_local(next),
                    error="bad_csrf", session=Session.fresh(session.lang))
    principal = await principal_of(request, key.strip())
    if principal is None:
        return page(request, "login.html", None, http_status=401, next=_local(next),
                    error="bad_key")
    response = RedirectResponse(_local(next), status_code=303)
    write_session(request, response, session.signed_in(key.strip()))
    return response


@router.post("/logout", response_model=None)
async def logout(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    session = read_session(request)
    if not csrf_ok(session, csrf):
        return page(request, "login.html", None, http_status=403, next="/console", error="bad_csrf")
    response = RedirectResponse("/console/login", status_code=303)
    write_session(request, response, Session.fresh(session.lang))
    return response


@router.get("/lang/{lang}", response_model=None)
async def switch_language(request: Request, lang: str, next: str | None = None) -> Response:
    """A preference only, so a plain link switches it (nothing else changes)."""
    response = RedirectResponse(_local(next), status_code=303)
    write_session(request, response, read_session(request).with_lang(lang))
    return response

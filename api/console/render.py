"""Rendering console pages: Jinja2 templates with the viewer's words, navigation and CSRF
token; and the pages for "sign in first", "forbidden" and "not found"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.console.access import PageForbidden, SignInRequired, Viewer
from api.console.desk_forms import DESK_ROLES
from api.console.i18n import translator
from api.console.session import Session, read_session, write_session
from api.routers.contracts import REGISTRANTS
from api.routers.demands import READERS as DEMAND_READERS
from api.routers.integrity import OVERSEERS
from api.routers.pledges import INQUIRERS, SUPERVISORS
from api.routers.post_evaluation import READERS
from domain.access import Role

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
# (label, path, roles that may open it): the menu shows only what the viewer may open.
MENU: tuple[tuple[str, str, tuple[Role, ...]], ...] = (
    ("registry", "/console/achievements", tuple(Role)),
    ("library", "/console/library", tuple(Role)),
    ("pledge_lookup", "/console/bank/pledge-status", INQUIRERS),
    ("active_pledges", "/console/bank/pledges", SUPERVISORS),
    ("alerts", "/console/bank/alerts", SUPERVISORS),
    ("pledge_desk", "/console/bank/desk", DESK_ROLES),
    ("blacklist", "/console/integrity/blacklist", tuple(Role)),
    ("post_evaluation", "/console/integrity/post-evaluation", READERS),
    ("exchange_desk", "/console/exchange", REGISTRANTS),
    ("demands", "/console/demands", DEMAND_READERS),
    ("events", "/console/events", tuple(Role)),
    ("statistics", "/console/statistics", tuple(Role)),
)


def page(request: Request, template: str, viewer: Viewer | None, http_status: int = 200,
         session: Session | None = None, **context: Any) -> HTMLResponse:
    """Render `template`; the session cookie is (re)written so a first visit gets its token."""
    session = session or (viewer.session if viewer else read_session(request))
    menu = [(label, path) for label, path, roles in MENU if viewer and viewer.may(roles)]
    response = TEMPLATES.TemplateResponse(request, template, {
        "viewer": viewer, "lang": session.lang, "t": translator(session.lang),
        "csrf": session.csrf, "menu": menu, "path": request.url.path,
        "may_trace_party": bool(viewer and viewer.may(OVERSEERS)), **context,
    }, status_code=http_status)
    write_session(request, response, session)
    return response


async def on_sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return RedirectResponse(exc.next_path, status_code=303)


async def on_forbidden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageForbidden)
    return page(request, "error.html", exc.viewer, http_status=403, heading="forbidden",
                message=translator(exc.viewer.session.lang)(exc.reason,
                                                            role=exc.viewer.role.value))


def not_found(request: Request, viewer: Viewer) -> HTMLResponse:
    t = translator(viewer.session.lang)
    return page(request, "error.html", viewer, http_status=404, heading="not_found",
                message=t("not_found"))

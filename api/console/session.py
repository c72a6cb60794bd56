"""The console's session: a cookie signed with HMAC-SHA256 holding the API key, a CSRF token
and the language. HttpOnly, so page scripts never see the key; SameSite=Lax plus the token
in every form stop cross-site posts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace

import orjson
from fastapi import Request, Response

COOKIE = "tl_console"
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Session:
    csrf: str
    lang: str = "zh"
    key: str | None = None

    @classmethod
    def fresh(cls, lang: str = "zh") -> Session:
        return cls(csrf=secrets.token_urlsafe(24), lang=lang)

    def signed_in(self, key: str) -> Session:
        # A new token on sign-in: a token seen before it cannot be replayed after.
        return replace(self, key=key, csrf=secrets.token_urlsafe(24))

    def with_lang(self, lang: str) -> Session:
        return replace(self, lang=lang if lang in LANGUAGES else "zh")


class Signer:
    def __init__(self, secret: str | None) -> None:
        self._secret = (secret or secrets.token_urlsafe(32)).encode()

    def _mac(self, payload: bytes) -> str:
        digest = hmac.new(self._secret, payload, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def dumps(self, session: Session) -> str:
        payload = base64.urlsafe_b64encode(orjson.dumps(
            {"csrf": session.csrf, "lang": session.lang, "key": session.key})).decode()
        return f"{payload}.{self._mac(payload.encode())}"

    def loads(self, value: str) -> Session | None:
        payload, _, mac = value.partition(".")
        if not hmac.compare_digest(mac, self._mac(payload.encode())):
            return None
        data = orjson.loads(base64.urlsafe_b64decode(payload.encode()))
        return Session(csrf=str(data["csrf"]), lang=str(data["lang"]), key=data.get("key"))


def read_session(request: Request) -> Session:
    """The request's session, or a fresh anonymous one (unsigned or tampered cookies count
    as none)."""
    signer: Signer = request.app.state.console_signer
    value = request.cookies.get(COOKIE)
    session = signer.loads(value) if value else None
    return session or Session.fresh()


def write_session(request: Request, response: Response, session: Session) -> None:
    signer: Signer = request.app.state.console_signer
    response.set_cookie(COOKIE, signer.dumps(session), path="/console", httponly=True,
                        samesite="lax", secure=request.url.scheme == "https")

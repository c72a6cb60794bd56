"""The console's session: a cookie sealed with AES-256-GCM (authenticated encryption) holding
the API key, a CSRF token and the language. Sealed, not only signed: the cookie travels with
every request and lands in browser profiles and proxy logs, and the key inside it is a bearer
credential for the whole API. HttpOnly, so page scripts never see it; SameSite=Lax plus the
token in every form stop cross-site posts."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, replace

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi import Request, Response

COOKIE = "tl_console"
LANGUAGES = ("zh", "en")
# The format tag is also the AEAD's associated data: a value sealed for another purpose or
# format under the same secret does not open here. Earlier cookies (HMAC-signed base64, no
# tag) fail to open and count as no session, so everyone signs in once after the upgrade.
VERSION = "s2"
NONCE_BYTES = 12  # AES-GCM's standard nonce; random per cookie (2^-32 collision at 2^32 cookies)
TAG_BYTES = 16


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


def cookie_key(secret: str) -> bytes:
    """A 256-bit AES key from the console secret (HKDF-SHA256; the secret is expected to be
    random — HKDF does not stretch a guessable password)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"techledger console session cookie").derive(secret.encode())


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Sealer:
    """Seals sessions into cookie values and opens them; anything that does not open — another
    secret, a changed or cut byte, an older format — is no session at all."""

    def __init__(self, secret: str | None) -> None:
        self._aead = AESGCM(cookie_key(secret or secrets.token_urlsafe(32)))

    def dumps(self, session: Session) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        plain = orjson.dumps({"csrf": session.csrf, "lang": session.lang, "key": session.key})
        sealed = nonce + self._aead.encrypt(nonce, plain, VERSION.encode())
        return f"{VERSION}.{base64.urlsafe_b64encode(sealed).decode().rstrip('=')}"

    def loads(self, value: str) -> Session | None:
        version, _, body = value.partition(".")
        if version != VERSION:
            return None
        try:
            sealed = _b64decode(body)
            if len(sealed) < NONCE_BYTES + TAG_BYTES:
                return None
            plain = self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:],
                                       VERSION.encode())
        except (ValueError, InvalidTag):  # bad base64 (binascii.Error is one) or seal
            return None
        data = orjson.loads(plain)  # authenticated: we wrote it
        return Session(csrf=str(data["csrf"]), lang=str(data["lang"]), key=data.get("key"))


def read_session(request: Request) -> Session:
    """The request's session, or a fresh anonymous one (cookies that do not open count as
    none)."""
    sealer: Sealer = request.app.state.console_sealer
    value = request.cookies.get(COOKIE)
    session = sealer.loads(value) if value else None
    return session or Session.fresh()


def write_session(request: Request, response: Response, session: Session) -> None:
    sealer: Sealer = request.app.state.console_sealer
    response.set_cookie(COOKIE, sealer.dumps(session), path="/console", httponly=True,
                        samesite="lax", secure=request.url.scheme == "https")

"""Refuse request bodies larger than the configured limit, declared or streamed (413)."""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The uploads themselves, exactly: a prefix would also lift the limit of any later path that
# merely starts the same way (and of the jobs' small GETs, which need none).
IMPORT_PATHS = frozenset({"/v1/imports/contracts", "/console/exchange/imports"})
MIB = 1_048_576


class _TooLarge(Exception):
    pass


class BodyLimit:
    """`max_bytes` for every request, `import_max_bytes` for bulk imports (the API's and the
    exchange desk's upload)."""

    def __init__(self, app: ASGIApp, max_bytes: int, import_max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.import_max_bytes = import_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.import_max_bytes if scope["path"] in IMPORT_PATHS else self.max_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _TooLarge:
            await self._refuse(send, limit)

    async def _refuse(self, send: Send, limit: int) -> None:
        body = orjson.dumps({
            "type": "https://techledger.example/problems/body_too_large",
            "title": "请求体过大 / Request body too large", "status": 413,
            "code": "body_too_large",
            "detail": f"request bodies here are limited to {limit} bytes "
                      f"({limit / MIB:.4g} MiB); split the file or send less",
            "limit_bytes": limit,
        })
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/problem+json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

"""RFC 9457 problem details: a stable `code`, a bilingual title, a detail a person understands."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import DomainError, ErrorKind
from services.uow import ConcurrencyExhausted

PROBLEM_JSON = "application/problem+json"
STATUS_OF_KIND = {ErrorKind.INVALID: 422, ErrorKind.NOT_FOUND: 404, ErrorKind.CONFLICT: 409}
HTTP_TITLES = {
    400: ("bad_request", "请求错误", "Bad request"),
    401: ("unauthenticated", "未认证", "Authentication required"),
    403: ("forbidden", "无权限", "Forbidden for this role"),
    404: ("not_found", "未找到", "Not found"),
    405: ("method_not_allowed", "方法不允许", "Method not allowed"),
    413: ("body_too_large", "请求体过大", "Request body too large"),
    503: ("unavailable", "暂不可用", "Temporarily unavailable"),
}


class ApiProblem(Exception):
    """Raised by endpoints and dependencies for problems that are not domain rules."""

    def __init__(self, status: int, code: str, detail: str, *, zh: str | None = None,
                 en: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        _, default_zh, default_en = HTTP_TITLES.get(status, ("", "错误", "Error"))
        self.status, self.code, self.detail = status, code, detail
        self.zh, self.en = zh or default_zh, en or default_en
        self.headers = headers


def problem(request: Request | None, status: int, code: str, zh: str, en: str, detail: str,
            *, headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None
            ) -> JSONResponse:
    body = {"type": f"https://techledger.example/problems/{code}", "title": f"{zh} / {en}",
            "title_zh": zh, "title_en": en, "status": status, "code": code, "detail": detail,
            **(extra or {})}
    if request is not None:
        body["instance"] = request.url.path
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_code(errors: list[dict[str, Any]]) -> str:
    types = {e.get("type") for e in errors}
    if "json_invalid" in types:
        return "malformed_json"
    if "extra_forbidden" in types:
        return "unknown_field"
    if "missing" in types:
        return "missing_field"
    return "invalid_field"


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        context = {k: v for k, v in error.context.items() if isinstance(v, str | int | bool)}
        return problem(request, STATUS_OF_KIND[error.kind], error.code, error.title_zh,
                       error.title_en, error.detail, extra=context)

    @app.exception_handler(ApiProblem)
    async def api_problem(request: Request, error: ApiProblem) -> JSONResponse:
        return problem(request, error.status, error.code, error.zh, error.en, error.detail,
                       headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"] if p != "body"), "message": e["msg"],
             "type": e["type"]}
            for e in error.errors()
        ]
        code = _validation_code(list(error.errors()))
        if code == "malformed_json":
            return problem(request, 400, code, "JSON格式错误", "Malformed JSON",
                           "the request body is not valid JSON")
        detail = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors[:5])
        return problem(request, 422, code, "请求内容无效", "Invalid request content", detail,
                       extra={"errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code, zh, en = HTTP_TITLES.get(error.status_code, ("http_error", "错误", "Error"))
        return problem(request, error.status_code, code, zh, en, str(error.detail))

    @app.exception_handler(ConcurrencyExhausted)
    async def busy(request: Request, error: ConcurrencyExhausted) -> JSONResponse:
        return problem(request, 503, "ledger_busy", "账本繁忙", "Ledger busy, retry", str(error),
                       headers={"Retry-After": "1"})

"""Bank desk writes (质押登记, 质权人同意, 注销): each form is read into the API's own schema and
handed to the API's endpoint function, so the role, the bank-key binding (`bank_of`) and the
Ledger command are exactly POST /v1/pledges' and its steps'; a refusal shows on its form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

import orjson
from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ValidationError

from api.console.access import Viewer, csrf_ok, need
from api.console.contract_form import MESSAGES
from api.console.i18n import translator
from api.console.render import page
from api.console.views import read_views, runtime_of
from api.problems import STATUS_OF_KIND, ApiProblem
from api.routers import pledges as api
from api.schemas.common import WriteAccepted
from api.schemas.trades import ConsentCreate, PledgeCreate, PledgeStepCreate
from domain.access import Role
from domain.errors import DomainError

router = APIRouter(prefix="/console/bank/desk", include_in_schema=False)
Lender = Annotated[Viewer, Depends(need(Role.BANK))]  # as the API's `Bank` dependency
Action = Callable[[Viewer, Any, dict[str, str]], WriteAccepted]


def _desk(request: Request, viewer: Viewer, status: int = 200, **context: Any) -> HTMLResponse:
    with read_views(request) as tx:
        banks = tx.execute("SELECT id, name FROM parties WHERE kind = 'bank' ORDER BY name")
    context.setdefault("values", {})
    context.setdefault("errors", {})
    return page(request, "bank_desk.html", viewer, http_status=status, banks=banks,
                bound=api.bank_of(viewer.principal) is not None, **context)


@router.get("", response_class=HTMLResponse)
def desk(request: Request, viewer: Lender) -> HTMLResponse:
    return _desk(request, viewer)


def _optional(form: dict[str, str], *names: str) -> dict[str, str]:
    return {n: form[n].strip() for n in names if form.get(n, "").strip()}


def _pledge_body(viewer: Viewer, form: dict[str, str]) -> dict[str, Any]:
    own = api.bank_of(viewer.principal)
    ids = form.get("achievement_ids", "").replace(";", ",").split(",")
    return {"pledgor_id": form.get("pledgor_id", "").strip(),
            "pledgee_id": str(own) if own else form.get("pledgee_id", "").strip(),
            "debtor_id": (form.get("debtor_id", "") or form.get("pledgor_id", "")).strip(),
            "items": [{"achievement_id": a.strip()} for a in ids if a.strip()],
            "secured_amount": form.get("secured_amount", "").strip(),
            "loan_start": form.get("loan_start", "").strip(),
            "loan_end": form.get("loan_end", "").strip(),
            **_optional(form, "effective_date")}


def _register(viewer: Viewer, ledger: Any, form: dict[str, str]) -> WriteAccepted:
    body = PledgeCreate.model_validate_json(orjson.dumps(_pledge_body(viewer, form)))
    return api.register_pledge(body, viewer.principal, ledger, Response())


class PledgeRef(BaseModel):
    """The path parameter of the API's steps, checked by a schema so that a bad id is reported
    like any other field error."""

    pledge_id: UUID


def _pledge_id(form: dict[str, str]) -> UUID:
    return PledgeRef.model_validate({"pledge_id": form.get("pledge_id", "").strip()}).pledge_id


def _consent(viewer: Viewer, ledger: Any, form: dict[str, str]) -> WriteAccepted:
    body = ConsentCreate.model_validate_json(orjson.dumps(
        {"contract_number": form.get("contract_number", "").strip(),
         **_optional(form, "effective_date")}))
    return api.grant_consent(_pledge_id(form), body, viewer.principal, ledger)


def _release(viewer: Viewer, ledger: Any, form: dict[str, str]) -> WriteAccepted:
    body = PledgeStepCreate.model_validate_json(orjson.dumps(
        {"note": form.get("note", "").strip(), **_optional(form, "effective_date")}))
    return api.release(_pledge_id(form), body, viewer.principal, ledger)


ACTIONS: dict[str, Action] = {"pledges": _register, "consents": _consent, "release": _release}


def _run(request: Request, viewer: Viewer, name: str, form: dict[str, str]) -> HTMLResponse:
    """Synchronous (the store is): called in the threadpool, as the API's `def` endpoints are."""
    t = translator(viewer.session.lang)
    lang_zh = viewer.session.lang != "en"
    try:
        done = ACTIONS[name](viewer, runtime_of(request).ledger, form)
    except ValidationError as error:
        e = error.errors()[0]
        field = ".".join(str(p) for p in e["loc"]) or "form"
        key = MESSAGES.get(e["type"])
        message = f"{field}: {t(key) if key else e['msg']}"
        return _desk(request, viewer, 422, form=name, values=form, errors={name: message})
    except ApiProblem as problem:
        message = f"{problem.zh if lang_zh else problem.en}：{problem.detail} ({problem.code})"
        return _desk(request, viewer, problem.status, form=name, values=form,
                     errors={name: message})
    except DomainError as error:
        title = error.title_zh if lang_zh else error.title_en
        return _desk(request, viewer, STATUS_OF_KIND[error.kind], form=name, values=form,
                     errors={name: f"{title}：{error.detail} ({error.code})"})
    return _desk(request, viewer, 200, form=name, done={name: str(done.id)})


@router.post("/{name}", response_class=HTMLResponse)
async def submit(request: Request, name: str, viewer: Lender) -> HTMLResponse:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if name not in ACTIONS or not csrf_ok(viewer.session, form.get("csrf")):
        bad = {name: translator(viewer.session.lang)("bad_csrf")} if name in ACTIONS else {}
        return await run_in_threadpool(_desk, request, viewer, 403 if bad else 404,
                                       values=form, errors=bad)
    return await run_in_threadpool(_run, request, viewer, name, form)

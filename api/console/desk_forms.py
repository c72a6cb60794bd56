"""The bank desk's forms, each read into the API's own schema and handed to the API's endpoint
function (api/routers/pledges.py), so the command, the bank-key binding (`bank_of`,
`not_the_pledgee`) and every refusal are exactly the API's; and which roles may use each form,
as the endpoint's dependency admits them (admin always, as `api.auth.require`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson
from fastapi import Response
from pydantic import BaseModel

from api.console.access import Viewer
from api.console.forms import given
from api.routers import pledges as api
from api.schemas.common import WriteAccepted
from api.schemas.trades import (
    ConsentCreate,
    EnforcementCreate,
    PledgeCreate,
    PledgeStepCreate,
    SupportCreate,
)
from domain.access import Role

# The lending bank registers, consents, releases, defaults and enforces; subsidies (贴息,
# 风险补偿) are paid by the S&T bureau (registrar): pledges.py's `Bank` and `Bureau`.
LENDER, BUREAU = api.LENDERS, api.BUREAU
DESK_ROLES = (*LENDER, *BUREAU)
Action = Callable[[Viewer, Any, dict[str, str]], WriteAccepted]


@dataclass(frozen=True)
class DeskForm:
    roles: tuple[Role, ...]
    run: Action


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
            **given(form, "effective_date")}


def _register(viewer: Viewer, ledger: Any, form: dict[str, str]) -> WriteAccepted:
    body = PledgeCreate.model_validate_json(orjson.dumps(_pledge_body(viewer, form)))
    return api.register_pledge(body, viewer.principal, ledger, Response())


class PledgeRef(BaseModel):
    """The path parameter of the API's steps, checked by a schema so that a bad id is reported
    like any other field error."""

    pledge_id: UUID


def _pledge_id(form: dict[str, str]) -> UUID:
    return PledgeRef.model_validate({"pledge_id": form.get("pledge_id", "").strip()}).pledge_id


def _body(form: dict[str, str], *names: str) -> bytes:
    """The form as the JSON body the API would receive (so strings parse as over HTTP): the
    named fields as typed, an empty effective date left out for the API's default (today)."""
    fields = {n: form.get(n, "").strip() for n in names}
    return orjson.dumps({**fields, **given(form, "effective_date")})


def _consent(viewer: Viewer, ledger: Any, form: dict[str, str]) -> WriteAccepted:
    body = ConsentCreate.model_validate_json(_body(form, "contract_number"))
    return api.grant_consent(_pledge_id(form), body, viewer.principal, ledger)


def _release(viewer: Viewer, ledger: Any, form: dict[str, str]) -> WriteAccepted:
    body = PledgeStepCreate.model_validate_json(_body(form, "note"))
    return api.release(_pledge_id(form), body, viewer.principal, ledger)


def _default(viewer: Viewer, ledger: Any, form: dict[str, str]) -> WriteAccepted:
    body = PledgeStepCreate.model_validate_json(_body(form, "note"))
    return api.default(_pledge_id(form), body, viewer.principal, ledger)


def _enforce(viewer: Viewer, ledger: Any, form: dict[str, str]) -> WriteAccepted:
    body = EnforcementCreate.model_validate_json(_body(form, "proceeds", "note"))
    return api.enforce(_pledge_id(form), body, viewer.principal, ledger)


def _support(viewer: Viewer, ledger: Any, form: dict[str, str]) -> WriteAccepted:
    body = SupportCreate.model_validate_json(_body(form, "kind", "amount", "payer"))
    return api.record_support(_pledge_id(form), body, viewer.principal, ledger)


# Named as the API's paths: POST /v1/pledges, /v1/pledges/{id}/consents, /release, ...
FORMS: dict[str, DeskForm] = {
    "pledges": DeskForm(LENDER, _register), "consents": DeskForm(LENDER, _consent),
    "release": DeskForm(LENDER, _release), "default": DeskForm(LENDER, _default),
    "enforcement": DeskForm(LENDER, _enforce), "support": DeskForm(BUREAU, _support),
}


def forms_for(viewer: Viewer) -> list[str]:
    """The forms this viewer may see and submit, in the desk's order."""
    return [name for name, f in FORMS.items() if viewer.may(f.roles)]

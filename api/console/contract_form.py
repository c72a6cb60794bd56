"""The exchange desk's registration form checked exactly as POST /v1/contracts checks its
body: the same pydantic schema (fed JSON, so strings parse as they do over HTTP) and the same
command; each failure is put next to its field, in the viewer's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson
from pydantic import ValidationError

from api.console.forms import MESSAGES, given
from api.schemas.trades import ContractCreate
from domain.errors import DomainError

FIELDS = ("contract_number", "title", "contract_type", "seller_id", "buyer_id",
          "achievement_ids", "turnover", "transaction_amount", "signed_on", "term_end", "field",
          "exchange_id")
OPTIONAL = ("term_end",)


def body_of(form: Mapping[str, str]) -> dict[str, Any]:
    """The form as the JSON body the API would receive: empty optional fields left out."""
    body: dict[str, Any] = {name: form.get(name, "").strip() for name in FIELDS
                            if name not in OPTIONAL}
    ids = body.pop("achievement_ids")
    body["achievement_ids"] = [a.strip() for a in ids.replace(";", ",").split(",") if a.strip()]
    return {**body, **given(form, *OPTIONAL)}


def validate(body: dict[str, Any], t: Callable[..., str]) -> ContractCreate | dict[str, str]:
    """The schema's verdict: the model, or the first message for each field at fault."""
    try:
        return ContractCreate.model_validate_json(orjson.dumps(body))
    except ValidationError as error:
        errors: dict[str, str] = {}
        for e in error.errors():
            name = str(e["loc"][0]) if e["loc"] else "form"
            key = MESSAGES.get(e["type"])
            errors.setdefault(name, t(key) if key else e["msg"])
        return errors


def rule_errors(error: DomainError, lang: str) -> dict[str, str]:
    """A broken rule next to the field it names (its `field` context), else the whole form."""
    title = error.title_en if lang == "en" else error.title_zh
    name = error.context.get("field")
    return {str(name) if isinstance(name, str) and name in FIELDS else "form":
            f"{title}：{error.detail}"}

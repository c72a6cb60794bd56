"""The exchange desk's registration form checked exactly as POST /v1/contracts checks its
body: the same pydantic schema (fed JSON, so strings parse as they do over HTTP) and the same
command; each failure is put next to its field, in the viewer's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson
from pydantic import ValidationError

from api.schemas.trades import ContractCreate
from domain.errors import DomainError

FIELDS = ("contract_number", "title", "contract_type", "seller_id", "buyer_id",
          "achievement_ids", "turnover", "transaction_amount", "signed_on", "term_end", "field",
          "exchange_id")
OPTIONAL = ("term_end",)
# pydantic's error types, as the console words them; unknown types show pydantic's message.
MESSAGES = {
    "missing": "v_missing", "string_too_short": "v_missing", "string_too_long": "v_too_long",
    "uuid_parsing": "v_uuid", "uuid_type": "v_uuid", "date_from_datetime_parsing": "v_date",
    "date_parsing": "v_date", "date_type": "v_date", "enum": "v_enum",
    "decimal_parsing": "v_money", "decimal_max_places": "v_money_places",
    "decimal_max_digits": "v_money", "greater_than_equal": "v_not_negative",
}


def body_of(form: Mapping[str, str]) -> dict[str, Any]:
    """The form as the JSON body the API would receive: empty optional fields left out."""
    body: dict[str, Any] = {name: form.get(name, "").strip() for name in FIELDS}
    ids = body.pop("achievement_ids")
    body["achievement_ids"] = [a.strip() for a in ids.replace(";", ",").split(",") if a.strip()]
    for name in OPTIONAL:
        if not body[name]:
            del body[name]
    return body


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

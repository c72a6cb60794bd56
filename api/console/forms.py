"""Running a console form through the API's own endpoint function: the form is read into the
API's schema and the function is called as the API calls it, so a refusal is the API's refusal
— reported here as one line for the form, in the viewer's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import ValidationError

from api.console.i18n import translator
from api.problems import STATUS_OF_KIND, ApiProblem
from domain.errors import DomainError

T = TypeVar("T")
# pydantic's error types, as the console words them; unknown types show pydantic's message.
MESSAGES = {
    "missing": "v_missing", "string_too_short": "v_missing", "string_too_long": "v_too_long",
    "uuid_parsing": "v_uuid", "uuid_type": "v_uuid", "date_from_datetime_parsing": "v_date",
    "date_parsing": "v_date", "date_type": "v_date", "enum": "v_enum",
    "decimal_parsing": "v_money", "decimal_max_places": "v_money_places",
    "decimal_max_digits": "v_money", "greater_than_equal": "v_not_negative",
}


def given(form: Mapping[str, str], *names: str) -> dict[str, str]:
    """The named optional fields that were filled in, trimmed. An empty one is left out of the
    body, as a client over HTTP would, so the API applies its own default (e.g. an effective
    date of today) instead of refusing '' as a bad value."""
    return {n: form[n].strip() for n in names if form.get(n, "").strip()}


@dataclass(frozen=True)
class Refused:
    status: int
    message: str


@dataclass(frozen=True)
class Done(Generic[T]):
    value: T


def run_form(action: Callable[[], T], lang: str) -> Done[T] | Refused:
    """`action` reads the form into a schema and calls an endpoint function; its bad input
    (422), problems and broken rules come back as a `Refused` with the stable code."""
    t, zh = translator(lang), lang != "en"
    try:
        return Done(action())
    except ValidationError as error:
        e = error.errors()[0]
        field = ".".join(str(p) for p in e["loc"]) or "form"
        key = MESSAGES.get(e["type"])
        return Refused(422, f"{field}: {t(key) if key else e['msg']}")
    except ApiProblem as problem:
        return Refused(problem.status,
                       f"{problem.zh if zh else problem.en}：{problem.detail} ({problem.code})")
    except DomainError as error:
        title = error.title_zh if zh else error.title_en
        return Refused(STATUS_OF_KIND[error.kind], f"{title}：{error.detail} ({error.code})")

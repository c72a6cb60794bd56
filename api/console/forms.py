"""Running a console form through the API's own endpoint function: the form is read into the
API's schema and the function is called as the API calls it, so a refusal is the API's refusal
— reported here as one line for the form, in the viewer's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import ValidationError

from api.console.contract_form import MESSAGES
from api.console.i18n import translator
from api.problems import STATUS_OF_KIND, ApiProblem
from domain.errors import DomainError

T = TypeVar("T")


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

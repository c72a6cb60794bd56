"""The subjects a traced event links to (回溯): achievements, projects and parties, directly
or `via` another aggregate. Shared by projections/tracing_links.py and the modules that add
their aggregates' links to it (projections/tracing_market.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID


class SubjectKind(StrEnum):
    ACHIEVEMENT = "achievement"
    PROJECT = "project"
    PARTY = "party"


@dataclass(frozen=True)
class Link:
    subject_id: UUID
    kind: SubjectKind | None  # None: via the subjects of aggregate `subject_id`
    role: str
    sticky: bool = False


def achievement(subject_id: UUID, role: str, *, sticky: bool = False) -> Link:
    return Link(subject_id, SubjectKind.ACHIEVEMENT, role, sticky)


def project(subject_id: UUID, role: str, *, sticky: bool = False) -> Link:
    return Link(subject_id, SubjectKind.PROJECT, role, sticky)


def party(subject_id: UUID | None, role: str, *, sticky: bool = False) -> Iterator[Link]:
    """No link for a party not given (optional references)."""
    if subject_id is not None:
        yield Link(subject_id, SubjectKind.PARTY, role, sticky)


def via(aggregate_id: UUID, role: str, *, sticky: bool = False) -> Link:
    """The achievements and projects another aggregate (e.g. an evaluation) is about."""
    return Link(aggregate_id, None, role, sticky)


Linker = Callable[[Any], Iterable[Link]]

"""The rules a registration draft must satisfy before the registry accepts it."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from domain.base import require_text
from domain.codes import normalize_patent_number
from domain.errors import ClassifiedWorkRefused, InvalidInput
from domain.values import FORMS_BY_SUBTYPE, Category, Patent, Secrecy

if TYPE_CHECKING:
    from domain.achievement import AchievementDraft

MAX_KEYWORDS = 10


def check_registrable(draft: AchievementDraft) -> AchievementDraft:
    """Return the draft normalised, or raise the first rule it breaks."""
    if draft.secrecy is Secrecy.STATE_SECRET or draft.defence_related:
        # Hefei art. 2 excludes military and defence work; state secrets are not registered
        # through the public registry (国家秘密按保密规定办理).
        raise ClassifiedWorkRefused(
            "涉及国家秘密或军工、国防领域的成果不通过本登记系统登记 / "
            "state-secret or defence work cannot be registered here"
        )
    _check_parties(draft)
    _check_subtype(draft)
    if draft.trl is not None and not 1 <= draft.trl <= 9:
        raise InvalidInput("trl must be between 1 and 9 / 技术就绪度须为1-9", field="trl")
    if draft.funding.fiscal and draft.funding.project_id is None:
        # Baoding item 2: fiscally funded outputs are registered against their project.
        raise InvalidInput("fiscally funded achievements must name their project",
                           field="funding.project_id")
    return replace(
        draft,
        title=require_text(draft.title, "title", max_length=300),
        field=require_text(draft.field, "field", max_length=100),
        keywords=_keywords(draft.keywords),
        patents=_patents(draft.patents),
    )


def _check_parties(draft: AchievementDraft) -> None:
    if not draft.owner_ids:
        raise InvalidInput("at least one owner is required / 须列明成果权属单位", field="owner_ids")
    if len(set(draft.owner_ids)) != len(draft.owner_ids):
        raise InvalidInput("owners must not repeat", field="owner_ids")
    if not draft.completers or any(not c.name.strip() for c in draft.completers):
        raise InvalidInput("at least one named completer is required / 须列明完成人",
                           field="completers")


def _check_subtype(draft: AchievementDraft) -> None:
    """Hefei art. 2: only applied technology is transferable, each subtype has its forms."""
    if draft.hefei_subtype is None:
        if draft.forms:
            raise InvalidInput("forms are given only with a Hefei subtype", field="forms")
        return
    if draft.category is not Category.APPLIED_TECHNOLOGY:
        raise InvalidInput("a Hefei subtype applies to applied_technology achievements only",
                           field="hefei_subtype")
    allowed = FORMS_BY_SUBTYPE[draft.hefei_subtype]
    wrong = [f.value for f in draft.forms if f not in allowed]
    if wrong:
        raise InvalidInput(
            f"forms {wrong} do not belong to subtype {draft.hefei_subtype.value}", field="forms"
        )


def _keywords(keywords: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(k.strip() for k in keywords if k.strip()))
    if not cleaned:
        raise InvalidInput("at least one keyword is required / 须填写关键词", field="keywords")
    if len(cleaned) > MAX_KEYWORDS:
        raise InvalidInput(f"at most {MAX_KEYWORDS} keywords", field="keywords")
    return cleaned


def _patents(patents: tuple[Patent, ...]) -> tuple[Patent, ...]:
    normalised = tuple(replace(p, number=normalize_patent_number(p.number)) for p in patents)
    numbers = [p.number for p in normalised]
    if len(set(numbers)) != len(numbers):
        raise InvalidInput("a patent is listed twice", field="patents")
    for p in normalised:
        if p.grant_date and p.expiry_date and p.expiry_date <= p.grant_date:
            raise InvalidInput(f"patent {p.number} expires before it was granted", field="patents")
    return normalised

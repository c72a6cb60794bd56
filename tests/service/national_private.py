"""The values of private fields in a ledger, collected from its stored events: what neither the
national export nor the public API may ever show (docs/national-export.md, "Never public")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from enum import Enum
from typing import Any

from domain.achievement import Achievement
from domain.contract import TechContract
from domain.values import PartyKind
from services.ledger import Ledger

MIN_LENGTH = 2  # single characters (e.g. a note "无") say nothing
SHORT = 4  # shorter values (a 2-3 character name) count only as a whole JSON string
# Event attributes that are private wherever they occur (amounts, notes, people, internals).
PRIVATE_ATTRIBUTES = frozenset({
    "turnover", "transaction_amount", "amount", "secured_amount", "proceeds", "note",
    "reason", "detail", "decision_ref", "findings", "inventors", "funding_note",
    "other_collateral", "payer", "contract_number", "raised_by", "intended_price",
})


def _values(value: Any) -> Iterator[str]:
    if isinstance(value, Enum):  # a code, not a secret (a reason class may be public)
        return
    if isinstance(value, Decimal):
        yield str(value)
    elif isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _values(item)


def _of_event(event: Any) -> Iterator[str]:
    for name, value in vars(event).items():
        if name in PRIVATE_ATTRIBUTES:
            yield from _values(value)
    if isinstance(event, Achievement.Registered):
        yield from (c.name for c in event.draft.completers)
        if event.draft.funding.amount is not None:
            yield str(event.draft.funding.amount)
    if isinstance(event, TechContract.Accepted):
        yield event.terms.title
        yield from _values((event.terms.turnover, event.terms.transaction_amount))
    if getattr(event, "kind", None) is PartyKind.INDIVIDUAL:  # a person's name (PIPL)
        yield event.name
    if hasattr(event, "terms") and hasattr(event.terms, "secured_amount"):  # a pledge
        yield str(event.terms.secured_amount)
        yield event.terms.other_collateral


def private_values(ledger: Ledger, *extra: str) -> set[str]:
    """Every private value the ledger holds, plus `extra` (e.g. issued API keys)."""
    found: set[str] = set(extra)
    start = 0
    while True:
        page = ledger.recorder.select_notifications(start=start, limit=1000,
                                                    inclusive_of_start=False)
        if not page:
            break
        for notification in page:
            found.update(_of_event(ledger.mapper.to_domain_event(notification)))
        start = page[-1].id
    return {v.strip() for v in found if len(v.strip()) >= MIN_LENGTH}


def _pattern(value: str) -> re.Pattern[str]:
    """A number must stand alone ("114000.00" is not inside "8114000.00"); a short value (a
    person's name such as 张伟) must be a whole JSON string; longer text may be anywhere."""
    if len(value) < SHORT:
        return re.compile(re.escape(f'"{value}"'))
    before = r"(?<![0-9.])" if value[0].isdigit() else ""
    after = r"(?![0-9])" if value[-1].isdigit() else ""
    return re.compile(before + re.escape(value) + after)


def leaks(text: str, private: set[str]) -> list[str]:
    return sorted(v for v in private if v in text and _pattern(v).search(text))

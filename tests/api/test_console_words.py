"""The console's words: every key a template names has a Chinese and an English word (the
translator shows an unknown key as itself, so a missing word shows a raw key on the page), and
so does every value a template turns into a key (`t('demand_status_' ~ d.status)`)."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest

from api.console.i18n import STRINGS, translator
from domain.contract import ContractType
from domain.demand import DemandStatus
from domain.market_event import EventStatus
from domain.market_event_plan import EventKind
from domain.match import MatchOutcome
from domain.pledge import PledgeStatus

CONSOLE = Path(__file__).resolve().parents[2] / "api" / "console"
NAMED = re.compile(r"""\bt\(\s*['"]([a-z][a-z0-9_]*)['"]\s*[,)]""")
# Values with no enum of their own: projections.matching's barriers and the reasons
# domain.market_event_policy gives for counting a contract as following an event.
BARRIERS = ("registration_cancelled", "evaluation_revoked", "pledged_without_consent",
            "owner_barred_from_trading")
BECAUSE = ("featured_achievement", "featured_demand", "buyer_attended")
PREFIXED: dict[str, tuple[str, ...]] = {
    "demand_status_": tuple(DemandStatus), "event_status_": tuple(EventStatus),
    "kind_": tuple(EventKind), "contract_type_": tuple(ContractType),
    "outcome_": (*MatchOutcome, "introduced"), "pledge_status_": tuple(PledgeStatus),
    "barrier_": BARRIERS, "because_": BECAUSE,
}


def named_keys() -> set[str]:
    sources = [*CONSOLE.glob("templates/*.html"),
               *(p for p in CONSOLE.glob("*.py") if p.name != "i18n.py")]  # its docstring: t("key")
    return {key for path in sources for key in NAMED.findall(path.read_text(encoding="utf-8"))}


def test_every_key_a_template_or_page_names_has_both_words() -> None:
    keys = named_keys()
    assert {"app", "demands", "event_status", "record_outcome"} <= keys  # the scan finds them
    assert sorted(keys - STRINGS.keys()) == []


@pytest.mark.parametrize("prefix", sorted(PREFIXED))
def test_every_value_shown_through_a_word_has_one(prefix: str) -> None:
    values = [v.value if isinstance(v, StrEnum) else v for v in PREFIXED[prefix]]
    missing = [prefix + v for v in values if prefix + v not in STRINGS]
    assert missing == []
    english = translator("en")
    assert all(english(prefix + v) != prefix + v for v in values)


def test_an_unknown_key_shows_itself() -> None:
    assert translator("en")("no_such_word") == "no_such_word"
    assert translator("zh")("demand_status_open") == "征集中"

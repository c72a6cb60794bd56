"""What a market event is (路演, 科技成果直通车, 创新挑战赛 — Baoding item 5 names them) and the
input rules of its plan; the aggregate is domain.market_event."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from uuid import UUID

from domain.base import require_text
from domain.codes import validate_region_code
from domain.errors import InvalidInput

HAN = re.compile(r"[\u4e00-\u9fff]")


class EventKind(StrEnum):
    ROADSHOW = "roadshow"  # 路演
    DIRECT_TRAIN = "direct_train"  # 科技成果直通车
    CHALLENGE = "challenge"  # 创新挑战赛: enterprises' problems (需求) put to solvers


KIND_LABELS = {EventKind.ROADSHOW: "路演", EventKind.DIRECT_TRAIN: "科技成果直通车",
               EventKind.CHALLENGE: "创新挑战赛"}


@dataclass(frozen=True)
class EventPlan:
    kind: EventKind
    title: str  # in Chinese: the market's public face [D]
    organiser_id: UUID
    starts_on: date
    ends_on: date
    region_code: str  # GB/T 2260, where it takes place
    venue: str = ""


def check_plan(plan: EventPlan, day: date) -> EventPlan:
    """Input rules [D]: a Chinese title, days in order, announced no later than its first day."""
    title = require_text(plan.title, "title", max_length=200)
    if not HAN.search(title):
        raise InvalidInput("the title must be in Chinese / 活动名称须为中文", field="title")
    if plan.ends_on < plan.starts_on:
        raise InvalidInput("ends_on is before starts_on", field="ends_on")
    if day > plan.starts_on:
        raise InvalidInput(f"scheduled on {day}, after the event's first day {plan.starts_on}",
                           field="effective_date")
    return replace(plan, title=title, venue=plan.venue.strip()[:200],
                   region_code=validate_region_code(plan.region_code))

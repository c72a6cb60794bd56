"""A match introduced (对接) by the exchange between a demand and an achievement, and its
outcome; one that led to a registered contract links to it, so the market's statistics show
the conversion from demand to deal (Baoding items 4-5: technology-market statistics).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from domain.base import LedgerAggregate, require_text
from domain.errors import DomainError, InvalidInput, InvalidTransition


class MatchOutcome(StrEnum):
    NEGOTIATING = "negotiating"  # 洽谈中: may still change
    DECLINED = "declined"  # 未达成
    CONTRACTED = "contracted"  # 签约: a registered contract


FINAL_OUTCOMES = frozenset({MatchOutcome.DECLINED, MatchOutcome.CONTRACTED})


class AchievementNotOffered(DomainError):
    code = "achievement_not_offered"
    title_zh = "该成果不可推荐对接"
    title_en = "Achievement may not be offered"


class Match(LedgerAggregate):
    no_steps_before_creation = True
    ordered_dates = True

    class Introduced(LedgerAggregate.Created):
        demand_id: UUID
        achievement_id: UUID
        note: str
        score: str | None  # the matching score shown to the operator, if any

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, Match)
            aggregate.demand_id, aggregate.achievement_id = self.demand_id, self.achievement_id

    class OutcomeRecorded(LedgerAggregate.Event):
        outcome: MatchOutcome
        contract_id: UUID | None
        note: str

        def apply(self, aggregate: Match) -> None:
            aggregate.outcome = self.outcome
            aggregate.contract_id = self.contract_id

    def __init__(self) -> None:
        super().__init__()
        self.demand_id: UUID | None = None
        self.achievement_id: UUID | None = None
        self.outcome: MatchOutcome | None = None
        self.contract_id: UUID | None = None

    @classmethod
    def introduce(cls, demand_id: UUID, achievement_id: UUID, *, note: str, score: str | None,
                  id: UUID, request_digest: str, effective_date: date, actor: str) -> Match:
        return cls._create(cls.Introduced, id=id, request_digest=request_digest,
                           effective_date=effective_date, actor=actor, demand_id=demand_id,
                           achievement_id=achievement_id, note=note.strip()[:2000], score=score)

    def record_outcome(self, outcome: MatchOutcome, contract_id: UUID | None, note: str, *,
                       effective_date: date, actor: str) -> None:
        """A declined or contracted match is settled; `contracted` names its contract."""
        if self.outcome in FINAL_OUTCOMES:
            raise InvalidTransition(f"this match is already {self.outcome}")
        if (outcome is MatchOutcome.CONTRACTED) != (contract_id is not None):
            raise InvalidInput("contract_id is required with, and only with, 'contracted'",
                               field="contract_id")
        self.trigger_event(self.OutcomeRecorded, outcome=outcome, contract_id=contract_id,
                           note=require_text(note, "note", max_length=2000) if note else "",
                           effective_date=effective_date, actor=actor)

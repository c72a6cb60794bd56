"""Integrity standing: the sanctions that bar a party from roles, checked by every command.

Baoding item 9 (失信行为纳入科研诚信管理, "零容忍"). This is the extension point the integrity
issue fills: its misconduct decisions impose and withdraw sanctions here, in the same save as
the record. Commands only ask `bar(scope, day)`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from uuid import UUID

from domain.base import LedgerAggregate, derived_id
from domain.errors import DomainError, InvalidInput


class SanctionScope(StrEnum):
    """What an active sanction bars its subject from doing."""

    EVALUATION_EXPERT = "evaluation_expert"  # serving on an evaluation panel
    EVALUATION_AGENCY = "evaluation_agency"  # running an evaluation
    FUNDING = "funding"  # proposing a funded project
    REGISTRATION = "registration"  # registering achievements
    TRADING = "trading"  # technology contracts


@dataclass(frozen=True)
class Sanction:
    sanction_id: UUID
    kind: str
    scopes: tuple[SanctionScope, ...]
    start: date
    end: date | None  # None: permanent
    record_id: UUID | None = None  # the misconduct record that imposed it
    withdrawn_from: date | None = None

    def active_on(self, day: date) -> bool:
        if day < self.start or (self.end is not None and day > self.end):
            return False
        return self.withdrawn_from is None or day < self.withdrawn_from


class PartyBarred(DomainError):
    code = "party_barred_by_sanction"
    title_zh = "主体处于惩戒期内"
    title_en = "Party barred by an active sanction"


class IntegrityStanding(LedgerAggregate):
    """One per party (derived id); holds every sanction ever imposed on it."""

    class Opened(LedgerAggregate.Created):
        party_id: UUID

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, IntegrityStanding)
            aggregate.party_id = self.party_id

    class SanctionImposed(LedgerAggregate.Event):
        sanction: Sanction

        def apply(self, aggregate: IntegrityStanding) -> None:
            aggregate.sanctions = (*aggregate.sanctions, self.sanction)

    class SanctionWithdrawn(LedgerAggregate.Event):
        sanction_id: UUID

        def apply(self, aggregate: IntegrityStanding) -> None:
            aggregate.sanctions = tuple(
                _withdrawn(s, self.effective_date) if s.sanction_id == self.sanction_id else s
                for s in aggregate.sanctions)

    class SanctionEndChanged(LedgerAggregate.Event):
        """A corrected decision moved the end of a sanction (None: permanent)."""

        sanction_id: UUID
        end: date | None

        def apply(self, aggregate: IntegrityStanding) -> None:
            aggregate.sanctions = tuple(
                replace(s, end=self.end) if s.sanction_id == self.sanction_id else s
                for s in aggregate.sanctions)

    def __init__(self) -> None:
        super().__init__()
        self.party_id: UUID | None = None
        self.sanctions: tuple[Sanction, ...] = ()

    @staticmethod
    def id_for(party_id: UUID) -> UUID:
        return derived_id("integrity-standing", str(party_id))

    @classmethod
    def open(cls, party_id: UUID, *, effective_date: date, actor: str) -> IntegrityStanding:
        return cls._create(cls.Opened, id=cls.id_for(party_id), request_digest="",
                           effective_date=effective_date, actor=actor, party_id=party_id)

    def impose(self, sanction: Sanction, *, effective_date: date, actor: str) -> None:
        if not sanction.scopes:
            raise InvalidInput("a sanction must bar at least one scope", field="scopes")
        if sanction.end is not None and sanction.end < sanction.start:
            raise InvalidInput("a sanction cannot end before it starts", field="end")
        if any(s.sanction_id == sanction.sanction_id for s in self.sanctions):
            raise InvalidInput(f"sanction {sanction.sanction_id} is already recorded",
                               field="sanction_id")
        self.trigger_event(self.SanctionImposed, sanction=sanction,
                           effective_date=effective_date, actor=actor)

    def withdraw(self, sanction_id: UUID, *, effective_date: date, actor: str) -> None:
        """Withdraw a sanction from `effective_date` on (an appeal overturned it)."""
        if not any(s.sanction_id == sanction_id and s.withdrawn_from is None
                   for s in self.sanctions):
            raise InvalidInput(f"no standing sanction {sanction_id} to withdraw",
                               field="sanction_id")
        self.trigger_event(self.SanctionWithdrawn, sanction_id=sanction_id,
                           effective_date=effective_date, actor=actor)

    def change_end(self, sanction_id: UUID, end: date | None, *, effective_date: date,
                   actor: str) -> None:
        sanction = next((s for s in self.sanctions if s.sanction_id == sanction_id), None)
        if sanction is None or sanction.withdrawn_from is not None:
            raise InvalidInput(f"no standing sanction {sanction_id} to change",
                               field="sanction_id")
        if end is not None and end < sanction.start:
            raise InvalidInput("a sanction cannot end before it starts", field="end")
        self.trigger_event(self.SanctionEndChanged, sanction_id=sanction_id, end=end,
                           effective_date=effective_date, actor=actor)

    def bar(self, scope: SanctionScope, day: date) -> Sanction | None:
        """The first sanction barring `scope` on `day`, if any."""
        return next((s for s in self.sanctions if scope in s.scopes and s.active_on(day)), None)


def _withdrawn(sanction: Sanction, day: date) -> Sanction:
    return replace(sanction, withdrawn_from=day)

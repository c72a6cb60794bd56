"""Registration series and uniqueness claims: the aggregates that make numbers and keys unique.

Both rely on optimistic concurrency: two commands that extend the same series, or make the
same claim, conflict on save, and the service retries the loser against the new state.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.base import LedgerAggregate, derived_id
from domain.policy import NumberingPolicy
from domain.values import Category


class RegistrationSeries(LedgerAggregate):
    """The sequence of registration numbers of one registry, year and category."""

    class Opened(LedgerAggregate.Created):
        registry_code: str
        year: int
        category: Category
        policy_version: str

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, RegistrationSeries)
            aggregate.registry_code = self.registry_code
            aggregate.year = self.year
            aggregate.category = self.category

    class NumberIssued(LedgerAggregate.Event):
        serial: int
        number: str
        achievement_id: UUID

        def apply(self, aggregate: RegistrationSeries) -> None:
            aggregate.last_serial = self.serial

    def __init__(self) -> None:
        super().__init__()
        self.registry_code = ""
        self.year = 0
        self.category = Category.APPLIED_TECHNOLOGY
        self.last_serial = 0

    @staticmethod
    def id_for(registry_code: str, year: int, category: Category) -> UUID:
        return derived_id("registration-series", f"{registry_code}:{year}:{category.value}")

    @classmethod
    def open(cls, *, registry_code: str, year: int, category: Category, policy: NumberingPolicy,
             effective_date: date, actor: str) -> RegistrationSeries:
        return cls._create(
            cls.Opened, id=cls.id_for(registry_code, year, category), request_digest="",
            effective_date=effective_date, actor=actor, registry_code=registry_code, year=year,
            category=category, policy_version=policy.version,
        )

    def issue(self, achievement_id: UUID, *, policy: NumberingPolicy, effective_date: date,
              actor: str) -> str:
        """Issue the next consecutive number of this series to an achievement."""
        serial = self.last_serial + 1
        number = policy.format(self.registry_code, self.year, self.category, serial)
        self.trigger_event(self.NumberIssued, serial=serial, number=number,
                           achievement_id=achievement_id, effective_date=effective_date,
                           actor=actor)
        return number


class Claim(LedgerAggregate):
    """A claim on a unique value (a credit code, a patent, an achievement's natural key)."""

    class Made(LedgerAggregate.Created):
        namespace: str
        value: str
        holder_id: UUID

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, Claim)
            aggregate.holder_id = self.holder_id

    def __init__(self) -> None:
        super().__init__()
        self.holder_id: UUID | None = None

    @staticmethod
    def id_for(namespace: str, value: str) -> UUID:
        return derived_id(f"claim:{namespace}", value)

    @classmethod
    def make(cls, *, namespace: str, value: str, holder_id: UUID, effective_date: date,
             actor: str) -> Claim:
        return cls._create(
            cls.Made, id=cls.id_for(namespace, value), request_digest="",
            effective_date=effective_date, actor=actor, namespace=namespace, value=value,
            holder_id=holder_id,
        )

"""API keys as ledger aggregates: who may act, recorded like everything else (hash only)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from domain.base import LedgerAggregate, derived_id
from domain.errors import InvalidTransition


class Role(StrEnum):
    REGISTRAR = "registrar"
    EXCHANGE_OPERATOR = "exchange_operator"
    EVALUATION_AGENCY = "evaluation_agency"
    BANK = "bank"
    AUDITOR = "auditor"
    ADMIN = "admin"


class ApiKey(LedgerAggregate):
    """An issued API key: its role, label and optional party; the secret itself is never stored."""

    class Issued(LedgerAggregate.Created):
        role: Role
        label: str
        key_hash: str
        party_id: UUID | None

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, ApiKey)
            aggregate.role = self.role
            aggregate.label = self.label
            aggregate.party_id = self.party_id

    class Revoked(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: ApiKey) -> None:
            aggregate.revoked = True

    def __init__(self) -> None:
        super().__init__()
        self.role = Role.ADMIN
        self.label = ""
        self.party_id: UUID | None = None
        self.revoked = False

    @staticmethod
    def id_for(key_hash: str) -> UUID:
        return derived_id("api-key", key_hash)

    @classmethod
    def issue(cls, *, role: Role, label: str, key_hash: str, party_id: UUID | None,
              effective_date: date, actor: str) -> ApiKey:
        return cls._create(cls.Issued, id=cls.id_for(key_hash), request_digest="",
                           effective_date=effective_date, actor=actor, role=role, label=label,
                           key_hash=key_hash, party_id=party_id)

    def revoke(self, *, reason: str, effective_date: date, actor: str) -> None:
        if self.revoked:
            raise InvalidTransition("key already revoked")
        self.trigger_event(self.Revoked, reason=reason, effective_date=effective_date, actor=actor)

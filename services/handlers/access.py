"""API keys: issued and revoked as ledger events; only the SHA-256 of a key is stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.access import ApiKey, Role
from domain.party import Party
from services.core import LedgerCore
from services.uow import UnitOfWork

KEY_PREFIX = "tl_"


def hash_key(key: str) -> str:
    # Keys are 256-bit random tokens, so a plain SHA-256 is enough (no password stretching).
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id, role, label and optional party."""

    key_id: UUID
    role: Role
    label: str
    party_id: UUID | None

    @property
    def actor(self) -> str:
        return f"{self.role.value}:{self.label}"


class AccessCommands(LedgerCore):
    def issue_api_key(self, role: Role, label: str, *, party_id: UUID | None = None,
                      actor: str = "cli") -> str:
        """Issue a key and return it; this is the only time the plain key exists."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)

        def work(uow: UnitOfWork) -> None:
            if party_id is not None:
                uow.get(Party, party_id, "party")
            uow.add(ApiKey.issue(role=role, label=label, key_hash=hash_key(key), party_id=party_id,
                                 effective_date=self.today(), actor=actor))

        self.execute(work)
        return key

    def principal_for(self, key: str) -> Principal | None:
        """The active principal holding this key, or None."""
        if not key.startswith(KEY_PREFIX):
            return None
        record = UnitOfWork(self.repository, {}).find(ApiKey, ApiKey.id_for(hash_key(key)))
        if record is None or record.revoked:
            return None
        return Principal(record.id, record.role, record.label, record.party_id)

    def has_api_keys(self) -> bool:
        issued = get_topic(ApiKey.Issued)
        return bool(self.recorder.select_notifications(start=None, limit=1, topics=[issued]))


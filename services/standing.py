"""The sanction check every command makes of the parties it involves (Baoding item 9)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.standing import IntegrityStanding, PartyBarred, SanctionScope
from services.uow import UnitOfWork


def barring(uow: UnitOfWork, party_id: UUID, scope: SanctionScope, day: date) -> None:
    """Refuse a party barred for `scope` on `day` (Baoding item 9); the integrity issue's
    misconduct decisions write the sanctions this reads."""
    standing = uow.find(IntegrityStanding, IntegrityStanding.id_for(party_id))
    sanction = standing.bar(scope, day) if standing is not None else None
    if sanction is not None:
        until = sanction.end.isoformat() if sanction.end else "permanently"
        raise PartyBarred(f"party {party_id} is barred from {scope.value} until {until}",
                          party_id=str(party_id), scope=scope.value)

"""Party commands: registration (unique credit code) and declared relations."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.errors import DuplicateParty, WrongPartyKind
from domain.party import Party
from domain.registration import Claim
from services.commands import DeclareRelation, RegisterParty
from services.core import LedgerCore
from services.handlers.results import Created
from services.idempotency import create_once
from services.uow import Outcome, UnitOfWork


class PartyCommands(LedgerCore):
    def register_party(self, cmd: RegisterParty, *, actor: str,
                       key: str | None = None) -> Outcome[Created]:
        """Register a party; an organisation's credit code may be registered only once."""

        def work(uow: UnitOfWork) -> Created:
            effective = self.effective(cmd.effective_date)

            def build(party_id: UUID, digest: str) -> Party:
                party = Party.register(
                    id=party_id, request_digest=digest, effective_date=effective, actor=actor,
                    name=cmd.name, kind=cmd.kind, credit_code=cmd.credit_code,
                    region_code=cmd.region_code, state_owned=cmd.state_owned,
                    expert_type=cmd.expert_type, affiliation_id=cmd.affiliation_id,
                    technology_manager=cmd.technology_manager,
                )
                self._check_affiliation(uow, party)
                self._claim_credit_code(uow, party, effective, actor)
                return party

            party, created = create_once(uow, Party, "party", key, cmd, build)
            return Created(party.id, replayed=not created)

        return self.execute(work)

    def declare_relation(self, cmd: DeclareRelation, *, actor: str) -> Outcome[None]:
        """Record a declared relation (Baoding item 7: 利益关联回避) between two parties."""

        def work(uow: UnitOfWork) -> None:
            party = uow.get(Party, cmd.party_id, "party")
            uow.get(Party, cmd.relation.party_id, "party")
            party.declare_relation(cmd.relation, effective_date=self.effective(cmd.effective_date),
                                   actor=actor)

        return self.execute(work)

    @staticmethod
    def _check_affiliation(uow: UnitOfWork, party: Party) -> None:
        if party.affiliation_id is None:
            return
        employer = uow.get(Party, party.affiliation_id, "party")
        if not employer.kind.is_organisation:
            raise WrongPartyKind("an affiliation must be an organisation", field="affiliation_id")

    @staticmethod
    def _claim_credit_code(uow: UnitOfWork, party: Party, effective: date, actor: str) -> None:
        if party.credit_code is None:
            return
        claim_id = Claim.id_for("credit-code", party.credit_code)
        existing = uow.find(Claim, claim_id)
        if existing is not None:
            raise DuplicateParty(
                f"credit code {party.credit_code} is already registered",
                existing_party_id=str(existing.holder_id),
            )
        uow.add(Claim.make(namespace="credit-code", value=party.credit_code, holder_id=party.id,
                           effective_date=effective, actor=actor))

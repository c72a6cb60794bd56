"""Party (主体): organisations with credit codes, individuals, experts and their relations."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.base import LedgerAggregate, require_text
from domain.codes import validate_credit_code, validate_region_code
from domain.errors import InvalidInput, WrongPartyKind
from domain.values import EvaluationClass, ExpertType, PartyKind, Qualification, Relation


class Party(LedgerAggregate):
    """A market participant. Organisations carry a credit code and region; never a national ID."""

    class Registered(LedgerAggregate.Created):
        name: str
        kind: PartyKind
        credit_code: str | None
        region_code: str | None
        state_owned: bool
        expert_type: ExpertType | None
        affiliation_id: UUID | None
        technology_manager: bool

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, Party)
            aggregate.name = self.name
            aggregate.kind = self.kind
            aggregate.credit_code = self.credit_code
            aggregate.region_code = self.region_code
            aggregate.state_owned = self.state_owned
            aggregate.expert_type = self.expert_type
            aggregate.affiliation_id = self.affiliation_id
            aggregate.technology_manager = self.technology_manager

    class RelationDeclared(LedgerAggregate.Event):
        relation: Relation

        def apply(self, aggregate: Party) -> None:
            aggregate.relations = (*aggregate.relations, self.relation)

    class QualificationRecorded(LedgerAggregate.Event):
        qualification: Qualification

        def apply(self, aggregate: Party) -> None:
            aggregate.qualifications = (*aggregate.qualifications, self.qualification)

    def __init__(self) -> None:
        super().__init__()
        self.name = ""
        self.kind = PartyKind.INDIVIDUAL
        self.credit_code: str | None = None
        self.region_code: str | None = None
        self.state_owned = False
        self.expert_type: ExpertType | None = None
        self.affiliation_id: UUID | None = None
        self.technology_manager = False
        self.relations: tuple[Relation, ...] = ()
        self.qualifications: tuple[Qualification, ...] = ()

    @classmethod
    def register(
        cls,
        *,
        id: UUID,
        request_digest: str,
        effective_date: date,
        actor: str,
        name: str,
        kind: PartyKind,
        credit_code: str | None = None,
        region_code: str | None = None,
        state_owned: bool = False,
        expert_type: ExpertType | None = None,
        affiliation_id: UUID | None = None,
        technology_manager: bool = False,
    ) -> Party:
        """Register a party; organisations need a valid credit code and region code."""
        name = require_text(name, "name", max_length=200)
        if kind.is_organisation:
            if credit_code is None or region_code is None:
                raise InvalidInput(
                    "organisations need credit_code and region_code"
                    " / 机构须提供统一社会信用代码和行政区划代码",
                    field="credit_code",
                )
            credit_code = validate_credit_code(credit_code)
            validate_region_code(region_code)
        else:
            _check_individual(credit_code)
            if region_code is not None:
                validate_region_code(region_code)
        if expert_type is not None and kind.is_organisation:
            raise InvalidInput("only individuals can be experts / 专家须为个人", field="expert_type")
        if state_owned and kind is not PartyKind.ENTERPRISE:
            raise InvalidInput("only enterprises can be state-owned", field="state_owned")
        return cls._create(
            cls.Registered,
            id=id,
            request_digest=request_digest,
            effective_date=effective_date,
            actor=actor,
            name=name,
            kind=kind,
            credit_code=credit_code,
            region_code=region_code,
            state_owned=state_owned,
            expert_type=expert_type,
            affiliation_id=affiliation_id,
            technology_manager=technology_manager,
        )

    def declare_relation(self, relation: Relation, *, effective_date: date, actor: str) -> None:
        """Record a declared interest relation to another party (Baoding item 7, 回避)."""
        if relation.party_id == self.id:
            raise InvalidInput("a party cannot declare a relation to itself", field="party_id")
        if relation in self.relations:
            return
        self.trigger_event(
            self.RelationDeclared, relation=relation, effective_date=effective_date, actor=actor
        )

    def record_qualification(self, qualification: Qualification, *, effective_date: date,
                             actor: str) -> None:
        """Record an evaluation agency's qualification (Baoding item 8)."""
        if self.kind is not PartyKind.EVALUATION_AGENCY:
            raise WrongPartyKind(f"{self.name} is a {self.kind.value}, not an evaluation agency",
                                 party_id=str(self.id))
        if not qualification.scope:
            raise InvalidInput("scope must name at least one evaluation class", field="scope")
        if qualification.valid_to < qualification.valid_from:
            raise InvalidInput("valid_to is before valid_from", field="valid_to")
        require_text(qualification.issuer, "issuer", max_length=200)
        self.trigger_event(self.QualificationRecorded, qualification=qualification,
                           effective_date=effective_date, actor=actor)

    def qualified_for(self, evaluation_class: EvaluationClass, day: date) -> bool:
        return any(q.covers(evaluation_class, day) for q in self.qualifications)

    @property
    def can_serve_on_panels(self) -> bool:
        """Experts and registered technology managers (Baoding item 6) may serve."""
        return self.kind is PartyKind.INDIVIDUAL and (
            self.expert_type is not None or self.technology_manager)

    def is_related_to(self, party_ids: set[UUID]) -> bool:
        """True if affiliated with, or declared related to, any of the given parties."""
        if self.affiliation_id in party_ids:
            return True
        return any(r.party_id in party_ids for r in self.relations)


def _check_individual(credit_code: str | None) -> None:
    # Individuals are recorded without identity numbers (DOMAIN.md: do not store national IDs).
    if credit_code is not None:
        raise InvalidInput("individuals carry no credit code / 个人不登记证件号码", field="credit_code")

"""Misconduct records (科研失信行为记录): what an authority found and decided about a party.

Baoding item 9 (评价失信行为纳入科研诚信管理, "零容忍" for 弄虚作假, 协助他人骗取评价, 利益输送);
the categories and sanctions follow the national research-integrity rules summarised in DOMAIN.md
[N: 科研失信行为调查处理规则, 国科发监〔2022〕221号]. A record is decided once; then it may be
appealed, the appeal decided (upheld, or overturned — which withdraws its sanctions from that
day on), and corrected. The sanctions themselves live on the party's IntegrityStanding, written
in the same save, because every command asks the standing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from domain.base import LedgerAggregate, derived_id, require_text
from domain.errors import InvalidInput, InvalidTransition
from domain.standing import SanctionScope


class SubjectRole(StrEnum):
    APPLICANT = "applicant"  # 申请人 / 成果完成方
    EVALUATION_EXPERT = "evaluation_expert"  # 评价专家
    EVALUATION_AGENCY = "evaluation_agency"  # 评价机构
    INTERMEDIARY = "intermediary"  # 中介服务机构


class MisconductCategory(StrEnum):
    FABRICATION = "fabrication"  # 编造、伪造、篡改
    PLAGIARISM = "plagiarism"  # 抄袭、剽窃
    EVALUATION_FRAUD = "evaluation_fraud"  # 在评价中弄虚作假
    ASSISTING_DECEPTION = "assisting_deception"  # 协助他人骗取评价
    BENEFIT_TRANSFER = "benefit_transfer"  # 利益输送
    SOLICITATION = "solicitation"  # 请托、打招呼
    OTHER = "other"


# Findings that make the evaluations they touch worthless: they are revoked with the record.
REVOKING = frozenset({MisconductCategory.FABRICATION, MisconductCategory.EVALUATION_FRAUD,
                      MisconductCategory.ASSISTING_DECEPTION,
                      MisconductCategory.BENEFIT_TRANSFER})


class Severity(StrEnum):
    GENERAL = "general"  # 情节较轻
    REPEAT = "repeat"  # 再次发生
    SEVERE = "severe"  # 情节严重


class RecordStatus(StrEnum):
    DECIDED = "decided"
    APPEALED = "appealed"
    UPHELD = "upheld"
    OVERTURNED = "overturned"


@dataclass(frozen=True)
class SanctionTerms:
    """One sanction of a decision: its kind (e.g. 取消评审专家资格), the scopes it bars, and its
    period (end None: permanent)."""

    kind: str
    scopes: tuple[SanctionScope, ...]
    start: date
    end: date | None


@dataclass(frozen=True)
class Decision:
    subject_id: UUID
    role: SubjectRole
    category: MisconductCategory
    severity: Severity
    findings: str
    authority: str  # the deciding body, e.g. 保定市科学技术局
    decision_ref: str  # its document number (文号); with the authority, the record's key
    decided_on: date
    sanctions: tuple[SanctionTerms, ...]
    evaluation_ids: tuple[UUID, ...] = ()  # revoked with the record when the category revokes
    achievement_ids: tuple[UUID, ...] = ()  # registrations affected
    cancel_registrations: bool = False  # cancel the linked registrations too
    published: bool = False  # the authority orders the decision published (公开通报)


def sanction_id(record_id: UUID, index: int) -> UUID:
    return derived_id("sanction", f"{record_id}:{index}")


def check_decision(decision: Decision) -> None:
    """Input rules no ledger state could fix."""
    require_text(decision.findings, "findings", max_length=8000)
    require_text(decision.authority, "authority", max_length=200)
    require_text(decision.decision_ref, "decision_ref", max_length=100)
    if len(set(decision.evaluation_ids)) != len(decision.evaluation_ids) \
            or len(set(decision.achievement_ids)) != len(decision.achievement_ids):
        raise InvalidInput("each linked evaluation and achievement once", field="links")
    if decision.cancel_registrations and not decision.achievement_ids:
        raise InvalidInput("name the registrations to cancel", field="achievement_ids")
    for n, terms in enumerate(decision.sanctions):
        require_text(terms.kind, f"sanctions[{n}].kind", max_length=200)
        if not terms.scopes or len(set(terms.scopes)) != len(terms.scopes):
            raise InvalidInput("a sanction bars one or more distinct scopes",
                               field=f"sanctions[{n}].scopes")
        if terms.end is not None and terms.end < terms.start:
            raise InvalidInput("a sanction cannot end before it starts",
                               field=f"sanctions[{n}].end")
        if terms.start < decision.decided_on:
            raise InvalidInput("a sanction starts on or after the decision",
                               field=f"sanctions[{n}].start")


class MisconductRecord(LedgerAggregate):
    """One decision about one party; its id is derived from the authority and document number."""

    class Recorded(LedgerAggregate.Created):
        decision: Decision
        sanction_ids: tuple[UUID, ...]

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, MisconductRecord)
            aggregate.decision = self.decision
            aggregate.sanction_ids = self.sanction_ids

    class Appealed(LedgerAggregate.Event):
        grounds: str

        def apply(self, aggregate: MisconductRecord) -> None:
            aggregate.status = RecordStatus.APPEALED

    class AppealDecided(LedgerAggregate.Event):
        overturned: bool
        reasons: str

        def apply(self, aggregate: MisconductRecord) -> None:
            aggregate.status = RecordStatus.OVERTURNED if self.overturned else RecordStatus.UPHELD

    class Corrected(LedgerAggregate.Event):
        """A corrected decision: findings, and the end dates of sanctions still standing."""

        findings: str
        sanction_ends: tuple[tuple[UUID, date | None], ...]
        note: str

        def apply(self, aggregate: MisconductRecord) -> None:
            assert aggregate.decision is not None
            aggregate.corrections += 1

    no_steps_before_creation = True

    def __init__(self) -> None:
        super().__init__()
        self.decision: Decision | None = None
        self.sanction_ids: tuple[UUID, ...] = ()
        self.status = RecordStatus.DECIDED
        self.corrections = 0

    @staticmethod
    def id_for(authority: str, decision_ref: str) -> UUID:
        return derived_id("misconduct", f"{authority.strip()}:{decision_ref.strip()}")

    @classmethod
    def record(cls, decision: Decision, *, request_digest: str, actor: str) -> MisconductRecord:
        check_decision(decision)
        record_id = cls.id_for(decision.authority, decision.decision_ref)
        ids = tuple(sanction_id(record_id, n) for n in range(len(decision.sanctions)))
        return cls._create(cls.Recorded, id=record_id, request_digest=request_digest,
                           effective_date=decision.decided_on, actor=actor, decision=decision,
                           sanction_ids=ids)

    def appeal(self, *, grounds: str, effective_date: date, actor: str) -> None:
        if self.status is not RecordStatus.DECIDED:
            raise InvalidTransition(f"an appeal is refused: the record is {self.status.value}")
        self.trigger_event(self.Appealed, grounds=require_text(grounds, "grounds"),
                           effective_date=effective_date, actor=actor)

    def decide_appeal(self, *, overturned: bool, reasons: str, effective_date: date,
                      actor: str) -> None:
        if self.status is not RecordStatus.APPEALED:
            raise InvalidTransition("no appeal is pending on this record")
        self.trigger_event(self.AppealDecided, overturned=overturned,
                           reasons=require_text(reasons, "reasons"),
                           effective_date=effective_date, actor=actor)

    def correct(self, *, findings: str, sanction_ends: tuple[tuple[UUID, date | None], ...],
                note: str, effective_date: date, actor: str) -> None:
        if self.status is RecordStatus.OVERTURNED:
            raise InvalidTransition("an overturned record is not corrected")
        unknown = [str(s) for s, _ in sanction_ends if s not in self.sanction_ids]
        if unknown:
            raise InvalidInput("not a sanction of this record", field="sanction_ends",
                               sanction_ids=unknown)
        self.trigger_event(self.Corrected, findings=require_text(findings, "findings", max_length=8000),
                           sanction_ends=sanction_ends, note=require_text(note, "note"),
                           effective_date=effective_date, actor=actor)

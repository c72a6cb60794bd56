"""Demo misconduct decisions (科研失信行为记录), loaded last: evaluation fraud that revokes an
evaluation and cancels its registration, an expert's solicitation, an agency's appeal pending,
an enterprise's sanction overturned on appeal, and a corrected ban that expires soon. Subjects
are chosen among parties with nothing dated in their ban (no contract, registration, project or
evaluation step), so the demo's earlier history never contradicts a sanction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from api.demo_data import _load
from domain.achievement import Achievement
from domain.evaluation import Evaluation, EvaluationStatus
from domain.misconduct import (
    Decision,
    MisconductCategory,
    MisconductRecord,
    RecordStatus,
    SanctionTerms,
    Severity,
    SubjectRole,
)
from domain.standing import SanctionScope
from domain.values import PartyKind
from services import integrity_commands as i

if TYPE_CHECKING:
    from api.demo_data import _Loader

ACTOR = "demo:integrity"
AUTHORITY = "保定市科学技术局"
C, S, R = MisconductCategory, SanctionScope, SubjectRole


@dataclass(frozen=True)
class Activity:
    """The latest business date each party acted on (signed, registered, proposed, evaluated)."""

    last: dict[UUID, date]

    def quiet_since(self, party: UUID, day: date) -> bool:
        return self.last.get(party, date.min) < day


def _events(loader: _Loader, topic: str) -> list[Any]:
    ledger, found, start = loader.ledger, [], 1
    while page := ledger.recorder.select_notifications(start=start, limit=500, topics=[topic]):
        found += [ledger.mapper.to_domain_event(n) for n in page]
        start = page[-1].id + 1
    return found


def _activity(loader: _Loader) -> Activity:
    last: dict[UUID, date] = {}

    def saw(party: UUID, day: date) -> None:
        last[party] = max(last.get(party, date.min), day)

    for e in _events(loader, "domain.contract:TechContract.Accepted"):
        saw(e.terms.seller_id, e.terms.signed_on)
        saw(e.terms.buyer_id, e.terms.signed_on)
    for e in _events(loader, "domain.achievement:Achievement.Registered"):
        for owner in e.draft.owner_ids:
            saw(owner, e.effective_date)
    for e in _events(loader, "domain.project:FundedProject.Proposed"):
        saw(e.undertaker_id, e.effective_date)
    evaluations: dict[UUID, Evaluation] = {}
    for e in _events(loader, "domain.evaluation:Evaluation.Commissioned"):
        evaluations[e.originator_id] = _load(loader.ledger, Evaluation, e.originator_id)
    for ev in evaluations.values():  # the agency and the panel act at every step
        for party in (ev.evaluator_id, *(m.party_id for m in ev.panel), *ev.recused):
            if party is not None:
                saw(party, ev.last_effective_date)
    return Activity(last)


def load_integrity(loader: _Loader) -> int:
    """Record the decisions (idempotent by document number); returns how many there are."""
    activity, ledger = _activity(loader), loader.ledger
    finalized = [_load(loader.ledger, Evaluation, e.originator_id)
                 for e in _events(loader, "domain.evaluation:Evaluation.Finalized")]
    showcase = loader.showcase.evaluation_id if loader.showcase else None
    fraud_on, solicited_on = date(2026, 9, 15), date(2026, 8, 20)
    candidates = [ev for ev in finalized if ev.id != showcase and ev.grade is not None
                  and ev.subject_id is not None
                  and ev.status in (EvaluationStatus.FINALIZED, EvaluationStatus.REVOKED)]
    subject = next(ev for ev in reversed(candidates) if activity.quiet_since(
        _owner(loader, ev), fraud_on))
    expert = next(m.party_id for ev in candidates for m in ev.panel
                  if activity.quiet_since(m.party_id, solicited_on))
    agency = next(ev.evaluator_id for ev in candidates if ev.evaluator_id
                  and activity.quiet_since(ev.evaluator_id, date(2026, 10, 9)))
    quiet = [o.id for o in loader.orgs_of(PartyKind.ENTERPRISE)
             if activity.quiet_since(o.id, date(2026, 6, 1))]
    decisions = [
        _decision(_owner(loader, subject), R.APPLICANT, C.EVALUATION_FRAUD, Severity.SEVERE,
                  "〔2026〕11号", fraud_on, "评价申请材料中中试数据系编造，骗取B级以上评价结论",
                  [("禁止申报财政科技计划项目", (S.FUNDING, S.REGISTRATION), fraud_on,
                    date(2029, 9, 14))], evaluations=(subject.id,),
                  achievements=(_subject(subject),), cancel=True, published=True),
        _decision(expert, R.EVALUATION_EXPERT, C.SOLICITATION, Severity.GENERAL, "〔2026〕9号",
                  solicited_on, "接受成果完成方请托，在评分前私下沟通并承诺给予高分",
                  [("取消评审专家资格", (S.EVALUATION_EXPERT,), solicited_on, date(2028, 8, 19))],
                  evaluations=(subject.id,), published=True),
        _decision(agency, R.EVALUATION_AGENCY, C.BENEFIT_TRANSFER, Severity.GENERAL,
                  "〔2026〕12号", date(2026, 10, 9), "评价机构与委托方存在未申报的咨询业务往来",
                  [("暂停第三方评价业务", (S.EVALUATION_AGENCY,), date(2026, 10, 9),
                    date(2027, 10, 8))]),
        _decision(quiet[0], R.APPLICANT, C.PLAGIARISM, Severity.GENERAL, "〔2026〕7号",
                  date(2026, 6, 10), "登记材料中技术说明与他人专利说明书大段雷同",
                  [("禁止参与技术交易", (S.TRADING,), date(2026, 6, 10), date(2027, 6, 9))]),
        _decision(quiet[1], R.INTERMEDIARY, C.FABRICATION, Severity.GENERAL, "〔2026〕8号",
                  date(2026, 6, 12), "为委托方出具虚假技术交易额证明",
                  [("禁止参与技术交易", (S.TRADING, S.REGISTRATION), date(2026, 6, 12),
                    date(2027, 6, 11))], published=True),
    ]
    for decision in decisions:
        ledger.record_misconduct(i.RecordMisconduct(decision), actor=ACTOR)
    _follow_ups(loader, decisions)
    return len(decisions)


def _follow_ups(loader: _Loader, decisions: list[Decision]) -> None:
    """The agency appeals (pending); the plagiarism decision is overturned; the intermediary's
    ban is corrected to end soon after the demo's last day."""
    ledger = loader.ledger
    agency, plagiarism, fabrication = (
        _load(loader.ledger, MisconductRecord, MisconductRecord.id_for(AUTHORITY, d.decision_ref))
        for d in decisions[2:])
    if agency.status is RecordStatus.DECIDED:
        ledger.appeal_misconduct(i.AppealMisconduct(
            agency.id, "咨询业务与评价项目无关，已按规定回避", date(2026, 10, 20)), actor=ACTOR)
    if plagiarism.status is RecordStatus.DECIDED:
        ledger.appeal_misconduct(i.AppealMisconduct(
            plagiarism.id, "雷同部分系本单位在先公开的技术方案", date(2026, 6, 20)), actor=ACTOR)
    if plagiarism.status in (RecordStatus.DECIDED, RecordStatus.APPEALED):
        ledger.decide_appeal(i.DecideAppeal(
            plagiarism.id, True, "经复核，雷同内容来源于申请人在先公开的专利，不构成抄袭",
            date(2026, 8, 3)), actor=ACTOR)
    if fabrication.corrections == 0:
        ledger.correct_misconduct(i.CorrectMisconduct(
            fabrication.id, "为委托方出具虚假技术交易额证明（涉及合同2份）", "更正处理期限为6个月",
            ((fabrication.sanction_ids[0], date(2026, 12, 11)),), date(2026, 7, 1)), actor=ACTOR)


def _decision(subject: UUID, role: SubjectRole, category: MisconductCategory,
              severity: Severity, number: str, day: date, findings: str,
              sanctions: list[tuple[str, tuple[SanctionScope, ...], date, date | None]], *,
              evaluations: tuple[UUID, ...] = (), achievements: tuple[UUID, ...] = (),
              cancel: bool = False, published: bool = False) -> Decision:
    return Decision(subject, role, category, severity, findings, AUTHORITY, f"保科诚{number}", day,
                    tuple(SanctionTerms(*s) for s in sanctions), evaluations, achievements,
                    cancel, published)


def _subject(evaluation: Evaluation) -> UUID:
    assert evaluation.subject_id is not None
    return evaluation.subject_id


def _owner(loader: _Loader, evaluation: Evaluation) -> UUID:
    return _load(loader.ledger, Achievement, _subject(evaluation)).owner_ids[0]



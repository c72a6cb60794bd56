"""The demo data set: loaded through the ledger's commands, in the promised ranges, idempotent."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

import pytest

from api.demo_data import DemoSummary, load_demo
from domain.achievement import Achievement
from domain.base import LedgerAggregate
from domain.codes import normalize_patent_number, validate_credit_code
from domain.contract import ContractStatus, ContractType, ContractVariant, PricingMethod, TechContract
from domain.evaluation import Evaluation, EvaluationStatus
from domain.evaluation_policy import Grade
from domain.misconduct import MisconductCategory, MisconductRecord, RecordStatus
from domain.party import Party
from domain.pledge import Pledge, PledgeStatus
from domain.rights import AchievementRights
from domain.valuation import ValuationMethod
from domain.values import EvaluationClass, ManagerStage, PartyKind
from services.ledger import Ledger
from services.settings import Settings

A = TypeVar("A")
REGISTRATION_NUMBER = re.compile(r"^(1306|3401)(2023|2024|2025|2026)[JYR]\d{5}$")


@dataclass(frozen=True)
class Loaded:
    ledger: Ledger
    summary: DemoSummary


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    ledger = Ledger(Settings(data_dir=tmp_path_factory.mktemp("demo")))
    try:
        yield Loaded(ledger, load_demo(ledger))
    finally:
        ledger.close()


def events_of(ledger: Ledger, topic: str) -> list[Any]:
    """Every stored event with this topic, decoded, in ledger order."""
    found: list[Any] = []
    start = 1
    while True:
        page = ledger.recorder.select_notifications(start=start, limit=500, topics=[topic])
        if not page:
            return found
        found += [ledger.mapper.to_domain_event(n) for n in page]
        start = page[-1].id + 1


def test_counts_are_in_the_promised_ranges(loaded: Loaded) -> None:
    s = loaded.summary
    assert 250 <= s.parties <= 350
    assert 50 <= s.projects <= 70
    assert 180 <= s.achievements <= 220
    assert s.relations >= 30
    assert s.follow_ups >= 150
    assert s.events_written >= s.parties + s.projects + 2 * s.achievements


def test_a_second_load_writes_nothing(loaded: Loaded) -> None:
    before = loaded.ledger.recorder.max_notification_id()
    again = load_demo(loaded.ledger)
    assert loaded.ledger.recorder.max_notification_id() == before
    assert again.events_written == 0
    assert again == replace(loaded.summary, events_written=0)
    assert again.contracts >= 140 and again.pledges >= 20  # trades and pledges replayed too


def test_registration_numbers_are_unique_and_well_formed(loaded: Loaded) -> None:
    registered = events_of(loaded.ledger, "domain.achievement:Achievement.Registered")
    numbers = [event.registration_number for event in registered]
    assert len(numbers) == loaded.summary.achievements
    assert len(set(numbers)) == len(numbers)
    assert all(REGISTRATION_NUMBER.match(number) for number in numbers)


def test_organisations_carry_valid_unique_credit_codes(loaded: Loaded) -> None:
    parties = events_of(loaded.ledger, "domain.party:Party.Registered")
    codes = [p.credit_code for p in parties if p.kind is not PartyKind.INDIVIDUAL]
    assert all(validate_credit_code(code) == code for code in codes)
    assert len(set(codes)) == len(codes)
    kinds = Counter(p.kind for p in parties)
    assert kinds[PartyKind.INDIVIDUAL] >= 100
    assert all(kinds[kind] >= 1 for kind in PartyKind)
    experts = [p for p in parties if p.expert_type is not None]
    assert len(experts) >= 50
    assert all(p.affiliation_id is not None for p in experts)


def test_projects_end_in_varied_states(loaded: Loaded) -> None:
    topics = Counter({
        step: len(events_of(loaded.ledger, f"domain.project:FundedProject.{step}"))
        for step in ("Proposed", "PreApprovalAssessed", "Approved", "StageAssessed",
                     "Accepted", "Terminated", "OutputLinked")
    })
    assert topics["Proposed"] > topics["PreApprovalAssessed"] > topics["Approved"] > 0
    assert topics["StageAssessed"] > 0 and topics["Accepted"] > 0 and topics["Terminated"] > 0
    assert topics["OutputLinked"] > 0
    assessments = events_of(loaded.ledger, "domain.project:FundedProject.PreApprovalAssessed")
    assert any(not event.recommended for event in assessments)


def test_follow_up_events_are_recorded(loaded: Loaded) -> None:
    counts = {
        step: len(events_of(loaded.ledger, f"domain.achievement:Achievement.{step}"))
        for step in ("Disclosed", "PatentStatusChanged", "RegistrationCancelled", "CompanyFormed")
    }
    assert counts["Disclosed"] >= loaded.summary.achievements * 3 // 10
    assert counts["PatentStatusChanged"] >= 1
    assert 3 <= counts["RegistrationCancelled"] <= 4  # one by a misconduct decision
    assert counts["CompanyFormed"] >= 5


def test_handy_ids_point_at_what_they_promise(loaded: Loaded) -> None:
    s, repository = loaded.summary, loaded.ledger.repository
    university: object = repository.get(s.university_id)
    bank: object = repository.get(s.bank_id)
    assert isinstance(university, Party) and university.kind is PartyKind.UNIVERSITY
    assert isinstance(bank, Party) and bank.kind is PartyKind.BANK
    achievement: object = repository.get(s.patented_achievement_id)
    assert isinstance(achievement, Achievement)
    assert achievement.registration_number == s.registration_number
    assert normalize_patent_number(s.patent_number) in achievement.patents


def evaluations_of(ledger: Ledger) -> list[Evaluation]:
    commissioned = events_of(ledger, "domain.evaluation:Evaluation.Commissioned")
    found: list[Evaluation] = []
    for event in commissioned:
        evaluation: object = ledger.repository.get(event.originator_id)
        assert isinstance(evaluation, Evaluation)
        found.append(evaluation)
    return found


def test_evaluations_of_every_class_and_grade(loaded: Loaded) -> None:
    evaluations = evaluations_of(loaded.ledger)
    assert len(evaluations) == loaded.summary.evaluations >= 35
    classes = Counter(e.evaluation_class for e in evaluations)
    assert all(classes[c] >= 1 for c in EvaluationClass)
    assert classes[EvaluationClass.TRANSFERABLE] >= 25
    finalized = Counter(e.grade for e in evaluations if e.status is EvaluationStatus.FINALIZED
                        and e.evaluation_class is EvaluationClass.TRANSFERABLE)
    assert all(finalized[grade] >= 1 for grade in Grade)
    assert finalized[Grade.B] + finalized[Grade.C] > finalized[Grade.A]
    assert finalized[Grade.CULTIVATION] >= 3
    unfinished = {e.status for e in evaluations if e.status not in
                  (EvaluationStatus.FINALIZED, EvaluationStatus.REVOKED)}
    assert unfinished >= {EvaluationStatus.PANEL_FORMED, EvaluationStatus.REVIEWED,
                          EvaluationStatus.PUBLICIZED}
    versions = {e.policy.version for e in evaluations if e.policy is not None}
    assert versions == {"HF-2022", "HF-2024", "HF-2026"}


def test_a_revocation_a_recusal_and_a_re_evaluated_cultivation_candidate(loaded: Loaded) -> None:
    evaluations = evaluations_of(loaded.ledger)
    # One revoked on its own, one by a misconduct decision (test_misconduct_decisions).
    assert len([e for e in evaluations if e.status is EvaluationStatus.REVOKED]) == 2
    recused = [e for e in evaluations if e.recused]
    assert len(recused) == 1 and not set(recused[0].recused) & {m.party_id for m in recused[0].panel}
    revoked = events_of(loaded.ledger, "domain.evaluation:Evaluation.Revoked")
    assert revoked[0].reason.startswith("评价中弄虚作假") and revoked[0].decision_ref
    finalized = [e for e in evaluations if e.status is EvaluationStatus.FINALIZED
                 and e.evaluation_class is EvaluationClass.TRANSFERABLE]
    by_subject: dict[Any, list[Evaluation]] = {}
    for evaluation in finalized:
        by_subject.setdefault(evaluation.subject_id, []).append(evaluation)
    grades = [{e.grade for e in pair} for pair in by_subject.values() if len(pair) > 1]
    assert {Grade.CULTIVATION, Grade.C} in grades


def test_companies_formed_within_and_after_the_deadline(loaded: Loaded) -> None:
    ledger, within, late = loaded.ledger, 0, 0
    formed = events_of(ledger, "domain.achievement:Achievement.CompanyFormed")
    for evaluation in evaluations_of(ledger):
        if evaluation.company_deadline is None or evaluation.status is not EvaluationStatus.FINALIZED:
            continue
        assert evaluation.publicity_end is not None
        for event in formed:
            if (event.originator_id == evaluation.subject_id
                    and event.effective_date >= evaluation.publicity_end):
                within += event.effective_date <= evaluation.company_deadline
                late += event.effective_date > evaluation.company_deadline
    assert within >= 3 and late == 1
    library: object = ledger.repository.get(loaded.summary.evaluation_id)
    assert isinstance(library, Evaluation) and library.in_library and library.grade is Grade.A
    assert library.subject_id == loaded.summary.library_achievement_id


def test_qualifications_policies_and_technology_managers(loaded: Loaded) -> None:
    ledger = loaded.ledger
    published = {event.policy.version
                 for event in events_of(ledger, "domain.evaluation_policy:PolicyRecord.Published")}
    assert published == {"HF-2024", "HF-2026"}
    lapsed: object = ledger.repository.get(loaded.summary.lapsed_agency_id)
    assert isinstance(lapsed, Party) and lapsed.kind is PartyKind.EVALUATION_AGENCY
    assert lapsed.qualifications and not lapsed.qualified_for(EvaluationClass.TRANSFERABLE, date(2025, 1, 1))
    evaluators = {e.evaluator_id for e in evaluations_of(ledger)}
    assert loaded.summary.lapsed_agency_id not in evaluators
    engagements = events_of(ledger, "domain.achievement:Achievement.TechnologyManagerEngaged")
    engaged = Counter(event.stage for event in engagements)
    assert all(engaged[stage] >= 1 for stage in ManagerStage)


def test_every_step_is_dated_within_the_demo_window(loaded: Loaded) -> None:
    registered = {e.originator_id: e.effective_date
                  for e in events_of(loaded.ledger, "domain.achievement:Achievement.Registered")}
    for evaluation in evaluations_of(loaded.ledger):
        steps = loaded.ledger.repository.event_store.get(evaluation.id)
        days = [step.effective_date for step in steps if isinstance(step, LedgerAggregate.Event)]
        assert days == sorted(days) and days[-1] <= date(2026, 11, 20)
        assert days[0] >= registered.get(evaluation.subject_id, date.min)


def get(ledger: Ledger, cls: type[A], aggregate_id: UUID) -> A:
    found: object = ledger.repository.get(aggregate_id)
    assert isinstance(found, cls)
    return found


def contracts_of(ledger: Ledger) -> list[TechContract]:
    return [get(ledger, TechContract, e.originator_id)
            for e in events_of(ledger, "domain.contract:TechContract.Accepted")]


def pledges_of(ledger: Ledger) -> list[Pledge]:
    return [get(ledger, Pledge, e.originator_id)
            for e in events_of(ledger, "domain.pledge:Pledge.Registered")]


def test_contracts_of_every_type_and_variant(loaded: Loaded) -> None:
    ledger, contracts = loaded.ledger, contracts_of(loaded.ledger)
    terms = [c.terms for c in contracts if c.terms is not None]
    assert len(terms) == loaded.summary.contracts >= 140
    kinds = Counter(t.contract_type for t in terms)
    assert all(kinds[kind] >= 5 for kind in ContractType)
    assert {t.variant for t in terms} == {*ContractVariant, None}
    assert all(Decimal(50_000) <= t.turnover <= Decimal(20_000_000) for t in terms)
    assert all(0 < t.transaction_amount <= t.turnover for t in terms)
    assert {t.signed_on.year for t in terms} == {2023, 2024, 2025, 2026}
    exchanges = {get(ledger, Party, t.exchange_id).kind for t in terms}
    assert exchanges == {PartyKind.TRANSFER_AGENCY}
    sellers = Counter(get(ledger, Party, t.seller_id).kind for t in terms)
    assert all(sellers[k] >= 10 for k in (PartyKind.UNIVERSITY, PartyKind.RESEARCH_INSTITUTE,
                                          PartyKind.ENTERPRISE))
    buyers = {(get(ledger, Party, t.buyer_id).region_code or "")[:2] for t in terms}
    assert {"11", "12", "13", "34"} <= buyers  # 京津冀 and beyond
    assert {t.pricing for t in terms if t.pricing is not None} == set(PricingMethod)
    assert sum(c.paid > 0 for c in contracts) >= 50
    assert all(c.paid <= c.terms.turnover for c in contracts if c.terms is not None)
    assert len(events_of(ledger, "domain.contract:TechContract.Amended")) >= 3
    assert sum(c.status is ContractStatus.TERMINATED for c in contracts) >= 3


def test_transfers_move_ownership(loaded: Loaded) -> None:
    ledger, moved = loaded.ledger, 0
    for contract in contracts_of(ledger):
        terms = contract.terms
        if terms is None or terms.contract_type is not ContractType.TRANSFER \
                or contract.status not in (ContractStatus.REGISTERED, ContractStatus.TERMINATED):
            continue
        rights = get(ledger, AchievementRights, AchievementRights.id_for(terms.achievement_ids[0]))
        before = rights.owners_on(terms.signed_on - timedelta(days=1))
        after = rights.owners_on(terms.signed_on)
        assert terms.seller_id in before and terms.buyer_id in after and terms.seller_id not in after
        moved += 1
    assert moved >= 20


def test_pledges_active_released_and_enforced(loaded: Loaded) -> None:
    ledger, pledges = loaded.ledger, pledges_of(loaded.ledger)
    assert len(pledges) == loaded.summary.pledges >= 20
    statuses = Counter(p.status for p in pledges)
    assert statuses[PledgeStatus.REGISTERED] >= 5 and statuses[PledgeStatus.RELEASED] >= 3
    assert statuses[PledgeStatus.ENFORCED] == 1
    for pledge in pledges:
        terms = pledge.terms
        assert terms is not None and get(ledger, Party, terms.pledgee_id).kind is PartyKind.BANK
        assert Decimal(500_000) <= terms.secured_amount <= Decimal(10_000_000)
        assert 360 <= (terms.loan_end - terms.loan_start).days <= 3 * 366
        achievement = get(ledger, Achievement, terms.items[0].achievement_id)
        numbers = terms.items[0].patent_numbers or tuple(achievement.patents)
        assert numbers and all(terms.loan_end <= (achievement.patents[n].expiry_date or date.max)
                               for n in numbers)
    support = Counter(kind for p in pledges for kind, _ in p.support)
    assert support["interest_subsidy"] >= 3 and support["risk_compensation"] >= 1
    items = [i for p in pledges if p.active and p.terms is not None for i in p.terms.items]
    pledged = {normalize_patent_number(n) for i in items
               for n in i.patent_numbers or get(ledger, Achievement, i.achievement_id).patents}
    assert normalize_patent_number(loaded.summary.pledged_patent_number) in pledged


def test_a_pledged_achievement_is_transferred_with_the_pledgees_consent(loaded: Loaded) -> None:
    ledger = loaded.ledger
    consented = [p for p in pledges_of(ledger) if p.consents]
    assert len(consented) == 1
    pledge, number = consented[0], consented[0].consents[0]
    contract = get(ledger, TechContract, TechContract.id_for(number))
    assert pledge.terms is not None and contract.terms is not None
    assert contract.terms.contract_type is ContractType.TRANSFER
    assert contract.terms.achievement_ids == (pledge.terms.items[0].achievement_id,)
    assert contract.terms.seller_id == pledge.terms.pledgor_id and pledge.active
    rights = get(ledger, AchievementRights, AchievementRights.id_for(contract.terms.achievement_ids[0]))
    lien = next(x for x in rights.liens if x.pledge_id == pledge.id)
    assert number in lien.consents and lien.since < contract.terms.signed_on and lien.ended_on is None
    assert contract.terms.buyer_id in rights.owners_on(date.max)


def test_trades_and_pledges_are_dated_within_the_demo_window(loaded: Loaded) -> None:
    ledger = loaded.ledger
    registered = {e.originator_id: e.effective_date
                  for e in events_of(ledger, "domain.achievement:Achievement.Registered")}
    subjects: list[tuple[UUID, tuple[UUID, ...]]] = [
        *((c.id, c.terms.achievement_ids) for c in contracts_of(ledger) if c.terms is not None),
        *((p.id, tuple(i.achievement_id for i in p.terms.items)) for p in pledges_of(ledger)
          if p.terms is not None)]
    for aggregate_id, achievements in subjects:
        steps = [ev.effective_date for ev in ledger.repository.event_store.get(aggregate_id)
                 if isinstance(ev, LedgerAggregate.Event)]
        assert min(steps) >= max((registered[a] for a in achievements), default=date(2023, 1, 1))
        assert max(steps) <= date(2026, 11, 20)


def test_pledged_achievements_are_valued_before_the_loan(loaded: Loaded) -> None:
    """Baoding items 11, 13: most pledge loans rest on an appraisal made shortly before."""
    ledger = loaded.ledger
    recorded = events_of(ledger, "domain.valuation:Valuation.Recorded")
    withdrawn = events_of(ledger, "domain.valuation:Valuation.Withdrawn")
    assert len(withdrawn) == 1 and withdrawn[0].originator_id in {e.originator_id for e in recorded}
    reports = [e.report for e in recorded]
    assert {r.method for r in reports} == set(ValuationMethod)
    assert all(r.value > 0 and r.base_date <= e.effective_date <= r.valid_until
               for r, e in zip(reports, recorded, strict=True))
    pledges = pledges_of(ledger)
    valued = {r.achievement_id for r in reports}
    assert len(valued) >= 0.6 * len(pledges)
    starts = {i.achievement_id: p.terms.loan_start for p in pledges if p.terms is not None
              for i in p.terms.items}
    assert valued <= set(starts) and all(r.base_date < starts[r.achievement_id] for r in reports)
    appraisers = {get(ledger, Party, r.appraiser_id).kind for r in reports}
    assert appraisers == {PartyKind.ENTERPRISE, PartyKind.EVALUATION_AGENCY}


def test_registration_cases_for_the_registrys_desk(loaded: Loaded) -> None:
    """Cases still open on the demo's last day, completed late, refused after an objection,
    and every agreement-priced disposal by a university or institute with its public notice."""
    contracts = contracts_of(loaded.ledger)
    statuses = Counter(c.status for c in contracts)
    assert statuses[ContractStatus.ACCEPTED] >= 5 and statuses[ContractStatus.REFUSED] == 1
    assert sum(c.awaiting_correction for c in contracts) == 1
    assert sum(bool(c.disputes) for c in contracts) == 2
    agreement = [c for c in contracts if c.terms and c.terms.pricing is PricingMethod.AGREEMENT]
    assert agreement and all(c.notice is not None for c in agreement)
    open_notice = [c for c in agreement if c.status is ContractStatus.ACCEPTED]
    assert len(open_notice) == 1 and open_notice[0].holds_on(date(2026, 11, 20))
    ownerships = [get(loaded.ledger, AchievementRights, AchievementRights.id_for(a))
                  for c in open_notice if c.terms for a in c.terms.achievement_ids]
    assert all(c.terms and c.terms.seller_id in r.owners_on(date.max)  # not moved yet
               for c in open_notice for r in ownerships)


def test_misconduct_decisions_of_every_kind(loaded: Loaded) -> None:
    """Evaluation fraud that revoked and cancelled, solicitation, an appeal pending, an appeal
    that overturned, a corrected ban; each subject quiet during its ban."""
    records = [get(loaded.ledger, MisconductRecord, e.originator_id)
               for e in events_of(loaded.ledger, "domain.misconduct:MisconductRecord.Recorded")]
    assert len(records) == 5
    statuses = Counter(r.status for r in records)
    assert statuses == {RecordStatus.DECIDED: 3, RecordStatus.APPEALED: 1,
                        RecordStatus.OVERTURNED: 1}
    assert {r.decision.category for r in records if r.decision} >= {
        MisconductCategory.EVALUATION_FRAUD, MisconductCategory.SOLICITATION}
    fraud = next(r for r in records if r.decision and r.decision.cancel_registrations)
    assert fraud.decision is not None
    assert get(loaded.ledger, Evaluation, fraud.decision.evaluation_ids[0]).status \
        is EvaluationStatus.REVOKED
    assert sum(r.corrections for r in records) == 1
    assert sum(bool(r.decision and r.decision.published) for r in records) == 3

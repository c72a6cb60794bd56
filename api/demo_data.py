"""Demo data: a realistic, deterministic Baoding/Hefei data set written through the Ledger.

Every write goes through a Ledger command method. Create commands carry idempotency keys
derived from the seed (`demo-{seed}-party-{i}` ...), so a second load replays them; the
follow-up commands have no keys, so the loader reads the aggregate first and only issues
the steps that are still missing. Loading twice therefore writes nothing the second time.

One ledger should hold one demo seed: two seeds register the same organisation names twice.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from api import demo_names as names
from domain.achievement import Achievement, AchievementDraft, AchievementStatus
from domain.base import LedgerAggregate
from domain.codes import USCC_ALPHABET, patent_check_digit, uscc_check_character
from domain.project import FundedProject, ProjectStatus, StageConclusion
from domain.values import (
    FORMS_BY_SUBTYPE,
    AchievementForm,
    CancellationReason,
    Category,
    Completer,
    ExpertType,
    Funding,
    HefeiSubtype,
    MaturityStage,
    PartyKind,
    Patent,
    PatentKind,
    PatentStatus,
    Relation,
    RelationKind,
    TransferIntent,
)
from services.commands import (
    ApproveProject,
    AssessPreApproval,
    AssessStage,
    CancelRegistration,
    ChangePatentStatus,
    CloseProject,
    DeclareRelation,
    DiscloseAchievement,
    ProposeProject,
    RecordCompany,
    RegisterAchievement,
    RegisterParty,
)
from services.ledger import Ledger

if TYPE_CHECKING:
    from api.demo_demands import DemandShowcase
    from api.demo_evaluations import Showcase
    from api.demo_outcomes import OutcomesShowcase
    from api.demo_trades import TradeShowcase

Progress = Callable[[str, int, int], None]
A = TypeVar("A", bound=LedgerAggregate)

ACTOR = "demo:loader"
START = date(2023, 1, 1)
END = date(2026, 10, 31)  # last registration date; follow-ups may run a little later
FOLLOW_UP_END = date(2026, 11, 20)
CENT = Decimal("0.01")
N_ENTERPRISES = 96
N_PROJECTS = 60
N_ACHIEVEMENTS = 200
RESEARCH_KINDS = (PartyKind.UNIVERSITY, PartyKind.RESEARCH_INSTITUTE)
OWNER_KINDS = (*RESEARCH_KINDS, PartyKind.ENTERPRISE)


@dataclass(frozen=True)
class DemoSummary:
    """What the demo holds (whether written now or by an earlier load) and a few handy ids."""

    parties: int
    relations: int
    projects: int
    achievements: int
    follow_ups: int
    events_written: int
    university_id: UUID
    bank_id: UUID
    patented_achievement_id: UUID
    patent_number: str
    registration_number: str
    evaluations: int
    library_achievement_id: UUID  # finalized grade A, a company formed in time
    evaluation_id: UUID  # its evaluation
    lapsed_agency_id: UUID  # an evaluation agency whose qualification lapsed in 2024
    contracts: int  # technology contracts (api.demo_trades)
    pledges: int
    pledged_patent_number: str  # a patent under an active pledge


@dataclass(frozen=True)
class Org:
    id: UUID
    name: str
    kind: PartyKind
    region: str
    since: date

    @property
    def city(self) -> str:
        return {"1306": "baoding", "3401": "hefei"}.get(self.region[:4], "other")


@dataclass(frozen=True)
class Person:
    id: UUID
    name: str
    affiliation: Org
    expert_type: ExpertType | None
    since: date


@dataclass(frozen=True)
class ProjectRef:
    id: UUID
    undertaker: Org
    programme: str
    field: str
    amount: Decimal
    approved_on: date | None


@dataclass(frozen=True)
class Registered:
    id: UUID
    number: str
    draft: AchievementDraft
    on: date


@dataclass
class _Counts:
    parties: int = 0
    relations: int = 0
    projects: int = 0
    achievements: int = 0
    follow_ups: int = 0


def load_demo(ledger: Ledger, *, seed: int = 2026, progress: Progress | None = None) -> DemoSummary:
    """Load the demo data set through the ledger's commands; a second load writes nothing."""
    before = ledger.recorder.max_notification_id() or 0
    loader = _Loader(ledger, seed, progress)
    loader.run()
    written = (ledger.recorder.max_notification_id() or 0) - before
    return loader.summary(written)


# ---------------------------------------------------------------- small pure helpers


def _day(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def _after(rng: random.Random, start: date, lo: int, hi: int, cap: date = END) -> date:
    return min(cap, start + timedelta(days=rng.randint(lo, hi)))


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _money(value: Decimal | int) -> Decimal:
    return Decimal(value).quantize(CENT)


def _credit_authority(kind: PartyKind, name: str) -> str:
    """Positions 1-2: '11' government, '12' public institution, '91' enterprise (GB 32100)."""
    if kind is PartyKind.GOVERNMENT:
        return "11"
    if kind in RESEARCH_KINDS or name.endswith("中心"):
        return "12"
    return "91"


def _patent_number(rng: random.Random, filed: date, kind: PatentKind) -> str:
    digit = "1" if kind is PatentKind.INVENTION else "2"
    digits = f"{filed.year}{digit}{rng.randrange(10**7):07d}"
    return f"ZL{digits}.{patent_check_digit(digits)}"


def _load(ledger: Ledger, cls: type[A], aggregate_id: UUID) -> A:
    aggregate: Any = ledger.repository.get(aggregate_id)
    assert isinstance(aggregate, cls)
    return aggregate


def _project_steps_done(project: FundedProject, total: int) -> int:
    """How many of a project's planned steps (assess, approve, stages..., close) are recorded."""
    if project.status in (ProjectStatus.ACCEPTED, ProjectStatus.TERMINATED):
        return total
    if project.status is ProjectStatus.APPROVED:
        return 2 + project.stage_assessments
    return 1 if project.status is ProjectStatus.PRE_APPROVAL_ASSESSED else 0


# ---------------------------------------------------------------- the loader


@dataclass
class _Loader:
    ledger: Ledger
    seed: int
    progress: Progress | None
    rng: random.Random = field(init=False)
    orgs: list[Org] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    projects: list[ProjectRef] = field(default_factory=list)
    registered: list[Registered] = field(default_factory=list)
    counts: _Counts = field(default_factory=_Counts)
    _codes: set[str] = field(default_factory=set)
    _used_names: set[str] = field(default_factory=set)
    _patent_numbers: set[str] = field(default_factory=set)
    _followed_up: set[UUID] = field(default_factory=set)  # patents lapsed or registration cancelled
    showcase: Showcase | None = None  # what api.demo_evaluations loaded
    trades: TradeShowcase | None = None  # what api.demo_trades loaded
    misconduct_records: int = 0  # what api.demo_integrity loaded
    outcomes: OutcomesShowcase | None = None  # what api.demo_outcomes loaded
    demands: DemandShowcase | None = None  # what api.demo_demands loaded

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def run(self) -> None:
        self.load_organisations()
        self.load_people()
        self.load_relations()
        self.load_projects()
        self.load_achievements()
        self.load_follow_ups()
        from api.demo_evaluations import load_evaluations  # it imports this module

        self.showcase = load_evaluations(self)
        from api.demo_trades import load_trades  # it imports this module

        self.trades = load_trades(self)
        from api.demo_valuations import load_valuations  # it imports this module

        load_valuations(self)
        from api.demo_outcomes import load_outcomes  # it imports this module

        self.outcomes = load_outcomes(self)
        # Last: decisions are made about what happened before (see api.demo_integrity).
        from api.demo_integrity import load_integrity  # it imports this module

        self.misconduct_records = load_integrity(self)
        # After the decisions: matching must keep out what they barred (see api.demo_demands).
        from api.demo_demands import load_demands  # it imports this module

        self.demands = load_demands(self)
        from api.demo_expiry import load_expired_demand  # an overdue demand, swept

        load_expired_demand(self)
        from api.demo_events import load_events  # after the demands it features

        load_events(self)

    def report(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None and (done % 25 == 0 or done == total):
            self.progress(stage, done, total)

    def key(self, kind: str, index: int) -> str:
        return f"demo-{self.seed}-{kind}-{index}"

    def summary(self, written: int) -> DemoSummary:
        university = next(o for o in self.orgs if o.kind is PartyKind.UNIVERSITY)
        bank = next(o for o in self.orgs if o.kind is PartyKind.BANK)
        untouched = [r for r in self.registered if r.id not in self._followed_up]
        patented = max(untouched, key=lambda r: len(r.draft.patents))
        c, shown, trades, extra = self.counts, self.showcase, self.trades, self.outcomes
        demands = self.demands
        assert shown is not None and trades is not None and extra is not None
        assert demands is not None
        return DemoSummary(
            parties=c.parties, relations=c.relations, projects=c.projects,
            achievements=c.achievements, follow_ups=c.follow_ups, events_written=written,
            university_id=university.id, bank_id=bank.id, patented_achievement_id=patented.id,
            patent_number=patented.draft.patents[0].number, registration_number=patented.number,
            evaluations=shown.evaluations + extra.evaluations,
            library_achievement_id=shown.library_achievement_id,
            evaluation_id=shown.evaluation_id, lapsed_agency_id=shown.lapsed_agency_id,
            contracts=trades.contracts + extra.contracts + demands.contracts,
            pledges=trades.pledges,
            pledged_patent_number=trades.pledged_patent_number,
        )

    # ------------------------------------------------------------ parties

    def register_party(self, cmd: RegisterParty) -> UUID:
        outcome = self.ledger.register_party(cmd, actor=ACTOR,
                                             key=self.key("party", self.counts.parties))
        self.counts.parties += 1
        return outcome.value.id

    def credit_code(self, kind: PartyKind, name: str, region: str) -> str:
        while True:
            first17 = (_credit_authority(kind, name) + region
                       + "".join(self.rng.choice(USCC_ALPHABET) for _ in range(9)))
            code = first17 + uscc_check_character(first17)
            if code not in self._codes:
                self._codes.add(code)
                return code

    def organisation_plan(self) -> list[tuple[str, PartyKind, str, bool]]:
        """(name, kind, region, state_owned) of every organisation, public bodies first."""
        listed = [
            (names.GOVERNMENTS, PartyKind.GOVERNMENT), (names.UNIVERSITIES, PartyKind.UNIVERSITY),
            (names.RESEARCH_INSTITUTES, PartyKind.RESEARCH_INSTITUTE), (names.BANKS, PartyKind.BANK),
            (names.EVALUATION_AGENCIES, PartyKind.EVALUATION_AGENCY),
            (names.TRANSFER_AGENCIES, PartyKind.TRANSFER_AGENCY),
        ]
        plan = [(name, kind, region, False) for group, kind in listed for name, region in group]
        return plan + self.enterprise_plan()

    def enterprise_plan(self) -> list[tuple[str, PartyKind, str, bool]]:
        plan: list[tuple[str, PartyKind, str, bool]] = []
        while len(plan) < N_ENTERPRISES:
            city, region = self.rng.choice(names.ENTERPRISE_CITIES)
            state_owned = self.rng.random() < 0.15
            suffix = "集团有限公司" if state_owned else "有限公司"
            name = (f"{city}{self.rng.choice(names.ENTERPRISE_BRANDS)}"
                    f"{self.rng.choice(names.ENTERPRISE_INDUSTRIES)}{suffix}")
            if name not in self._used_names:
                self._used_names.add(name)
                plan.append((name, PartyKind.ENTERPRISE, region, state_owned))
        return plan

    def load_organisations(self) -> None:
        plan = self.organisation_plan()
        for done, (name, kind, region, state_owned) in enumerate(plan, 1):
            since = _day(self.rng, date(2022, 10, 1), date(2022, 12, 31))
            party_id = self.register_party(RegisterParty(
                name=name, kind=kind, credit_code=self.credit_code(kind, name, region),
                region_code=region, state_owned=state_owned, effective_date=since))
            self.orgs.append(Org(party_id, name, kind, region, since))
            self.report("parties", done, len(plan))

    def orgs_of(self, *kinds: PartyKind, city: str | None = None) -> list[Org]:
        return [o for o in self.orgs if o.kind in kinds and (city is None or o.city == city)]

    def person_name(self) -> str:
        while True:
            given = "".join(self.rng.choice(names.GIVEN_CHARS) for _ in range(self.rng.choice((1, 2, 2))))
            name = self.rng.choice(names.SURNAMES) + given
            if name not in self._used_names:
                self._used_names.add(name)
                return name

    def person_roles(self) -> list[tuple[ExpertType | None, bool, tuple[PartyKind, ...]]]:
        """(expert type, technology manager, affiliation kinds) for each individual."""
        roles: list[tuple[ExpertType | None, bool, tuple[PartyKind, ...]]] = (
            [(ExpertType.TECHNICAL, False, RESEARCH_KINDS)] * 45
            + [(ExpertType.INDUSTRY, False, (PartyKind.ENTERPRISE,))] * 20
            + [(ExpertType.INVESTMENT, False, (PartyKind.BANK, PartyKind.EVALUATION_AGENCY))] * 15
            + [(ExpertType.MARKET, False, (PartyKind.TRANSFER_AGENCY,))] * 14
            + [(ExpertType.MARKET, True, (PartyKind.TRANSFER_AGENCY,))] * 6
            + [(None, True, (PartyKind.TRANSFER_AGENCY, PartyKind.UNIVERSITY))] * 15
            + [(None, False, OWNER_KINDS)] * 35
        )
        self.rng.shuffle(roles)
        return roles

    def load_people(self) -> None:
        roles = self.person_roles()
        for done, (expert_type, manager, kinds) in enumerate(roles, 1):
            employer = self.rng.choice(self.orgs_of(*kinds))
            name, since = self.person_name(), _day(self.rng, date(2022, 11, 1), date(2023, 6, 30))
            party_id = self.register_party(RegisterParty(
                name=name, kind=PartyKind.INDIVIDUAL, region_code=employer.region,
                expert_type=expert_type, affiliation_id=employer.id, technology_manager=manager,
                effective_date=since))
            self.people.append(Person(party_id, name, employer, expert_type, since))
            self.report("individuals", done, len(roles))

    # ------------------------------------------------------------ relations

    def relation_for(self, expert: Person) -> Relation:
        kinds: dict[ExpertType, tuple[tuple[RelationKind, str], ...]] = {
            ExpertType.TECHNICAL: ((RelationKind.COLLABORATION, "合作研发项目"),
                                   (RelationKind.EMPLOYMENT, "兼职教授"),
                                   (RelationKind.FORMER_EMPLOYMENT, "曾在该单位任职")),
            ExpertType.INDUSTRY: ((RelationKind.FORMER_EMPLOYMENT, "曾任技术总监"),
                                  (RelationKind.COLLABORATION, "产学研合作")),
            ExpertType.INVESTMENT: ((RelationKind.SHAREHOLDING, "所在基金持股"),
                                    (RelationKind.OTHER, "担任外部董事")),
            ExpertType.MARKET: ((RelationKind.COLLABORATION, "技术转移服务协议"),
                                (RelationKind.OTHER, "近三年提供咨询服务")),
        }
        assert expert.expert_type is not None
        kind, note = self.rng.choice(kinds[expert.expert_type])
        investor = expert.expert_type is ExpertType.INVESTMENT
        target_kinds = (PartyKind.ENTERPRISE,) if investor else OWNER_KINDS
        targets = [o for o in self.orgs_of(*target_kinds) if o.id != expert.affiliation.id]
        return Relation(self.rng.choice(targets).id, kind, note)

    def load_relations(self) -> None:
        experts = [p for p in self.people if p.expert_type is not None]
        chosen = self.rng.sample(experts, k=len(experts) * 45 // 100)
        for done, expert in enumerate(chosen, 1):
            for _ in range(self.rng.choice((1, 1, 2))):
                self.ledger.declare_relation(DeclareRelation(
                    expert.id, self.relation_for(expert),
                    effective_date=_after(self.rng, expert.since, 30, 400)), actor=ACTOR)
                self.counts.relations += 1
            self.report("relations", done, len(chosen))

    # ------------------------------------------------------------ projects

    def project_outcomes(self) -> list[str]:
        outcomes = (["proposed"] * 5 + ["assessed"] * 4 + ["rejected"] + ["approved"] * 10
                    + ["staged"] * 16 + ["accepted"] * 20 + ["terminated"] * 4)
        self.rng.shuffle(outcomes)
        return outcomes

    def field_for(self, org: Org) -> str:
        """The field an organisation's name suggests (mostly), else any field."""
        hinted = [f for word, f in names.FIELD_HINTS if word in org.name]
        if hinted and self.rng.random() < 0.85:
            return hinted[0]
        return self.rng.choice(sorted(names.FIELDS))

    def project_title(self, field_name: str, used: set[str]) -> str:
        while True:
            subjects = names.FIELDS[field_name][1]
            title = self.rng.choice(names.PROJECT_TITLES).format(subject=self.rng.choice(subjects))
            if title not in used:
                used.add(title)
                return title

    def load_projects(self) -> None:
        outcomes, titles = self.project_outcomes(), set[str]()
        undertakers = self.orgs_of(*OWNER_KINDS, city="baoding") + self.orgs_of(*OWNER_KINDS, city="hefei")
        for index, outcome in enumerate(outcomes):
            undertaker = self.rng.choice(undertakers)
            programme = self.rng.choice(names.PROGRAMMES[undertaker.city])
            amount = _money(self.rng.randrange(20, 500) * 10_000 + self.rng.choice((0, 5_000)))
            proposed_on, field_name = self.proposal_date(outcome), self.field_for(undertaker)
            outcome_id = self.ledger.propose_project(ProposeProject(
                title=self.project_title(field_name, titles), undertaker_id=undertaker.id,
                programme=programme, fiscal_amount=amount, effective_date=proposed_on),
                actor=ACTOR, key=self.key("project", index)).value.id
            self.counts.projects += 1
            ref = ProjectRef(outcome_id, undertaker, programme, field_name, amount, None)
            self.projects.append(self.advance_project(ref, outcome, proposed_on))
            self.report("projects", index + 1, len(outcomes))

    def proposal_date(self, outcome: str) -> date:
        ranges = {"approved": (date(2025, 9, 1), date(2026, 4, 30)),
                  "staged": (date(2024, 6, 1), date(2025, 6, 30)),
                  "accepted": (date(2023, 1, 15), date(2024, 3, 31)),
                  "terminated": (date(2023, 1, 15), date(2024, 3, 31))}
        lo, hi = ranges.get(outcome, (date(2026, 2, 1), date(2026, 8, 31)))
        return _day(self.rng, lo, hi)

    def advance_project(self, ref: ProjectRef, outcome: str, proposed_on: date) -> ProjectRef:
        """Plan the project's lifecycle steps and issue those not yet recorded."""
        steps: list[Callable[[], object]] = []
        assessed_on = _after(self.rng, proposed_on, 30, 60)
        recommended = outcome != "rejected"
        summary = "同意立项，建议按计划推进" if recommended else "技术路线不清晰，不建议立项"
        steps.append(partial(self.ledger.assess_pre_approval, AssessPreApproval(
            ref.id, recommended, summary, effective_date=assessed_on), actor=ACTOR))
        if outcome in ("proposed", "assessed", "rejected"):
            return self.issue_steps(ref, steps[:0] if outcome == "proposed" else steps)
        approved_on = _after(self.rng, assessed_on, 15, 45)
        amount = _money(ref.amount * self.rng.choice((80, 85, 90, 95, 100)) / 100)
        steps.append(partial(self.ledger.approve_project, ApproveProject(
            ref.id, amount, effective_date=approved_on), actor=ACTOR))
        steps += self.later_steps(ref.id, outcome, approved_on)
        approved = ProjectRef(ref.id, ref.undertaker, ref.programme, ref.field, amount, approved_on)
        return self.issue_steps(approved, steps)

    def later_steps(self, project_id: UUID, outcome: str, approved_on: date) -> list[Callable[[], object]]:
        """Stage assessments, then acceptance or termination."""
        stages = {"approved": 0, "terminated": 1}.get(outcome, self.rng.choice((1, 2)))
        steps: list[Callable[[], object]] = []
        on = approved_on
        for stage in range(stages):
            on = _after(self.rng, on, 170, 200)
            conclusion = (StageConclusion.OFF_TRACK if outcome == "terminated"
                          else self.rng.choice((StageConclusion.ON_TRACK,) * 4 + (StageConclusion.AT_RISK,)))
            steps.append(partial(self.ledger.assess_stage, AssessStage(
                project_id, names.STAGE_NAMES[stage], conclusion, "进度与经费使用情况已核查",
                effective_date=on), actor=ACTOR))
        if outcome in ("accepted", "terminated"):
            accepted = outcome == "accepted"
            summary = "完成合同约定的考核指标，同意通过验收" if accepted else "关键技术指标无法实现，终止项目"
            steps.append(partial(self.ledger.close_project, CloseProject(
                project_id, accepted, summary, effective_date=_after(self.rng, on, 90, 200)),
                actor=ACTOR))
        return steps

    def issue_steps(self, ref: ProjectRef, steps: Sequence[Callable[[], object]]) -> ProjectRef:
        done = _project_steps_done(_load(self.ledger, FundedProject, ref.id), len(steps))
        for step in steps[done:]:
            step()
        self.counts.follow_ups += len(steps)
        return ref

    # ------------------------------------------------------------ achievements

    def load_achievements(self) -> None:
        used: set[str] = set()
        plans = sorted((self.plan_achievement(used) for _ in range(N_ACHIEVEMENTS)),
                       key=lambda plan: plan[2])
        for index, (draft, registry_code, on) in enumerate(plans):
            created = self.ledger.register_achievement(
                RegisterAchievement(draft, registry_code, effective_date=on),
                actor=ACTOR, key=self.key("achievement", index)).value
            assert created.registration_number is not None
            self.registered.append(Registered(created.id, created.registration_number, draft, on))
            self.counts.achievements += 1
            self.report("achievements", index + 1, len(plans))

    def plan_achievement(self, used: set[str]) -> tuple[AchievementDraft, str, date]:
        category = self.rng.choices(list(Category), weights=(12, 80, 8))[0]
        project = self.funding_project()
        owner = project.undertaker if project else self.first_owner(category)
        lo = project.approved_on + timedelta(days=90) if project and project.approved_on else START
        on = _day(self.rng, lo, END)
        field_name = project.field if project else self.field_for(owner)
        field_name, title, keywords = self.subject(category, owner, field_name, used)
        draft = self.draft(category, owner, field_name, title, keywords, project, on)
        return draft, "1306" if owner.city == "baoding" else "3401", on

    def funding_project(self) -> ProjectRef | None:
        eligible = [p for p in self.projects
                    if p.approved_on is not None and p.approved_on + timedelta(days=90) <= END]
        return self.rng.choice(eligible) if eligible and self.rng.random() < 0.4 else None

    def first_owner(self, category: Category) -> Org:
        kinds = OWNER_KINDS if category is Category.APPLIED_TECHNOLOGY else RESEARCH_KINDS
        city = self.rng.choice(("baoding", "hefei"))
        return self.rng.choice(self.orgs_of(*kinds, city=city))

    def subject(self, category: Category, owner: Org, field_name: str,
                used: set[str]) -> tuple[str, str, tuple[str, ...]]:
        """(field, unique title, keywords) of an achievement."""
        for attempt in range(100):
            if category is Category.SOFT_SCIENCE:
                topic, title, keywords = self.soft_subject(owner)
            else:
                topic, title, keywords = self.technical_subject(category, field_name)
            if attempt == 99:
                title += f"（第{len(used) + 1}号）"
            if title not in used:
                used.add(title)
                return topic, title, keywords
        raise AssertionError("unreachable: the last attempt is always unique")

    def soft_subject(self, owner: Org) -> tuple[str, str, tuple[str, ...]]:
        topic = self.rng.choice(names.SOFT_TOPICS)
        city = "保定市" if owner.city == "baoding" else "合肥市"
        title = self.rng.choice(names.SOFT_TITLES).format(city=city, topic=topic)
        return "科技管理与政策", title, (topic, "政策研究", city)

    def technical_subject(self, category: Category, field_name: str) -> tuple[str, str, tuple[str, ...]]:
        words, subjects = names.FIELDS[field_name]
        keywords = tuple(self.rng.sample(words, k=self.rng.randint(3, 5)))
        templates = names.APPLIED_TITLES if category is Category.APPLIED_TECHNOLOGY else names.BASIC_TITLES
        title = self.rng.choice(templates).format(subject=self.rng.choice(subjects), keyword=keywords[0])
        return field_name, title, keywords

    def draft(self, category: Category, owner: Org, field_name: str, title: str,
              keywords: tuple[str, ...], project: ProjectRef | None, on: date) -> AchievementDraft:
        owners = self.owners(owner)
        stage, trl = self.maturity(category)
        patents = self.patents(category, keywords, on)
        subtype, forms = self.hefei_forms(category, stage, bool(patents))
        return AchievementDraft(
            title=title, category=category, owner_ids=tuple(o.id for o in owners),
            completers=self.completers(owners, on), field=field_name, keywords=keywords,
            funding=self.funding(project, owner), maturity_stage=stage, trl=trl, patents=patents,
            summary=f"本成果面向{field_name}领域，围绕{'、'.join(keywords[:2])}开展研究与开发，"
                    f"形成了具有自主知识产权的技术成果。",
            hefei_subtype=subtype, forms=forms,
        )

    def owners(self, first: Org) -> list[Org]:
        if self.rng.random() >= 0.25:
            return [first]
        others = [o for o in self.orgs_of(*OWNER_KINDS) if o.id != first.id]
        return [first, self.rng.choice(others)]

    def completers(self, owners: list[Org], on: date) -> tuple[Completer, ...]:
        owner_ids = {o.id for o in owners}
        staff = [p for p in self.people if p.affiliation.id in owner_ids and p.since <= on]
        chosen = self.rng.sample(staff, k=min(len(staff), self.rng.choice((0, 1, 1, 2))))
        completers = [Completer(p.name, p.id, p.affiliation.id) for p in chosen]
        wanted = self.rng.randint(2, 6)
        while len(completers) < wanted:
            employer = self.rng.choice(owners).id if self.rng.random() < 0.6 else None
            completers.append(Completer(self.person_name(), None, employer))
        return tuple(completers)

    def funding(self, project: ProjectRef | None, owner: Org) -> Funding:
        if project is None:
            own = "企业自筹" if owner.kind is PartyKind.ENTERPRISE else "单位自筹"
            return Funding(False, source=self.rng.choice((own, own, "横向合作经费")))
        share = _money(project.amount * self.rng.choice((20, 30, 50, 100)) / 100)
        return Funding(True, project.id, share, project.programme)

    def maturity(self, category: Category) -> tuple[MaturityStage, int | None]:
        if category is not Category.APPLIED_TECHNOLOGY:
            with_trl = category is Category.BASIC_THEORY and self.rng.random() < 0.5
            trl = self.rng.randint(1, 3) if with_trl else None
            return MaturityStage.CONCEPT_VERIFICATION, trl
        stage = self.rng.choices(list(MaturityStage), weights=(25, 45, 30))[0]
        lo, hi = {MaturityStage.CONCEPT_VERIFICATION: (2, 4), MaturityStage.PILOT: (4, 6),
                  MaturityStage.INDUSTRIALIZATION: (7, 9)}[stage]
        return stage, self.rng.randint(lo, hi) if self.rng.random() < 0.75 else None

    def hefei_forms(self, category: Category, stage: MaturityStage,
                    patented: bool) -> tuple[HefeiSubtype | None, tuple[AchievementForm, ...]]:
        if category is not Category.APPLIED_TECHNOLOGY or self.rng.random() < 0.3:
            return None, ()
        industrial = stage is MaturityStage.INDUSTRIALIZATION or (not patented and self.rng.random() < 0.3)
        subtype = (HefeiSubtype.DEVELOPMENT_INDUSTRIALIZATION if industrial
                   else HefeiSubtype.APPLIED_RESEARCH)
        allowed = sorted(FORMS_BY_SUBTYPE[subtype] - {AchievementForm.PATENT})
        forms = set(self.rng.sample(allowed, k=self.rng.randint(1, 2)))
        if patented and subtype is HefeiSubtype.APPLIED_RESEARCH:
            forms.add(AchievementForm.PATENT)
        return subtype, tuple(sorted(forms))

    def patents(self, category: Category, keywords: tuple[str, ...], on: date) -> tuple[Patent, ...]:
        count = {Category.APPLIED_TECHNOLOGY: self.rng.choices((0, 1, 2, 3), weights=(30, 35, 25, 10))[0],
                 Category.BASIC_THEORY: self.rng.choice((0, 0, 1)),
                 Category.SOFT_SCIENCE: 0}[category]
        return tuple(self.patent(self.rng.choice(keywords), on) for _ in range(count))

    def patent(self, keyword: str, on: date) -> Patent:
        invention = self.rng.random() < 0.6
        kind = PatentKind.INVENTION if invention else PatentKind.UTILITY_MODEL
        lag = self.rng.randint(540, 1100) if invention else self.rng.randint(180, 400)
        filed = on - timedelta(days=self.rng.randint(lag + 20, lag + 2200))
        number = _patent_number(self.rng, filed, kind)
        while number in self._patent_numbers:
            number = _patent_number(self.rng, filed, kind)
        self._patent_numbers.add(number)
        titles = names.INVENTION_TITLES if invention else names.UTILITY_TITLES
        return Patent(number, kind, self.rng.choice(titles).format(keyword=keyword),
                      filed + timedelta(days=lag), _add_years(filed, 20 if invention else 10))

    # ------------------------------------------------------------ follow-ups

    def load_follow_ups(self) -> None:
        regs = list(self.registered)
        disclosed = self.rng.sample(regs, k=len(regs) * 2 // 5)
        with_patents = [r for r in regs if r.draft.patents]
        lapsed = self.rng.sample(with_patents, k=min(6, len(with_patents)))
        applied = [r for r in regs if r.draft.maturity_stage is not MaturityStage.CONCEPT_VERIFICATION]
        founding = self.rng.sample(applied, k=min(10, len(applied)))
        taken = {r.id for r in founding + lapsed}
        cancelled = self.rng.sample([r for r in regs if r.id not in taken], k=3)
        self._followed_up = {r.id for r in lapsed + cancelled}
        jobs = ([partial(self.disclose, r) for r in disclosed] + [partial(self.lapse, r) for r in lapsed]
                + [partial(self.found_company, r) for r in founding]
                + [partial(self.cancel, r, n) for n, r in enumerate(cancelled, 1)])
        for done, job in enumerate(jobs, 1):
            job()
            self.report("follow-ups", done, len(jobs))

    def achievement(self, reg: Registered) -> Achievement:
        return _load(self.ledger, Achievement, reg.id)

    def issue(self, needed: bool, command: Callable[[], object]) -> None:
        if needed:
            command()
        self.counts.follow_ups += 1

    def disclose(self, reg: Registered) -> None:
        patents = reg.draft.patents
        unpatented = self.rng.choice(("专利申请中", "技术秘密"))
        ip_status = f"已获授权专利{len(patents)}件" if patents else unpatented
        funding = reg.draft.funding
        cmd = DiscloseAchievement(
            reg.id, reg.draft.owner_ids[0], tuple(c.name for c in reg.draft.completers), ip_status,
            self.rng.choice(list(TransferIntent)),
            funding_note=f"{funding.source}资助" if funding.fiscal else "",
            effective_date=_after(self.rng, reg.on, 15, 120, FOLLOW_UP_END))
        needed = self.achievement(reg).disclosed_on is None
        self.issue(needed, partial(self.ledger.disclose_achievement, cmd, actor=ACTOR))

    def lapse(self, reg: Registered) -> None:
        patent = self.rng.choice(reg.draft.patents)
        status, reason = self.rng.choice(((PatentStatus.LAPSED, "未按期缴纳年费，专利权终止"),
                                          (PatentStatus.FEE_OVERDUE, "年费逾期未缴，处于滞纳期")))
        cmd = ChangePatentStatus(reg.id, patent.number, status, reason,
                                 effective_date=_after(self.rng, reg.on, 60, 400, FOLLOW_UP_END))
        needed = self.achievement(reg).patents[patent.number].status is not status
        self.issue(needed, partial(self.ledger.change_patent_status, cmd, actor=ACTOR))

    def found_company(self, reg: Registered) -> None:
        city = "baoding" if reg.number.startswith("1306") else "hefei"
        company = self.rng.choice(self.orgs_of(PartyKind.ENTERPRISE, city=city))
        cmd = RecordCompany(reg.id, company.id,
                            effective_date=_after(self.rng, reg.on, 60, 300, FOLLOW_UP_END))
        needed = company.id not in self.achievement(reg).company_ids
        self.issue(needed, partial(self.ledger.record_company, cmd, actor=ACTOR))

    def cancel(self, reg: Registered, serial: int) -> None:
        reason, detail = self.rng.choice((
            (CancellationReason.FRAUD, "登记材料中的检测报告系伪造"),
            (CancellationReason.PLAGIARISM, "成果内容与他人已登记成果实质相同"),
        ))
        bureau = "保科" if reg.number.startswith("1306") else "合科"
        cmd = CancelRegistration(reg.id, reason, detail, f"{bureau}成撤〔2026〕{serial}号",
                                 effective_date=_after(self.rng, reg.on, 120, 500, FOLLOW_UP_END))
        needed = self.achievement(reg).status is AchievementStatus.REGISTERED
        self.issue(needed, partial(self.ledger.cancel_registration, cmd, actor=ACTOR))

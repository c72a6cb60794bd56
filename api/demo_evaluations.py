"""Demo evaluations (科技成果评价): the Hefei transferable process; Baoding's other classes are
in `api.demo_other_evaluations`, run from here in between (same RNG, so the same draws).

Run after the demo's follow-ups: demo renewals of the Hefei policy, agency qualifications (the
last agency's lapsed: never used, it shows a refusal), managers who are also experts, ~40
evaluations (a spread of grades, a recusal, a revocation, cultivation candidates re-evaluated,
companies formed within and after the Hefei art. 8 window) and manager engagements.
Deterministic (own seeded RNG; dates and sheets are planned before the ledger is read) and
idempotent: creates carry keys; only the steps an evaluation's stored status lacks are issued.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from uuid import UUID

from api import demo_names as names
from api.demo_data import ACTOR, FOLLOW_UP_END, RESEARCH_KINDS, Registered, _day, _load, _Loader
from domain.achievement import Achievement
from domain.base import LedgerAggregate
from domain.evaluation import Evaluation, add_months
from domain.evaluation import EvaluationStatus as S
from domain.evaluation_policy import HEFEI_2022, Grade, PolicyRecord
from domain.party import Party
from domain.scoring import score
from domain.values import EvaluationClass as Class
from domain.values import EvaluationForm, HefeiSubtype, PartyKind, Qualification
from domain.values import ExpertType as T
from domain.values import ManagerStage as Stage
from services import evaluation_commands as e
from services.commands import RecordCompany, RegisterParty
from services.ledger import Ledger

EVAL_ACTOR = "demo:evaluations"  # tells the evaluations' steps from the loader's (see `earliest`)
RANK = {S.COMMISSIONED: 0, S.PLAN_SET: 1, S.PANEL_FORMED: 2, S.REVIEWED: 3, S.CONCLUDED: 3,
        S.PUBLICIZED: 4, S.FINALIZED: 5, S.REVOKED: 6}
EARLIEST = date(2023, 7, 1)  # every expert is registered by then
LATEST = FOLLOW_UP_END - timedelta(days=75)  # the longest process still ends by FOLLOW_UP_END
RENEWALS = tuple(replace(HEFEI_2022, version=f"HF-{y}", effective_from=date(y, 6, 5),
                         effective_to=date(y + 2, 6, 4), source=f"{HEFEI_2022.source}; 演示数据 "
                         f"demo renewal {y}: indicators and thresholds as HF-2022") for y in (2024, 2026))
TARGETS = {Grade.A: (96.0, 98.5), Grade.B: (86.5, 93.0), Grade.C: (80.8, 84.0),
           Grade.CULTIVATION: (70.0, 78.5)}  # the centre of a sheet's scores
ISSUERS = {"baoding": ("冀", "河北省科学技术厅"), "hefei": ("皖", "安徽省科学技术厅"),
           "other": ("京", "北京市科学技术委员会")}
NOTES = {Stage.DISCLOSURE: "协助完成发明披露与权属梳理", Stage.ASSESSMENT: "组织技术与市场价值评估",
         Stage.NEGOTIATION: "对接意向企业开展许可谈判"}


@dataclass(frozen=True)
class Role:
    """What one transferable evaluation shows: its grade, where it stops, what follows it."""

    grade: Grade
    stop: S = S.FINALIZED
    window: tuple[date, date] = (EARLIEST, LATEST)  # of the commission date
    company: str = ""  # "in_time", or "late": after the Hefei art. 8 deadline
    revoke: bool = False
    recuse: bool = False
    again: Grade | None = None  # a cultivation candidate re-evaluated later, to this grade


EARLY, SOON, AUTUMN = (EARLIEST, date(2025, 6, 30)), (EARLIEST, date(2026, 6, 30)), (
    date(2026, 9, 20), date(2026, 9, 30))
FIRST_ROLES = (Role(Grade.CULTIVATION, window=EARLY, again=Grade.C),
               Role(Grade.CULTIVATION, window=EARLY, again=Grade.B),
               Role(Grade.B, window=EARLY, company="late"),
               Role(Grade.B, window=(EARLIEST, date(2026, 3, 1)), revoke=True))
B, C = Role(Grade.B), Role(Grade.C)
MIDDLE_ROLES = (  # most telling first: a short pool keeps these
    *[Role(Grade.A, window=SOON, company="in_time")] * 2, Role(Grade.B, recuse=True),
    *[Role(Grade.B, window=SOON, company="in_time")] * 2, Role(Grade.C, window=SOON, company="in_time"),
    Role(Grade.A), *[Role(Grade.CULTIVATION), B, C] * 3, *[B, C] * 3, B)
LAST_ROLES = (Role(Grade.B, S.PANEL_FORMED, AUTUMN), Role(Grade.C, S.REVIEWED, AUTUMN),
              Role(Grade.A, S.PUBLICIZED, AUTUMN))  # still in progress


@dataclass(frozen=True)
class Showcase:
    evaluations: int
    library_achievement_id: UUID
    evaluation_id: UUID
    lapsed_agency_id: UUID


Step = tuple[Callable[[Evaluation], bool], Callable[[], object]]  # (done on the stored one?, run)


def reached(status: S) -> Callable[[Evaluation], bool]:
    return lambda evaluation: RANK[evaluation.status] >= RANK[status]


def has_sheet(expert_id: UUID, evaluation: Evaluation) -> bool:
    return expert_id in evaluation.sheets or RANK[evaluation.status] > RANK[S.PANEL_FORMED]


def on_panel(expert_id: UUID, present: bool, evaluation: Evaluation) -> bool:
    serving = any(m.party_id == expert_id for m in evaluation.panel)
    return serving is present or RANK[evaluation.status] > RANK[S.PANEL_FORMED]


def city_of(reg: Registered) -> str:
    return "baoding" if reg.number.startswith("1306") else "hefei"


def load_evaluations(loader: _Loader) -> Showcase:
    """Policies, qualifications and managers, then every planned evaluation (idempotent)."""
    from api.demo_other_evaluations import other_classes  # it imports this module

    run = _Evaluations(loader, loader.ledger, random.Random(f"demo-{loader.seed}-evaluations"))
    for policy in RENEWALS:
        if PolicyRecord.id_for(policy.version) not in loader.ledger.repository:
            loader.ledger.publish_policy(e.PublishPolicy(policy, policy.effective_from - timedelta(days=20)),
                                         actor=EVAL_ACTOR)
    lapsed = run.qualify_agencies()
    run.register_managers()
    chosen = run.transferables()
    other_classes(run, {r.id for r in chosen})
    run.engagements(chosen)
    assert run.library is not None
    return Showcase(run.count, *run.library, lapsed)


@dataclass
class _Evaluations:
    loader: _Loader
    ledger: Ledger
    rng: random.Random
    parties: dict[UUID, Party] = field(default_factory=dict)
    panelists: list[Party] = field(default_factory=list)
    agencies: dict[str, list[UUID]] = field(default_factory=dict)  # city -> qualified agencies
    count: int = 0
    library: tuple[UUID, UUID] | None = None  # (achievement, evaluation): A, company in time

    def party(self, party_id: UUID) -> Party:
        if party_id not in self.parties:
            self.parties[party_id] = _load(self.ledger, Party, party_id)
        return self.parties[party_id]

    def days(self, start: date, lo: int, hi: int) -> date:
        return start + timedelta(days=self.rng.randint(lo, hi))

    def cmd(self, method: Callable[..., object], command: object) -> Callable[[], object]:
        return partial(method, command, actor=EVAL_ACTOR)

    def step(self, status: S, method: Callable[..., object], command: object) -> Step:
        """`command`, unless the stored evaluation has reached `status`."""
        return reached(status), self.cmd(method, command)

    def qualify_agencies(self) -> UUID:
        """Baoding item 8: agencies qualified for 2023-2027; the last one's lapsed in mid-2024."""
        agencies = self.loader.orgs_of(PartyKind.EVALUATION_AGENCY)
        for n, agency in enumerate(agencies, 1):
            lapsed, (prefix, issuer) = n == len(agencies), ISSUERS.get(agency.city, ISSUERS["other"])
            start, end = ((date(2021, 7, 1), date(2024, 6, 30)) if lapsed
                          else (date(2023, 1, 1), date(2027, 12, 31)))
            scope = (Class.TRANSFERABLE,) if lapsed else (Class.TRANSFERABLE, Class.APPLIED_RESEARCH)
            granted = Qualification(scope, issuer, f"{prefix}科评资〔{start.year}〕{n:03d}号", start, end)
            if granted not in _load(self.ledger, Party, agency.id).qualifications:
                self.cmd(self.ledger.record_qualification,
                         e.RecordQualification(agency.id, granted, date(2023, 1, 1)))()
            if not lapsed:
                self.agencies.setdefault(agency.city, []).append(agency.id)
        return agencies[-1].id

    def register_managers(self) -> None:
        """Technology managers who are also experts (Baoding item 6); then the panel pool."""
        ids = [p.id for p in self.loader.people]
        employers = self.loader.orgs_of(PartyKind.ENTERPRISE, PartyKind.TRANSFER_AGENCY)
        for expert_type in (T.INDUSTRY, T.INVESTMENT, T.INVESTMENT, T.MARKET, T.TECHNICAL, T.INDUSTRY):
            employer = self.rng.choice(employers)
            ids.append(self.loader.register_party(RegisterParty(
                name=self.loader.person_name(), kind=PartyKind.INDIVIDUAL, region_code=employer.region,
                expert_type=expert_type, affiliation_id=employer.id, technology_manager=True,
                effective_date=_day(self.rng, date(2023, 2, 1), date(2023, 6, 30)))))
        self.panelists = [p for p in map(self.party, ids) if p.can_serve_on_panels]

    def events(self, aggregate_id: UUID) -> list[LedgerAggregate.Event]:
        return [ev for ev in self.ledger.repository.event_store.get(aggregate_id)
                if isinstance(ev, LedgerAggregate.Event)]

    def earliest(self, reg: Registered) -> date | None:
        """When an evaluation may start: after the loader's last step on the achievement (no
        commission predates its subject's latest step); None once the registration is cancelled."""
        events = self.events(reg.id)
        if any(isinstance(event, Achievement.RegistrationCancelled) for event in events):
            return None
        loader_days = (ev.effective_date for ev in events if ev.actor == ACTOR)
        return max(EARLIEST, reg.on + timedelta(days=20), *loader_days)

    def commission(self, kind: Class, subject: UUID, commissioner: UUID, evaluator: UUID, on: date) -> UUID:
        key, self.count = self.loader.key("evaluation", self.count), self.count + 1
        return self.ledger.commission_evaluation(e.CommissionEvaluation(
            kind, subject, commissioner, evaluator, on), actor=EVAL_ACTOR, key=key).value.id

    def drive(self, evaluation_id: UUID, steps: Sequence[Step]) -> None:
        """Issue the steps from the first one the stored evaluation does not show yet."""
        evaluation = _load(self.ledger, Evaluation, evaluation_id)
        first_undone = next((i for i, (done, _) in enumerate(steps) if not done(evaluation)), len(steps))
        for _, run in steps[first_undone:]:
            run()

    def panel(self, conflicts: set[UUID], evaluator: UUID, types: Sequence[T]) -> list[UUID]:
        """One expert per entry of `types`, free of the subject's parties (Baoding item 7, both
        directions) and of the evaluator's staff."""
        related = [self.party(i) for i in conflicts]
        free = [p for p in self.panelists if p.id not in conflicts and p.affiliation_id != evaluator
                and not p.is_related_to(conflicts) and not any(c.is_related_to({p.id}) for c in related)]
        members: list[UUID] = []
        for kind in types:
            members.append(self.rng.choice([p.id for p in free if p.expert_type is kind
                                            and p.id not in members]))
        return members

    def sheets(self, grade: Grade, members: Sequence[UUID]) -> dict[UUID, dict[str, Decimal]]:
        """Half-point sheets whose trimmed-mean total falls in `grade` (drawn until it does)."""
        for _ in range(1000):
            centre = self.rng.uniform(*TARGETS[grade])
            means = {key: centre + self.rng.uniform(-3, 3) for key in HEFEI_2022.indicator_keys}
            sheets: dict[UUID, dict[str, Decimal]] = {}
            for member in members:  # each expert leans a little, each mark varies a little
                bias = self.rng.uniform(-2, 2)
                marks = {key: min(100.0, mean + bias + self.rng.uniform(-2.5, 2.5))
                         for key, mean in means.items()}
                sheets[member] = {key: Decimal(round(mark * 2)) / 2 for key, mark in marks.items()}
            if score(sheets, HEFEI_2022).grade is grade:
                return sheets
        raise AssertionError(f"no sheets drawn for grade {grade}")

    def transferables(self) -> list[Registered]:
        """Roles that need time go to the achievements free earliest, unfinished ones last."""
        starts = {r.id: s for r in self.loader.registered if r.draft.hefei_subtype is not None
                  and any(self.party(o).kind in RESEARCH_KINDS for o in r.draft.owner_ids)
                  and (s := self.earliest(r)) is not None and s <= AUTUMN[1]}
        pool = sorted((r for r in self.loader.registered if r.id in starts), key=lambda r: starts[r.id])
        late = sum(starts[r.id] > LATEST for r in pool)  # only unfinished roles fit these
        pool = pool[:len(pool) - max(0, late - len(LAST_ROLES))]
        wanted = min(len(pool), len(MIDDLE_ROLES) + len(FIRST_ROLES) + len(LAST_ROLES))
        chosen = sorted(self.rng.sample(pool, wanted), key=lambda r: starts[r.id])
        middle = list(MIDDLE_ROLES[:len(chosen) - len(FIRST_ROLES) - len(LAST_ROLES)])
        self.rng.shuffle(middle)
        for reg, role in zip(chosen, [*FIRST_ROLES, *middle, *LAST_ROLES], strict=True):
            start = _day(self.rng, max(role.window[0], starts[reg.id]), role.window[1])
            evaluation_id, publicity_end, last = self.transferable(reg, role, start)
            if role.again is not None:
                self.transferable(reg, Role(role.again), self.days(last, 200, 260))
            if role.company:
                self.found_company(reg, publicity_end, late=role.company == "late")
            if role.grade is Grade.A and role.company and self.library is None:
                self.library = (reg.id, evaluation_id)
        return chosen

    def transferable(self, reg: Registered, role: Role, start: date) -> tuple[UUID, date, date]:
        """One evaluation through the steps its role reaches: (id, publicity end, last date)."""
        owner = next(o for o in reg.draft.owner_ids if self.party(o).kind in RESEARCH_KINDS)
        agency = self.rng.choice(self.agencies[city_of(reg)])
        evaluation_id = self.commission(Class.TRANSFERABLE, reg.id, owner, agency, start)
        plan_on = self.days(start, 3, 10)
        policy = next(p for p in (HEFEI_2022, *RENEWALS) if p.in_force_on(plan_on))
        industrial = reg.draft.hefei_subtype is HefeiSubtype.DEVELOPMENT_INDUSTRIALIZATION
        auxiliary = EvaluationForm.MARKET_TEST if industrial else EvaluationForm.TEST_REPORT  # art. 4
        forms = ((EvaluationForm.ON_SITE, auxiliary) if self.rng.random() < 0.6
                 else (self.rng.choice((EvaluationForm.COMPREHENSIVE, EvaluationForm.ONLINE_TOOL)),))
        steps = [self.step(S.PLAN_SET, self.ledger.set_plan, e.SetPlan(
            evaluation_id, forms, policy.version, plan_on))]
        panel_on, members = self.panel_steps(steps, evaluation_id, reg, agency, role.recuse, plan_on)
        sheets, scored_on = self.sheets(role.grade, members), {m: self.days(panel_on, 3, 12) for m in members}
        for m in sorted(members[:2] if role.stop is S.PANEL_FORMED else members, key=scored_on.__getitem__):
            steps.append((partial(has_sheet, m), self.cmd(self.ledger.submit_scores, e.SubmitScores(
                evaluation_id, m, sheets[m], scored_on[m]))))
        review_on = self.days(max(scored_on.values()), 2, 8)
        publicize_on = self.days(review_on, 1, 5)
        publicity_end = publicize_on + timedelta(days=policy.publicity_days)
        finalize_on = self.days(publicity_end, 0, 6)
        later = ((S.REVIEWED, self.ledger.review_evaluation, review_on),
                 (S.PUBLICIZED, self.ledger.publicize_evaluation, publicize_on),
                 (S.FINALIZED, self.ledger.finalize_evaluation, finalize_on))
        steps += [self.step(status, method, e.EvaluationStep(evaluation_id, on))
                  for status, method, on in later if RANK[status] <= RANK[role.stop]]
        if role.revoke:
            on, bureau = self.days(finalize_on, 60, 150), "保科" if city_of(reg) == "baoding" else "合科"
            reason = "评价中弄虚作假: 检测报告数据与原始记录不符"
            steps.append(self.step(S.REVOKED, self.ledger.revoke_evaluation, e.RevokeEvaluation(
                evaluation_id, reason, f"{bureau}监决〔{on.year}〕3号", on)))
        self.drive(evaluation_id, steps)
        return evaluation_id, publicity_end, finalize_on

    def panel_steps(self, steps: list[Step], evaluation_id: UUID, reg: Registered, agency: UUID,
                    recuse: bool, plan_on: date) -> tuple[date, list[UUID]]:
        """Form the panel (Hefei art. 11); with `recuse`, its industry expert withdraws before
        scoring and a replacement joins. Returns when the final panel stands, and its members."""
        types = (*T, *(self.rng.choice(list(T)) for _ in range(self.rng.choice((1, 1, 3)))))
        conflicts = self.loader.achievement(reg).party_ids
        members = self.panel(conflicts, agency, (*types, T.INDUSTRY) if recuse else types)
        panel_on = self.days(plan_on, 5, 15)
        steps.append(self.step(S.PANEL_FORMED, self.ledger.form_panel, e.FormPanel(
            evaluation_id, tuple(members[:len(types)]), panel_on)))
        if not recuse:
            return panel_on, members
        withdrawn, spare = members[1], members[-1]  # types start technical, industry
        recuse_on, reform_on = self.days(panel_on, 1, 2), self.days(panel_on, 3, 5)
        final = [m for m in members[:-1] if m != withdrawn] + [spare]
        reason = "专家申明近三年与成果完成人有合作研发关系, 申请回避"
        steps += [(partial(on_panel, withdrawn, False), self.cmd(self.ledger.recuse_expert, e.RecuseExpert(
                      evaluation_id, withdrawn, reason, recuse_on))),
                  (partial(on_panel, spare, True), self.cmd(self.ledger.form_panel, e.FormPanel(
                      evaluation_id, tuple(final), reform_on)))]
        return reform_on, final

    def found_company(self, reg: Registered, publicity_end: date, *, late: bool) -> None:
        """A new enterprise founded on a library achievement, within the deadline or after it."""
        deadline = add_months(publicity_end, HEFEI_2022.company_deadline_months)
        lo, hi = ((deadline + timedelta(days=15), deadline + timedelta(days=60)) if late
                  else (publicity_end + timedelta(days=20), deadline))
        if lo > FOLLOW_UP_END:
            return
        on, baoding = _day(self.rng, lo, min(hi, FOLLOW_UP_END)), city_of(reg) == "baoding"
        region, city = (names.BAODING, "保定") if baoding else (names.HEFEI, "合肥")
        name = f"{city}{self.rng.choice(names.ENTERPRISE_BRANDS)}{reg.draft.keywords[0]}科技有限公司"
        company = self.loader.register_party(RegisterParty(
            name=name, kind=PartyKind.ENTERPRISE, region_code=region, effective_date=on,
            credit_code=self.loader.credit_code(PartyKind.ENTERPRISE, name, region)))
        if company not in self.loader.achievement(reg).company_ids:
            self.cmd(self.ledger.record_company, RecordCompany(reg.id, company, effective_date=on))()

    def engagements(self, regs: Sequence[Registered]) -> None:
        """Baoding item 6: technology managers from disclosure to negotiation."""
        managers = [p.id for p in self.panelists if p.technology_manager]
        for reg in self.rng.sample(list(regs), min(10, len(regs))):
            manager, on = self.rng.choice(managers), reg.on
            for stage in list(Stage)[: self.rng.randint(1, 3)]:
                on = min(FOLLOW_UP_END, self.days(on, 10, 90))
                if (manager, stage) not in self.loader.achievement(reg).managers:
                    self.cmd(self.ledger.engage_technology_manager, e.EngageTechnologyManager(
                        reg.id, manager, stage, NOTES[stage], on))()

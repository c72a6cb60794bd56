"""Demo evaluations of Baoding's classes without scores: basic research (小同行评议, 代表作) and
applied research on achievements, and pre-approval assessments (立项前评估) of proposed projects.

Run by `api.demo_evaluations.load_evaluations` after the transferable evaluations, on its
`_Evaluations` (seeded RNG, panel pool, qualified agencies, evaluation count), so the draws follow
the same sequence. Idempotent like the rest: only the steps an evaluation's stored status lacks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from uuid import UUID

from api.demo_data import ProjectRef, Registered, _day
from api.demo_evaluations import EVAL_ACTOR, LATEST, Step, _Evaluations, city_of
from domain.evaluation import EvaluationStatus as S
from domain.values import Category, PartyKind
from domain.values import EvaluationClass as Class
from domain.values import ExpertType as T
from services import evaluation_commands as e

JOURNALS = ("中国科学: 技术科学", "物理学报", "化学学报", "自动化学报", "农业工程学报", "材料导报")


def other_classes(run: _Evaluations, taken: set[UUID]) -> None:
    """Basic and applied research on achievements not in `taken` (the transferable ones), then
    pre-approval assessments of projects still proposed."""
    starts = {r.id: s for r in run.loader.registered
              if r.id not in taken and (s := run.earliest(r)) is not None and s <= LATEST}
    regs = [r for r in run.loader.registered if r.id in starts]
    for reg in run.rng.sample([r for r in regs if r.draft.category is Category.BASIC_THEORY], 4):
        works = tuple(f"《{word}的机理与理论模型研究》, {run.rng.choice(JOURNALS)}, {reg.on.year}"
                      for word in reg.draft.keywords[:3])
        summary = f"小同行评议: 该成果在{reg.draft.field}方向提出新的理论认识, 代表作水平较高"
        concluded(run, Class.BASIC_RESEARCH, reg, starts[reg.id], bureau(run, city_of(reg)),
                  [T.TECHNICAL] * 5,
                  partial(e.Conclude, summary=summary, representative_works=works,
                          score=Decimal(run.rng.randint(76, 94))))
    for reg in run.rng.sample([r for r in regs if r.draft.category is Category.APPLIED_TECHNOLOGY], 3):
        methods = run.rng.choice((("user", "third_party"), ("market_test",)))
        agency = run.rng.choice(run.agencies[city_of(reg)])
        concluded(run, Class.APPLIED_RESEARCH, reg, starts[reg.id], agency, [], partial(
            e.Conclude, summary="用户评价与第三方检测: 主要指标达到预期", methods=methods))
    for n, project in enumerate(proposed(run)[:2]):
        evaluator, yes = bureau(run, project.undertaker.city), n == 0
        summary = "目标明确, 技术路线可行, 建议立项" if yes else "技术路线论证不充分, 暂不建议立项"
        concluded(run, Class.PRE_APPROVAL, project, _day(run.rng, date(2026, 9, 5), LATEST), evaluator,
                  [T.TECHNICAL, T.INDUSTRY, T.INVESTMENT],
                  partial(e.Conclude, summary=summary, recommended=yes))


def bureau(run: _Evaluations, city: str) -> UUID:
    """The S&T bureau (a government party, 立项单位) of `city`."""
    wanted = "合肥" if city == "hefei" else "保定"
    return next(o.id for o in run.loader.orgs_of(PartyKind.GOVERNMENT) if o.name.startswith(wanted))


def proposed(run: _Evaluations) -> list[ProjectRef]:
    """Projects the loader left proposed (nothing after the proposal but the evaluations' steps)."""
    return [p for p in run.loader.projects
            if all(ev.actor == EVAL_ACTOR for ev in run.events(p.id)[1:])]


def concluded(run: _Evaluations, kind: Class, subject: Registered | ProjectRef, start: date,
              evaluator: UUID, types: list[T], conclusion: Callable[..., e.Conclude]) -> None:
    """A class without scores: commission, (panel,) conclusion, finalization."""
    if isinstance(subject, Registered):
        commissioner, conflicts = subject.draft.owner_ids[0], run.loader.achievement(subject).party_ids
    else:
        commissioner, conflicts = evaluator, {subject.undertaker.id}
    evaluation_id = run.commission(kind, subject.id, commissioner, evaluator, start)
    steps: list[Step] = []
    on = start
    if types:
        on = run.days(start, 5, 15)
        steps.append(run.step(S.PANEL_FORMED, run.ledger.form_panel, e.FormPanel(
            evaluation_id, tuple(run.panel(conflicts, evaluator, types)), on)))
    concluded_on = run.days(on, 10, 30)
    steps += [run.step(S.CONCLUDED, run.ledger.conclude_evaluation,
                       conclusion(evaluation_id, effective_date=concluded_on)),
              run.step(S.FINALIZED, run.ledger.finalize_evaluation,
                       e.EvaluationStep(evaluation_id, run.days(concluded_on, 3, 10)))]
    run.drive(evaluation_id, steps)

"""Demo outcomes for post-evaluation (后评价, Baoding general requirements): five achievements registered in
2023 and evaluated in 2024-25, so that their 12-month windows have elapsed — three A grades then
licensed (one also founds a company), two C grades that find no buyer — so that the grade's signal
on the market shows in `/v1/post-evaluation/grades` (the rest of the demo evaluates late, and its
trades are drawn without regard to grades).

Run last, on achievements of its own (no other part of the demo trades or pledges them).
Deterministic (the loader's and an own seeded RNG) and idempotent: keys continue the loader's and
the showcase's numbering, contract numbers replay.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from api.demo_data import ACTOR, CENT, RESEARCH_KINDS, Org, Registered, _day, _Loader
from api.demo_evaluations import Role, _Evaluations
from api.demo_trades import TRADE_ACTOR, hub
from domain.achievement import AchievementDraft
from domain.contract import ContractTerms, ContractType, ContractVariant, PricingMethod
from domain.evaluation_policy import Grade
from domain.values import AchievementForm, Category, Funding, HefeiSubtype, MaturityStage, PartyKind
from services import trade_commands as t
from services.commands import RegisterAchievement

GRADES = (Grade.A, Grade.A, Grade.A, Grade.C, Grade.C)
REGISTERED = (date(2023, 9, 1), date(2023, 12, 20))
COMMISSIONED = (date(2024, 1, 15), date(2025, 3, 31))  # finalized by mid-2025
SERIAL = 900_000  # contract numbers apart from demo_trades' own


@dataclass(frozen=True)
class OutcomesShowcase:
    evaluations: int
    contracts: int


def load_outcomes(loader: _Loader) -> OutcomesShowcase:
    shown = loader.showcase
    assert shown is not None
    run = _Evaluations(loader, loader.ledger, random.Random(f"demo-{loader.seed}-outcomes"),
                       count=shown.evaluations)
    run.qualify_agencies()  # already recorded: this only lists the qualified agencies
    run.panelists = [p for p in map(run.party, (x.id for x in loader.people)) if p.can_serve_on_panels]
    contracts = 0
    for n, grade in enumerate(GRADES):
        reg = register(loader, run.rng)
        start = _day(run.rng, max(COMMISSIONED[0], reg.on + timedelta(days=20)), COMMISSIONED[1])
        _, publicity_end, finalized = run.transferable(reg, Role(grade), start)
        if grade is Grade.A:
            if n == 0:
                run.found_company(reg, publicity_end, late=False)
            contracts += license_after(loader, run.rng, reg, finalized, n)
    return OutcomesShowcase(run.count - shown.evaluations, contracts)


def register(loader: _Loader, rng: random.Random) -> Registered:
    """A university's or institute's development-industrialization achievement (Hefei art. 2)."""
    owner = rng.choice(loader.orgs_of(*RESEARCH_KINDS))
    on, field_name = _day(rng, *REGISTERED), loader.field_for(owner)
    _, title, keywords = loader.technical_subject(Category.APPLIED_TECHNOLOGY, field_name)
    draft = AchievementDraft(
        title=f"{title}（中试验证版）", category=Category.APPLIED_TECHNOLOGY, owner_ids=(owner.id,),
        completers=loader.completers([owner], on), field=field_name, keywords=keywords,
        funding=Funding(False, source="单位自筹"), maturity_stage=MaturityStage.PILOT, trl=6,
        summary=f"本成果面向{field_name}领域，围绕{'、'.join(keywords[:2])}完成中试验证。",
        hefei_subtype=HefeiSubtype.DEVELOPMENT_INDUSTRIALIZATION,
        forms=(AchievementForm.PROTOTYPE,))
    code = "1306" if owner.city == "baoding" else "3401"
    created = loader.ledger.register_achievement(
        RegisterAchievement(draft, code, effective_date=on), actor=ACTOR,
        key=loader.key("achievement", loader.counts.achievements)).value
    assert created.registration_number is not None
    loader.counts.achievements += 1
    reg = Registered(created.id, created.registration_number, draft, on)
    loader.registered.append(reg)
    return reg


def license_after(loader: _Loader, rng: random.Random, reg: Registered, finalized: date,
                  n: int) -> int:
    """An ordinary licence within 6 months of 认定, and for every other one a second within a
    year; listed (挂牌), so no agreement-pricing notice is needed. Returns how many."""
    seller = next(o for o in loader.orgs if o.id == reg.draft.owner_ids[0])
    signings = [finalized + timedelta(days=rng.randint(40, 170))]
    if n % 2 == 0:
        signings.append(finalized + timedelta(days=rng.randint(200, 340)))
    for m, signed in enumerate(signings):
        terms = _terms(loader, rng, reg, seller, signed, SERIAL + 10 * n + m)
        accepted_on = signed + timedelta(days=rng.randint(3, 20))
        loader.ledger.register_contract(t.RegisterContract(terms, accepted_on), actor=TRADE_ACTOR)
    return len(signings)


def _terms(loader: _Loader, rng: random.Random, reg: Registered, seller: Org, signed: date,
           serial: int) -> ContractTerms:
    exchange = rng.choice(loader.orgs_of(PartyKind.TRANSFER_AGENCY, city=hub(seller)))
    buyer = rng.choice([o for o in loader.orgs_of(PartyKind.ENTERPRISE)
                        if hub(o) == hub(seller) and o.id not in reg.draft.owner_ids])
    turnover = Decimal(rng.randint(80, 400) * 10_000).quantize(CENT)
    traded = (turnover * Decimal(rng.randint(85, 100)) / 100).quantize(CENT)
    kind = "专利实施" if reg.draft.patents else "技术秘密使用"
    return ContractTerms(
        f"{signed.year}{exchange.region}{serial:06d}", f"“{reg.draft.title}”{kind}许可合同（普通）",
        ContractType.LICENSE, ContractVariant.ORDINARY, seller.id, buyer.id, (reg.id,), turnover,
        traded, signed, signed + timedelta(days=rng.randint(1095, 1825)), reg.draft.field,
        exchange.id, PricingMethod.LISTING)

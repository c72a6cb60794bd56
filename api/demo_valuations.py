"""Demo valuations (资产评估, Baoding items 11 and 13), run after the pledge loans: most pledged
achievements are appraised by a firm of the borrower's city shortly before the loan starts, by
the income, market or cost method (weighted 6:3:1), and one defective report is
withdrawn and replaced. Planned with its own seeded RNG from the pledges the demo recorded, so a
second load replays: report numbers are the valuations' keys, a withdrawal is issued only once."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from api import demo_names as names
from api.demo_data import CENT, _load, _Loader
from api.demo_trades import hub
from domain.achievement import Achievement
from domain.base import derived_id
from domain.pledge import LoanTerms, Pledge
from domain.valuation import Valuation, ValuationMethod, ValuationReport, ValuationStatus
from domain.values import PartyKind
from services.commands import RegisterParty
from services.valuation_commands import RecordValuation, WithdrawValuation

ACTOR = "demo:valuations"
BAODING_FIRM = "保定中诚资产评估有限公司"  # an evaluation agency of the demo's cast
HEFEI_FIRM = "安徽中联国信资产评估有限公司"  # an appraisal company, added here
METHODS = (ValuationMethod.INCOME,) * 6 + (ValuationMethod.MARKET,) * 3 + (ValuationMethod.COST,)
DEFECT = "评估报告未披露质押专利的年费缴纳状态，经复核撤回并重新出具"


def load_valuations(loader: _Loader) -> int:
    """Record the demo's valuations; returns how many reports it holds (withdrawn included)."""
    assert loader.trades is not None
    run = _Valuations(loader, random.Random(f"demo-{loader.seed}-valuations"))
    for n in range(loader.trades.pledges):
        pledge = _load(loader.ledger, Pledge, derived_id("pledge", loader.key("pledge", n)))
        if pledge.terms is not None and run.rng.random() < 0.8:  # most, not all, were appraised
            run.appraise(pledge.terms, replace_first=run.reports == 0)
    return run.reports


class _Valuations:
    def __init__(self, loader: _Loader, rng: random.Random) -> None:
        self.loader, self.rng, self.ledger = loader, rng, loader.ledger
        self.orgs = {o.id: o for o in loader.orgs}
        baoding = next(o.id for o in loader.orgs if o.name == BAODING_FIRM)
        self.firms = {"baoding": (baoding, "中诚"), "hefei": (self.hefei_firm(), "皖中联")}
        self.serials = dict.fromkeys(self.firms, 100)
        self.reports = 0

    def hefei_firm(self) -> UUID:
        region = names.HEFEI
        return self.loader.register_party(RegisterParty(
            name=HEFEI_FIRM, kind=PartyKind.ENTERPRISE, region_code=region,
            credit_code=self.loader.credit_code(PartyKind.ENTERPRISE, HEFEI_FIRM, region),
            effective_date=date(2022, 12, 20)))

    def appraise(self, terms: LoanTerms, *, replace_first: bool) -> None:
        """A report dated 3-10 weeks before the loan starts, recorded 1-3 weeks after its base
        date; the first one planned is found defective and replaced by a second report."""
        achievement = _load(self.ledger, Achievement, terms.items[0].achievement_id)
        city = hub(self.orgs[terms.pledgor_id])
        base = max(achievement.registered_on, terms.loan_start - timedelta(self.rng.randint(21, 70)))
        value = self.value(terms.secured_amount)
        first, on = self.record(achievement.id, city, base, value, base)
        if replace_first:
            on += timedelta(days=5)
            self.withdraw(first, on)
            self.record(achievement.id, city, base, (value * Decimal("0.92")).quantize(CENT), on)

    def value(self, secured: Decimal) -> Decimal:
        """Banks lend 30-55 % of the appraised value (质押率): the value is secured / rate."""
        appraised = secured / Decimal(str(self.rng.uniform(0.30, 0.55)))
        return Decimal(round(appraised / 10_000) * 10_000).quantize(CENT)

    def record(self, achievement_id: UUID, city: str, base: date, value: Decimal,
               after: date) -> tuple[UUID, date]:
        """Record the city firm's next report, 1-3 weeks after its base date (not before
        `after`); returns the valuation's id and the day it was recorded."""
        firm, prefix = self.firms[city]
        self.serials[city] += self.rng.randint(3, 17)
        number = f"{prefix}评报字〔{base.year}〕第{self.serials[city]:04d}号"
        on = max(after, base + timedelta(days=self.rng.randint(7, 21)))
        report = ValuationReport(achievement_id, firm, number, self.rng.choice(METHODS), value,
                                 base, "质押融资")
        outcome = self.ledger.record_valuation(RecordValuation(report, on), actor=ACTOR)
        self.reports += 1
        return outcome.value.id, on

    def withdraw(self, valuation_id: UUID, on: date) -> None:
        if _load(self.ledger, Valuation, valuation_id).status is not ValuationStatus.WITHDRAWN:
            self.ledger.withdraw_valuation(WithdrawValuation(valuation_id, DEFECT, on), actor=ACTOR)

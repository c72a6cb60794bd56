"""Demo technology contracts (技术合同) and IP pledge loans (知识产权质押), run after the evaluations:
~150 contracts of every type and variant (transfers moving ownership, some then licensed or pledged by
the buyer), with payments, amendments, terminations; ~25 pledges to the demo's banks (released, active,
one defaulted and enforced, subsidies, risk compensation), one transferred with the pledgee's consent.
Planned first (own seeded RNG, from the loader's plan, never the ledger), then issued in date order so
the rights rules meet each achievement's history as it happened. Idempotent: contract numbers and pledge
keys replay; a later step is issued only if its contract or pledge still lacks it."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import UUID

from api import demo_names as names
from api.demo_data import CENT, FOLLOW_UP_END, RESEARCH_KINDS, Org, Registered, _day, _load, _Loader
from api.demo_data import _add_years as add_years
from domain.base import LedgerAggregate
from domain.contract import ContractStatus, ContractTerms, ContractType, PricingMethod, TechContract
from domain.contract import ContractVariant as V
from domain.pledge import LoanTerms, PledgeItem, PledgeStatus
from domain.registration_service import PublicNotice
from domain.values import Category, PartyKind
from services import trade_commands as t

if TYPE_CHECKING:
    from api.demo_registrations import RegistrationCase

TRADE_ACTOR = "demo:trades"
FIRST_SIGNING, LAST_SIGNING, LAST_LOAN_START = date(2023, 2, 1), date(2026, 10, 31), date(2026, 9, 30)
T = ContractType
VARIANT_ZH = {V.EXCLUSIVE: "独占", V.SOLE: "排他", V.ORDINARY: "普通"}
TITLES = {V.ENTRUSTED: ("{s}委托开发合同", "{s}定制研发合同"), V.COOPERATIVE: ("{s}合作开发合同",),
          T.CONSULTING: ("{s}产业化可行性论证技术咨询合同", "{s}技术路线咨询合同"),
          T.SERVICE: ("{s}检测分析技术服务合同", "{s}工艺优化技术服务合同", "{s}技术培训与指导服务合同")}
PROFILES = {  # 成交额 in 万元 (low, high), lowest share of it that is 技术交易额, term in days (or none)
    T.TRANSFER: (30, 2000, 0.85, None), T.LICENSE: (10, 800, 0.85, (1095, 1825)),
    T.DEVELOPMENT: (20, 1500, 0.55, (365, 1095)), T.CONSULTING: (5, 60, 0.85, (90, 270)),
    T.SERVICE: (5, 300, 0.55, (180, 720))}


@dataclass(frozen=True)
class TradeShowcase:
    contracts: int
    pledges: int
    pledged_patent_number: str  # a patent under an active pledge


def load_trades(loader: _Loader) -> TradeShowcase:
    run = _Trades(loader, random.Random(f"demo-{loader.seed}-trades"))
    run.plan()
    ops = sorted(run.ops, key=lambda op: op[:2])  # by date, then as planned
    for done, (_, _, issue) in enumerate(ops, 1):
        issue()
        loader.report("trades", done, len(ops))
    return TradeShowcase(run.contracts, run.pledges, run.showcase_patent)


def earlier_notice(terms: ContractTerms) -> PublicNotice:
    """公示 of the achievement and intended price, over before signing (促进科技成果转化法 art. 18);
    its own RNG, so that the rest of the demo stays as it was."""
    rng = random.Random(f"notice-{terms.contract_number}")
    published = terms.signed_on - timedelta(days=rng.randint(25, 60))
    return PublicNotice(published, published + timedelta(days=rng.randint(14, 20)), terms.turnover,
                        rng.choice(("本单位门户网站", "本单位科技成果转化公示栏", "本单位官网通知公告栏目")))


def hub(org: Org) -> str:
    """Whose exchange, banks and subsidies serve the organisation: Hefei's, else Baoding's."""
    return "hefei" if org.region.startswith("34") else "baoding"


def status_in(*statuses: object) -> Callable[[Any], bool]:
    return lambda aggregate: aggregate.status in statuses


@dataclass
class _Trades:
    loader: _Loader
    rng: random.Random
    ops: list[tuple[date, int, Callable[[], object]]] = field(default_factory=list)
    pledge_ids: dict[str, UUID] = field(default_factory=dict)  # key -> id, once registered
    contracts: int = 0
    pledges: int = 0
    showcase_patent: str = ""

    def __post_init__(self) -> None:
        self.ledger, self.orgs = self.loader.ledger, {o.id: o for o in self.loader.orgs}
        self.enterprises = self.loader.orgs_of(PartyKind.ENTERPRISE)

    def at(self, on: date, issue: Callable[[], object]) -> None:
        self.ops.append((on, len(self.ops), issue))

    def step(self, on: date, ident: UUID | str, done: Callable[[Any], bool], method: Callable[..., object],
             command: Callable[..., object], *fields: object) -> None:
        """`method(command(id, *fields, on))` unless the stored contract or pledge (by key) is `done`."""
        def run() -> None:
            aggregate_id = self.pledge_ids[ident] if isinstance(ident, str) else ident
            if not done(_load(self.ledger, LedgerAggregate, aggregate_id)):
                method(command(aggregate_id, *fields, on), actor=TRADE_ACTOR)
        self.at(on, run)

    def later(self, start: date, lo: int, hi: int) -> date:
        return start + timedelta(days=self.rng.randint(lo, hi))

    def signing(self, reg: Registered, after: date = FIRST_SIGNING) -> date:
        return _day(self.rng, max(after, reg.on + timedelta(days=15)), LAST_SIGNING)

    def owner(self, reg: Registered) -> Org:
        return self.orgs[reg.draft.owner_ids[0]]

    def buyer(self, seller: Org, exclude: tuple[UUID, ...] = ()) -> Org:
        """An enterprise, most often in the seller's own region group (京津冀, or 合肥)."""
        pool = self.enterprises
        if self.rng.random() < 0.75:
            pool = [o for o in pool if hub(o) == hub(seller)]
        return self.rng.choice([o for o in pool if o.id != seller.id and o.id not in exclude])

    def amount(self, lo: float, hi: float, unit: int = 1000) -> Decimal:
        """Log-uniform between lo and hi 万元, rounded to `unit` CNY."""
        value = math.exp(self.rng.uniform(math.log(lo), math.log(hi))) * 10_000
        return Decimal(round(value / unit) * unit).quantize(CENT)

    def plan(self) -> None:
        from api.demo_registrations import plan_registration_cases  # it imports this module

        regs = [r for r in self.loader.registered if r.id not in self.loader._followed_up
                and r.draft.category is Category.APPLIED_TECHNOLOGY and r.on <= date(2026, 9, 15)]
        self.rng.shuffle(regs)
        pledged = [r for r in regs if r.draft.patents and self.owner(r).kind is PartyKind.ENTERPRISE
                   and min(p.expiry_date or date.max for p in r.draft.patents) > r.on + timedelta(400)][:22]
        research = [r for r in regs if r not in pledged and self.owner(r).kind in RESEARCH_KINDS]
        others = [r for r in regs if r not in pledged and r not in research]
        transferred = [(r, self.transfer(r, self.owner(r))) for r in research[:18] + others[:8]]
        for n, r in enumerate(research[18:36] + others[8:24]):
            self.licenses(r, (V.EXCLUSIVE, V.SOLE, V.ORDINARY)[min(2, n % 5)])
        for n, r in enumerate(research[38:42] + others[24:28]):  # the owner develops it further
            seller = self.owner(r)
            self.contract(T.DEVELOPMENT, (V.ENTRUSTED, V.COOPERATIVE)[n % 2], seller,
                          self.buyer(seller, r.draft.owner_ids), self.signing(r), (r,),
                          title=f"“{r.draft.title}”二次开发合同")
        for kind, count in ((V.ENTRUSTED, 14), (V.COOPERATIVE, 10), (T.CONSULTING, 14), (T.SERVICE, 22)):
            for _ in range(count):
                self.service(kind)
        early = [(r, self.orgs[c.buyer_id], c.signed_on) for r, c in transferred
                 if c.signed_on <= date(2026, 3, 31)]
        for r, buyer, on in early[:3]:  # the new owner licenses it on
            self.licenses(r, V.ORDINARY, buyer, on + timedelta(days=30))
        plan_registration_cases(self, research[36:38])
        loans = [(r, self.owner(r), r.on) for r in pledged]
        self.pledge_loans(loans + [(r, buyer, on) for r, buyer, on in early[3:] if r.draft.patents][:4])

    # ------------------------------------------------------------ contracts

    def contract(self, kind: T, variant: V | None, seller: Org, buyer: Org, signed: date,
                 regs: tuple[Registered, ...] = (), *, title: str, field_name: str = "",
                 terminate: str = "", case: RegistrationCase | None = None) -> ContractTerms:
        """Plan one contract's registration, then its payments, an amendment or its termination;
        a registration `case` is planned by demo_registrations instead (no follow-ups)."""
        exchange = self.rng.choice(self.loader.orgs_of(PartyKind.TRANSFER_AGENCY, city=hub(seller)))
        lo, hi, share, days = PROFILES[kind]
        signed, self.contracts, turnover = min(signed, LAST_SIGNING), self.contracts + 1, self.amount(lo, hi)
        traded = turnover if self.rng.random() < 0.3 else (  # rounded down to 100 CNY
            Decimal(int(turnover * Decimal(self.rng.uniform(share, 1)) / 100) * 100).quantize(CENT))
        public = seller.kind in RESEARCH_KINDS and kind in (T.TRANSFER, T.LICENSE)  # prices by art. 18
        terms = ContractTerms(
            f"{signed.year}{exchange.region}{self.contracts:06d}", title, kind, variant, seller.id,
            buyer.id, tuple(r.id for r in regs), turnover, traded, signed,
            self.later(signed, *days) if days else None, field_name or regs[0].draft.field, exchange.id,
            self.rng.choice(list(PricingMethod)) if public else None)
        if case is not None:
            terms = case.adjust(terms)
            self.at(signed, partial(self.ledger.register_contract, case.command(terms), actor=TRADE_ACTOR))
            case.plan_steps(self, TechContract.id_for(terms.contract_number))
            return terms
        accepted_on = min(FOLLOW_UP_END, self.later(signed, 3, 30))
        notice = earlier_notice(terms) if terms.pricing is PricingMethod.AGREEMENT else None
        self.at(signed, partial(self.ledger.register_contract, t.RegisterContract(terms, accepted_on, notice),
                                actor=TRADE_ACTOR))
        self.follow_ups(terms, terminate)
        return terms

    def follow_ups(self, terms: ContractTerms, terminate: str) -> None:
        cid, on, target = TechContract.id_for(terms.contract_number), terms.signed_on, Decimal(0)
        if terms.contract_type is T.DEVELOPMENT and self.rng.random() < 0.25:
            amend_on, up = self.later(on, 60, 240), Decimal(self.rng.choice((110, 120, 130))) / 100
            turnover, traded = ((x * up).quantize(CENT) for x in (terms.turnover, terms.transaction_amount))
            end = terms.term_end and terms.term_end + timedelta(days=180)
            if amend_on <= FOLLOW_UP_END:
                on, note = amend_on, "补充协议：增加中试验证内容，金额与期限相应调整"
                self.step(on, cid, lambda c: c.terms.turnover == turnover, self.ledger.amend_contract,
                          t.AmendContract, turnover, traded, end, note)
        plans = ((30,),) if terminate else ((), (100,), (30, 100), (30, 70, 100), (40, 100))
        for share in self.rng.choice(plans):  # a terminated contract: its first payment only
            if (on := self.later(on, 20, 150)) > FOLLOW_UP_END:
                break
            paid = (terms.turnover * share / 100).quantize(CENT, ROUND_DOWN)
            note = "尾款" if share == 100 else "进度款" if target else "首付款"
            self.step(on, cid, partial(lambda c, p: c.paid >= p, p=paid), self.ledger.record_payment,
                      t.RecordPayment, paid - target, note)
            target = paid
        if terminate and (on := self.later(on, 30, 150)) <= FOLLOW_UP_END:
            self.step(on, cid, status_in(ContractStatus.TERMINATED), self.ledger.terminate_contract,
                      t.TerminateContract, terminate)

    def transfer(self, reg: Registered, seller: Org, after: date = FIRST_SIGNING) -> ContractTerms:
        kind = "专利权" if reg.draft.patents else "技术秘密"
        return self.contract(T.TRANSFER, None, seller, self.buyer(seller, reg.draft.owner_ids),
                             self.signing(reg, after), (reg,), title=f"“{reg.draft.title}”{kind}转让合同")

    def licenses(self, reg: Registered, variant: V, seller: Org | None = None,
                 after: date = FIRST_SIGNING) -> None:
        """1-3 ordinary licenses (the second one terminated), or one exclusive or sole license."""
        seller, kind = seller or self.owner(reg), "专利实施" if reg.draft.patents else "技术秘密使用"
        for n in range(self.rng.choice((1, 1, 2, 3)) if variant is V.ORDINARY else 1):
            reason = "被许可方产品线调整，双方协商解除许可" if n == 1 else ""
            self.contract(T.LICENSE, variant, seller, self.buyer(seller, reg.draft.owner_ids),
                          self.signing(reg, after), (reg,), terminate=reason,
                          title=f"“{reg.draft.title}”{kind}许可合同（{VARIANT_ZH[variant]}）")

    def service(self, kind: V | T) -> None:
        """A development (by variant), consulting or service contract that names no achievement."""
        testers = (PartyKind.EVALUATION_AGENCY,) if kind is T.SERVICE else ()
        seller = self.rng.choice(self.loader.orgs_of(*RESEARCH_KINDS, PartyKind.ENTERPRISE, *testers))
        hinted = [f for word, f in names.FIELD_HINTS if word in seller.name]
        field_name = (hinted[0] if hinted and self.rng.random() < 0.85  # mostly the field its name suggests
                      else self.rng.choice(sorted(names.FIELDS)))
        variant = kind if isinstance(kind, V) else None
        reason = "关键技术指标未能实现，经双方协商解除合同" if variant and self.rng.random() < 0.2 else ""
        title = self.rng.choice(TITLES[kind]).format(s=self.rng.choice(names.FIELDS[field_name][1]))
        self.contract(kind if isinstance(kind, T) else T.DEVELOPMENT, variant, seller, self.buyer(seller),
                      _day(self.rng, FIRST_SIGNING, LAST_SIGNING), field_name=field_name, terminate=reason,
                      title=title)

    # ------------------------------------------------------------ pledges

    def pledge_loans(self, loans: list[tuple[Registered, Org, date]]) -> None:
        planned = [p for p in (self.loan(r, pledgor, lo) for r, pledgor, lo in loans) if p is not None]
        ended = sorted((p for p in planned if p[1].loan_end <= date(2026, 5, 31)),
                       key=lambda p: p[1].loan_end)  # the first to end defaults
        active = [p for p in planned if p[1].loan_end > FOLLOW_UP_END and p[1].loan_start <= date(2026, 6, 1)]
        self.pledges = len(planned)
        for n, (reg, terms) in enumerate(planned):
            key, pledgor = self.loader.key("pledge", n), self.orgs[terms.pledgor_id]
            self.at(terms.loan_start, partial(self.register_pledge, key, terms))
            payer = "合肥市科学技术局" if hub(pledgor) == "hefei" else "保定市科学技术局"
            if self.rng.random() < 0.6 and (on := self.later(terms.loan_start, 120, 330)) <= FOLLOW_UP_END:
                subsidy = (terms.secured_amount * self.rng.choice((10, 15, 20)) / 1000).quantize(CENT)
                self.support(key, on, "interest_subsidy", subsidy, payer)
            if ended and (reg, terms) == ended[0]:
                self.default(key, terms, reg, payer.replace("科学技术局", "科技贷款风险补偿资金池"))
            elif terms.loan_end <= FOLLOW_UP_END - timedelta(days=10):
                self.step(self.later(terms.loan_end, -40, 10), key, status_in(PledgeStatus.RELEASED),
                          self.ledger.release_pledge, t.PledgeStep, "贷款已结清，办理质押注销", Decimal(0))
            elif active and (reg, terms) == active[0]:
                self.consented_transfer(key, reg, pledgor, terms.loan_start)
            elif not self.showcase_patent:
                self.showcase_patent = (terms.items[0].patent_numbers or (reg.draft.patents[0].number,))[0]

    def loan(self, reg: Registered, pledgor: Org, lo: date) -> tuple[Registered, LoanTerms] | None:
        """1-3 years from within about a year of `lo`, on the patents that outlive the loan."""
        first = max(lo + timedelta(days=20), date(2023, 3, 1))
        start = _day(self.rng, first, min(LAST_LOAN_START, first + timedelta(days=400)))
        end = add_years(start, self.rng.choice((1, 1, 1, 2, 3))) - timedelta(days=1)
        lasting = tuple(p.number for p in reg.draft.patents if (p.expiry_date or date.max) >= end)
        if not lasting:
            return None
        whole = len(lasting) == len(reg.draft.patents) and self.rng.random() < 0.6
        bank = self.rng.choice(self.loader.orgs_of(PartyKind.BANK, city=hub(pledgor)))
        collateral = "法定代表人个人连带责任保证" if self.rng.random() < 0.3 else ""
        item = PledgeItem(reg.id, () if whole else lasting)
        return reg, LoanTerms(pledgor.id, bank.id, pledgor.id, (item,), self.amount(50, 1000, 10_000),
                              start, end, collateral)

    def register_pledge(self, key: str, terms: LoanTerms) -> None:
        outcome = self.ledger.register_pledge(t.RegisterPledge(terms), actor=TRADE_ACTOR, key=key)
        self.pledge_ids[key] = outcome.value.id

    def support(self, key: str, on: date, kind: str, amount: Decimal, payer: str) -> None:
        self.step(on, key, lambda p: (kind, amount) in p.support, self.ledger.record_pledge_support,
                  t.RecordPledgeSupport, kind, amount, payer)

    def default(self, key: str, terms: LoanTerms, reg: Registered, pool: str) -> None:
        """Overdue; 质权实现 by auction; the city's risk-compensation pool covers part of the loss."""
        defaulted, enforced = self.later(terms.loan_end, 15, 30), self.later(terms.loan_end, 90, 120)
        proceeds = (terms.secured_amount * self.rng.randint(50, 80) / 100).quantize(CENT)
        self.step(defaulted, key, status_in(PledgeStatus.DEFAULTED, PledgeStatus.ENFORCED),
                  self.ledger.default_pledge, t.PledgeStep, "借款人逾期未偿还贷款本息", Decimal(0))
        self.step(enforced, key, status_in(PledgeStatus.ENFORCED), self.ledger.enforce_pledge,
                  t.PledgeStep, f"“{reg.draft.title}”质押专利权经拍卖变现", proceeds)
        loss = ((terms.secured_amount - proceeds) * Decimal("0.4")).quantize(CENT)
        self.support(key, self.later(enforced, 20, 40), "risk_compensation", loss, pool)

    def consented_transfer(self, key: str, reg: Registered, pledgor: Org, start: date) -> None:
        """Civil Code art. 444: the pledgee consents to the named contract before it is registered."""
        consent_on = self.later(start, 30, 120)
        number = self.transfer(reg, pledgor, consent_on + timedelta(days=7)).contract_number
        self.step(consent_on, key, lambda p: number in p.consents, self.ledger.grant_consent,
                  t.GrantConsent, number)

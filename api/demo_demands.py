"""Demo demands (技术需求), listings (挂牌) and a match that led to a contract (Baoding items
4-5), loaded after everything else so the barriers stand: enterprises' needs built from the
demo's own field vocabularies — so which achievements are relevant is known by construction
(DEMANDS: same field and the need's first keyword; the matching tests' labelled set) — and one
need copied from an achievement pledged without consent, whose best candidate must be kept out.
Keys and contract numbers are fixed, so a second load replays and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from api.demo_data import Registered, _load, _Loader
from domain.achievement import Achievement, AchievementStatus
from domain.base import derived_id
from domain.contract import ContractTerms, ContractType, ContractVariant, PricingMethod
from domain.demand import DemandTerms
from domain.listing import ListingTerms
from domain.match import Match, MatchOutcome
from domain.pledge import Pledge, PledgeStatus
from domain.rights import AchievementRights
from domain.standing import IntegrityStanding, SanctionScope
from domain.values import PartyKind
from services import demand_commands as d
from services import trade_commands as t

ACTOR = "demo:demands"
POSTED_ON = date(2026, 11, 2)
DEADLINE = date(2027, 6, 30)
SIGNED_ON = date(2026, 11, 16)
BINDING = (PledgeStatus.REGISTERED, PledgeStatus.DEFAULTED)  # not yet released or enforced


@dataclass(frozen=True)
class DemandSpec:
    """A need about one of the demo's subjects (api.demo_names.FIELDS). Relevant to it, by
    construction: achievements of the same field whose title names the subject or whose
    keywords hold `keywords[0]`."""

    field: str
    subject: str
    title: str
    description: str
    keywords: tuple[str, ...]
    budget: tuple[str, str] | None  # None: negotiable (面议)


DEMANDS = (
    DemandSpec("新能源", "磷酸铁锂储能系统", "寻求储能电站用磷酸铁锂储能系统技术",
               "我公司拟建设用户侧储能电站，需要磷酸铁锂储能系统集成、锂电池安全预警和热管理技术，"
               "可接受技术许可或转让。", ("储能", "锂电池"), ("800000.00", "3000000.00")),
    DemandSpec("新能源", "高效异质结光伏组件", "高效光伏组件量产工艺技术需求",
               "需要高效异质结光伏组件的量产工艺，提升组件转换效率，降低光伏电站度电成本。",
               ("光伏", "智能电网"), ("1000000.00", "5000000.00")),
    DemandSpec("新能源", "碱性电解水制氢装置", "碱性电解水制氢装置技术合作",
               "寻求氢能领域碱性电解水制氢装置技术，用于园区绿氢示范项目。", ("氢能",), None),
    DemandSpec("新材料", "高导热石墨烯薄膜", "高导热石墨烯薄膜制备技术",
               "电子产品散热需要高导热石墨烯薄膜及其制备方法，寻求石墨烯材料成果转化。",
               ("石墨烯", "复合材料"), ("500000.00", "2000000.00")),
    DemandSpec("电子信息", "工业缺陷视觉检测系统", "工业产品表面缺陷机器视觉检测",
               "生产线需要基于机器视觉和人工智能的工业缺陷视觉检测系统，替代人工目检。",
               ("机器视觉", "人工智能"), ("300000.00", "1200000.00")),
    DemandSpec("现代农业", "设施蔬菜水肥一体化技术", "设施蔬菜节水灌溉与水肥一体化",
               "合作社需要设施蔬菜水肥一体化技术和节水灌溉设备，提高用水效率。",
               ("节水灌溉", "设施农业"), None),
    DemandSpec("节能环保", "农村生活污水一体化处理设备", "农村生活污水一体化处理设备",
               "县域农村生活污水处理项目需要一体化处理设备和污水处理工艺。",
               ("污水处理",), ("400000.00", "1500000.00")),
)


@dataclass(frozen=True)
class DemandShowcase:
    demands: int
    pledged_demand_id: UUID  # its best candidate is pledged without consent
    pledged_achievement_id: UUID
    contracted_demand_id: UUID  # a match introduced that led to a registered contract
    contracts: int = 1  # that contract


def demand_key(loader: _Loader, index: int) -> str:
    return loader.key("demand", index)


def load_demands(loader: _Loader) -> DemandShowcase:
    run = _Demands(loader)
    for index, spec in enumerate(DEMANDS):
        run.post(index, spec)
    pledged = run.pledged_without_consent()
    draft = pledged.draft
    copied = run.post(len(DEMANDS), DemandSpec(
        draft.field, draft.title, f"寻求{draft.title}技术",
        f"希望获得{draft.title}相关技术，{draft.summary}", draft.keywords[:3], None))
    run.deal(run.ids[0], DEMANDS[0])
    return DemandShowcase(len(run.ids), copied, pledged.id, run.ids[0])


class _Demands:
    def __init__(self, loader: _Loader) -> None:
        self.loader, self.ledger = loader, loader.ledger
        self.enterprises = loader.orgs_of(PartyKind.ENTERPRISE, city="baoding")
        self.exchange = loader.orgs_of(PartyKind.TRANSFER_AGENCY, city="baoding")[0]
        self.ids: list[UUID] = []

    def post(self, index: int, spec: DemandSpec) -> UUID:
        low, high = (Decimal(x) for x in spec.budget) if spec.budget else (None, None)
        enterprise = self.enterprises[(7 * index) % len(self.enterprises)]
        terms = DemandTerms(enterprise.id, spec.title, spec.description, spec.field, spec.keywords,
                            enterprise.region, DEADLINE, low, high)
        demand_id = self.ledger.post_demand(d.PostDemand(terms, POSTED_ON), actor=ACTOR,
                                            key=demand_key(self.loader, index)).value.id
        self.ids.append(demand_id)
        return demand_id

    def pledged_without_consent(self) -> Registered:
        """The first demo achievement under an active pledge its pledgee has not consented."""
        assert self.loader.trades is not None
        for n in range(self.loader.trades.pledges):
            pledge = _load(self.ledger, Pledge, derived_id("pledge", self.loader.key("pledge", n)))
            if pledge.status in BINDING and not pledge.consents and pledge.terms:
                item = pledge.terms.items[0].achievement_id
                return next(r for r in self.loader.registered if r.id == item)
        raise AssertionError("the demo's trades always leave an active pledge without consent")

    def free(self, reg: Registered, day: date) -> tuple[UUID, ...] | None:
        """The owners on `day` if the achievement may be offered and licensed: registered, no
        binding pledge, no exclusive license, no owner barred from trading; else None."""
        if _load(self.ledger, Achievement, reg.id).status is not AchievementStatus.REGISTERED:
            return None
        found = self.ledger.repository.get(AchievementRights.id_for(reg.id)) \
            if self._exists(AchievementRights.id_for(reg.id)) else None
        rights = found if isinstance(found, AchievementRights) else None
        owners = rights.owners_on(day) if rights else reg.draft.owner_ids
        if rights and (any(x.binding_after(day) for x in rights.liens) or any(
                x.variant is ContractVariant.EXCLUSIVE and x.overlaps(day, None)
                for x in rights.licenses)):
            return None
        for owner in owners:
            if self._exists(IntegrityStanding.id_for(owner)):
                standing = _load(self.ledger, IntegrityStanding, IntegrityStanding.id_for(owner))
                if standing.bar(SanctionScope.TRADING, day) is not None:
                    return None
        return owners

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self.ledger.recorder.select_events(aggregate_id, limit=1))

    def deal(self, demand_id: UUID, spec: DemandSpec) -> None:
        """List a relevant, free achievement (挂牌), introduce it (对接), license it to the
        enterprise through a registered contract, and record the contracted outcome."""
        buyer = self.enterprises[0].id  # the enterprise that posted the first demand
        reg, owners = next((r, o) for r in self.loader.registered
                           if r.draft.field == spec.field and spec.keywords[0] in r.draft.keywords
                           and buyer not in r.draft.owner_ids
                           and (o := self.free(r, SIGNED_ON)) is not None)
        seller = owners[0]
        self.ledger.list_achievement(d.ListAchievement(ListingTerms(
            reg.id, seller, self.exchange.id, "普通许可，首付30%，余款按里程碑支付",
            date(2026, 11, 1), date(2027, 4, 30), Decimal("1200000.00"))), actor=ACTOR,
            key=self.loader.key("listing", 0))
        match_id = self.ledger.introduce_match(d.IntroduceMatch(
            demand_id, reg.id, "技术经理人推荐，双方已见面洽谈", None, date(2026, 11, 5)),
            actor=ACTOR, key=self.loader.key("match", 0)).value.id
        terms = ContractTerms(
            contract_number="2026-DEMO-DM-0001", title=f"{reg.draft.title}技术许可合同",
            contract_type=ContractType.LICENSE, variant=ContractVariant.ORDINARY,
            seller_id=seller, buyer_id=buyer, achievement_ids=(reg.id,),
            turnover=Decimal("1200000.00"), transaction_amount=Decimal("1100000.00"),
            signed_on=SIGNED_ON, term_end=date(2031, 11, 15), field=spec.field,
            exchange_id=self.exchange.id, pricing=PricingMethod.LISTING)
        contract = self.ledger.register_contract(t.RegisterContract(terms, SIGNED_ON),
                                                 actor=ACTOR).value.id
        if _load(self.ledger, Match, match_id).outcome is None:
            self.ledger.record_match_outcome(d.RecordMatchOutcome(
                match_id, MatchOutcome.CONTRACTED, contract, "签订普通许可合同并完成登记",
                date(2026, 11, 18)), actor=ACTOR)

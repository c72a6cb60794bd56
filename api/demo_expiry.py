"""Demo: a demand whose deadline passed unmet, expired by the expiry sweep's command
(技术需求到期; api/demand_expiry.py), so the desk shows an `expired` demand dated the day after
its deadline. Fixed key: a second load replays the post, and the sweep skips a demand that is
no longer open, so it writes nothing."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from api.demo_data import _Loader
from domain.demand import DemandTerms
from domain.values import PartyKind
from services import demand_commands as d

ACTOR = "demo:demand-expiry"
POSTED_ON = date(2026, 3, 2)
DEADLINE = date(2026, 6, 30)
SWEPT_ON = date(2026, 11, 20)


def load_expired_demand(loader: _Loader) -> UUID:
    enterprise = loader.orgs_of(PartyKind.ENTERPRISE, city="baoding")[1]
    terms = DemandTerms(
        enterprise.id, "寻求智能温室环境控制技术",
        "合作社拟建设连栋智能温室，需要设施农业环境监测与智能控制技术；截止日期前未找到合适成果。",
        "现代农业", ("设施农业", "智慧农业"), enterprise.region, DEADLINE)
    demand_id = loader.ledger.post_demand(d.PostDemand(terms, POSTED_ON), actor=ACTOR,
                                          key=loader.key("expired-demand", 0)).value.id
    loader.ledger.expire_overdue_demands(d.ExpireOverdueDemands((demand_id,), SWEPT_ON),
                                         actor=ACTOR)
    return demand_id

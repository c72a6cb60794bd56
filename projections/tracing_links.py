"""What each event touches, for backward tracing (回溯, Baoding item 1 过程回溯; DOMAIN.md "Backward
tracing"): the achievements, projects and parties it is about, and the role each plays.

The projection in `projections/tracing.py` applies these tables; see its docstring for how to
add an aggregate. A `Link` is either direct (`achievement`, `project`, `party`) or `via` another
aggregate: it then stands for the achievements and projects that aggregate is about (an
evaluation's achievement, say). A `sticky` link holds for every later event of the aggregate too,
so a contract's achievements and parties need naming only in its creation event.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from domain.access import ApiKey
from domain.achievement import Achievement
from domain.contract import ContractType, TechContract
from domain.evaluation import Evaluation
from domain.misconduct import MisconductRecord
from domain.party import Party
from domain.pledge import Pledge
from domain.project import FundedProject
from domain.rights import AchievementRights
from domain.standing import IntegrityStanding
from domain.valuation import Valuation
from domain.values import EvaluationClass
from projections.tracing_market import MARKET_AGGREGATES, MARKET_LINKS
from projections.tracing_subjects import Link, Linker, achievement, party, project, via

# Aggregates whose events are traced, with the prefix of their event names.
AGGREGATES: dict[type, str] = {
    Achievement: "achievement", FundedProject: "project", Evaluation: "evaluation",
    TechContract: "contract", AchievementRights: "rights", Pledge: "pledge",
    Valuation: "valuation", IntegrityStanding: "standing", Party: "party", ApiKey: "api_key",
    MisconductRecord: "misconduct", **MARKET_AGGREGATES,
}


def _achievement_registered(e: Any) -> Iterator[Link]:
    yield achievement(e.originator_id, "subject", sticky=True)
    draft = e.draft
    for owner in draft.owner_ids:
        yield from party(owner, "owner")
    for completer in draft.completers:
        yield from party(completer.party_id, "completer")
        yield from party(completer.affiliation_id, "completer_institution")
    if draft.funding.project_id is not None:
        yield project(draft.funding.project_id, "funding_project")


def _project_proposed(e: Any) -> Iterator[Link]:
    yield project(e.originator_id, "subject", sticky=True)
    yield from party(e.undertaker_id, "undertaker", sticky=True)


def _commissioned(e: Any) -> Iterator[Link]:
    about = project if e.evaluation_class is EvaluationClass.PRE_APPROVAL else achievement
    yield about(e.subject_id, "evaluated", sticky=True)
    yield from party(e.commissioner_id, "commissioner", sticky=True)
    yield from party(e.evaluator_id, "agency", sticky=True)


def _contract_accepted(e: Any) -> Iterator[Link]:
    terms = e.terms
    for achievement_id in terms.achievement_ids:
        yield achievement(achievement_id, "traded", sticky=True)
    yield from party(terms.seller_id, "seller", sticky=True)
    yield from party(terms.buyer_id, "buyer", sticky=True)
    yield from party(terms.exchange_id, "exchange", sticky=True)


def _traded(e: Any) -> Iterator[Link]:
    yield from party(e.trade.buyer_id, "buyer")
    if e.trade.contract_type is ContractType.TRANSFER:
        for owner in e.owner_ids:
            yield from party(owner, "owner")


def _pledge_registered(e: Any) -> Iterator[Link]:
    terms = e.terms
    for item in terms.items:
        yield achievement(item.achievement_id, "pledged", sticky=True)
    yield from party(terms.pledgor_id, "pledgor", sticky=True)
    yield from party(terms.pledgee_id, "pledgee", sticky=True)
    yield from party(terms.debtor_id, "debtor", sticky=True)


def _valuation_recorded(e: Any) -> Iterator[Link]:
    yield achievement(e.report.achievement_id, "valued", sticky=True)
    yield from party(e.report.appraiser_id, "appraiser", sticky=True)


def _misconduct_recorded(e: Any) -> Iterator[Link]:
    """The decision, its appeal and corrections, on the subject and on what it touched."""
    d = e.decision
    yield from party(d.subject_id, "misconduct_subject", sticky=True)
    for achievement_id in d.achievement_ids:
        yield achievement(achievement_id, "misconduct", sticky=True)
    for evaluation_id in d.evaluation_ids:
        yield via(evaluation_id, "misconduct", sticky=True)


LINKS: dict[type, Linker] = {
    Achievement.Registered: _achievement_registered,
    Achievement.Disclosed: lambda e: party(e.discloser_id, "discloser"),
    Achievement.CompanyFormed: lambda e: party(e.company_id, "company"),
    Achievement.TechnologyManagerEngaged: lambda e: party(e.manager_id, "technology_manager"),
    FundedProject.Proposed: _project_proposed,
    FundedProject.OutputLinked: lambda e: [achievement(e.achievement_id, "output")],
    Evaluation.Commissioned: _commissioned,
    Evaluation.PanelFormed: lambda e: (x for m in e.members for x in party(m.party_id, "expert")),
    Evaluation.ExpertRecused: lambda e: party(e.expert_id, "recused_expert"),
    Evaluation.ScoresSubmitted: lambda e: party(e.expert_id, "expert"),
    TechContract.Accepted: _contract_accepted,
    AchievementRights.Opened: lambda e: [achievement(e.achievement_id, "subject", sticky=True)],
    AchievementRights.Traded: _traded,
    AchievementRights.Pledged: lambda e: party(e.lien.pledgee_id, "pledgee"),
    Pledge.Registered: _pledge_registered,
    Valuation.Recorded: _valuation_recorded,
    IntegrityStanding.Opened: lambda e: party(e.party_id, "subject", sticky=True),
    Party.Registered: lambda e: party(e.originator_id, "subject", sticky=True),
    Party.RelationDeclared: lambda e: party(e.relation.party_id, "related_party"),
    ApiKey.Issued: lambda e: party(e.party_id, "key_holder", sticky=True),
    MisconductRecord.Recorded: _misconduct_recorded,
    **MARKET_LINKS,  # demands, listings, matches and market events
}


def _rights_traded_name(e: Any) -> str:
    kind = e.trade.contract_type
    if kind is ContractType.TRANSFER:
        return "rights.ownership_changed"
    return "rights.licensed" if kind is ContractType.LICENSE else "rights.traded"


# Names that depend on the event's content; all others are `<prefix>.<snake_case class name>`.
NAMES: dict[type, Callable[[Any], str]] = {AchievementRights.Traded: _rights_traded_name}


def aggregate_prefix(event_class: type) -> str | None:
    """The name prefix of the aggregate an event class is nested in (None: not traced)."""
    for aggregate, prefix in AGGREGATES.items():
        if event_class.__module__ == aggregate.__module__ and \
                event_class.__qualname__.startswith(aggregate.__qualname__ + "."):
            return prefix
    return None


def event_name(event: Any, prefix: str) -> str:
    """A stable short name, e.g. `contract.registration_completed`."""
    named = NAMES.get(type(event))
    if named is not None:
        return named(event)
    return f"{prefix}.{re.sub(r'(?<!^)(?=[A-Z])', '_', type(event).__name__).lower()}"

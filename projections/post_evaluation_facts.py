"""Post-evaluation (后评价) facts: each finalized evaluation of an achievement with what the views
hold about that achievement — completed contract registrations, pledges, companies formed, the
registration's cancellation — and what follows it within 6, 12 or 24 months of its 认定.
Baoding's general requirements call for 后评价; DOMAIN.md, read models: "does the grade predict the market?".

A contract counts once its registration completed (status registered or terminated), dated by
`signed_on`; pledge financing is dated by the pledge's registration (its start effective date).
A contract or pledge covering several achievements is split equally among them
(trade_statistics.split_equally), so sums over achievements never count an amount twice.
A window is observable once it has elapsed by `as_of`; until then it is censored.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import orjson

from domain.evaluation import add_months
from projections.store import Row, Tx
from projections.trade_statistics import COUNTED, split_equally

WINDOWS = (6, 12, 24)  # months after the finalization (认定) date
ZERO = Decimal("0.00")
SUBJECTS = "(SELECT subject_id FROM evaluations WHERE finalized_on IS NOT NULL)"


@dataclass(frozen=True)
class Filters:
    agency_id: str | None = None
    policy_version: str | None = None
    evaluation_class: str | None = None


ANY = Filters()  # every finalized evaluation


@dataclass(frozen=True)
class Dated:
    """A contract's or pledge's part for one achievement: its date, kind and split amount."""

    on: date
    kind: str  # contract type, or "pledge"
    amount: Decimal


@dataclass
class Story:
    """What the views hold about one achievement, at any date."""

    deals: list[Dated] = field(default_factory=list)
    loans: list[Dated] = field(default_factory=list)
    companies: list[date] = field(default_factory=list)
    cancelled_on: date | None = None


@dataclass(frozen=True)
class Evaluated:
    row: Row  # the evaluation's columns, with achievement title and agency name
    finalized_on: date
    revoked_on: date | None
    story: Story

    @property
    def id(self) -> str:
        return str(self.row["id"])

    def revoked_by(self, as_of: date) -> bool:
        return self.revoked_on is not None and self.revoked_on <= as_of


@dataclass(frozen=True)
class Outcome:
    """What followed an evaluation in (finalized_on, ends_on], as far as `as_of` shows it."""

    window_months: int
    ends_on: date
    observable: bool
    contracts: int
    transaction_amount: Decimal
    licensed: bool
    transferred: bool
    company_formed: bool
    pledged: bool
    secured_amount: Decimal

    @property
    def traded(self) -> bool:
        return self.contracts > 0


def outcome(e: Evaluated, months: int, as_of: date) -> Outcome:
    """The window's outcome; before it has elapsed, what happened so far (not observable)."""
    ends_on = add_months(e.finalized_on, months)
    last = min(ends_on, as_of)
    deals = [d for d in e.story.deals if e.finalized_on < d.on <= last]
    loans = [x for x in e.story.loans if e.finalized_on < x.on <= last]
    return Outcome(
        window_months=months, ends_on=ends_on, observable=ends_on <= as_of, contracts=len(deals),
        transaction_amount=sum((d.amount for d in deals), ZERO),
        licensed=any(d.kind == "license" for d in deals),
        transferred=any(d.kind == "transfer" for d in deals),
        company_formed=any(e.finalized_on < day <= last for day in e.story.companies),
        pledged=bool(loans), secured_amount=sum((x.amount for x in loans), ZERO))


def _where(f: Filters, as_of: date) -> tuple[str, list[Any]]:
    clauses, params = ["e.finalized_on IS NOT NULL", "e.finalized_on <= ?"], [as_of.isoformat()]
    for column, value in (("e.evaluator_id", f.agency_id), ("e.policy_version", f.policy_version),
                          ("e.evaluation_class", f.evaluation_class)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    return " WHERE " + " AND ".join(clauses), params


def _evaluation_rows(tx: Tx, where: str, params: list[Any]) -> list[Row]:
    """Finalized evaluations of achievements (a pre-approval assesses a project: not here)."""
    return tx.execute(
        "SELECT e.id, e.evaluation_class, e.subject_id, e.evaluator_id, p.name AS agency_name, "
        "e.policy_version, e.grade, e.total, e.finalized_on, e.revoked_on, e.revoke_reason, "
        "a.title, a.registration_number FROM evaluations e JOIN achievements a ON a.id = "
        f"e.subject_id LEFT JOIN parties p ON p.id = e.evaluator_id{where} "
        "ORDER BY e.finalized_on, e.id", params)


def evaluated(tx: Tx, as_of: date, f: Filters = ANY, evaluation_id: str | None = None
              ) -> list[Evaluated]:
    """The finalized evaluations (by `as_of`) matching `f`, each with its achievement's story."""
    where, params = _where(f, as_of)
    if evaluation_id is not None:
        where, params = f"{where} AND e.id = ?", [*params, evaluation_id]
    rows = _evaluation_rows(tx, where, params)
    stories = _stories(tx, {r["subject_id"] for r in rows})
    return [Evaluated(r, date.fromisoformat(r["finalized_on"]),
                      date.fromisoformat(r["revoked_on"]) if r["revoked_on"] else None,
                      stories[r["subject_id"]]) for r in rows]


def _stories(tx: Tx, wanted: set[str]) -> dict[str, Story]:
    stories: dict[str, Story] = defaultdict(Story)
    if not wanted:
        return stories
    for achievement_id, part in _split(tx.execute(
            "SELECT c.type AS kind, c.signed_on AS day, c.transaction_amount AS amount, "
            f"c.achievement_ids AS ids FROM contracts c WHERE c.{COUNTED} AND c.id IN (SELECT "
            f"contract_id FROM contract_achievements WHERE achievement_id IN {SUBJECTS})")):
        stories[achievement_id].deals.append(part)
    for achievement_id, part in _split(tx.execute(
            "SELECT 'pledge' AS kind, p.registered_on AS day, p.secured_amount AS amount, p.items "
            "AS ids FROM pledges p WHERE p.id IN (SELECT pledge_id FROM pledge_intervals WHERE "
            f"achievement_id IN {SUBJECTS})")):
        stories[achievement_id].loans.append(part)
    for r in tx.execute("SELECT achievement_id, formed_on FROM company_formations WHERE "
                        f"achievement_id IN {SUBJECTS}"):
        stories[r["achievement_id"]].companies.append(date.fromisoformat(r["formed_on"]))
    for r in tx.execute("SELECT aggregate_id, MIN(effective_date) AS day FROM ledger_events "
                        "WHERE event_type = 'Achievement.RegistrationCancelled' AND aggregate_id "
                        f"IN {SUBJECTS} GROUP BY aggregate_id"):
        stories[r["aggregate_id"]].cancelled_on = date.fromisoformat(r["day"])
    return {k: stories[k] for k in wanted}


def _split(rows: list[Row]) -> list[tuple[str, Dated]]:
    """Each contract or pledge cut into equal whole-cent parts, one per achievement it covers."""
    parts: list[tuple[str, Dated]] = []
    for r in rows:
        ids = [x["achievement_id"] if isinstance(x, dict) else x for x in orjson.loads(r["ids"])]
        on = date.fromisoformat(r["day"])
        for achievement_id, amount in zip(ids, split_equally(Decimal(r["amount"]), len(ids)),
                                          strict=True):
            parts.append((achievement_id, Dated(on, r["kind"], amount)))
    return parts

"""The technology market's demand side (Baoding items 4-5): demands (技术需求), listings (挂牌)
and matches introduced (对接) with their outcomes and linked contracts; and each registered
achievement's matching document (match_docs: field, keywords, text and its bigram counts),
written when the achievement is registered or cancelled, so that matching reads them by
position instead of recomputing them per request (projections.matching_index)."""

from __future__ import annotations

import uuid
from typing import Any

import orjson

from domain.achievement import Achievement
from domain.demand import TechDemand
from domain.listing import AchievementListing
from domain.match import Match
from domain.matching import Doc, doc_terms
from projections.base import Applied, Handler, Projection
from projections.store import Tx

DDL = (
    "CREATE TABLE IF NOT EXISTS demands (id TEXT PRIMARY KEY, enterprise_id TEXT, title TEXT, "
    "description TEXT, field TEXT, keywords TEXT, budget_min TEXT, budget_max TEXT, "
    "region_code TEXT, deadline TEXT, status TEXT, posted_on TEXT, updated_on TEXT, "
    "ended_on TEXT, close_reason TEXT, match_id TEXT, contract_id TEXT, position BIGINT)",
    "CREATE INDEX IF NOT EXISTS demands_status ON demands (status, deadline)",
    "CREATE TABLE IF NOT EXISTS listings (id TEXT PRIMARY KEY, achievement_id TEXT, "
    "seller_id TEXT, exchange_id TEXT, asking_price TEXT, terms TEXT, listed_from TEXT, "
    "listed_until TEXT, status TEXT, withdrawn_on TEXT, withdraw_reason TEXT, position BIGINT)",
    "CREATE INDEX IF NOT EXISTS listings_achievement ON listings (achievement_id)",
    "CREATE TABLE IF NOT EXISTS matches (id TEXT PRIMARY KEY, demand_id TEXT, "
    "achievement_id TEXT, note TEXT, score TEXT, introduced_on TEXT, outcome TEXT, "
    "outcome_on TEXT, outcome_note TEXT, contract_id TEXT, actor TEXT, position BIGINT)",
    "CREATE INDEX IF NOT EXISTS matches_demand ON matches (demand_id)",
    "CREATE INDEX IF NOT EXISTS matches_achievement ON matches (achievement_id)",
    "CREATE TABLE IF NOT EXISTS match_docs (achievement_id TEXT PRIMARY KEY, field TEXT, "
    "keywords TEXT, text TEXT, terms TEXT, status TEXT, position BIGINT)",
    "CREATE INDEX IF NOT EXISTS match_docs_position ON match_docs (position)",
    # A fresh id whenever these tables are (re)created: in-memory indexes built from an
    # earlier generation of the views know they are stale.
    "CREATE TABLE IF NOT EXISTS match_store (store_id TEXT PRIMARY KEY)",
)


class Demands(Projection):
    tables = ("demands", "listings", "matches", "match_docs", "match_store")
    ddl = DDL

    def create(self, tx: Tx) -> None:
        super().create(tx)
        if not tx.execute("SELECT store_id FROM match_store"):
            tx.execute("INSERT INTO match_store VALUES (?)", (str(uuid.uuid4()),))

    def handlers(self) -> dict[type, Handler]:
        return {
            TechDemand.Posted: _posted, TechDemand.Updated: _updated,
            TechDemand.Matched: _matched, TechDemand.Closed: _ended("closed"),
            TechDemand.Expired: _ended("expired"),
            AchievementListing.Listed: _listed, AchievementListing.Withdrawn: _withdrawn,
            Match.Introduced: _introduced, Match.OutcomeRecorded: _outcome,
            Achievement.Registered: _match_doc, Achievement.RegistrationCancelled: _doc_cancelled,
        }


def _money(value: Any) -> str | None:
    return None if value is None else str(value)


def _terms_row(t: Any) -> tuple[Any, ...]:
    return (t.title, t.description, t.field, "|".join(t.keywords), _money(t.budget_min),
            _money(t.budget_max), t.region_code, str(t.deadline))


def _set(tx: Tx, table: str, a: Applied, values: dict[str, Any]) -> None:
    assignments = ", ".join(f"{k} = ?" for k in values)
    tx.execute(f"UPDATE {table} SET {assignments}, position = ? WHERE id = ?",
               (*values.values(), a.position, str(a.event.originator_id)))


def _posted(tx: Tx, a: Applied) -> None:
    e = a.event
    tx.execute("INSERT INTO demands VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, NULL, NULL, "
               "NULL, NULL, NULL, ?)",
               (str(e.originator_id), str(e.terms.enterprise_id), *_terms_row(e.terms),
                str(e.effective_date), a.position))


def _updated(tx: Tx, a: Applied) -> None:
    names = ("title", "description", "field", "keywords", "budget_min", "budget_max",
             "region_code", "deadline")
    _set(tx, "demands", a, {**dict(zip(names, _terms_row(a.event.terms), strict=True)),
                            "updated_on": str(a.event.effective_date)})


def _matched(tx: Tx, a: Applied) -> None:
    e = a.event
    _set(tx, "demands", a, {"status": "matched", "ended_on": str(e.effective_date),
                            "match_id": str(e.match_id), "contract_id": str(e.contract_id)})


def _ended(status: str) -> Handler:
    def handle(tx: Tx, a: Applied) -> None:
        _set(tx, "demands", a, {"status": status, "ended_on": str(a.event.effective_date),
                                "close_reason": getattr(a.event, "reason", None)})
    return handle


def _listed(tx: Tx, a: Applied) -> None:
    e, t = a.event, a.event.terms
    tx.execute("INSERT INTO listings VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'listed', NULL, NULL, ?)",
               (str(e.originator_id), str(t.achievement_id), str(t.seller_id),
                str(t.exchange_id), _money(t.asking_price), t.terms, str(t.listed_from),
                str(t.listed_until), a.position))


def _withdrawn(tx: Tx, a: Applied) -> None:
    _set(tx, "listings", a, {"status": "withdrawn", "withdrawn_on": str(a.event.effective_date),
                             "withdraw_reason": a.event.reason})


def _introduced(tx: Tx, a: Applied) -> None:
    e = a.event
    tx.execute("INSERT INTO matches VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, ?, ?)",
               (str(e.originator_id), str(e.demand_id), str(e.achievement_id), e.note, e.score,
                str(e.effective_date), e.actor, a.position))


def _outcome(tx: Tx, a: Applied) -> None:
    e = a.event
    _set(tx, "matches", a, {"outcome": e.outcome.value, "outcome_on": str(e.effective_date),
                            "outcome_note": e.note,
                            "contract_id": str(e.contract_id) if e.contract_id else None})


def achievement_doc(achievement_id: str, field: str | None, keywords: tuple[str, ...],
                    title: str, summary: str | None) -> Doc:
    """What matching reads of an achievement (as projections.matching has always built it)."""
    return Doc(achievement_id, field or "", tuple(filter(None, keywords)), f"{title} {summary or ''}")


def _match_doc(tx: Tx, a: Applied) -> None:
    d = a.event.draft
    keywords = tuple("|".join(d.keywords).split("|"))  # as the registry view stores them
    doc = achievement_doc(str(a.event.originator_id), d.field, keywords, d.title, d.summary)
    tx.execute("INSERT INTO match_docs VALUES (?, ?, ?, ?, ?, 'registered', ?)",
               (doc.id, doc.field, "|".join(doc.keywords), doc.text,
                orjson.dumps(doc_terms(doc)).decode(), a.position))


def _doc_cancelled(tx: Tx, a: Applied) -> None:
    tx.execute("UPDATE match_docs SET status = 'cancelled', position = ? WHERE achievement_id = ?",
               (a.position, str(a.event.originator_id)))

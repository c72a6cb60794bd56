"""Ranked candidates for a demand, and ranked demands for an achievement (技术供需对接,
Baoding items 4-5), scored by domain.matching over the views, with every barrier applied:

- pledged without consent: a pledge still binding with no consent recorded (Civil Code
  art. 444: a pledged achievement is not transferred or licensed without the pledgee);
- a revoked evaluation (Baoding item 9: fraud found in its evaluation) or a cancelled
  registration;
- an owner barred from trading by an active sanction (Baoding item 9, scope `trading`).

Candidates for a demand come from the in-memory index over the match_docs view
(projections.matching_index), with the same scores as ranking every registered achievement;
the barriers are read per request from the small tables that hold them (pledges, evaluations,
sanctions) and the owners of the few achievements a sanctioned party holds.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from domain.matching import Doc, MatchingPolicy, Scored, matching_policy_on, rank
from projections.demands import achievement_doc
from projections.integrity_queries import active_sanctions
from projections.matching_index import current_index
from projections.store import Row, Tx
from projections.trade_queries import views_position


def current_owners(tx: Tx, as_of: date, among: set[str] | None = None) -> dict[str, list[str]]:
    """Registered owners, then each completed transfer signed by `as_of` (the buyer replaces
    the seller, as domain.rights does; a terminated transfer stays done); of the achievements
    `among`, or of all."""
    owners: dict[str, list[str]] = defaultdict(list)
    for row in _among(tx, "SELECT achievement_id, party_id FROM achievement_owners", "achievement_id",
                      among, (), " ORDER BY achievement_id, ord"):
        owners[row["achievement_id"]].append(row["party_id"])
    transfers = _among(
        tx, "SELECT ca.achievement_id, c.seller_id, c.buyer_id FROM contracts c JOIN "
        "contract_achievements ca ON ca.contract_id = c.id WHERE c.type = 'transfer' AND "
        "c.status IN ('registered', 'terminated') AND c.signed_on <= ?", "ca.achievement_id",
        among, (as_of.isoformat(),), " ORDER BY c.signed_on, c.position")
    for t in transfers:
        held = [t["buyer_id"] if o == t["seller_id"] else o for o in owners[t["achievement_id"]]]
        owners[t["achievement_id"]] = list(dict.fromkeys(held))
    return owners


def _among(tx: Tx, sql: str, column: str, among: set[str] | None, params: tuple[Any, ...],
           order: str) -> list[Row]:
    """`sql` restricted to rows whose `column` is in `among` (all rows when None)."""
    if among is None:
        return tx.execute(sql + order, params)
    if not among:
        return []
    joiner = " AND " if " WHERE " in sql else " WHERE "
    marks = ", ".join("?" * len(among))
    return tx.execute(f"{sql}{joiner}{column} IN ({marks}){order}", (*params, *sorted(among)))


def barriers(tx: Tx, as_of: date) -> dict[str, list[str]]:
    """Why an achievement may not be offered on `as_of`, by achievement id."""
    found: dict[str, list[str]] = defaultdict(list)
    for row in tx.execute("SELECT id FROM achievements WHERE status = 'cancelled'"):
        found[row["id"]].append("registration_cancelled")
    for achievement_id, reasons in offer_barriers(tx, as_of).items():
        found[achievement_id].extend(reasons)
    return found


def offer_barriers(tx: Tx, as_of: date) -> dict[str, list[str]]:
    """The barriers besides a cancelled registration (registered achievements only are
    matched): each read from a table that holds few rows, not from the whole registry."""
    day = as_of.isoformat()
    found: dict[str, list[str]] = defaultdict(list)
    queries = (
        ("evaluation_revoked", "SELECT DISTINCT subject_id AS a FROM evaluations "
         "WHERE status = 'revoked'", ()),
        ("pledged_without_consent", "SELECT DISTINCT i.achievement_id AS a FROM pledge_intervals "
         "i JOIN pledges p ON p.id = i.pledge_id WHERE (i.end_effective IS NULL OR "
         "i.end_effective > ?) AND p.consents = '[]'", (day,)),
    )
    for reason, sql, params in queries:
        for row in tx.execute(sql, params):
            found[row["a"]].append(reason)
    barred = {s["party_id"] for s in active_sanctions(tx, as_of, "trading")}
    for achievement_id, owners in current_owners(tx, as_of, _held_by(tx, barred)).items():
        if barred.intersection(owners):
            found[achievement_id].append("owner_barred_from_trading")
    return found


def _held_by(tx: Tx, parties: set[str]) -> set[str]:
    """Achievements the parties registered or bought by a transfer: all they may hold."""
    registered = _among(tx, "SELECT achievement_id AS a FROM achievement_owners", "party_id",
                        parties, (), "")
    bought = _among(tx, "SELECT ca.achievement_id AS a FROM contracts c JOIN contract_achievements "
                    "ca ON ca.contract_id = c.id WHERE c.type = 'transfer'", "c.buyer_id",
                    parties, (), "")
    return {r["a"] for r in (*registered, *bought)}


def _achievement_doc(row: Row) -> Doc:
    return achievement_doc(row["id"], row["field"], tuple((row["keywords"] or "").split("|")),
                           row["title"], row["summary"])


def _demand_doc(row: Row) -> Doc:
    return Doc(row["id"], row["field"], tuple(filter(None, row["keywords"].split("|"))),
               f"{row['title']} {row['description']}")


def _why(s: Scored) -> dict[str, Any]:
    return {"score": s.score, "field_match": s.field_match,
            "shared_keywords": list(s.shared_keywords), "text_similarity": s.text_similarity,
            "shared_terms": list(s.shared_terms)}


def _policy(policy: MatchingPolicy) -> dict[str, Any]:
    return {"version": policy.version, "field_weight": policy.field_weight,
            "keyword_weight": policy.keyword_weight, "text_weight": policy.text_weight,
            "min_score": policy.min_score}


ACHIEVEMENT_COLUMNS = ("id, registration_number, title, summary, field, keywords, owners, "
                       "status, category")


def _listings(tx: Tx, as_of: date) -> dict[str, Row]:
    day = as_of.isoformat()
    rows = tx.execute("SELECT id, achievement_id, asking_price, listed_until FROM listings "
                      "WHERE status = 'listed' AND listed_from <= ? AND listed_until >= ?",
                      (day, day))
    return {r["achievement_id"]: {"listing_id": r["id"], "asking_price": r["asking_price"],
                                  "negotiable": r["asking_price"] is None,
                                  "listed_until": r["listed_until"]} for r in rows}


def demand_row(tx: Tx, demand_id: str) -> Row | None:
    rows = tx.execute("SELECT * FROM demands WHERE id = ?", (demand_id,))
    return rows[0] if rows else None


def candidates_for_demand(tx: Tx, demand_id: str, as_of: date, limit: int) -> dict[str, Any] | None:
    """The achievements that may be offered for the demand, best first, each with why it
    matched; those a barrier keeps out are listed apart (never as candidates)."""
    demand = demand_row(tx, demand_id)
    if demand is None:
        return None
    policy = matching_policy_on(as_of)
    barred = offer_barriers(tx, as_of)
    with current_index(tx) as index:
        offered, kept_out = index.rank(_demand_doc(demand), policy, limit, barred.keys())
    rows = _achievements(tx, {s.id for s in (*offered, *kept_out)})
    listings = _listings(tx, as_of)
    return {
        "demand_id": demand_id, "title": demand["title"], "status": demand["status"],
        "as_of": as_of.isoformat(), "policy": _policy(policy),
        "items": [{"achievement_id": s.id, "title": rows[s.id]["title"],
                   "registration_number": rows[s.id]["registration_number"],
                   "field": rows[s.id]["field"], "listing": listings.get(s.id), "why": _why(s)}
                  for s in offered],
        "excluded": [{"achievement_id": s.id, "title": rows[s.id]["title"],
                      "reasons": barred[s.id], "score": s.score} for s in kept_out],
        "views_position": views_position(tx)}


def _achievements(tx: Tx, ids: set[str]) -> dict[str, Row]:
    return {r["id"]: r for r in _among(tx, f"SELECT {ACHIEVEMENT_COLUMNS} FROM achievements", "id",
                                       ids, (), "")}


def demands_for_achievement(tx: Tx, achievement_id: str, as_of: date,
                            limit: int) -> dict[str, Any] | None:
    """Open demands (deadline not passed) the achievement could serve, best first; none when
    a barrier keeps the achievement out, with the reasons."""
    rows = tx.execute(f"SELECT {ACHIEVEMENT_COLUMNS} FROM achievements WHERE id = ?",
                      (achievement_id,))
    if not rows:
        return None
    policy = matching_policy_on(as_of)
    reasons = (["registration_cancelled"] if rows[0]["status"] == "cancelled" else []) + \
        offer_barriers(tx, as_of).get(achievement_id, [])
    demands = {r["id"]: r for r in tx.execute(
        "SELECT * FROM demands WHERE status = 'open' AND deadline >= ?", (as_of.isoformat(),))}
    ranked = [] if reasons else rank(_achievement_doc(rows[0]),
                                     [_demand_doc(d) for d in demands.values()], policy)
    return {
        "achievement_id": achievement_id, "title": rows[0]["title"], "as_of": as_of.isoformat(),
        "offerable": not reasons, "barriers": reasons, "policy": _policy(policy),
        "items": [{"demand_id": s.id, "title": demands[s.id]["title"],
                   "enterprise_id": demands[s.id]["enterprise_id"],
                   "field": demands[s.id]["field"], "deadline": demands[s.id]["deadline"],
                   "budget_min": demands[s.id]["budget_min"],
                   "budget_max": demands[s.id]["budget_max"], "why": _why(s)}
                  for s in ranked[:limit]],
        "views_position": views_position(tx)}

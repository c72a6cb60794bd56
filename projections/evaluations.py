"""Evaluation read models: evaluations, the transferable-achievement library (Hefei arts. 7-8),
expert panels, agency qualifications (Baoding item 8), policies and technology managers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from domain.achievement import Achievement
from domain.evaluation import Evaluation, EvaluationStatus
from domain.evaluation_policy import (
    BUILTIN_POLICIES,
    LIBRARY_GRADES,
    SUPPORT_BY_GRADE,
    EvaluationPolicy,
    Grade,
    PolicyRecord,
)
from domain.party import Party
from domain.values import EvaluationClass
from projections.base import Applied, Handler, Projection
from projections.plain import dumps, event_payload
from projections.store import Tx

DDL = (
    "CREATE TABLE IF NOT EXISTS evaluations (id TEXT PRIMARY KEY, evaluation_class TEXT NOT NULL, "
    "subject_id TEXT NOT NULL, commissioner_id TEXT, evaluator_id TEXT, status TEXT NOT NULL, "
    "policy_version TEXT, forms TEXT, panel TEXT, scored_by INTEGER, indicator_scores TEXT, "
    "total TEXT, grade TEXT, conclusion TEXT, publicity_start TEXT, publicity_end TEXT, "
    "finalized_on TEXT, company_deadline TEXT, revoked_on TEXT, revoke_reason TEXT, "
    "commissioned_on TEXT, position BIGINT)",
    "CREATE INDEX IF NOT EXISTS evaluations_subject ON evaluations (subject_id)",
    "CREATE TABLE IF NOT EXISTS library (achievement_id TEXT PRIMARY KEY, evaluation_id TEXT, "
    "grade TEXT, support_tier TEXT, total TEXT, finalized_on TEXT, publicity_end TEXT, "
    "company_deadline TEXT, company_formed_on TEXT, support_status TEXT, title TEXT, "
    "hefei_subtype TEXT, field TEXT, category TEXT)",
    "CREATE TABLE IF NOT EXISTS company_formations (achievement_id TEXT, company_id TEXT, "
    "formed_on TEXT, position BIGINT, PRIMARY KEY (achievement_id, company_id))",
    "CREATE TABLE IF NOT EXISTS expert_panels (evaluation_id TEXT, party_id TEXT, name TEXT, "
    "expert_type TEXT, technology_manager BOOLEAN, status TEXT, recusal_reason TEXT, "
    "scored BOOLEAN, PRIMARY KEY (evaluation_id, party_id))",
    "CREATE INDEX IF NOT EXISTS expert_panels_party ON expert_panels (party_id)",
    "CREATE TABLE IF NOT EXISTS agency_qualifications (position BIGINT PRIMARY KEY, "
    "agency_id TEXT, scope TEXT, issuer TEXT, certificate_no TEXT, valid_from TEXT, "
    "valid_to TEXT)",
    "CREATE TABLE IF NOT EXISTS evaluation_policies (version TEXT PRIMARY KEY, source TEXT, "
    "weights TEXT, thresholds TEXT, publicity_days INTEGER, company_deadline_months INTEGER, "
    "trim_from_panel_size INTEGER, effective_from TEXT, effective_to TEXT, published_on TEXT)",
    "CREATE TABLE IF NOT EXISTS manager_engagements (achievement_id TEXT, manager_id TEXT, "
    "stage TEXT, note TEXT, effective_date TEXT, position BIGINT PRIMARY KEY)",
)
TRANSFERABLE = EvaluationClass.TRANSFERABLE.value
S = EvaluationStatus


class Evaluations(Projection):
    """List it after Registry: library rows copy the achievement's title and classification."""

    tables = ("evaluations", "library", "company_formations", "expert_panels",
              "agency_qualifications", "evaluation_policies", "manager_engagements")
    ddl = DDL

    def create(self, tx: Tx) -> None:
        super().create(tx)
        for policy in BUILTIN_POLICIES.values():
            if not tx.execute("SELECT version FROM evaluation_policies WHERE version = ?",
                              (policy.version,)):
                _insert_policy(tx, policy, None)

    def handlers(self) -> dict[type, Handler]:
        return {
            Evaluation.Commissioned: _commissioned,
            Evaluation.PlanSet: _plan_set,
            Evaluation.PanelFormed: _panel_formed,
            Evaluation.ExpertRecused: _expert_recused,
            Evaluation.ScoresSubmitted: _scores_submitted,
            Evaluation.Reviewed: _reviewed,
            Evaluation.Concluded: _update(S.CONCLUDED, lambda a: {
                "conclusion": dumps(event_payload(a.event)["conclusion"])}),
            Evaluation.Publicized: _update(S.PUBLICIZED, lambda a: {
                "publicity_start": str(a.event.start), "publicity_end": str(a.event.end)}),
            Evaluation.Finalized: _finalized,
            Evaluation.Revoked: _revoked,
            Achievement.CompanyFormed: _company_formed,
            Achievement.RegistrationCancelled: lambda tx, a: refresh_library(
                tx, str(a.event.originator_id)),
            Achievement.TechnologyManagerEngaged: _manager_engaged,
            Party.QualificationRecorded: _qualification_recorded,
            PolicyRecord.Published: lambda tx, a: _insert_policy(tx, a.event.policy,
                                                                 str(a.event.effective_date)),
        }


def _insert_policy(tx: Tx, policy: EvaluationPolicy, published_on: str | None) -> None:
    weights = [{"key": i.key, "name_zh": i.name_zh, "weight": i.weight} for i in policy.indicators]
    thresholds = {t.grade.value: str(t.minimum) for t in policy.thresholds}
    tx.execute(
        "INSERT INTO evaluation_policies VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (policy.version, policy.source, dumps(weights), dumps(thresholds), policy.publicity_days,
         policy.company_deadline_months, policy.trim_from_panel_size, str(policy.effective_from),
         str(policy.effective_to) if policy.effective_to else None, published_on),
    )


def _commissioned(tx: Tx, a: Applied) -> None:
    e = a.event
    tx.execute(
        "INSERT INTO evaluations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?)",
        (str(e.originator_id), e.evaluation_class.value, str(e.subject_id), str(e.commissioner_id),
         str(e.evaluator_id), S.COMMISSIONED.value, None, None, "[]", 0, None, None, None, None,
         None, None, None, None, None, None, str(e.effective_date), a.position),
    )


def _set(tx: Tx, a: Applied, status: EvaluationStatus | None, values: dict[str, Any]) -> None:
    """Update one evaluation's columns (and status, when the event moves it)."""
    if status is not None:
        values = {**values, "status": status.value}
    columns = ", ".join(f"{column} = ?" for column in values)
    tx.execute(f"UPDATE evaluations SET {columns}, position = ? WHERE id = ?",
               (*values.values(), a.position, str(a.event.originator_id)))


def _update(status: EvaluationStatus, values: Callable[[Applied], dict[str, Any]]) -> Handler:
    def handle(tx: Tx, a: Applied) -> None:
        _set(tx, a, status, values(a))
    return handle


def _plan_set(tx: Tx, a: Applied) -> None:
    _set(tx, a, S.PLAN_SET, {"policy_version": a.event.policy.version,
                             "forms": dumps([f.value for f in a.event.forms])})


def _panel_formed(tx: Tx, a: Applied) -> None:
    """A panel may be re-formed before scoring: it replaces the serving members."""
    evaluation_id = str(a.event.originator_id)
    members = event_payload(a.event)["members"]
    _set(tx, a, S.PANEL_FORMED, {"panel": dumps(members)})
    tx.execute("DELETE FROM expert_panels WHERE evaluation_id = ? AND status = 'serving'",
               (evaluation_id,))
    for m in members:
        tx.execute("DELETE FROM expert_panels WHERE evaluation_id = ? AND party_id = ?",
                   (evaluation_id, m["party_id"]))
        tx.execute("INSERT INTO expert_panels VALUES (?, ?, ?, ?, ?, 'serving', NULL, ?)",
                   (evaluation_id, m["party_id"], m["name"], m["expert_type"],
                    m["technology_manager"], False))


def _expert_recused(tx: Tx, a: Applied) -> None:
    """Recusal (Baoding item 7): the member leaves the panel, the reason stays on record."""
    evaluation_id, expert_id = str(a.event.originator_id), str(a.event.expert_id)
    panel = orjson.loads(tx.execute("SELECT panel FROM evaluations WHERE id = ?",
                                    (evaluation_id,))[0]["panel"])
    _set(tx, a, None, {"panel": dumps([m for m in panel if m["party_id"] != expert_id])})
    tx.execute("UPDATE expert_panels SET status = 'recused', recusal_reason = ? "
               "WHERE evaluation_id = ? AND party_id = ?", (a.event.reason, evaluation_id, expert_id))


def _scores_submitted(tx: Tx, a: Applied) -> None:
    evaluation_id = str(a.event.originator_id)
    tx.execute("UPDATE evaluations SET scored_by = scored_by + 1, position = ? WHERE id = ?",
               (a.position, evaluation_id))
    tx.execute("UPDATE expert_panels SET scored = ? WHERE evaluation_id = ? AND party_id = ?",
               (True, evaluation_id, str(a.event.expert_id)))


def _reviewed(tx: Tx, a: Applied) -> None:
    _set(tx, a, S.REVIEWED, {"indicator_scores": dumps(event_payload(a.event)["indicator_scores"]),
                             "total": str(a.event.total), "grade": a.event.grade.value})


def _finalized(tx: Tx, a: Applied) -> None:
    deadline = a.event.company_deadline
    _set(tx, a, S.FINALIZED, {"finalized_on": str(a.event.effective_date),
                              "company_deadline": str(deadline) if deadline else None})
    _refresh_library_of(tx, str(a.event.originator_id))


def _revoked(tx: Tx, a: Applied) -> None:
    _set(tx, a, S.REVOKED, {"revoked_on": str(a.event.effective_date),
                            "revoke_reason": a.event.reason})
    _refresh_library_of(tx, str(a.event.originator_id))


def _refresh_library_of(tx: Tx, evaluation_id: str) -> None:
    rows = tx.execute("SELECT subject_id, evaluation_class FROM evaluations WHERE id = ?",
                      (evaluation_id,))
    if rows and rows[0]["evaluation_class"] == TRANSFERABLE:
        refresh_library(tx, rows[0]["subject_id"])


def refresh_library(tx: Tx, achievement_id: str) -> None:
    """Hefei art. 7: the latest finalized, non-revoked transferable evaluation decides; A-C
    enter the library with their support tier, cultivation leaves it (art. 9). A cancelled
    registration leaves it too."""
    tx.execute("DELETE FROM library WHERE achievement_id = ?", (achievement_id,))
    if tx.execute("SELECT id FROM achievements WHERE id = ? AND status = 'cancelled'",
                  (achievement_id,)):
        return
    latest = tx.execute(
        "SELECT id, grade, total, finalized_on, publicity_end, company_deadline FROM evaluations "
        "WHERE subject_id = ? AND evaluation_class = ? AND status = ? "
        "ORDER BY finalized_on DESC, position DESC LIMIT 1",
        (achievement_id, TRANSFERABLE, S.FINALIZED.value))
    if not latest or Grade(latest[0]["grade"]) not in LIBRARY_GRADES:
        return
    e = latest[0]
    formed = tx.execute("SELECT MIN(formed_on) AS first FROM company_formations "
                        "WHERE achievement_id = ?", (achievement_id,))[0]["first"]
    about = tx.execute("SELECT title, hefei_subtype, field, category FROM achievements "
                       "WHERE id = ?", (achievement_id,))
    info = about[0] if about else dict.fromkeys(("title", "hefei_subtype", "field", "category"))
    tx.execute(
        "INSERT INTO library VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (achievement_id, e["id"], e["grade"], SUPPORT_BY_GRADE[Grade(e["grade"])].value,
         e["total"], e["finalized_on"], e["publicity_end"], e["company_deadline"], formed,
         support_status(formed, e["company_deadline"]), info["title"], info["hefei_subtype"],
         info["field"], info["category"]),
    )


def support_status(formed_on: str | None, deadline: str | None) -> str:
    """Hefei art. 8: a company formed by the deadline keeps the support; a later one lapses."""
    if formed_on is None:
        return "pending"
    return "supported" if deadline is None or formed_on <= deadline else "lapsed"


def _company_formed(tx: Tx, a: Applied) -> None:
    achievement_id = str(a.event.originator_id)
    tx.execute("INSERT INTO company_formations VALUES (?, ?, ?, ?)",
               (achievement_id, str(a.event.company_id), str(a.event.effective_date), a.position))
    refresh_library(tx, achievement_id)


def _manager_engaged(tx: Tx, a: Applied) -> None:
    """Baoding item 6: a technology manager's part in an achievement's transfer."""
    e = a.event
    tx.execute("INSERT INTO manager_engagements VALUES (?, ?, ?, ?, ?, ?)",
               (str(e.originator_id), str(e.manager_id), e.stage.value, e.note,
                str(e.effective_date), a.position))


def _qualification_recorded(tx: Tx, a: Applied) -> None:
    """Baoding item 8: an agency's qualification, scope and validity."""
    q = a.event.qualification
    tx.execute("INSERT INTO agency_qualifications VALUES (?, ?, ?, ?, ?, ?, ?)",
               (a.position, str(a.event.originator_id), dumps([c.value for c in q.scope]),
                q.issuer, q.certificate_no, str(q.valid_from), str(q.valid_to)))

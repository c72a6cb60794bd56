"""The achievement registry (with the parties and projects it refers to)."""

from __future__ import annotations

from typing import Any

import orjson

from domain.achievement import Achievement
from domain.party import Party
from domain.project import FundedProject
from projections.base import Applied, Handler, Projection
from projections.plain import dumps, event_payload
from projections.store import Tx

DDL = (
    "CREATE TABLE IF NOT EXISTS parties (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
    "kind TEXT NOT NULL, credit_code TEXT, region_code TEXT, state_owned BOOLEAN, "
    "expert_type TEXT, affiliation_id TEXT, technology_manager BOOLEAN, relations TEXT, "
    "registered_on TEXT, position BIGINT)",
    "CREATE TABLE IF NOT EXISTS projects (id TEXT PRIMARY KEY, title TEXT NOT NULL, "
    "undertaker_id TEXT, programme TEXT, fiscal_amount TEXT, fiscal BOOLEAN, status TEXT, "
    "stage_assessments INTEGER, outputs INTEGER, proposed_on TEXT, position BIGINT)",
    "CREATE TABLE IF NOT EXISTS achievements (id TEXT PRIMARY KEY, registration_number TEXT "
    "UNIQUE, registry_code TEXT, title TEXT NOT NULL, category TEXT, hefei_subtype TEXT, "
    "forms TEXT, field TEXT, keywords TEXT, summary TEXT, owners TEXT, region_code TEXT, "
    "fiscal BOOLEAN, project_id TEXT, maturity_stage TEXT, trl INTEGER, patents TEXT, "
    "completers TEXT, status TEXT, disclosed_on TEXT, companies INTEGER, registered_on TEXT, "
    "position BIGINT)",
    "CREATE TABLE IF NOT EXISTS achievement_owners (achievement_id TEXT, party_id TEXT, "
    "region_code TEXT, ord INTEGER, PRIMARY KEY (achievement_id, party_id))",
    "CREATE INDEX IF NOT EXISTS achievement_owners_party ON achievement_owners (party_id)",
)


class Registry(Projection):
    tables = ("achievement_owners", "achievements", "projects", "parties")
    ddl = DDL

    def handlers(self) -> dict[type, Handler]:
        return {
            Party.Registered: _party_registered,
            Party.RelationDeclared: _relation_declared,
            FundedProject.Proposed: _project_proposed,
            FundedProject.PreApprovalAssessed: _project_status("pre_approval_assessed"),
            FundedProject.Approved: _project_approved,
            FundedProject.StageAssessed: _project_counter("stage_assessments"),
            FundedProject.Accepted: _project_status("accepted"),
            FundedProject.Terminated: _project_status("terminated"),
            FundedProject.OutputLinked: _project_counter("outputs"),
            Achievement.Registered: _achievement_registered,
            Achievement.Disclosed: _achievement_set("disclosed_on", lambda a: str(a.event.effective_date)),
            Achievement.RegistrationCancelled: _achievement_set("status", lambda a: "cancelled"),
            Achievement.CompanyFormed: _achievement_companies,
            Achievement.PatentStatusChanged: _patent_status_changed,
        }


def _party_registered(tx: Tx, a: Applied) -> None:
    e = a.event
    tx.execute(
        "INSERT INTO parties VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (str(e.originator_id), e.name, e.kind.value, e.credit_code, e.region_code, e.state_owned,
         e.expert_type.value if e.expert_type else None,
         str(e.affiliation_id) if e.affiliation_id else None, e.technology_manager, "[]",
         str(e.effective_date), a.position),
    )


def _relation_declared(tx: Tx, a: Applied) -> None:
    party_id = str(a.event.originator_id)
    current = orjson.loads(tx.execute("SELECT relations FROM parties WHERE id = ?",
                                      (party_id,))[0]["relations"])
    current.append(event_payload(a.event)["relation"])
    tx.execute("UPDATE parties SET relations = ?, position = ? WHERE id = ?",
               (dumps(current), a.position, party_id))


def _project_proposed(tx: Tx, a: Applied) -> None:
    e = a.event
    tx.execute(
        "INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (str(e.originator_id), e.title, str(e.undertaker_id), e.programme, str(e.fiscal_amount),
         e.fiscal, "proposed", 0, 0, str(e.effective_date), a.position),
    )


def _project_status(status: str) -> Handler:
    def handle(tx: Tx, a: Applied) -> None:
        tx.execute("UPDATE projects SET status = ?, position = ? WHERE id = ?",
                   (status, a.position, str(a.event.originator_id)))
    return handle


def _project_approved(tx: Tx, a: Applied) -> None:
    tx.execute("UPDATE projects SET status = 'approved', fiscal_amount = ?, position = ? "
               "WHERE id = ?", (str(a.event.approved_amount), a.position, str(a.event.originator_id)))


def _project_counter(column: str) -> Handler:
    def handle(tx: Tx, a: Applied) -> None:
        tx.execute(f"UPDATE projects SET {column} = {column} + 1, position = ? WHERE id = ?",
                   (a.position, str(a.event.originator_id)))
    return handle


def _owners(tx: Tx, owner_ids: tuple[Any, ...]) -> list[dict[str, Any]]:
    owners = []
    for owner_id in owner_ids:
        rows = tx.execute("SELECT id, name, kind, region_code FROM parties WHERE id = ?",
                          (str(owner_id),))
        owners.append(rows[0] if rows else {"id": str(owner_id), "name": None, "kind": None,
                                            "region_code": None})
    return owners


def _achievement_registered(tx: Tx, a: Applied) -> None:
    e, d = a.event, a.event.draft
    plain = event_payload(e)["draft"]
    owners = _owners(tx, d.owner_ids)
    achievement_id = str(e.originator_id)
    tx.execute(
        "INSERT INTO achievements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?)",
        (achievement_id, e.registration_number, e.registry_code, d.title, d.category.value,
         d.hefei_subtype.value if d.hefei_subtype else None, dumps(plain["forms"]), d.field,
         "|".join(d.keywords), d.summary, dumps(owners), owners[0]["region_code"],
         d.funding.fiscal, str(d.funding.project_id) if d.funding.project_id else None,
         d.maturity_stage.value, d.trl, dumps(plain["patents"]), dumps(plain["completers"]),
         "registered", None, 0, str(e.effective_date), a.position),
    )
    tx.executemany(
        "INSERT INTO achievement_owners VALUES (?, ?, ?, ?)",
        [(achievement_id, o["id"], o["region_code"], i) for i, o in enumerate(owners)],
    )


def _achievement_set(column: str, value: Any) -> Handler:
    def handle(tx: Tx, a: Applied) -> None:
        tx.execute(f"UPDATE achievements SET {column} = ?, position = ? WHERE id = ?",
                   (value(a), a.position, str(a.event.originator_id)))
    return handle


def _achievement_companies(tx: Tx, a: Applied) -> None:
    tx.execute("UPDATE achievements SET companies = companies + 1, position = ? WHERE id = ?",
               (a.position, str(a.event.originator_id)))


def _patent_status_changed(tx: Tx, a: Applied) -> None:
    achievement_id = str(a.event.originator_id)
    rows = tx.execute("SELECT patents FROM achievements WHERE id = ?", (achievement_id,))
    patents = orjson.loads(rows[0]["patents"])
    for patent in patents:
        if patent["number"] == a.event.patent_number:
            patent["status"] = a.event.status.value
    tx.execute("UPDATE achievements SET patents = ?, position = ? WHERE id = ?",
               (dumps(patents), a.position, achievement_id))

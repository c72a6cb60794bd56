"""Valuation read model (资产评估, Baoding items 11 and 13): every appraisal report on record,
withdrawn ones kept and marked, so state-owned intangible assets keep their valuation history."""

from __future__ import annotations

from domain.valuation import Valuation
from projections.base import Applied, Handler, Projection
from projections.store import Tx

DDL = (
    "CREATE TABLE IF NOT EXISTS valuations (id TEXT PRIMARY KEY, achievement_id TEXT NOT NULL, "
    "appraiser_id TEXT, report_number TEXT, method TEXT, value TEXT, base_date TEXT NOT NULL, "
    "valid_until TEXT, purpose TEXT, policy_version TEXT, recorded_on TEXT, status TEXT, "
    "withdrawn_on TEXT, withdraw_reason TEXT, recorded_position BIGINT, position BIGINT)",
    "CREATE INDEX IF NOT EXISTS valuations_achievement ON valuations (achievement_id, base_date)",
)


class Valuations(Projection):
    """Names (achievement, appraiser) are joined at query time: no ordering among followers."""

    tables = ("valuations",)
    ddl = DDL

    def handlers(self) -> dict[type, Handler]:
        return {Valuation.Recorded: _recorded, Valuation.Withdrawn: _withdrawn}


def _recorded(tx: Tx, a: Applied) -> None:
    e, r = a.event, a.event.report
    tx.execute(
        "INSERT INTO valuations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)",
        (str(e.originator_id), str(r.achievement_id), str(r.appraiser_id), r.report_number,
         r.method.value, str(r.value), str(r.base_date), str(r.valid_until), r.purpose,
         e.policy_version, str(e.effective_date), "recorded", a.position, a.position),
    )


def _withdrawn(tx: Tx, a: Applied) -> None:
    e = a.event
    tx.execute("UPDATE valuations SET status = 'withdrawn', withdrawn_on = ?, withdraw_reason = ?, "
               "position = ? WHERE id = ?",
               (str(e.effective_date), e.reason, a.position, str(e.originator_id)))

"""Trade read models: technology contracts (技术合同登记, Baoding items 4-5) and IP pledges
(知识产权质押, items 10-11), with pledge intervals kept on both time axes for banks: when a
pledge binds (effective dates) and since when the ledger knew it (recording times)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import orjson

from domain.contract import TechContract
from domain.pledge import Pledge
from domain.registration_service import registration_policy
from projections.base import Applied, Handler, Projection
from projections.plain import dumps, event_payload
from projections.store import Row, Tx

DDL = (
    "CREATE TABLE IF NOT EXISTS contracts (id TEXT PRIMARY KEY, contract_number TEXT UNIQUE, "
    "title TEXT, type TEXT, variant TEXT, seller_id TEXT, buyer_id TEXT, seller_region TEXT, "
    "buyer_region TEXT, seller_kind TEXT, buyer_kind TEXT, achievement_ids TEXT, turnover TEXT, "
    "transaction_amount TEXT, signed_on TEXT, term_end TEXT, field TEXT, exchange_id TEXT, "
    "pricing TEXT, status TEXT, paid TEXT, registered_on TEXT, terminated_on TEXT, "
    "position BIGINT, notice TEXT, accepted_on TEXT, clock_started_on TEXT, due_on TEXT, "
    "correction_requested_on TEXT, disputes TEXT, refused_on TEXT, refusal_reason TEXT, "
    "on_time INTEGER)",
    # registered_on is the day registration completed (NULL while the case is open).
    "CREATE INDEX IF NOT EXISTS contracts_status ON contracts (status, registered_on)",
    "CREATE INDEX IF NOT EXISTS contracts_signed ON contracts (signed_on)",
    "CREATE TABLE IF NOT EXISTS contract_achievements (contract_id TEXT, achievement_id TEXT, "
    "PRIMARY KEY (contract_id, achievement_id))",
    "CREATE INDEX IF NOT EXISTS contract_achievements_achievement "
    "ON contract_achievements (achievement_id)",
    "CREATE TABLE IF NOT EXISTS pledges (id TEXT PRIMARY KEY, pledgor_id TEXT, pledgee_id TEXT, "
    "debtor_id TEXT, items TEXT, secured_amount TEXT, loan_start TEXT, loan_end TEXT, "
    "other_collateral TEXT, status TEXT, consents TEXT, support TEXT, registered_on TEXT, "
    "defaulted_on TEXT, ended_on TEXT, proceeds TEXT, position BIGINT)",
    "CREATE INDEX IF NOT EXISTS pledges_pledgee ON pledges (pledgee_id)",
    # One row per (pledge, achievement): patent_numbers [] is the whole achievement. The end
    # columns stay NULL while the pledge binds; *_recorded are UTC ISO times of fixed width.
    "CREATE TABLE IF NOT EXISTS pledge_intervals (pledge_id TEXT, achievement_id TEXT, "
    "patent_numbers TEXT, start_effective TEXT NOT NULL, start_recorded TEXT NOT NULL, "
    "start_position BIGINT, end_effective TEXT, end_recorded TEXT, end_position BIGINT, "
    "PRIMARY KEY (pledge_id, achievement_id))",
    "CREATE INDEX IF NOT EXISTS pledge_intervals_achievement "
    "ON pledge_intervals (achievement_id)",
    # Every patent a pledge covers; a whole-achievement item lists all the achievement's.
    "CREATE TABLE IF NOT EXISTS pledge_patents (pledge_id TEXT, achievement_id TEXT, "
    "patent_number TEXT, PRIMARY KEY (pledge_id, achievement_id, patent_number))",
    "CREATE INDEX IF NOT EXISTS pledge_patents_number ON pledge_patents (patent_number)",
)


def instant(moment: datetime) -> str:
    """A recording time as fixed-width UTC ISO text, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class Trades(Projection):
    """List it after Registry: contract rows copy party kinds, pledges the patent lists."""

    tables = ("contracts", "contract_achievements", "pledges", "pledge_intervals",
              "pledge_patents")
    ddl = DDL

    def handlers(self) -> dict[type, Handler]:
        return {
            TechContract.Accepted: _contract_accepted,
            TechContract.CorrectionRequested: _correction_requested,
            TechContract.CorrectionSubmitted: _correction_submitted,
            TechContract.DisputeRaised: _dispute_raised,
            TechContract.DisputeResolved: _dispute_resolved,
            TechContract.RegistrationCompleted: _registration_completed,
            TechContract.RegistrationRefused: _registration_refused,
            TechContract.Amended: _contract_amended,
            TechContract.PaymentRecorded: _payment_recorded,
            TechContract.Terminated: _contract_terminated,
            Pledge.Registered: _pledge_registered,
            Pledge.ConsentGranted: _consent_granted,
            Pledge.Released: _pledge_ended("released"),
            Pledge.Defaulted: _pledge_defaulted,
            Pledge.Enforced: _pledge_ended("enforced"),
            Pledge.SupportRecorded: _support_recorded,
        }


def _kind_of(tx: Tx, party_id: Any) -> str | None:
    rows = tx.execute("SELECT kind FROM parties WHERE id = ?", (str(party_id),))
    return str(rows[0]["kind"]) if rows else None


def _contract_accepted(tx: Tx, a: Applied) -> None:
    e, t = a.event, a.event.terms
    contract_id, day = str(e.originator_id), str(e.effective_date)
    achievements = [str(x) for x in t.achievement_ids]
    row = {
        "id": contract_id, "contract_number": t.contract_number.strip(), "title": t.title,
        "type": t.contract_type.value, "variant": t.variant.value if t.variant else None,
        "seller_id": str(t.seller_id), "buyer_id": str(t.buyer_id),
        "seller_region": e.seller_region, "buyer_region": e.buyer_region,
        "seller_kind": _kind_of(tx, t.seller_id), "buyer_kind": _kind_of(tx, t.buyer_id),
        "achievement_ids": dumps(achievements), "turnover": str(t.turnover),
        "transaction_amount": str(t.transaction_amount), "signed_on": str(t.signed_on),
        "term_end": str(t.term_end) if t.term_end else None, "field": t.field,
        "exchange_id": str(t.exchange_id), "pricing": t.pricing.value if t.pricing else None,
        "status": "accepted", "paid": "0.00", "position": a.position,
        "notice": dumps(event_payload(e)["notice"]) if e.notice else None, "accepted_on": day,
        "clock_started_on": day, "disputes": "[]",
        "due_on": str(registration_policy(e.effective_date).due_on(
            e.effective_date, t.transaction_amount, disputed=False)),
    }
    columns = ", ".join(row)
    tx.execute(f"INSERT INTO contracts ({columns}) VALUES ({', '.join('?' * len(row))})",
               tuple(row.values()))
    tx.executemany("INSERT INTO contract_achievements VALUES (?, ?)",
                   [(contract_id, x) for x in achievements])


def _contract_row(tx: Tx, a: Applied) -> Row:
    return tx.execute("SELECT * FROM contracts WHERE id = ?", (str(a.event.originator_id),))[0]


def _due_on(row: Row, clock_started_on: str, transaction_amount: str, disputes: str) -> str:
    """The registry's deadline for the case (registration_service: restarted clock, 30 working
    days once disputed or for large amounts)."""
    start = date.fromisoformat(clock_started_on)
    return str(registration_policy(date.fromisoformat(row["accepted_on"])).due_on(
        start, Decimal(transaction_amount), disputed=bool(orjson.loads(disputes))))


def _correction_requested(tx: Tx, a: Applied) -> None:
    _set(tx, "contracts", a, {"correction_requested_on": str(a.event.effective_date),
                              "due_on": None})


def _correction_submitted(tx: Tx, a: Applied) -> None:
    e, row = a.event, _contract_row(tx, a)
    start, amount = str(e.effective_date), str(e.transaction_amount)
    _set(tx, "contracts", a, {
        "turnover": str(e.turnover), "transaction_amount": amount,
        "term_end": str(e.term_end) if e.term_end else None, "correction_requested_on": None,
        "clock_started_on": start, "due_on": _due_on(row, start, amount, row["disputes"])})


def _dispute_raised(tx: Tx, a: Applied) -> None:
    row = _contract_row(tx, a)
    disputes = dumps([*orjson.loads(row["disputes"]), {
        **event_payload(a.event)["dispute"], "position": a.position}])
    values: dict[str, Any] = {"disputes": disputes}
    if row["correction_requested_on"] is None:
        values["due_on"] = _due_on(row, row["clock_started_on"], row["transaction_amount"],
                                   disputes)
    _set(tx, "contracts", a, values)


def _dispute_resolved(tx: Tx, a: Applied) -> None:
    e = a.event
    disputes = [{**x, "upheld": e.upheld, "decided_on": str(e.effective_date), "note": e.note}
                if x["number"] == e.number else x
                for x in orjson.loads(_contract_row(tx, a)["disputes"])]
    _set(tx, "contracts", a, {"disputes": dumps(disputes)})


def _registration_completed(tx: Tx, a: Applied) -> None:
    day = str(a.event.effective_date)
    due_on = _contract_row(tx, a)["due_on"]
    _set(tx, "contracts", a, {"status": "registered", "registered_on": day,
                              "on_time": int(due_on is not None and day <= due_on)})


def _registration_refused(tx: Tx, a: Applied) -> None:
    _set(tx, "contracts", a, {"status": "refused", "refused_on": str(a.event.effective_date),
                              "refusal_reason": a.event.reason})


def _set(tx: Tx, table: str, a: Applied, values: dict[str, Any]) -> None:
    columns = ", ".join(f"{column} = ?" for column in values)
    tx.execute(f"UPDATE {table} SET {columns}, position = ? WHERE id = ?",
               (*values.values(), a.position, str(a.event.originator_id)))


def _contract_amended(tx: Tx, a: Applied) -> None:
    e = a.event
    _set(tx, "contracts", a, {"turnover": str(e.turnover),
                              "transaction_amount": str(e.transaction_amount),
                              "term_end": str(e.term_end) if e.term_end else None})


def _payment_recorded(tx: Tx, a: Applied) -> None:
    rows = tx.execute("SELECT paid FROM contracts WHERE id = ?", (str(a.event.originator_id),))
    _set(tx, "contracts", a, {"paid": str(Decimal(rows[0]["paid"]) + a.event.amount)})


def _contract_terminated(tx: Tx, a: Applied) -> None:
    _set(tx, "contracts", a, {"status": "terminated",
                              "terminated_on": str(a.event.effective_date)})


def _patents_of(tx: Tx, achievement_id: str) -> list[str]:
    rows = tx.execute("SELECT patents FROM achievements WHERE id = ?", (achievement_id,))
    if not rows or not rows[0]["patents"]:
        return []
    return [str(p["number"]) for p in orjson.loads(rows[0]["patents"])]


def _pledge_registered(tx: Tx, a: Applied) -> None:
    e, t = a.event, a.event.terms
    pledge_id, day = str(e.originator_id), str(e.effective_date)
    items = event_payload(e)["terms"]["items"]
    tx.execute(
        "INSERT INTO pledges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (pledge_id, str(t.pledgor_id), str(t.pledgee_id), str(t.debtor_id), dumps(items),
         str(t.secured_amount), str(t.loan_start), str(t.loan_end), t.other_collateral,
         "registered", "[]", "[]", day, None, None, None, a.position),
    )
    for item in t.items:
        achievement_id = str(item.achievement_id)
        named = list(item.patent_numbers)
        tx.execute(
            "INSERT INTO pledge_intervals VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL)",
            (pledge_id, achievement_id, dumps(named), day, instant(a.recorded_at), a.position))
        covered = dict.fromkeys(named or _patents_of(tx, achievement_id))
        tx.executemany("INSERT INTO pledge_patents VALUES (?, ?, ?)",
                       [(pledge_id, achievement_id, number) for number in covered])


def _consent_granted(tx: Tx, a: Applied) -> None:
    rows = tx.execute("SELECT consents FROM pledges WHERE id = ?", (str(a.event.originator_id),))
    consents = [*orjson.loads(rows[0]["consents"]), {
        "contract_number": a.event.contract_number, "effective_date": str(a.event.effective_date),
        "position": a.position}]
    _set(tx, "pledges", a, {"consents": dumps(consents)})


def _pledge_ended(status: str) -> Handler:
    """Released (注销) or enforced (质权实现): the pledge stops binding its items."""

    def handle(tx: Tx, a: Applied) -> None:
        e = a.event
        values: dict[str, Any] = {"status": status, "ended_on": str(e.effective_date)}
        if status == "enforced":
            values["proceeds"] = str(e.proceeds)
        _set(tx, "pledges", a, values)
        tx.execute("UPDATE pledge_intervals SET end_effective = ?, end_recorded = ?, "
                   "end_position = ? WHERE pledge_id = ?",
                   (str(e.effective_date), instant(a.recorded_at), a.position,
                    str(e.originator_id)))
    return handle


def _pledge_defaulted(tx: Tx, a: Applied) -> None:
    """A default keeps the pledge binding until it is enforced."""
    _set(tx, "pledges", a, {"status": "defaulted", "defaulted_on": str(a.event.effective_date)})


def _support_recorded(tx: Tx, a: Applied) -> None:
    e = a.event
    rows = tx.execute("SELECT support FROM pledges WHERE id = ?", (str(e.originator_id),))
    support = [*orjson.loads(rows[0]["support"]), {
        "kind": e.kind, "amount": str(e.amount), "payer": e.payer,
        "effective_date": str(e.effective_date), "position": a.position}]
    _set(tx, "pledges", a, {"support": dumps(support)})

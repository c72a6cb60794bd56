"""Bulk import of technology contracts from CSV or JSON Lines (exchange operators).

Each row is validated on its own: a bad row is reported with its line number and reason and
never stops or corrupts the good ones. The contract number is the row's idempotency key, so
importing the same file again writes nothing twice. Rows go to the group-commit writer in
chunks, so thousands of rows share a few hundred transactions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

import orjson

from domain.contract import ContractTerms, ContractType, ContractVariant, PricingMethod
from domain.errors import DomainError
from domain.registration import Claim
from domain.registration_service import PublicNotice
from services.ledger import Ledger
from services.trade_commands import RegisterContract
from services.uow import UnitOfWork

CHUNK = 500  # rows in flight at once; bounds memory, keeps the writer's batches full
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Rejected:
    line: int
    code: str
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    replayed: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    last_position: int | None = None


class RowError(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def read_rows(data: bytes, kind: str) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    """(line number, row or the reason it cannot be read) for CSV or JSON Lines text."""
    text = data.decode("utf-8-sig")
    if kind == "csv":
        reader = csv.DictReader(io.StringIO(text))
        for row in reader:
            yield reader.line_num, {k: v for k, v in row.items() if k is not None}
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            loaded = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            yield number, RowError("malformed_json", f"not valid JSON: {error}")
            continue
        yield number, loaded if isinstance(loaded, dict) else RowError(
            "malformed_json", "each line must be a JSON object")


def kind_of(filename: str) -> str:
    return "csv" if filename.lower().endswith(".csv") else "jsonl"


class PartyResolver:
    """Rows name parties by id or by unified social credit code; codes resolve via the ledger."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.cache: dict[str, UUID] = {}

    def __call__(self, value: str, column: str) -> UUID:
        value = value.strip()
        if value not in self.cache:
            self.cache[value] = self._resolve(value, column)
        return self.cache[value]

    def _resolve(self, value: str, column: str) -> UUID:
        try:
            return UUID(value)
        except ValueError:
            pass
        claim = UnitOfWork(self.ledger.repository, {}).find(
            Claim, Claim.id_for("credit-code", value.upper()))
        if claim is None or claim.holder_id is None:
            raise RowError("party_not_found", f"{column}: no party with id or credit code {value}")
        return claim.holder_id


def parse_uuid(value: str, column: str) -> UUID:
    try:
        return UUID(value.strip())
    except ValueError:
        raise RowError("invalid_field", f"{column}: {value!r} is not an id") from None


def to_command(row: dict[str, Any], party: PartyResolver) -> RegisterContract:
    """One row as a registration command; `RowError` names the column at fault."""
    def text(name: str, required: bool = True) -> str:
        value = row.get(name)
        value = "" if value is None else str(value).strip()
        if required and not value:
            raise RowError("missing_field", f"{name} is required")
        return value

    def parse(name: str, convert: Callable[[str], Any], required: bool = True) -> Any:
        raw = text(name, required)
        if not raw:
            return None
        try:
            return convert(raw)
        except (ValueError, InvalidOperation) as error:
            raise RowError("invalid_field", f"{name}: {raw!r} is not valid ({error})") from None

    ids = text("achievement_ids", False).replace("|", ";").split(";")
    achievements = tuple(parse_uuid(a, "achievement_ids") for a in ids if a.strip())
    terms = ContractTerms(
        contract_number=text("contract_number"), title=text("title"),
        contract_type=parse("contract_type", ContractType),
        variant=parse("variant", ContractVariant, required=False),
        seller_id=party(text("seller"), "seller"), buyer_id=party(text("buyer"), "buyer"),
        achievement_ids=achievements, turnover=parse("turnover", Decimal),
        transaction_amount=parse("transaction_amount", Decimal),
        signed_on=parse("signed_on", date.fromisoformat),
        term_end=parse("term_end", date.fromisoformat, required=False), field=text("field"),
        exchange_id=party(text("exchange"), "exchange"),
        pricing=parse("pricing", PricingMethod, required=False))
    notice = None
    if text("notice_published_on", False):  # agreement pricing by a public seller (公示)
        notice = PublicNotice(
            published_on=parse("notice_published_on", date.fromisoformat),
            ends_on=parse("notice_ends_on", date.fromisoformat),
            intended_price=parse("notice_intended_price", Decimal),
            channel=text("notice_channel"))
    return RegisterContract(terms, parse("effective_date", date.fromisoformat, required=False),
                            notice)


def import_contracts(ledger: Ledger, rows: Iterable[tuple[int, dict[str, Any] | RowError]],
                     *, actor: str, total: int, progress: Progress | None = None) -> ImportReport:
    """Register every good row; report the others. Safe to re-run with the same rows."""
    report = ImportReport()
    resolver = PartyResolver(ledger)
    chunk: list[tuple[int, RegisterContract]] = []
    for line, row in rows:
        report.rows += 1
        try:
            if isinstance(row, RowError):
                raise row
            chunk.append((line, to_command(row, resolver)))
        except (RowError, DomainError) as error:
            report.rejected.append(_rejection(line, error))
        if len(chunk) >= CHUNK:
            _flush(ledger, chunk, actor, report, progress, total)
    _flush(ledger, chunk, actor, report, progress, total)
    report.rejected.sort(key=lambda r: r.line)
    return report


def _flush(ledger: Ledger, chunk: list[tuple[int, RegisterContract]], actor: str,
           report: ImportReport, progress: Progress | None, total: int) -> None:
    outcomes = ledger.execute_many([ledger.contract_registration(cmd, actor=actor)
                                    for _, cmd in chunk])
    for (line, _), outcome in zip(chunk, outcomes, strict=True):
        if isinstance(outcome, DomainError):
            report.rejected.append(_rejection(line, outcome))
            continue
        report.replayed += outcome.value.replayed
        report.created += not outcome.value.replayed
        if outcome.position is not None:
            report.last_position = max(report.last_position or 0, outcome.position)
    chunk.clear()
    if progress is not None:
        progress(report.rows, total)


def _rejection(line: int, error: RowError | DomainError) -> Rejected:
    if isinstance(error, RowError):
        return Rejected(line, error.code, error.reason)
    return Rejected(line, error.code, error.detail)

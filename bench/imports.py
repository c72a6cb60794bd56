"""Bulk contract import: rows/s of `import_contracts` against two baselines, in one run.

  parse-only   read and convert every row to a command (no ledger): the ceiling of the parser
  raw-insert   the same rows as JSON blobs into one SQLite table, one transaction (WAL,
               synchronous=FULL): the ceiling of the disk
  import       `services.bulk_import.import_contracts` on a fresh SQLite ledger: every row
               checked (parties, ownership, licenses, pledges) and registered as events
  re-import    the same file again: every row replays, nothing is written

Usage: python -m bench.imports [--rows 10000] [--json PATH]
"""

from __future__ import annotations

import argparse
import csv
import io
import sqlite3
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson

from domain.achievement import AchievementDraft
from domain.values import Category, Completer, Funding, MaturityStage, PartyKind
from services.bulk_import import (
    ImportReport,
    PartyResolver,
    import_contracts,
    read_rows,
    to_command,
)
from services.commands import RegisterAchievement, RegisterParty
from services.ledger import Ledger
from services.settings import Settings
from tests.factories import credit_code

COLUMNS = ("contract_number", "title", "contract_type", "variant", "seller", "buyer",
           "achievement_ids", "turnover", "transaction_amount", "signed_on", "field",
           "exchange", "pricing")
TYPES = ("service", "consulting", "development", "license")


def setup(ledger: Ledger, achievements: int) -> tuple[list[str], list[str], str, list[str]]:
    """Sellers (universities), buyers (enterprises), an exchange and achievements to license."""
    def party(i: int, kind: PartyKind) -> str:
        code = credit_code(i, "130600")
        ledger.register_party(RegisterParty(name=f"主体{i}", kind=kind, credit_code=code,
                                            region_code="130600"), actor="bench")
        return code

    sellers = [party(i, PartyKind.UNIVERSITY) for i in range(1, 11)]
    buyers = [party(i, PartyKind.ENTERPRISE) for i in range(11, 111)]
    exchange = party(200, PartyKind.TRANSFER_AGENCY)
    owned = []
    for n in range(achievements):
        owner = PartyResolver(ledger)(sellers[n % len(sellers)], "seller")
        draft = AchievementDraft(title=f"基准成果{n}", category=Category.APPLIED_TECHNOLOGY,
                                 owner_ids=(owner,), completers=(Completer("张伟"),), field="新材料",
                                 keywords=("基准",), funding=Funding(fiscal=False),
                                 maturity_stage=MaturityStage.PILOT)
        outcome = ledger.register_achievement(RegisterAchievement(draft, "1306"), actor="bench")
        owned.append(str(outcome.value.id))
    return sellers, buyers, exchange, owned


def rows_csv(rows: int, sellers: list[str], buyers: list[str], exchange: str,
             owned: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for n in range(rows):
        kind = TYPES[n % len(TYPES)]
        licensed = kind == "license"
        index = (n // 4) % len(owned)  # achievement `index` is owned by sellers[index % 10]
        seller = sellers[index % len(sellers)] if licensed else sellers[n % len(sellers)]
        achievement = owned[index] if licensed else ""
        writer.writerow((f"BENCH-{n:06d}", f"技术合同{n}", kind,
                         {"license": "ordinary", "development": "entrusted"}.get(kind, ""),
                         seller, buyers[n % len(buyers)], achievement, "100000.00", "80000.00",
                         "2026-05-01", "新材料", exchange, "listing" if licensed else ""))
    return out.getvalue().encode()


def timed(label: str, rows: int, run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    print(f"  {label:<11} {rows / elapsed:>9,.0f} rows/s  ({elapsed:.2f} s)")
    return rows / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    with Ledger(Settings(data_dir=work / "ledger")) as ledger:
        sellers, buyers, exchange, owned = setup(ledger, args.rows // 4 // 4 or 1)
        data = rows_csv(args.rows, sellers, buyers, exchange, owned)
        rows = list(read_rows(data, "csv"))
        print(f"{args.rows} rows ({len(data) / 1e6:.1f} MB CSV), SQLite under {work}")
        resolver = PartyResolver(ledger)
        figures = {
            "parse-only": timed("parse-only", args.rows, lambda: [
                to_command(r, resolver) for _, r in rows if isinstance(r, dict)]),
            "raw-insert": timed("raw-insert", args.rows, lambda: raw_insert(work / "raw.sqlite",
                                                                            rows)),
            "import": timed("import", args.rows, lambda: check(import_contracts(
                ledger, rows, actor="bench", total=len(rows)), args.rows, created=True)),
            "re-import": timed("re-import", args.rows, lambda: check(import_contracts(
                ledger, rows, actor="bench", total=len(rows)), args.rows, created=False)),
        }
    print(f"ratios: import = {figures['import'] / figures['raw-insert']:.2f}x raw-insert, "
          f"{figures['import'] / figures['parse-only']:.2f}x parse-only")
    if args.json:
        args.json.write_bytes(orjson.dumps(figures))


def raw_insert(path: Path, rows: Sequence[tuple[int, object]]) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE rows (line INTEGER, body BLOB)")
        db.executemany("INSERT INTO rows VALUES (?, ?)",
                       [(line, orjson.dumps(row)) for line, row in rows])


def check(report: ImportReport, rows: int, *, created: bool) -> None:
    assert not report.rejected, report.rejected[:3]
    assert (report.created if created else report.replayed) == rows, report


if __name__ == "__main__":
    main()

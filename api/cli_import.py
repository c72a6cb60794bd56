"""`techledger import trades FILE`: bulk contract registration with a progress bar."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from services.bulk_import import ImportReport, import_contracts, kind_of, read_rows
from services.ledger import Ledger
from services.settings import Settings

BAR = 30


def import_trades(settings: Settings, path: Path, actor: str) -> ImportReport:
    """Import a CSV or JSON Lines file; prints progress to stderr and a report to stdout."""
    data = path.read_bytes()
    rows = list(read_rows(data, kind_of(path.name)))
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        filled = BAR * done // max(total, 1)
        rate = done / max(time.monotonic() - started, 1e-9)
        print(f"\r  [{'#' * filled}{'.' * (BAR - filled)}] {done}/{total} rows  "
              f"{rate:,.0f} rows/s", end="", file=sys.stderr, flush=True)

    with Ledger(settings) as ledger:
        report = import_contracts(ledger, rows, actor=actor, total=len(rows), progress=show)
    print(file=sys.stderr)
    print(f"{report.rows} rows: {report.created} registered, {report.replayed} already "
          f"registered (skipped), {len(report.rejected)} rejected "
          f"in {time.monotonic() - started:.1f} s")
    for rejected in report.rejected:
        print(f"  line {rejected.line}: {rejected.code}: {rejected.reason}")
    return report

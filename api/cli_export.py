"""`techledger export --since POSITION [--format jsonl|csv] [--out PATH|-]`: the national export
(techledger-national-export/1, docs/national-export.md) of everything after a ledger position.

The last position exported goes to stderr as `last_position=N`; pass it as the next run's
`--since` and the two runs together equal one export from the start.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from services.ledger import Ledger
from services.national_export import NationalExporter
from services.national_writers import write_csv, write_jsonl
from services.settings import Settings


def add_command(sub: Any) -> None:
    p = sub.add_parser("export", help="export registered achievements and contracts for the "
                       "national database (techledger-national-export/1)")
    p.add_argument("--since", type=int, default=0,
                   help="last position already exported (0: from the start)")
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("--out", default="-",
                   help="file for jsonl ('-' is stdout), directory for csv")


class BeyondHead(ValueError):
    """`--since` past the ledger's last position: a position of another ledger (or a typo).
    Answering "nothing new" would have the caller store it and later skip every record up to
    it, so it is refused."""


def export(settings: Settings, since: int, fmt: str, out: str) -> tuple[int, int]:
    """Write the records after `since`; return (records written, last position exported)."""
    with Ledger(settings.model_copy(update={"group_commit": False})) as ledger:
        exporter = NationalExporter(ledger)
        head = exporter.head()  # fixed first: later writes wait for the next run
        if since > head:
            raise BeyondHead(f"--since {since} is beyond this ledger's last position {head}: "
                             "is it a position of another ledger?")
        records = exporter.since(since, head)
        if fmt == "csv":
            return write_csv(records, Path(out)), head
        with ExitStack() as stack:
            stream: IO[bytes] = (sys.stdout.buffer if out == "-"
                                 else stack.enter_context(Path(out).open("wb")))
            count = write_jsonl(records, stream)
            stream.flush()
        return count, head


def run_export(settings: Settings, args: argparse.Namespace) -> int:
    if args.since < 0:
        print("--since must be 0 or a ledger position", file=sys.stderr)
        return 2
    if args.format == "csv" and args.out == "-":
        print("--format csv writes one file per record kind: give --out DIRECTORY",
              file=sys.stderr)
        return 2
    try:
        count, last = export(settings, args.since, args.format, args.out)
    except BeyondHead as error:
        print(error, file=sys.stderr)
        return 2
    print(f"exported {count} records after position {args.since}", file=sys.stderr)
    print(f"last_position={last}", file=sys.stderr)
    return 0

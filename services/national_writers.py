"""JSON Lines and CSV for the national export, both ways (docs/national-export.md).

JSON Lines: one record per line, UTF-8, keys in field-table order. CSV: one file per record kind
(`achievement.csv`, `contract.csv`) with a header row of every field of the kind, UTF-8 *with*
a BOM so that Excel (the registries' everyday tool) shows the Chinese text; an empty cell is an
absent field, list fields are compact JSON, booleans `true`/`false`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from services.national_schema import FIELDS, KINDS, RecordKind, columns

Record = dict[str, Any]
CSV_ENCODING = "utf-8-sig"  # writes the BOM; reads files with or without one


def _ordered(record: Record) -> Record:
    order = columns(record["record_kind"])
    return {name: record[name] for name in order if name in record}


def jsonl_line(record: Record) -> bytes:
    return orjson.dumps(_ordered(record)) + b"\n"


def write_jsonl(records: Iterable[Record], out: IO[bytes]) -> int:
    count = 0
    for record in records:
        out.write(jsonl_line(record))
        count += 1
    return count


def read_jsonl(lines: Iterable[bytes | str]) -> Iterator[Record]:
    for line in lines:
        if line.strip():
            yield orjson.loads(line)


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return orjson.dumps(value).decode()
    return str(value)


def csv_path(directory: Path, kind: RecordKind) -> Path:
    return directory / f"{kind}.csv"


def write_csv(records: Iterable[Record], directory: Path) -> int:
    """Write (or overwrite) one CSV file per record kind in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    files = {kind: csv_path(directory, kind).open("w", encoding=CSV_ENCODING, newline="")
             for kind in KINDS}
    try:
        writers = {kind: csv.writer(f) for kind, f in files.items()}
        for kind, writer in writers.items():
            writer.writerow(columns(kind))
        count = 0
        for record in records:
            kind = record["record_kind"]
            writers[kind].writerow([_cell(record[c]) if c in record else ""
                                    for c in columns(kind)])
            count += 1
        return count
    finally:
        for f in files.values():
            f.close()


def _value(kind: RecordKind, name: str, cell: str) -> Any:
    field_type = next(f.type for f in FIELDS[kind] if f.name == name)
    if field_type == "int":
        return int(cell)
    if field_type == "bool":
        return cell == "true"
    if field_type == "list":
        return orjson.loads(cell)
    return cell


def read_csv_text(kind: RecordKind, text: str) -> Iterator[Record]:
    rows = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    for row in rows:
        yield {name: _value(kind, name, cell) for name, cell in row.items() if cell != ""}


def read_csv(directory: Path) -> list[Record]:
    """Both files' records merged back into ledger order."""
    records = [record for kind in KINDS
               for record in read_csv_text(kind, csv_path(directory, kind).read_text(
                   encoding=CSV_ENCODING))]
    return sorted(records, key=lambda r: int(r["position"]))

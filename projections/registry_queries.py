"""Queries over the registry views: search and filter, paginated; single records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from projections.store import Row, Tx

JSON_COLUMNS = ("forms", "owners", "patents", "completers", "relations")
BOOL_COLUMNS = ("fiscal", "state_owned", "technology_manager")


@dataclass(frozen=True)
class AchievementFilter:
    q: str | None = None  # Chinese substring of title or keywords
    category: str | None = None
    hefei_subtype: str | None = None
    field: str | None = None
    owner_id: str | None = None
    region: str | None = None  # GB/T 2260 code; 130600 also matches its districts 1306xx
    fiscal: bool | None = None
    status: str | None = None
    maturity_stage: str | None = None


def _decode(row: Row) -> Row:
    out = dict(row)
    for column in JSON_COLUMNS:
        if isinstance(out.get(column), str):
            out[column] = orjson.loads(out[column])
    for column in BOOL_COLUMNS:
        if column in out and out[column] is not None:
            out[column] = bool(out[column])
    if isinstance(out.get("keywords"), str):
        out["keywords"] = [k for k in out["keywords"].split("|") if k]
    return out


def region_prefix(code: str) -> str:
    """130600 → 1306, 130000 → 13: a region includes the divisions below it."""
    trimmed = code
    while trimmed.endswith("00") and len(trimmed) > 2:
        trimmed = trimmed[:-2]
    return trimmed


def _where(f: AchievementFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.q:
        clauses.append("(title LIKE ? OR keywords LIKE ?)")
        params += [f"%{f.q}%", f"%{f.q}%"]
    for column in ("category", "hefei_subtype", "field", "status", "maturity_stage"):
        value = getattr(f, column)
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if f.fiscal is not None:
        clauses.append("fiscal = ?")
        params.append(f.fiscal)
    if f.owner_id:
        clauses.append("id IN (SELECT achievement_id FROM achievement_owners WHERE party_id = ?)")
        params.append(f.owner_id)
    if f.region:
        clauses.append("id IN (SELECT achievement_id FROM achievement_owners "
                       "WHERE region_code LIKE ?)")
        params.append(region_prefix(f.region) + "%")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def search_achievements(tx: Tx, f: AchievementFilter, *, page: int, page_size: int
                        ) -> tuple[list[Row], int]:
    where, params = _where(f)
    total = int(tx.execute(f"SELECT COUNT(*) AS n FROM achievements{where}", params)[0]["n"])
    rows = tx.execute(
        f"SELECT * FROM achievements{where} ORDER BY registered_on DESC, registration_number "
        "LIMIT ? OFFSET ?", [*params, page_size, (page - 1) * page_size])
    return [_decode(r) for r in rows], total


def get_one(tx: Tx, table: str, ident: str) -> Row | None:
    assert table in {"achievements", "parties", "projects"}
    rows = tx.execute(f"SELECT * FROM {table} WHERE id = ?", (ident,))
    return _decode(rows[0]) if rows else None


def list_parties(tx: Tx, *, kind: str | None, q: str | None, page: int, page_size: int
                 ) -> tuple[list[Row], int]:
    clauses, params = [], []
    if kind:
        clauses.append("kind = ?")
        params.append(kind)
    if q:
        clauses.append("name LIKE ?")
        params.append(f"%{q}%")
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    total = int(tx.execute(f"SELECT COUNT(*) AS n FROM parties{where}", params)[0]["n"])
    rows = tx.execute(f"SELECT * FROM parties{where} ORDER BY name LIMIT ? OFFSET ?",
                      [*params, page_size, (page - 1) * page_size])
    return [_decode(r) for r in rows], total


def list_projects(tx: Tx, *, status: str | None, page: int, page_size: int
                  ) -> tuple[list[Row], int]:
    where, params = (" WHERE status = ?", [status]) if status else ("", [])
    total = int(tx.execute(f"SELECT COUNT(*) AS n FROM projects{where}", params)[0]["n"])
    rows = tx.execute(f"SELECT * FROM projects{where} ORDER BY proposed_on DESC, id "
                      "LIMIT ? OFFSET ?", [*params, page_size, (page - 1) * page_size])
    return [_decode(r) for r in rows], total

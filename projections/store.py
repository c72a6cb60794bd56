"""View stores: a separate SQLite file by default, or a PostgreSQL schema.

SQL is written once with `?` placeholders and portable DDL; the PostgreSQL store
rewrites placeholders. Rows come back as dicts.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

Row = dict[str, Any]


class Tx(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...


class ViewDB(Protocol):
    lock_clause: str  # appended to a SELECT that must lock its row in a write transaction

    def write(self) -> Any: ...  # context manager yielding Tx, committed on success
    def read(self) -> Any: ...  # context manager yielding Tx
    def close(self) -> None: ...


class _SqliteTx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        cursor = self.conn.execute(sql, params)
        if cursor.description is None:
            return []
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)


class SqliteViewDB:
    """One writer connection (the follower's) and one reader connection per thread."""

    lock_clause = ""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        self._writer = self._connect()
        self._write_lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                               timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        # Views are rebuilt from the log, and tracking commits with them: NORMAL is enough.
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    @contextmanager
    def write(self) -> Iterator[Tx]:
        with self._write_lock:
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")  # serialises writers in other processes too
            try:
                yield _SqliteTx(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[Tx]:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        yield _SqliteTx(conn)

    def close(self) -> None:
        self._writer.close()


class _PgTx:
    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.cursor.execute(sql.replace("?", "%s"), params)
        if self.cursor.description is None:
            return []
        return list(self.cursor.fetchall())

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.cursor.executemany(sql.replace("?", "%s"), rows)


class PostgresViewDB:
    """Views in their own schema of the PostgreSQL database, through a connection pool."""

    lock_clause = " FOR UPDATE"

    def __init__(self, url: str, schema: str, pool_size: int) -> None:
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        self.schema = schema
        self.pool = ConnectionPool(
            url, min_size=1, max_size=pool_size, open=True,
            kwargs={"row_factory": dict_row, "options": f"-c search_path={schema}"},
        )
        with self.pool.connection() as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')

    @contextmanager
    def write(self) -> Iterator[Tx]:
        with self.pool.connection() as conn, conn.transaction(), conn.cursor() as cursor:
            yield _PgTx(cursor)

    @contextmanager
    def read(self) -> Iterator[Tx]:
        with self.pool.connection() as conn, conn.cursor() as cursor:
            yield _PgTx(cursor)

    def close(self) -> None:
        self.pool.close()

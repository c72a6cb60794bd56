"""Where bulk-import jobs keep their state, so any worker process can answer "how far is it?".

A table in the view store (SQLite file or the PostgreSQL views schema), but no projection's:
it is not derived from the log, so rebuilding the views never drops it. A job is written by the
thread that runs it (services/import_runner.py) and read by whichever process the client's next
request reaches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol
from uuid import uuid4

import orjson

DDL = (
    "CREATE TABLE IF NOT EXISTS import_jobs (id TEXT PRIMARY KEY, actor TEXT NOT NULL, "
    "total BIGINT NOT NULL, done BIGINT NOT NULL, accepted BIGINT NOT NULL, "
    "rejected BIGINT NOT NULL, state TEXT NOT NULL, started TEXT NOT NULL, "
    "updated TEXT NOT NULL, message TEXT, report TEXT)"
)
# A running job writes its progress about every quarter second (import_runner.PROGRESS_EVERY);
# one silent for a minute has lost its process (a restart, a crash), not merely slowed down.
# The serving process takes it from Settings.import_job_stale_s.
STALE_AFTER = timedelta(seconds=60)
INTERRUPTED = ("the import stopped before it finished (the server was restarted or stopped); "
               "send the file again: rows already registered are recognised by their contract "
               "number and are not registered twice")
Clock = Callable[[], datetime]


class JobState(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # never stored: a running job whose writer went silent


class Tx(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]: ...


class Database(Protocol):
    """A view store (projections.store), given by the composition root."""

    def write(self) -> AbstractContextManager[Tx]: ...
    def read(self) -> AbstractContextManager[Tx]: ...


@dataclass(frozen=True)
class ImportJob:
    id: str
    actor: str
    total: int
    done: int
    accepted: int  # rows registered now or found already registered
    rejected: int
    state: JobState
    started: datetime
    updated: datetime
    message: str | None = None
    report: dict[str, Any] | None = None  # the import report, once done


def utc_now() -> datetime:
    return datetime.now(UTC)


class ImportJobStore:
    """Create, advance, finish and read import jobs; a job is read only by its own actor."""

    def __init__(self, db: Database, *, stale_after: timedelta = STALE_AFTER,
                 clock: Clock = utc_now) -> None:
        self.db = db
        self.stale_after = stale_after
        self.clock = clock

    def create_table(self) -> None:
        """Idempotent; on PostgreSQL run it under services.persistence.ddl_lock."""
        with self.db.write() as tx:
            tx.execute(DDL)

    def start(self, actor: str, total: int) -> ImportJob:
        now = self.clock()
        job = ImportJob(str(uuid4()), actor, total, 0, 0, 0, JobState.RUNNING, now, now)
        with self.db.write() as tx:
            tx.execute("INSERT INTO import_jobs (id, actor, total, done, accepted, rejected, "
                       "state, started, updated) VALUES (?, ?, ?, 0, 0, 0, ?, ?, ?)",
                       (job.id, actor, total, job.state.value, now.isoformat(), now.isoformat()))
        return job

    def progress(self, job_id: str, done: int, accepted: int, rejected: int) -> None:
        self._update(job_id, "done = ?, accepted = ?, rejected = ?", (done, accepted, rejected))

    def finish(self, job_id: str, report: dict[str, Any]) -> None:
        """Done: the counts come from the report, so they cannot disagree with it."""
        rejected = len(report["rejected"])
        self._update(job_id, "state = ?, done = ?, accepted = ?, rejected = ?, report = ?",
                     (JobState.DONE.value, report["rows"], report["rows"] - rejected, rejected,
                      orjson.dumps(report).decode()))

    def fail(self, job_id: str, message: str) -> None:
        self._update(job_id, "state = ?, message = ?", (JobState.FAILED.value, message))

    def _update(self, job_id: str, assignments: str, values: tuple[Any, ...]) -> None:
        with self.db.write() as tx:
            tx.execute(f"UPDATE import_jobs SET {assignments}, updated = ? WHERE id = ?",
                       (*values, self.clock().isoformat(), job_id))

    def get(self, job_id: str, actor: str) -> ImportJob | None:
        """The job if `actor` started it (others are told nothing, not even that it exists)."""
        with self.db.read() as tx:
            rows = tx.execute("SELECT * FROM import_jobs WHERE id = ? AND actor = ?",
                              (job_id, actor))
        return self._job(rows[0]) if rows else None

    def _job(self, row: dict[str, Any]) -> ImportJob:
        updated = datetime.fromisoformat(row["updated"])
        state, message = JobState(row["state"]), row["message"]
        if state is JobState.RUNNING and self.clock() - updated > self.stale_after:
            state, message = JobState.INTERRUPTED, INTERRUPTED
        report = orjson.loads(row["report"]) if row["report"] is not None else None
        return ImportJob(row["id"], row["actor"], int(row["total"]), int(row["done"]),
                         int(row["accepted"]), int(row["rejected"]), state,
                         datetime.fromisoformat(row["started"]), updated, message, report)

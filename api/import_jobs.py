"""The import runner of this process's runtime, made on first use: the job table is created
then (under the DDL lock, for several workers starting on one PostgreSQL database)."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any
from weakref import WeakKeyDictionary

from api.runtime import Runtime
from api.schemas.import_jobs import ImportJobPublic
from services.import_jobs import ImportJob, ImportJobStore
from services.import_runner import ImportRunner
from services.persistence import ddl_lock

# Keyed by the runtime's view store: one runner (and one job table check) per runtime.
_RUNNERS: WeakKeyDictionary[Any, ImportRunner] = WeakKeyDictionary()
_LOCK = threading.Lock()


def runner_of(runtime: Runtime) -> ImportRunner:
    """Blocking (it may create the table): call it from a `def` endpoint or the threadpool."""
    with _LOCK:
        runner = _RUNNERS.get(runtime.views)
        if runner is None:
            stale_after = timedelta(seconds=runtime.settings.import_job_stale_s)
            store = ImportJobStore(runtime.views, stale_after=stale_after)
            with ddl_lock(runtime.settings.database_url):
                store.create_table()
            runner = _RUNNERS[runtime.views] = ImportRunner(runtime.ledger, store)
        return runner


def job_public(job: ImportJob) -> ImportJobPublic:
    """A job as the API and the console's script read it."""
    return ImportJobPublic(id=job.id, state=job.state, total=job.total, done=job.done,
                           accepted=job.accepted, rejected=job.rejected, started=job.started,
                           updated=job.updated, message=job.message, report=job.report)

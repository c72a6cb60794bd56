"""Bulk imports as jobs: the rows are imported by a background thread of the serving process,
which writes the job's progress to the job store (services/import_jobs.py) as rows land.

If the process dies mid-job, the rows already imported stay, and the job reads as
`interrupted`; sending the same file again is safe, because the import is idempotent by
contract number (services/bulk_import.py: a replayed row is recognised, not written again).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from services.bulk_import import CHUNK, ImportReport, RowError, import_contracts
from services.import_jobs import ImportJob, ImportJobStore
from services.ledger import Ledger

Row = tuple[int, dict[str, Any] | RowError]
# Rows per progress write: one import chunk, the rows one round of the group-commit writer
# settles. At about 2,000 rows/s that is a write every quarter second, close to the console's
# 300 ms poll; finer would write progress nobody reads, coarser would make the bar jump.
PROGRESS_EVERY = CHUNK
FAILED = ("the import stopped on an error (see the server log); the rows before it are "
          "registered; send the file again once the cause is fixed")


def report_json(report: ImportReport) -> dict[str, Any]:
    """The report as the synchronous import answers it (POST /v1/imports/contracts)."""
    return {**asdict(report), "rejected": [asdict(r) for r in report.rejected]}


class ImportRunner:
    """Starts import jobs in background threads and runs them slice by slice."""

    def __init__(self, ledger: Ledger, store: ImportJobStore, *,
                 every: int = PROGRESS_EVERY) -> None:
        if every < 1:
            raise ValueError(f"progress every {every} rows: must be at least 1")
        self.ledger = ledger
        self.store = store
        self.every = every

    def start(self, rows: Sequence[Row], actor: str) -> ImportJob:
        """Record the job, then import in a thread; the job is readable on return."""
        job = self.store.start(actor, len(rows))
        # A daemon: a stopping server does not wait for an import; the job then reads as
        # interrupted, and resending the file completes it.
        threading.Thread(target=self.run, args=(job.id, rows, actor), daemon=True,
                         name=f"import-{job.id}").start()
        return job

    def run(self, job_id: str, rows: Sequence[Row], actor: str) -> ImportReport:
        """Import `rows` for the job, writing progress after each slice; finish or fail it."""
        finished = False
        try:
            report = self._import(job_id, rows, actor)
            self.store.finish(job_id, report_json(report))
            finished = True
            return report
        finally:
            if not finished:  # the error itself goes on to the thread's log, unhidden
                self.store.fail(job_id, FAILED)

    def _import(self, job_id: str, rows: Sequence[Row], actor: str) -> ImportReport:
        whole = ImportReport()
        for start in range(0, len(rows), self.every):
            part = import_contracts(self.ledger, rows[start:start + self.every], actor=actor,
                                    total=len(rows))
            _add(whole, part)
            self.store.progress(job_id, whole.rows, whole.created + whole.replayed,
                                len(whole.rejected))
        whole.rejected.sort(key=lambda r: r.line)
        return whole


def _add(whole: ImportReport, part: ImportReport) -> None:
    whole.rows += part.rows
    whole.created += part.created
    whole.replayed += part.replayed
    whole.rejected.extend(part.rejected)
    if part.last_position is not None:
        whole.last_position = max(whole.last_position or 0, part.last_position)

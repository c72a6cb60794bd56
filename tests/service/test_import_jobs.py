"""Import jobs: progress any process can read, counts that agree with the report, and an
interrupted job that is safe to send again (on SQLite and PostgreSQL view stores)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.runtime import Runtime
from services.bulk_import import ImportReport, RowError, import_contracts, read_rows
from services.import_jobs import INTERRUPTED, STALE_AFTER, ImportJobStore, JobState
from services.import_runner import ImportRunner, report_json
from tests.service.test_bulk_import import HEADER, world

Row = tuple[int, dict[str, Any] | RowError]


class Clock:
    """The store's clock, moved by the test (jobs go stale by time, not by waiting)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def contract_rows(runtime: Runtime, count: int) -> list[Row]:
    """`count` service contracts; every 50th asks more than its turnover (rejected)."""
    seller, buyer, exchange, _ = world(runtime.ledger)
    lines = [f"JOB-{n},技术服务合同,service,,{seller},{buyer},,100.00,"
             f"{'200.00' if n % 50 == 0 else '80.00'},2026-05-01,新材料,{exchange},"
             for n in range(1, count + 1)]
    return list(read_rows((HEADER + "\n".join(lines) + "\n").encode(), "csv"))


def store_of(runtime: Runtime, clock: Clock) -> ImportJobStore:
    store = ImportJobStore(runtime.views, clock=clock)
    store.create_table()
    store.create_table()  # idempotent: every process runs it on first use
    return store


def test_a_job_is_read_only_by_its_actor_and_finishes_with_the_reports_counts(
        runtime: Runtime) -> None:
    store = store_of(runtime, Clock())
    job = store.start("exchange_operator:甲", 3)
    assert store.get(job.id, "exchange_operator:乙") is None
    store.progress(job.id, 2, 1, 1)
    running = store.get(job.id, "exchange_operator:甲")
    assert running is not None and (running.state, running.done, running.total) == (
        JobState.RUNNING, 2, 3)
    report = {"rows": 3, "created": 1, "replayed": 1, "last_position": 9,
              "rejected": [{"line": 3, "code": "invalid_field", "reason": "x"}]}
    store.finish(job.id, report)
    done = store.get(job.id, "exchange_operator:甲")
    assert done is not None and done.report == report
    assert (done.state, done.done, done.accepted, done.rejected) == (JobState.DONE, 3, 2, 1)


def test_a_running_job_gone_silent_reads_interrupted_and_a_finished_one_never(
        runtime: Runtime) -> None:
    clock = Clock()
    store = store_of(runtime, clock)
    silent, finished = store.start("t", 10), store.start("t", 1)
    store.finish(finished.id, {"rows": 1, "created": 1, "replayed": 0, "rejected": []})
    clock.now += STALE_AFTER
    assert store.get(silent.id, "t").state is JobState.RUNNING  # type: ignore[union-attr]
    clock.now += timedelta(seconds=1)
    interrupted = store.get(silent.id, "t")
    assert interrupted is not None and interrupted.state is JobState.INTERRUPTED
    assert interrupted.message == INTERRUPTED and "send the file again" in INTERRUPTED
    assert store.get(finished.id, "t").state is JobState.DONE  # type: ignore[union-attr]


def test_progress_rises_through_the_import_and_ends_at_the_reports_counts(
        runtime: Runtime) -> None:
    rows = contract_rows(runtime, 600)
    store = store_of(runtime, Clock())
    job = store.start("t", len(rows))
    seen: list[int] = []

    def look(_: int) -> None:  # called by the ledger after each write, in the import's thread
        current = store.get(job.id, "t")
        assert current is not None
        if not seen or seen[-1] != current.done:
            seen.append(current.done)

    runtime.ledger.on_write(look)
    report = ImportRunner(runtime.ledger, store, every=100).run(job.id, rows, "t")
    assert seen == [0, 100, 200, 300, 400, 500]  # written after each slice, never backwards
    final = store.get(job.id, "t")
    assert final is not None and final.report == report_json(report)
    assert (final.done, final.accepted, final.rejected) == (600, 588, 12)
    assert (report.rows, report.created + report.replayed, len(report.rejected)) == (600, 588, 12)
    assert [r.line for r in report.rejected] == [n + 1 for n in range(50, 601, 50)]


def test_sending_the_file_again_after_an_interruption_registers_nothing_twice(
        runtime: Runtime) -> None:
    rows = contract_rows(runtime, 400)
    clock = Clock()
    store = store_of(runtime, clock)
    runner = ImportRunner(runtime.ledger, store, every=100)
    # The process dies after its first slices: their rows have landed, the job says running.
    died = store.start("t", len(rows))
    first = import_contracts(runtime.ledger, rows[:250], actor="t", total=len(rows))
    store.progress(died.id, first.rows, first.created, len(first.rejected))
    clock.now += STALE_AFTER + timedelta(seconds=1)
    assert store.get(died.id, "t").state is JobState.INTERRUPTED  # type: ignore[union-attr]
    again = store.start("t", len(rows))
    report = runner.run(again.id, rows, "t")
    assert (report.created, report.replayed) == (392 - first.created, first.created)
    assert first.created == 245 and len(report.rejected) == 8
    head = runtime.ledger.recorder.max_notification_id()
    thrice = runner.run(store.start("t", len(rows)).id, rows, "t")
    assert (thrice.created, thrice.replayed) == (0, 392)
    assert runtime.ledger.recorder.max_notification_id() == head  # no event written


@pytest.mark.parametrize("every", [0, -1])
def test_a_progress_interval_must_be_positive(runtime: Runtime, every: int) -> None:
    with pytest.raises(ValueError, match="every"):
        ImportRunner(runtime.ledger, store_of(runtime, Clock()), every=every)


def test_rebuilding_the_views_keeps_the_jobs(runtime: Runtime) -> None:
    store = store_of(runtime, Clock())
    job = store.start("t", 5)
    runtime.follower.rebuild()  # drops and replays every projection's tables, not this one
    assert store.get(job.id, "t") is not None


def test_two_jobs_of_the_same_file_at_once_register_each_contract_once(
        runtime: Runtime) -> None:
    """Two uploads of one file (a double click, two operators) run as two jobs in two threads:
    the contract ids come from the contract numbers, so the jobs race on the same aggregates and
    the loser of each race finds the row registered (replayed), never writes it again."""
    rows = contract_rows(runtime, 300)
    store = store_of(runtime, Clock())
    runner = ImportRunner(runtime.ledger, store, every=50)
    jobs = [store.start("t", len(rows)) for _ in range(2)]
    reports: dict[str, ImportReport] = {}

    def run(job_id: str) -> None:
        reports[job_id] = runner.run(job_id, rows, "t")

    threads = [threading.Thread(target=run, args=(job.id,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(reports) == sorted(job.id for job in jobs)
    both = list(reports.values())
    assert [r.created + r.replayed for r in both] == [294, 294]  # every good row, in each job
    assert sum(r.created for r in both) == 294  # ...but registered by one of them only
    head = runtime.ledger.recorder.max_notification_id()
    again = runner.run(store.start("t", len(rows)).id, rows, "t")
    assert (again.created, again.replayed) == (0, 294)
    assert runtime.ledger.recorder.max_notification_id() == head

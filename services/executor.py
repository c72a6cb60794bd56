"""Command executors: one save per command with bounded retry, or group commit.

Group commit (ARCHITECTURE.md, performance notes): a single writer thread gathers
concurrent commands, applies each to its own copies of the aggregates it touches, and
saves the whole batch in one transaction. A command whose rule fails gets its own error
and its batch-mates still commit; if the batch conflicts with another process, every
command of it is re-run alone with the ordinary retry.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

from domain.base import LedgerAggregate
from domain.errors import DomainError
from services.uow import (
    ConcurrencyExhausted,
    Event,
    Outcome,
    UnitOfWork,
    Work,
    index_recordings,
    positions_of,
)

log = logging.getLogger(__name__)


class DirectExecutor:
    """Run a command, save its events in one transaction, retry on a concurrent conflict."""

    def __init__(self, app: Application[UUID], max_attempts: int) -> None:
        self.app = app
        self.max_attempts = max_attempts

    def head(self) -> int:
        return int(self.app.recorder.max_notification_id() or 0)

    def run(self, work: Work[Any]) -> Outcome[Any]:
        for attempt in range(self.max_attempts):
            uow = UnitOfWork(self.app.repository, {})
            head = self.head()
            try:
                value = work(uow)
            except DomainError:
                # Reads are not one snapshot: a refusal is trusted only if nobody wrote
                # while we decided; otherwise decide again on the new state.
                if self.head() == head or attempt == self.max_attempts - 1:
                    raise
                self._back_off(attempt)
                continue
            events = uow.new_events()
            if not events:
                return Outcome(value, None)
            try:
                recordings = self.app.save(*events)
            except IntegrityError:
                # Someone else changed one of our aggregates: reload and decide again.
                self._back_off(attempt)
                continue
            return Outcome(value, positions_of(events, index_recordings(recordings)))
        raise ConcurrencyExhausted(f"gave up after {self.max_attempts} conflicting attempts")

    @staticmethod
    def _back_off(attempt: int) -> None:
        # Jittered, so that many contenders spread out instead of colliding again.
        time.sleep(random.uniform(0, min(0.05, 0.001 * 2**attempt)))

    def close(self) -> None:
        """Nothing to stop."""


@dataclass
class _Job:
    work: Work[Any]
    future: Future[Outcome[Any]] = field(default_factory=Future)
    value: Any = None
    error: DomainError | None = None
    events: list[Event] = field(default_factory=list)


class GroupCommitExecutor:
    """A writer thread that commits concurrent commands in batches (see module docstring)."""

    def __init__(self, app: Application[UUID], max_attempts: int, max_batch: int) -> None:
        self.direct = DirectExecutor(app, max_attempts)
        self.app = app
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="group-commit", daemon=True)
        self._thread.start()

    def submit(self, work: Work[Any]) -> Future[Outcome[Any]]:
        job = _Job(work)
        self._queue.put(job)
        return job.future

    def run(self, work: Work[Any]) -> Outcome[Any]:
        return self.submit(work).result()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while True:
            batch = self._take_batch()
            if batch is None:
                return
            self._commit(batch)

    def _take_batch(self) -> list[_Job] | None:
        first = self._queue.get()
        if first is None:
            return None
        batch = [first]
        while len(batch) < self.max_batch:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is None:
                self._queue.put(None)  # stop after this batch
                break
            batch.append(job)
        return batch

    def _commit(self, batch: list[_Job]) -> None:
        staged: dict[UUID, LedgerAggregate] = {}
        head = self.direct.head()
        refused: list[_Job] = []
        ready = [job for job in batch if self._apply(job, staged, refused)]
        if refused:
            self._settle_refused(refused, head)
        events = [event for job in ready for event in job.events]
        if not events:
            for job in ready:
                job.future.set_result(Outcome(job.value, None))
            return
        try:
            recorded = index_recordings(self.app.save(*events))
        except IntegrityError:
            self._rerun_alone(ready)
            return
        except Exception as error:  # noqa: BLE001 - every waiting caller must hear of it
            for job in ready:
                job.future.set_exception(error)
            return
        for job in ready:
            job.future.set_result(Outcome(job.value, positions_of(job.events, recorded)))

    def _apply(self, job: _Job, staged: dict[UUID, LedgerAggregate],
               refused: list[_Job]) -> bool:
        """Run one command on copies; on success its changed aggregates join the batch."""
        uow = UnitOfWork(self.app.repository, staged)
        try:
            job.value = job.work(uow)
        except DomainError as error:
            job.error = error
            refused.append(job)
            return False
        except Exception as error:  # a bug in a command goes to its caller; the writer keeps serving
            log.exception("command failed")
            job.future.set_exception(error)
            return False
        job.events = uow.new_events()
        staged.update(uow.changed())
        return True

    def _settle_refused(self, refused: list[_Job], head: int) -> None:
        """Refusals stand unless another process wrote meanwhile; then decide again alone."""
        if self.direct.head() == head:
            for job in refused:
                assert job.error is not None
                job.future.set_exception(job.error)
        else:
            self._rerun_alone(refused)

    def _rerun_alone(self, jobs: list[_Job]) -> None:
        for job in jobs:
            try:
                job.future.set_result(self.direct.run(job.work))
            except Exception as error:  # noqa: BLE001 - delivered to the caller, not hidden
                job.future.set_exception(error)

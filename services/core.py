"""The Ledger's core: one eventsourcing Application with a pinned name and its executor."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Any, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import Application
from eventsourcing.persistence import Transcoder

from domain.errors import DomainError
from services.executor import DirectExecutor, GroupCommitExecutor
from services.persistence import ddl_lock, event_store_env
from services.settings import Settings, get_settings
from services.transcoder import OrjsonTranscoder
from services.uow import Outcome, Work

T = TypeVar("T")


class LedgerCore(Application[UUID]):
    """Stored topics and followers' tracking refer to this name: never change it."""

    name = "techledger"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        with ddl_lock(self.settings.database_url):  # the recorder creates its tables
            super().__init__(env=event_store_env(self.settings))
        self.executor: DirectExecutor | GroupCommitExecutor
        if self.settings.group_commit:
            self.executor = GroupCommitExecutor(
                self, self.settings.command_max_attempts, self.settings.group_commit_max_batch
            )
        else:
            self.executor = DirectExecutor(self, self.settings.command_max_attempts)
        self._zone = ZoneInfo(self.settings.registry_timezone)
        self._write_listeners: list[Callable[[int], None]] = []

    def construct_transcoder(self) -> Transcoder:
        return OrjsonTranscoder()

    def on_write(self, listener: Callable[[int], None]) -> None:
        """Call `listener(position)` after each local write (wakes followers early)."""
        self._write_listeners.append(listener)

    def execute(self, work: Work[T]) -> Outcome[T]:
        outcome: Outcome[T] = self.executor.run(work)
        self._announce(outcome)
        return outcome

    async def execute_async(self, work: Work[T]) -> Outcome[T]:
        """`execute` for an event loop: waits on the group-commit writer without a thread."""
        if isinstance(self.executor, GroupCommitExecutor):
            outcome: Outcome[T] = await asyncio.wrap_future(self.executor.submit(work))
            self._announce(outcome)
            return outcome
        return await asyncio.to_thread(self.execute, work)

    def execute_many(self, works: list[Work[T]]) -> list[Outcome[T] | DomainError]:
        """Run independent commands, each deciding alone; the group-commit writer gets them
        all at once and saves them in a few batches. A refusal is returned, not raised."""
        if not isinstance(self.executor, GroupCommitExecutor):
            return [self._settle(partial(self.execute, work)) for work in works]
        futures = [self.executor.submit(work) for work in works]
        results = [self._settle(future.result) for future in futures]
        for result in results:
            if isinstance(result, Outcome):
                self._announce(result)
        return results

    @staticmethod
    def _settle(call: Callable[[], Outcome[T]]) -> Outcome[T] | DomainError:
        try:
            return call()
        except DomainError as error:
            return error

    def _announce(self, outcome: Outcome[Any]) -> None:
        if outcome.position is not None:
            for listener in self._write_listeners:
                listener(outcome.position)

    def today(self) -> date:
        """The business date in the registry's time zone, for commands that give none."""
        return datetime.now(self._zone).date()

    def effective(self, given: date | None) -> date:
        return given if given is not None else self.today()

    def close(self) -> None:
        self.executor.close()
        super().close()

"""One active instance of a process (the relay): others wait as hot standbys until it dies."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager

from services.persistence import advisory_lock
from services.settings import Settings


@contextmanager
def only_instance(settings: Settings, name: str) -> Iterator[None]:
    """Hold an exclusive lock named `name` for the lifetime of the block: a PostgreSQL advisory
    lock on the ledger's database, or a file lock beside the SQLite files. Either is released
    by the operating system or the server when the holder dies, even by SIGKILL."""
    if settings.database_url is not None:
        with advisory_lock(settings.database_url, name):
            yield
        return
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with (settings.data_dir / f"{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield

"""Import jobs: a bulk import run in the background, polled until done."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from services.import_jobs import JobState


class ImportJobPublic(BaseModel):
    """An import job's progress; `report` (as the synchronous import answers) once done."""

    id: str
    state: JobState = Field(
        description="interrupted: the serving process stopped mid-job; send the file again")
    total: int = Field(description="rows in the file")
    done: int = Field(description="rows imported so far")
    accepted: int = Field(description="rows registered, or found already registered")
    rejected: int
    started: datetime
    updated: datetime
    message: str | None = None
    report: dict[str, Any] | None = None

"""Command inputs of misconduct records (科研失信行为记录). `effective_date=None` means today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.misconduct import Decision


@dataclass(frozen=True)
class RecordMisconduct:
    decision: Decision  # effective on its decision date


@dataclass(frozen=True)
class AppealMisconduct:
    record_id: UUID
    grounds: str
    effective_date: date | None = None


@dataclass(frozen=True)
class DecideAppeal:
    record_id: UUID
    overturned: bool
    reasons: str
    effective_date: date | None = None


@dataclass(frozen=True)
class CorrectMisconduct:
    record_id: UUID
    findings: str
    note: str
    sanction_ends: tuple[tuple[UUID, date | None], ...] = ()
    effective_date: date | None = None

"""The unit of work's batch staging: copies share immutable events, reads stay unstaged."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from uuid import UUID, uuid4

from domain.base import LedgerAggregate
from domain.party import Party
from domain.policy import NUMBERING_2026
from domain.registration import RegistrationSeries
from domain.values import Category
from services.ledger import Ledger
from services.settings import Settings
from services.uow import UnitOfWork
from tests.factories import university

DAY = date(2026, 3, 1)


def test_a_staged_copy_shares_events_and_only_changes_are_staged(tmp_path: Path) -> None:
    with Ledger(Settings(data_dir=tmp_path, group_commit=False)) as ledger:
        uni = university(ledger)
        series = RegistrationSeries.open(registry_code="1306", year=2026,
                                         category=Category.APPLIED_TECHNOLOGY,
                                         policy=NUMBERING_2026, effective_date=DAY, actor="t")
        staged: dict[UUID, LedgerAggregate] = {series.id: series}

        uow = UnitOfWork(ledger.repository, staged)
        copy = uow.get(RegistrationSeries, series.id, "series")
        party = uow.get(Party, uni, "party")
        assert copy is not series
        assert copy.pending_events[0] is series.pending_events[0]  # shared, not deep-copied
        assert uow.changed() == {}

        copy.issue(uuid4(), policy=NUMBERING_2026, effective_date=DAY, actor="t")
        assert set(uow.changed()) == {series.id}  # the party was only read
        assert party.id not in uow.changed()
        assert len(series.pending_events) == 1  # the batch's version is untouched

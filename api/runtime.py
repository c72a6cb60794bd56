"""Composition root: the Ledger, the view store and the follower that feeds it."""

from __future__ import annotations

from dataclasses import dataclass

from projections.base import Projection
from projections.demands import Demands
from projections.evaluations import Evaluations
from projections.follower import Follower
from projections.integrity import Integrity
from projections.ledger_index import LedgerIndex
from projections.market_events import MarketEvents
from projections.registry import Registry
from projections.store import PostgresViewDB, SqliteViewDB, ViewDB
from projections.tracing import Tracing
from projections.trades import Trades
from projections.valuations import Valuations
from services.checkpoint import Signer, load_or_create_signer
from services.ledger import Ledger
from services.notary import Notary
from services.persistence import ddl_lock
from services.settings import Settings


def all_projections() -> list[Projection]:
    return [Registry(), LedgerIndex(), Evaluations(), Trades(), Valuations(), Integrity(), Tracing(),
            Demands(), MarketEvents()]


def open_notary_db(settings: Settings) -> ViewDB:
    """The transparency log's own store: never dropped or rebuilt with the views."""
    if settings.database_url is not None:
        return PostgresViewDB(settings.database_url, settings.notary_schema, settings.pg_pool_size)
    return SqliteViewDB(settings.notary_path)


def open_notary(settings: Settings, ledger: Ledger) -> Notary:
    def announce(signer: Signer) -> None:
        print(f"notary: created signing key {settings.notary_key_file}; its public key is\n"
              f"  {signer.verifier.text}", flush=True)

    signer = load_or_create_signer(settings.notary_key_file, settings.notary_origin, announce)
    with ddl_lock(settings.database_url):
        db = open_notary_db(settings)
        return Notary(ledger, db, signer, settings.notary_origin,
                      page_size=settings.follower_page_size,
                      checkpoint_interval_s=settings.checkpoint_interval_s,
                      idle_poll_s=settings.follower_idle_poll_s)


def open_views(settings: Settings) -> ViewDB:
    if settings.database_url is not None:
        return PostgresViewDB(settings.database_url, settings.views_schema, settings.pg_pool_size)
    return SqliteViewDB(settings.views_path)


@dataclass
class Runtime:
    settings: Settings
    ledger: Ledger
    views: ViewDB
    follower: Follower
    notary: Notary

    @classmethod
    def open(cls, settings: Settings, *, follow: bool = True) -> Runtime:
        """Open the ledger and views; with `follow`, run the follower as a thread, unless the
        views come from Kafka (`views_source`), where the follower only watches their position."""
        ledger = Ledger(settings)
        with ddl_lock(settings.database_url):  # the views' schema and tables (several workers)
            views = open_views(settings)
            follower = Follower(ledger, views, all_projections(),
                                page_size=settings.follower_page_size,
                                idle_poll_s=settings.follower_idle_poll_s)
        notary = open_notary(settings, ledger)
        ledger.on_write(follower.wake)
        ledger.on_write(notary.wake)
        if follow and settings.views_source == "log":
            follower.start()
        if follow and settings.notary_thread:
            notary.start()
        return cls(settings, ledger, views, follower, notary)

    def close(self) -> None:
        self.follower.stop()
        self.notary.stop()
        self.notary.db.close()
        self.ledger.close()
        self.views.close()

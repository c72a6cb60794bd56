"""The in-memory matching index of a view store (domain.matching_index), fed from the
match_docs view by position: the first query loads every document, later ones only what was
registered or cancelled since. One index per view store (named by match_store's id, which
changes when the views are rebuilt), shared by the threads of the process."""

from __future__ import annotations

import logging
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import orjson

from domain.matching import Doc
from domain.matching_index import MatchIndex
from projections.follower import TRANSIENT
from projections.store import Tx, ViewDB

log = logging.getLogger(__name__)
PAGE = 5000  # documents read per query while loading
KEEP = 8  # indexes kept per process (tests open many view stores)


class ViewIndex:
    def __init__(self) -> None:
        self.index = MatchIndex()
        self.position = 0
        self.lock = threading.Lock()

    def refresh(self, tx: Tx) -> None:
        """Apply the documents written after the index's position, in order."""
        while True:
            rows = tx.execute(
                "SELECT achievement_id, field, keywords, text, terms, status, position "
                "FROM match_docs WHERE position > ? ORDER BY position LIMIT ?",
                (self.position, PAGE))
            for row in rows:
                if row["status"] == "registered":
                    doc = Doc(row["achievement_id"], row["field"],
                              tuple(filter(None, row["keywords"].split("|"))), row["text"])
                    self.index.add(doc, Counter(orjson.loads(row["terms"])))
                else:
                    self.index.remove(row["achievement_id"])
                self.position = int(row["position"])
            if len(rows) < PAGE:
                return


_INDEXES: OrderedDict[str, ViewIndex] = OrderedDict()
_GUARD = threading.Lock()


@contextmanager
def current_index(tx: Tx) -> Iterator[MatchIndex]:
    """The view store's index, up to date with what `tx` sees, held for one query."""
    store = tx.execute("SELECT store_id FROM match_store")[0]["store_id"]
    with _GUARD:
        view_index = _INDEXES.get(store)
        if view_index is None:
            view_index = _INDEXES[store] = ViewIndex()
            while len(_INDEXES) > KEEP:
                _INDEXES.popitem(last=False)
        _INDEXES.move_to_end(store)
    with view_index.lock:
        view_index.refresh(tx)
        yield view_index.index


def warm(tx: Tx) -> int:
    """Load (or bring up to date) the view store's index ahead of the first query; returns
    how many achievements it holds."""
    with current_index(tx) as index:
        return len(index)


def indexed_position(tx: Tx) -> int | None:
    """How far this process's index of the view store has read match_docs so far (None: no
    query or warm-up has asked for it yet); it loads nothing."""
    store = tx.execute("SELECT store_id FROM match_store")[0]["store_id"]
    with _GUARD:
        view_index = _INDEXES.get(store)
    return None if view_index is None else view_index.position


def warm_in_background(views: ViewDB) -> threading.Thread:
    """Load the index in a daemon thread at start-up, so that the first candidates query of
    the process does not pay for it (about 10 s at 100,000 achievements). A store error only
    leaves the loading to that first query, so it is logged, not raised."""

    def run() -> None:
        try:
            with views.read() as tx:
                warm(tx)
        except TRANSIENT:
            log.exception("warming the matching index failed; the first query loads it")

    thread = threading.Thread(target=run, name="matching-index-warm", daemon=True)
    thread.start()
    return thread

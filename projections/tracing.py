"""Backward tracing (回溯): which achievements, projects and parties each event touches.

Baoding item 1 calls for tracing (过程回溯) the work of funded projects and their achievements; DOMAIN.md's
"Backward tracing" read model is the timeline of an achievement or project, and of a party,
every entry linked to its ledger position. This projection keeps only the links; the entries'
dates, actor and payload come from `ledger_events`, so list it in the same follower as
`LedgerIndex` (queries: `projections/tracing_queries.py`).

Tables: `trace_events` (position, aggregate, its kind, a stable event name, recording time),
`trace_links` (position, subject, subject kind, role) and `trace_anchors` (the sticky links of
each aggregate, applied to all its events).

Tracing a new aggregate is a few lines in `projections/tracing_links.py`:

    AGGREGATES[MisconductRecord] = "misconduct"        # event names: misconduct.recorded, ...

    def _misconduct_recorded(e: Any) -> Iterator[Link]:
        d = e.decision
        yield from party(d.subject_id, "misconduct_subject", sticky=True)
        for achievement_id in d.achievement_ids:
            yield achievement(achievement_id, "misconduct", sticky=True)
        for evaluation_id in d.evaluation_ids:  # the evaluated achievements (or projects)
            yield via(evaluation_id, "misconduct", sticky=True)

    LINKS[MisconductRecord.Recorded] = _misconduct_recorded

(add both to the dict literals, or merge them in from a module of their own, as
`projections/tracing_market.py` does for the market's records). Sticky links from the
creation event cover the aggregate's later events (appeal, correction); other events need an
entry in LINKS only if they touch someone new.
A summary for the timeline is optional: `projections/tracing_summaries.py`, keyed by event name.
A mapping change applies to events recorded after it; `techledger rebuild` applies it to the
whole log (a change of this DDL rebuilds the views by itself).
"""

from __future__ import annotations

from collections.abc import Iterable

from projections.base import Applied, Handler, Projection
from projections.store import Tx
from projections.tracing_links import LINKS, aggregate_prefix, event_name
from projections.tracing_subjects import Link, SubjectKind
from projections.trades import instant

DDL = (
    "CREATE TABLE IF NOT EXISTS trace_events (position BIGINT PRIMARY KEY, "
    "aggregate_id TEXT NOT NULL, aggregate_kind TEXT NOT NULL, event_name TEXT NOT NULL, "
    "recorded_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS trace_links (subject_id TEXT NOT NULL, position BIGINT NOT NULL, "
    "subject_kind TEXT NOT NULL, role TEXT NOT NULL, PRIMARY KEY (subject_id, position, role))",
    "CREATE INDEX IF NOT EXISTS trace_links_position ON trace_links (position)",
    "CREATE TABLE IF NOT EXISTS trace_anchors (aggregate_id TEXT NOT NULL, "
    "subject_id TEXT NOT NULL, subject_kind TEXT NOT NULL, role TEXT NOT NULL, "
    "PRIMARY KEY (aggregate_id, subject_id, role))",
)
MATTERS = (SubjectKind.ACHIEVEMENT.value, SubjectKind.PROJECT.value)
Row = tuple[str, str, str]  # subject_id, subject_kind, role


class Tracing(Projection):
    tables = ("trace_events", "trace_links", "trace_anchors")
    ddl = DDL

    def handlers(self) -> dict[type, Handler]:
        return {object: record}


_PREFIXES: dict[type, str | None] = {}


def _prefix(event_class: type) -> str | None:
    if event_class not in _PREFIXES:
        _PREFIXES[event_class] = aggregate_prefix(event_class)
    return _PREFIXES[event_class]


def record(tx: Tx, applied: Applied) -> None:
    """Link the event to everyone it touches (skipped when nobody)."""
    event = applied.event
    prefix = _prefix(type(event))
    if prefix is None:
        return
    aggregate_id = str(event.originator_id)
    links = list(LINKS.get(type(event), _none)(event))
    sticky = _resolve(tx, [x for x in links if x.sticky])
    tx.executemany("INSERT INTO trace_anchors VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                   [(aggregate_id, *row) for row in sticky])
    rows = {*_anchors(tx, aggregate_id), *_resolve(tx, [x for x in links if not x.sticky])}
    if not rows:
        return
    tx.execute("INSERT INTO trace_events VALUES (?, ?, ?, ?, ?)",
               (applied.position, aggregate_id, prefix, event_name(event, prefix),
                instant(applied.recorded_at)))
    tx.executemany("INSERT INTO trace_links VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                   [(subject, applied.position, kind, role) for subject, kind, role in rows])


def _none(_event: object) -> Iterable[Link]:
    return ()


def _resolve(tx: Tx, links: list[Link]) -> list[Row]:
    """Direct links as they are; a `via` link becomes the other aggregate's matters."""
    rows: list[Row] = []
    for link in links:
        if link.kind is not None:
            rows.append((str(link.subject_id), link.kind.value, link.role))
            continue
        for anchor in _anchors(tx, str(link.subject_id)):
            if anchor[1] in MATTERS:
                rows.append((anchor[0], anchor[1], link.role))
    return rows


def _anchors(tx: Tx, aggregate_id: str) -> list[Row]:
    found = tx.execute("SELECT subject_id, subject_kind, role FROM trace_anchors "
                       "WHERE aggregate_id = ?", (aggregate_id,))
    return [(r["subject_id"], r["subject_kind"], r["role"]) for r in found]

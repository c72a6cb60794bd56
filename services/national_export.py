"""The national export (techledger-national-export/1): one record per stored event that changes a
registered achievement or a registered technology contract, with its public fields only
(Baoding item 2: 加强与国家科技成果项目库对接, 推动科技成果信息按规定公开; item 4: 技术合同登记
信息互联互通). Records come from the event store, so "since a position" is exact; the context an
event lacks (owners' names, a contract's accepted terms) is read from the store as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from domain.achievement import Achievement
from domain.contract import TechContract
from services import national_codes as nc
from services.national_achievements import (
    cancelled,
    disclosed,
    patent_status_changed,
    registered,
)
from services.national_schema import FORMAT, RecordKind
from services.national_writers import jsonl_line

Record = dict[str, Any]
NATIONAL_EXPORT = "national-export"  # the Kafka topic's name after the prefix
Builder = Callable[["ExportContext", Any], Record]
PAGE = 500
CACHE_LIMIT = 10_000


class ExportContext:
    """Look-ups into the event store, cached for one run: parties and achievements change
    none of the exported facts after their creation."""

    def __init__(self, app: Application[UUID]) -> None:
        self.app = app
        self._cache: dict[UUID, Any] = {}

    def aggregate(self, aggregate_id: UUID) -> Any:
        if len(self._cache) >= CACHE_LIMIT:  # a long-running relay must not grow without end
            self._cache.clear()
        if aggregate_id not in self._cache:
            self._cache[aggregate_id] = self.app.repository.get(aggregate_id)
        return self._cache[aggregate_id]

    def first_event(self, aggregate_id: UUID) -> Any:
        stored = self.app.recorder.select_events(aggregate_id, lte=1)
        return self.app.mapper.to_domain_event(stored[0])


def _contract_registered(ctx: ExportContext, e: TechContract.RegistrationCompleted) -> Record:
    contract: TechContract = ctx.app.repository.get(e.originator_id, version=e.originator_version)
    accepted = ctx.first_event(e.originator_id)
    t = contract.terms
    assert t is not None  # set by Accepted, the contract's first event
    seller, buyer = ctx.aggregate(t.seller_id), ctx.aggregate(t.buyer_id)
    return {
        "contract_type_code": nc.code(nc.CONTRACT_TYPE, t.contract_type.value),
        "contract_variant_code": nc.code(nc.CONTRACT_VARIANT, t.variant and t.variant.value),
        "technical_field_code": nc.field_code(t.field), "technical_field": t.field,
        "seller_kind_code": nc.code(nc.PARTY_KIND, seller.kind.value),
        "buyer_kind_code": nc.code(nc.PARTY_KIND, buyer.kind.value),
        "seller_region_code": accepted.seller_region, "buyer_region_code": accepted.buyer_region,
        "achievement_ids": [str(x) for x in t.achievement_ids],
        "achievement_registration_nos": [ctx.aggregate(x).registration_number
                                         for x in t.achievement_ids],
        "signed_date": t.signed_on.isoformat(),
        "term_end_date": t.term_end.isoformat() if t.term_end else None,
        "pricing_code": nc.code(nc.PRICING, t.pricing and t.pricing.value),
        "exchange_id": str(t.exchange_id), "exchange_name": ctx.aggregate(t.exchange_id).name,
    }


def _amended(_ctx: ExportContext, e: TechContract.Amended) -> Record:
    return {"term_end_date": e.term_end.isoformat() if e.term_end else None}


def _nothing(_ctx: ExportContext, _e: Any) -> Record:
    return {}


@dataclass(frozen=True)
class Route:
    kind: RecordKind
    event_type: str
    build: Builder


def _topic(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


# The events exported, by stored topic. Not exported: a contract's case before 登记完成
# (accepted, corrections, disputes, refusal), payments (amounts are the parties' trade secret),
# and anything about evaluators, pledges or misconduct (docs/national-export.md).
ROUTES: dict[str, Route] = {
    _topic(Achievement.Registered): Route("achievement", "achievement_registered", registered),
    _topic(Achievement.Disclosed): Route("achievement", "achievement_disclosed", disclosed),
    _topic(Achievement.PatentStatusChanged): Route("achievement", "patent_status_changed",
                                                   patent_status_changed),
    _topic(Achievement.RegistrationCancelled): Route("achievement", "registration_cancelled",
                                                     cancelled),
    _topic(Achievement.CompanyFormed): Route("achievement", "company_formed", _nothing),
    _topic(TechContract.RegistrationCompleted): Route("contract", "contract_registered",
                                                      _contract_registered),
    _topic(TechContract.Amended): Route("contract", "contract_amended", _amended),
    _topic(TechContract.Terminated): Route("contract", "contract_terminated", _nothing),
}


def _clean(record: Record) -> Record:
    """A null or empty text is left out, so JSON Lines and CSV carry the same record."""
    return {k: v for k, v in record.items() if v is not None and v != ""}


class NationalExporter:
    """Builds export records from the notification log of a ledger (or any Application)."""

    def __init__(self, app: Application[UUID]) -> None:
        self.app = app
        self.context = ExportContext(app)

    def record(self, notification: Notification) -> Record | None:
        """The record of one stored event, or None when the event is not exported."""
        route = ROUTES.get(notification.topic)
        if route is None:
            return None
        event: Any = self.app.mapper.to_domain_event(notification)
        return _clean({
            "format": FORMAT, "record_kind": route.kind, "position": notification.id,
            "event_type": route.event_type, "effective_date": event.effective_date.isoformat(),
            "recorded_at": event.timestamp.astimezone(UTC).isoformat(timespec="microseconds"),
            "id": str(event.originator_id), **route.build(self.context, event),
        })

    def records(self, notifications: Sequence[Notification]) -> list[Record]:
        return [r for r in map(self.record, notifications) if r is not None]

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def since(self, position: int, until: int) -> Iterator[Record]:
        """Every record after `position` up to `until` (inclusive), in ledger order."""
        start = position
        while start < until:
            page = self.app.recorder.select_notifications(
                start=start, limit=PAGE, stop=until, topics=list(ROUTES),
                inclusive_of_start=False)
            if not page:
                return
            yield from self.records(page)
            start = page[-1].id


@dataclass(frozen=True)
class KafkaMessage:
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def kafka_message(record: Record) -> KafkaMessage:
    """A record on the national-export topic: key the subject's id, value the JSON Lines line
    without its newline, headers its position, event type and format."""
    return KafkaMessage(str(record["id"]).encode(), jsonl_line(record)[:-1], [
        ("position", str(record["position"]).encode()),
        ("event_type", str(record["event_type"]).encode()), ("format", FORMAT.encode())])

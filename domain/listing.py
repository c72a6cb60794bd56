"""Listing an achievement for transfer (挂牌): one of the three ways a university or public
institute prices a transfer or license (协议定价, 挂牌交易, 拍卖 — Law on Promoting the
Transformation of S&T Achievements art. 18 [N]); Baoding items 4-5 (the regional technology
market). DOMAIN.md, Technology contract: exchange operators run achievement listings.

Its own aggregate, not events on the achievement: a listing is the exchange's record, and an
achievement may be listed again after a listing ends.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from domain.base import LedgerAggregate, require_text
from domain.contract import CENT
from domain.errors import InvalidInput, InvalidTransition


@dataclass(frozen=True)
class ListingTerms:
    """asking_price None: price negotiable (面议)."""

    achievement_id: UUID
    seller_id: UUID
    exchange_id: UUID
    terms: str  # 交易条件: transfer or license, payment, support
    listed_from: date
    listed_until: date
    asking_price: Decimal | None = None


def check_listing(terms: ListingTerms) -> ListingTerms:
    price = terms.asking_price
    if price is not None and (not price.is_finite() or price <= 0 or price != price.quantize(CENT)):
        raise InvalidInput("asking_price must be a positive CNY amount with at most 2 decimals",
                           field="asking_price")
    if terms.listed_until < terms.listed_from:
        raise InvalidInput("listed_until is before listed_from", field="listed_until")
    return replace(terms, terms=require_text(terms.terms, "terms", max_length=2000))


class ListingStatus(StrEnum):
    LISTED = "listed"
    WITHDRAWN = "withdrawn"


class AchievementListing(LedgerAggregate):
    no_steps_before_creation = True

    class Listed(LedgerAggregate.Created):
        terms: ListingTerms

        def apply(self, aggregate: LedgerAggregate) -> None:
            super().apply(aggregate)
            assert isinstance(aggregate, AchievementListing)
            aggregate.terms = self.terms

    class Withdrawn(LedgerAggregate.Event):
        reason: str

        def apply(self, aggregate: AchievementListing) -> None:
            aggregate.status = ListingStatus.WITHDRAWN

    def __init__(self) -> None:
        super().__init__()
        self.terms: ListingTerms | None = None
        self.status = ListingStatus.LISTED

    @classmethod
    def list(cls, terms: ListingTerms, *, id: UUID, request_digest: str, effective_date: date,
             actor: str) -> AchievementListing:
        return cls._create(cls.Listed, id=id, request_digest=request_digest,
                           effective_date=effective_date, actor=actor, terms=check_listing(terms))

    def withdraw(self, reason: str, *, effective_date: date, actor: str) -> None:
        if self.status is ListingStatus.WITHDRAWN:
            raise InvalidTransition("this listing is already withdrawn")
        self.trigger_event(self.Withdrawn, reason=require_text(reason, "reason"),
                           effective_date=effective_date, actor=actor)

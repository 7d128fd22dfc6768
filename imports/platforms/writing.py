"""The write side of a marketplace adapter: what a publish job asks a platform to change.

Each marketplace package has a `writer.py` whose `ListingWriter` reads one listing as the
platform shows it now and writes a listing's prices (per variant) or its title, answering one
`WriteOutcome` per variant (prices) or one for the title. The publish job (imports/publishing/)
decides what to write and records the outcomes; the writers know the endpoints, their bodies,
their error codes and the platform's rules (shared/marketplaces/publishing.md).

Variant keys are the platform's variant ids as the import stored them
(`platform_variant_id`: Shopee's model_id, TikTok Shop's SKU id); "" is the one price of a
listing without variants (a Shopee item without models, a TikTok product with a single SKU).

Writes are sent once (the clients do not retry them): an answer lost on the way back may
hide a change that was applied, so the publish job re-reads the listing before it repeats a
write, and a change is applied exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class WriteState(StrEnum):
    APPLIED = "applied"  # the platform took the value
    IN_REVIEW = "in_review"  # taken, live only once the platform's review approves it
    BLOCKED = "blocked"  # refused for now (a promotion, an integration lock): try again later
    FAILED = "failed"  # refused for good (range, format, item state): a person must look


class ReviewState(StrEnum):
    NONE = ""  # nothing under review
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class RemoteListing:
    """One listing as the platform shows it now (the live version)."""

    listing_id: str
    title: str
    prices: dict[str, Decimal]  # variant key -> the list price we write (never a promo price)
    status: str = ""  # the platform's own status value
    review: ReviewState = ReviewState.NONE  # of the last content edit
    review_title: str = ""  # the title waiting for review, when one is
    review_reasons: tuple[str, ...] = ()  # why the platform rejected it
    # Shopee's get_item_limit: the price range this shop may set (None: not told).
    min_price: Decimal | None = None
    max_price: Decimal | None = None


@dataclass(frozen=True)
class WriteOutcome:
    kind: str  # "price" or "title"
    variant: str  # the variant key ("" for a title or a single price)
    state: WriteState
    code: str = ""  # the platform's error code, when it refused
    message: str = ""  # the platform's own words
    blocked_until: datetime | None = None  # when the lock ends, if the platform says
    request_id: str = ""


@dataclass(frozen=True)
class WriterRules:
    """A platform's write rules the preview checks before anything is sent."""

    title_min: int = 1
    title_max: int = 255
    max_variant_spread: Decimal | None = None  # most expensive / cheapest variant (Shopee: 7)
    price_step: Decimal = Decimal("1")  # whole rupiah
    # Calls per second the platform documents per endpoint and shop (None: not published).
    documented_qps: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


class ListingWriter(Protocol):
    rules: WriterRules

    def read(self, listing_id: str) -> RemoteListing:
        """The listing as the platform shows it now, with the state of any review."""
        ...

    def write_prices(self, listing_id: str, prices: dict[str, Decimal]) -> list[WriteOutcome]:
        """Set these variants' list prices (whole rupiah); one outcome per variant given.

        A promotion that locks the price answers BLOCKED (with its end when the platform
        tells it) without a write; a refusal for one variant fails that variant only.
        Raises MarketplaceError when the call as a whole failed (transport, rate limit,
        server, "update lock"): the publish job re-reads before it tries again.
        """
        ...

    def write_title(self, listing_id: str, title: str) -> WriteOutcome:
        """Change the title and nothing else (never variants, never where it is listed)."""
        ...

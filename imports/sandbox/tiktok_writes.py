"""TikTok Shop sandbox write endpoints: Update Price and Partial Edit (shared/marketplaces/
publishing.md section 2), and the publishing state the control API steers.

Update Price (`POST /product/202309/products/{id}/prices/update`) is all-or-nothing: one refused
SKU refuses the request and nothing is applied. Partial Edit (`POST /product/202509/products/
{id}/partial_edit`) sends a new title to review: the live title stays until approval. The
documented hazards are simulated so tests can prove a writer never triggers them: a `skus` list
deletes the SKUs it leaves out, a `listing_platforms` list without TOKOPEDIA hides a dual-listed
product there.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field

from imports.sandbox.catalog import Listing
from imports.sandbox.http import SandboxRequest
from imports.sandbox.tiktok_auth import TikTokError

PRICES_PATH = re.compile(r"^/product/202309/products/(?P<product_id>[^/]+)/prices/update$")
PARTIAL_EDIT_PATH = re.compile(r"^/product/202509/products/(?P<product_id>[^/]+)/partial_edit$")
# What the call counters (server.endpoint_name) should record for each write path.
WRITE_ENDPOINTS = (
    (PRICES_PATH, "/product/202309/products/{product_id}/prices/update"),
    (PARTIAL_EDIT_PATH, "/product/202509/products/{product_id}/partial_edit"),
)

TITLE_MIN, TITLE_MAX = 25, 255
DEFAULT_REVIEW_MODE, DEFAULT_REVIEW_DELAY = "approve", 5.0
REVIEW_MODES = ("manual", "approve", "reject")
DEFAULT_REJECT_REASON = "The product title contains content that violates the listing rules."
# CJK ideographs (and their extensions/compatibility block): "Chinese characters not supported".
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WHOLE_NUMBER = re.compile(r"^[0-9]+$")
# Partial Edit fields that change the product's content and so send it to review.
_CONTENT_FIELDS = ("title", "description")


def write_endpoint_name(path: str) -> str | None:
    """The counter name of a write path, ids replaced by a placeholder (None: not a write)."""
    for pattern, name in WRITE_ENDPOINTS:
        if pattern.match(path):
            return name
    return None


@dataclass
class Promotion:
    product_id: str
    start: int
    end: int
    sku_ids: tuple[str, ...] | None  # None: every SKU of the product

    def covers(self, sku_ids: list[str], now: float) -> bool:
        # Only ongoing promotions lock ("not included in any ongoing promotions").
        if not self.start <= now < self.end:
            return False
        return self.sku_ids is None or any(sku in self.sku_ids for sku in sku_ids)

    def as_dict(self) -> dict[str, object]:
        return {
            "product_id": self.product_id,
            "start": self.start,
            "end": self.end,
            "variant_ids": list(self.sku_ids) if self.sku_ids is not None else None,
        }


@dataclass
class Review:
    """The content version (v2) of one product waiting for, or settled by, the audit."""

    title: str
    submitted_at: float
    status: str = "AUDITING"  # then APPROVED or FAILED
    reasons: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "title": self.title,
            "status": self.status,
            "submitted_at": self.submitted_at,
            "reasons": list(self.reasons),
        }


@dataclass
class PublishingState:
    """What the write side remembers; the control API steers it (reset clears most of it)."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    writes: list[dict[str, object]] = field(default_factory=list)
    promotions: list[Promotion] = field(default_factory=list)
    failing: dict[str, dict[str, str]] = field(default_factory=dict)  # product -> sku -> reason
    update_locks: dict[str, int] = field(default_factory=dict)  # product -> calls left
    reviews: dict[str, Review] = field(default_factory=dict)
    review_mode: str = DEFAULT_REVIEW_MODE
    review_delay: float = DEFAULT_REVIEW_DELAY
    integration_locked: bool = False
    # The hazards' results (never reset: they are product state, like edits).
    deleted_skus: dict[str, set[str]] = field(default_factory=dict)
    hidden_on_tokopedia: set[str] = field(default_factory=set)

    def reset(self) -> None:
        with self.lock:
            self.writes.clear()
            self.promotions.clear()
            self.failing.clear()
            self.update_locks.clear()
            self.review_mode, self.review_delay = DEFAULT_REVIEW_MODE, DEFAULT_REVIEW_DELAY
            self.integration_locked = False


def sku_ids(listing: Listing) -> list[str]:
    """The SKU ids of a listing in payload order (tiktok_payloads._skus numbers them so)."""
    count = len(listing.spec.variants) or 1
    return [str(listing.product_id * 1000 + number) for number in range(count)]


class TikTokWritesMixin:
    """The write endpoints of TikTokSandbox, and the hooks its payload builders read.

    Relies on the sandbox's catalog, its `publishing` state, its request check (`_verify`) and
    its SKU payload builder (`_skus`).
    """

    # --- hooks for reads ---------------------------------------------------------------------
    def settle_reviews(self) -> None:
        """Pending reviews settle by themselves under the review mode, checked lazily here."""
        state: PublishingState = self.publishing
        if state.review_mode == "manual":
            return
        now = time.time()
        with state.lock:
            due = [
                product_id
                for product_id, review in state.reviews.items()
                if review.status == "AUDITING" and now >= review.submitted_at + state.review_delay
            ]
            for product_id in due:
                self.decide_review(product_id, state.review_mode, DEFAULT_REJECT_REASON)

    def decide_review(self, product_id: str, decision: str, reason: str) -> Review:
        state: PublishingState = self.publishing
        with state.lock:
            review = state.reviews.get(product_id)
            if review is None or review.status != "AUDITING":
                raise ValueError(f"product {product_id} has no content edit under review")
            index = self._index(product_id)
            if decision == "approve":
                review.status = "APPROVED"
                self.catalog.edit(index, title=review.title)  # v2 goes live
            elif decision == "reject":
                review.status, review.reasons = "FAILED", (reason or DEFAULT_REJECT_REASON,)
                self.catalog.edit(index)  # v1 stays; the audit status still changed
            else:
                raise ValueError("decision is approve or reject")
            return review

    def audit_payload(self, product_id: str) -> dict[str, object]:
        review = self.publishing.reviews.get(product_id)
        if review is None or review.status == "APPROVED":
            return {"status": "APPROVED", "pre_approved_reasons": []}
        if review.status == "AUDITING":
            return {"status": "AUDITING"}
        return {
            "status": "FAILED",
            "audit_failed_reasons": [
                {
                    "listing_platform": "TIKTOK_SHOP",
                    "position": "product",
                    "reasons": list(review.reasons),
                    "suggestions": ["Edit the product title so it follows the listing rules."],
                }
            ],
        }

    def review_title(self, product_id: str) -> str | None:
        """The title waiting for review (what return_under_review_version shows)."""
        review = self.publishing.reviews.get(product_id)
        return review.title if review and review.status == "AUDITING" else None

    def deleted_skus(self, product_id: str) -> set[str]:
        return self.publishing.deleted_skus.get(product_id, set())

    def hidden_on_tokopedia(self, product_id: str) -> bool:
        return product_id in self.publishing.hidden_on_tokopedia

    # --- shared checks -----------------------------------------------------------------------
    def _index(self, product_id: str) -> int:
        index = self.catalog.index_of(product_id)
        if index is None:
            raise KeyError(f"no product {product_id}")
        return index

    def _write_target(self, request: SandboxRequest, pattern: re.Pattern[str]) -> Listing:
        """The product a write call names, after the gateway checks and any update lock."""
        self._verify(request, needs_cipher=True)
        product_id = pattern.match(request.path)["product_id"]
        index = self.catalog.index_of(product_id)
        if index is None:
            raise TikTokError(12052032, "product does not exist", 200)
        state: PublishingState = self.publishing
        with state.lock:
            left = state.update_locks.get(product_id, 0)
            if left > 0:
                # Transient: the product is being updated elsewhere; nothing is applied.
                state.update_locks[product_id] = left - 1
                raise TikTokError(36009003, "Internal error, please try again", 200)
        return self.catalog.listing(index)

    @staticmethod
    def _body(request: SandboxRequest) -> dict[str, object]:
        try:
            body = json.loads(request.body or b"{}")
        except ValueError as exc:
            raise TikTokError(12052910, "invalid params: the body is not JSON", 200) from exc
        if not isinstance(body, dict):
            raise TikTokError(12052910, "invalid params: the body is not an object", 200)
        return body

    def _log(self, product_id: str, variant_id: str, kind: str, value: str) -> None:
        self.publishing.writes.append(
            {
                "product_id": product_id,
                "variant_id": variant_id,
                "kind": kind,
                "value": value,
                "at": int(time.time()),
            }
        )

    # --- Update Price ------------------------------------------------------------------------
    def update_prices(self, request: SandboxRequest) -> dict[str, object]:
        listing = self._write_target(request, PRICES_PATH)
        product_id = str(listing.product_id)
        skus = self._body(request).get("skus")
        if not isinstance(skus, list) or not skus:
            raise TikTokError(12052902, "SKU list is empty", 200)
        # Tokopedia-only products ("-") have no TikTok status; they are live on Tokopedia.
        if listing.status not in ("ACTIVATE", "-"):
            raise TikTokError(
                12052901,
                "The product in its current status is not available for this operation.",
                200,
            )
        own = sku_ids(listing)
        live = [sku for sku in own if sku not in self.deleted_skus(product_id)]
        amounts: dict[str, int] = {}
        for sku in skus:
            if not isinstance(sku, dict) or not isinstance(sku.get("id"), str):
                raise TikTokError(12052910, "invalid params: skus[].id must be a string", 200)
            sku_id = sku["id"]
            if sku_id not in live:
                raise TikTokError(12052557, f"SKU {sku_id} does not belong to this product", 200)
            if sku_id in amounts:
                raise TikTokError(12052553, f"Sku id duplicate: {sku_id}", 200)
            if "list_price" in sku or "external_list_prices" in sku:
                raise TikTokError(12052376, "list price not support", 200)
            price = sku.get("price")
            if not isinstance(price, dict):
                raise TikTokError(12052012, "Incorrect price format", 200)
            if price.get("currency") != "IDR":
                raise TikTokError(12052084, "currency not available for this shop/region", 200)
            amount = price.get("amount")
            if not isinstance(amount, str) or not _WHOLE_NUMBER.match(amount) or int(amount) <= 0:
                raise TikTokError(12052012, "Incorrect price format", 200)
            amounts[sku_id] = int(amount)
        state: PublishingState = self.publishing
        now = time.time()
        with state.lock:
            state.promotions[:] = [p for p in state.promotions if p.end > now]
            requested = list(amounts)
            if any(
                p.product_id == product_id and p.covers(requested, now) for p in state.promotions
            ):
                raise TikTokError(12052038, "Product price locked due to ongoing promotion.", 200)
            failing = state.failing.get(product_id, {})
            refused = next((sku for sku in requested if sku in failing), None)
            if refused is not None:
                raise TikTokError(12052570, failing[refused] or "product price exceed limit", 200)
            # All or nothing: every check passed, apply every SKU.
            self.catalog.edit(
                listing.index, prices={own.index(sku): value for sku, value in amounts.items()}
            )
            for sku_id, value in amounts.items():
                self._log(product_id, sku_id, "price", str(value))
        return {}

    # --- Partial Edit ------------------------------------------------------------------------
    def partial_edit(self, request: SandboxRequest) -> dict[str, object]:
        listing = self._write_target(request, PARTIAL_EDIT_PATH)
        product_id = str(listing.product_id)
        body = self._body(request)
        if not body:
            raise TikTokError(12052910, "invalid params: nothing to edit", 200)
        if listing.status in ("FREEZE", "DELETED"):
            raise TikTokError(
                12052901,
                "The product in its current status is not available for this operation.",
                200,
            )
        state: PublishingState = self.publishing
        if state.integration_locked:
            raise TikTokError(
                12052332,
                "The seller center is locked during shop integration, only editing stock and "
                "price is allowed",
                200,
            )
        title = body.get("title")
        if "title" in body:
            title = _checked_title(title)
        self.settle_reviews()
        with state.lock:
            self._hazards(listing, body)
            fields = ("id", "seller_sku", "sales_attributes")
            answer: dict[str, object] = {
                "product_id": product_id,
                "skus": [
                    {name: sku[name] for name in fields} for sku in self._skus(listing, detail=True)
                ],
            }
            if not any(name in body for name in _CONTENT_FIELDS):
                self.catalog.edit(listing.index)
                return answer
            if title is not None:
                self._log(product_id, "", "title", title)
            if listing.status == "-":
                # Tokopedia-only: no TikTok audit, the edit is live at once.
                self.catalog.edit(listing.index, title=title)
                return answer
            pending = self.publishing.reviews.get(product_id)
            base = pending.title if pending and pending.status == "AUDITING" else listing.title
            state.reviews[product_id] = Review(title or base, time.time())
            self.catalog.edit(listing.index)  # the audit status changed, the title did not
            answer["audit"] = {"status": "AUDITING"}
            return answer

    def _hazards(self, listing: Listing, body: dict[str, object]) -> None:
        """What the documented traps do to a product (a careful writer never sends them)."""
        product_id = str(listing.product_id)
        skus = body.get("skus")
        if isinstance(skus, list):
            kept = {str(sku.get("id")) for sku in skus if isinstance(sku, dict)}
            gone = {sku for sku in sku_ids(listing) if sku not in kept}
            self.publishing.deleted_skus.setdefault(product_id, set()).update(gone)
        platforms = body.get("listing_platforms")
        if isinstance(platforms, list) and listing.on_tokopedia and "TOKOPEDIA" not in platforms:
            self.publishing.hidden_on_tokopedia.add(product_id)


def _checked_title(title: object) -> str:
    """A title as Partial Edit validates it (ID: 25-255 characters, no Chinese)."""
    if not isinstance(title, str):
        raise TikTokError(12052910, "invalid params: title must be a string", 200)
    if not title.strip():
        raise TikTokError(12052261, "product name is empty", 200)
    if _CHINESE.search(title):
        raise TikTokError(12052262, "Chinese characters are not supported in product name", 200)
    if len(title) > TITLE_MAX:
        raise TikTokError(12052051, "product name exceed max limit", 200)
    if len(title) < TITLE_MIN:
        raise TikTokError(
            12052931,
            f"The product title does not follow the formatting rules: it needs {TITLE_MIN} to "
            f"{TITLE_MAX} characters.",
            200,
        )
    return title

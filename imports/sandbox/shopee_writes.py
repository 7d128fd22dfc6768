"""Shopee sandbox write endpoints: update_price, update_item, get_item_promotion.

Behaviour follows shared/marketplaces/publishing.md §1: one item per call, 1-50 models,
partial success through success_list/failure_list, whole rupiah for ID, the shop's
price_limit, the 7x spread of an item's model prices (ID), promotion locks (upcoming and
ongoing promotions lock both the price and the name) and the "get update lock failed" refusal.

The control half (publishing_control / publishing_state in shopee.py, served at
/_sandbox/publishing) is how tests play the seller and Shopee: Seller Center edits, promotions,
refused models, update locks, review and the shop's limits; the write log proves each change
was applied once.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from imports.sandbox.catalog import Listing
from imports.sandbox.http import SandboxRequest
from imports.sandbox.shopee_auth import ShopeeError

MAX_PRICES_PER_CALL = 50
MAX_SPREAD = 7  # most expensive / cheapest model of one item (ID and MY)
# Statuses Shopee refuses every edit in (error_item_uneditable).
UNEDITABLE = {"BANNED", "SELLER_DELETE", "SHOPEE_DELETE"}
PROMOTION_PRICE_LOCK = (
    "error_in_item_promotion_item_price_lock: Can't update price when item is under promotion."
)
SPREAD_REASON = (
    "error_price_spread: The price of the most expensive model cannot exceed "
    f"{MAX_SPREAD} times the price of the cheapest model."
)
DEFAULT_FAILURE = "Update price failed, this model can not be edited now."
LOCK_ERROR = ShopeeError(
    "product.error_busi_update_item_failed", "get update lock failed, please try again later"
)


@dataclass
class Promotion:
    promotion_id: int
    item_id: int
    start: int
    end: int
    model_ids: tuple[int, ...] | None  # None: the whole item (every model)

    def covers(self, model_id: int) -> bool:
        return self.model_ids is None or model_id in self.model_ids

    def as_dict(self, now: float) -> dict[str, object]:
        return {
            "product_id": str(self.item_id),
            "promotion_id": self.promotion_id,
            "start": self.start,
            "end": self.end,
            "variant_ids": None if self.model_ids is None else [str(m) for m in self.model_ids],
            "staging": "upcoming" if now < self.start else "ongoing",
        }


@dataclass
class PublishingState:
    """What the control API set up, and every change the write endpoints applied."""

    promotions: list[Promotion] = field(default_factory=list)
    failures: dict[tuple[int, int], str] = field(default_factory=dict)  # (item, model) -> reason
    locks: dict[int, int] = field(default_factory=dict)  # item -> write calls left to refuse
    reviews: set[int] = field(default_factory=set)  # items whose title edits go to REVIEWING
    # Titles before the edit that sent an item to review (a rejection restores them).
    reviewed_titles: dict[int, str] = field(default_factory=dict)
    descriptions: dict[int, str] = field(default_factory=dict)  # index -> written description
    writes: list[dict[str, object]] = field(default_factory=list)
    ids: itertools.count = field(default_factory=lambda: itertools.count(649_305_216_139_969))
    lock: threading.Lock = field(default_factory=threading.Lock)


def _whole(value: object) -> int | None:
    """The whole rupiah of a JSON number, None when it has decimals or is not positive."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ShopeeError("error_param", "Wrong parameters, detail: original_price is a number")
    number = Decimal(str(value))
    if number <= 0 or number != number.to_integral_value():
        return None
    return int(number)


class ShopeeWritesMixin:
    """The write endpoints and publishing controls of ShopeeSandbox.

    Relies on the sandbox's catalog, publishing state, price_min/price_max/item_name_max, its
    gateway check (`_verify_shop`), `_ok` envelope, `_item_ids` and payload builders
    (`base_info`, `model_prices`).
    """

    # --- helpers ---------------------------------------------------------------------------
    def _now(self) -> int:
        return int(time.time())

    def _live_promotions(self, item_id: int) -> list[Promotion]:
        """The item's upcoming and ongoing promotions; ended ones are dropped for good."""
        now = self._now()
        state = self.publishing
        with state.lock:
            state.promotions = [p for p in state.promotions if p.end > now]
            return [p for p in state.promotions if p.item_id == item_id]

    def _editable(self, item_id: object) -> tuple[int, Listing]:
        """The listing an edit names, refused as Shopee refuses unknown or dead items."""
        if item_id in (None, ""):
            raise ShopeeError("error_param", "Wrong parameters, detail: item_id is required")
        index = self.catalog.index_of(item_id)
        if index is None:
            raise ShopeeError("product.error_item_not_found", "Item_id is not found")
        listing = self.catalog.listing(index)
        if listing.status in UNEDITABLE:
            raise ShopeeError(
                "product.error_item_uneditable", "item status can not support editing"
            )
        return index, listing

    def _take_update_lock(self, item_id: int) -> None:
        """Refuse this call when the control API queued "update lock" failures for the item."""
        state = self.publishing
        with state.lock:
            left = state.locks.get(item_id, 0)
            if left > 0:
                state.locks[item_id] = left - 1
                raise LOCK_ERROR

    def _log(self, item_id: int, variant_id: str, kind: str, value: object) -> None:
        entry = {
            "product_id": str(item_id),
            "variant_id": variant_id,
            "kind": kind,
            "value": str(value),
            "at": self._now(),
        }
        with self.publishing.lock:
            self.publishing.writes.append(entry)

    @staticmethod
    def _body_of(request: SandboxRequest) -> dict[str, Any]:
        try:
            body = request.json_body()
        except ValueError as exc:
            raise ShopeeError("error_param", "Wrong parameters, detail: body is not JSON") from exc
        if not isinstance(body, dict):
            raise ShopeeError("error_param", "Wrong parameters, detail: body is an object")
        return body

    # --- POST /api/v2/product/update_price -------------------------------------------------
    def update_price(self, request: SandboxRequest) -> dict[str, object]:
        self._verify_shop(request)
        body = self._body_of(request)
        price_list = body.get("price_list")
        if not isinstance(price_list, list) or not 1 <= len(price_list) <= MAX_PRICES_PER_CALL:
            raise ShopeeError(
                "error_param", "Wrong parameters, detail: price_list length should be in [1,50]"
            )
        index, listing = self._editable(body.get("item_id"))
        item_id = listing.product_id
        self._take_update_lock(item_id)
        current = self.model_prices(listing)  # model_id -> price now (0 without models)
        has_model = bool(listing.spec.variants)
        wanted: dict[int, int | None] = {}
        for entry in price_list:
            if not isinstance(entry, dict):
                raise ShopeeError("error_param", "Wrong parameters, detail: price_list")
            try:
                model_id = int(entry.get("model_id") or 0)
            except (TypeError, ValueError) as exc:
                raise ShopeeError("product.error_param", "Wrong model_id.") from exc
            if has_model and model_id == 0:
                raise ShopeeError(
                    "product.error_edit_item_price_for_item_has_model",
                    "Can't edit item price directly while item has models.",
                )
            if model_id in wanted:
                raise ShopeeError("product.error_param", "Repeat model_id.")
            if model_id not in current:
                raise ShopeeError("product.error_param", "Wrong model_id.")
            wanted[model_id] = _whole(entry.get("original_price"))
        if any(price is None for price in wanted.values()):
            raise ShopeeError(
                "product.error_invalid_price", "Invalid price, please use the correct format."
            )
        promotions = self._live_promotions(item_id)
        if not has_model and promotions:
            raise ShopeeError(
                "product.error_cannt_edit_price_in_promotion",
                "Original_price cannot be edited when item is under promotion.",
            )
        failures: dict[int, str] = {}
        accepted: dict[int, int] = {}
        for model_id, price in wanted.items():
            assert price is not None
            reason = self.publishing.failures.get((item_id, model_id))
            if reason is None and any(p.covers(model_id) for p in promotions):
                reason = PROMOTION_PRICE_LOCK
            if reason is None and price < self.price_min:
                reason = (
                    "error_price_exceed_min_limitt: Price is lower than the minimum "
                    f"price limit {self.price_min}."
                )
            if reason is None and price > self.price_max:
                reason = (
                    "error_price_exceed_max_limitt: Price is higher than the maximum "
                    f"price limit {self.price_max}."
                )
            if reason is None:
                accepted[model_id] = price
            else:
                failures[model_id] = reason
        resulting = {**current, **accepted}
        if (
            has_model
            and accepted
            and max(resulting.values()) > MAX_SPREAD * min(resulting.values())
        ):
            failures.update(dict.fromkeys(accepted, SPREAD_REASON))
            accepted = {}
        if accepted:
            base = item_id * 100
            self.catalog.edit(index, prices={m - base if m else 0: p for m, p in accepted.items()})
            for model_id, price in accepted.items():
                self._log(item_id, str(model_id) if model_id else "", "price", price)
        return self._ok(
            {
                "success_list": [
                    {"model_id": model_id, "original_price": price}
                    for model_id, price in accepted.items()
                ],
                "failure_list": [
                    {"model_id": model_id, "failed_reason": reason}
                    for model_id, reason in failures.items()
                ],
            }
        )

    # --- POST /api/v2/product/update_item --------------------------------------------------
    def update_item(self, request: SandboxRequest) -> dict[str, object]:
        self._verify_shop(request)
        body = self._body_of(request)
        index, listing = self._editable(body.get("item_id"))
        item_id = listing.product_id
        self._take_update_lock(item_id)
        name = body.get("item_name")
        description = body.get("description")
        if name is not None:
            if not isinstance(name, str) or not name.strip():
                raise ShopeeError("product.error_item_name_empty", "Item name is empty.")
            if len(name) > self.item_name_max:
                raise ShopeeError(
                    "product.error_title_exceeds_max_length",
                    f"Item name should not exceed {self.item_name_max} characters.",
                )
        if description is not None and not isinstance(description, str):
            raise ShopeeError("error_param", "Wrong parameters, detail: description is a string")
        if self._live_promotions(item_id):
            if name is not None:
                raise ShopeeError(
                    "product.error_cannt_edit_name_in_promotion",
                    "Item_name cannot be edited when item is under promotion",
                )
            if description is not None:
                raise ShopeeError(
                    "product.error_cannt_edit_description_in_promotion",
                    "Description cannot be edited when item is under promotion",
                )
        if description is not None:
            with self.publishing.lock:
                self.publishing.descriptions[index] = description
        if name is not None:
            self.catalog.edit(index, title=name)
            self._log(item_id, "", "title", name)
            if item_id in self.publishing.reviews:
                self._send_to_review(index, item_id, listing.title)
        if description is not None and name is None:
            self.catalog.edit(index)  # only the update time moves
        item = self.base_info(self.catalog.listing(index), request.base_url)
        echoed = (
            "item_id",
            "item_name",
            "description",
            "item_status",
            "category_id",
            "image",
            "logistic_info",
            "dimension",
            "weight",
            "pre_order",
            "brand",
            "description_type",
        )
        return self._ok({key: item[key] for key in echoed if key in item})

    def _send_to_review(self, index: int, item_id: int, old_title: str) -> None:
        with self.catalog.lock:
            self.catalog.listings.changes[index].listing_class = "REVIEWING"
        with self.publishing.lock:
            self.publishing.reviewed_titles.setdefault(item_id, old_title)

    # --- GET /api/v2/product/get_item_promotion --------------------------------------------
    def get_item_promotion(self, request: SandboxRequest) -> dict[str, object]:
        self._verify_shop(request)
        now = self._now()
        found, missing = [], []
        for raw in self._item_ids(request):
            index = self.catalog.index_of(raw)
            if index is None:
                missing.append(
                    {
                        "item_id": int(raw) if raw.isdigit() else raw,
                        "failed_reason": "item not found",
                    }
                )
                continue
            listing = self.catalog.listing(index)
            item_id = listing.product_id
            models = [m for m in self.model_prices(listing) if m]
            entries = []
            for promotion in self._live_promotions(item_id):
                covered = [m for m in models if promotion.covers(m)] or [0]
                entries += [
                    {
                        "promotion_type": "Discount Promotions",
                        "promotion_id": promotion.promotion_id,
                        "model_id": model_id,
                        "start_time": promotion.start,
                        "end_time": promotion.end,
                        "promotion_staging": "upcoming" if now < promotion.start else "ongoing",
                    }
                    for model_id in covered
                ]
            found.append({"item_id": item_id, "promotion": entries})
        return self._ok({"success_list": found, "failure_list": missing})

"""Shopee Open Platform v2, served from the sandbox: the server class, dispatch and shop info.

Shapes, parameter names, error codes and quirks follow shared/marketplaces/shopee.md. The
endpoints live in mixins by what they do: gateway checks and authorization in shopee_auth,
product reads in shopee_products, item and model payloads in shopee_payloads, the write
endpoints and their control API in shopee_writes. Token endpoints and get_shop_info have no
`response` wrapper.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from imports.sandbox.auth import TokenAuthority
from imports.sandbox.catalog import Listing, ShopCatalog
from imports.sandbox.categories import CATEGORY_IDS, category_ids
from imports.sandbox.http import SandboxRequest, SandboxResponse, request_id
from imports.sandbox.shopee_auth import (
    CODE_LIFETIME,
    SMS_CODE,
    TIMESTAMP_WINDOW,
    ShopeeAuthMixin,
    ShopeeError,
)
from imports.sandbox.shopee_payloads import ShopeePayloadsMixin
from imports.sandbox.shopee_products import (
    CATEGORY_NAMES_EN,
    ITEM_STATUSES,
    MAX_IDS_PER_CALL,
    ShopeeProductsMixin,
)
from imports.sandbox.shopee_writes import (
    DEFAULT_FAILURE,
    Promotion,
    PublishingState,
    ShopeeWritesMixin,
)

# Names moved to the split-out modules stay importable from here.
__all__ = [
    "CATEGORY_IDS",
    "CATEGORY_NAMES_EN",
    "CODE_LIFETIME",
    "ITEM_STATUSES",
    "MAX_IDS_PER_CALL",
    "SMS_CODE",
    "TIMESTAMP_WINDOW",
    "ShopeeError",
    "ShopeeSandbox",
    "category_ids",
]


@dataclass
class ShopeeSandbox(ShopeeAuthMixin, ShopeeProductsMixin, ShopeePayloadsMixin, ShopeeWritesMixin):
    catalog: ShopCatalog
    authority: TokenAuthority
    partner_id: int = 2001887
    partner_key: str = "shpk-sandbox-partner-key"
    shop_id: int = 14701711
    shop_name: str = "Toko Sandbox Shopee"
    access_lifetime: float = 14_400
    refresh_lifetime: float = 30 * 86_400
    offset_cap: int = 10_000
    item_name_max: int = 100
    # get_item_limit's price_limit: the whole-rupiah range update_price accepts.
    price_min: int = 100
    price_max: int = 150_000_000
    publishing: PublishingState = field(default_factory=PublishingState)
    routes: dict[tuple[str, str], Callable] = field(init=False)

    def __post_init__(self) -> None:
        self.routes = {
            ("GET", "/api/v2/shop/auth_partner"): self.auth_partner_page,
            ("POST", "/api/v2/shop/auth_partner"): self.auth_partner_confirm,
            ("POST", "/api/v2/auth/token/get"): self.token_get,
            ("POST", "/api/v2/auth/access_token/get"): self.access_token_get,
            ("GET", "/api/v2/shop/get_shop_info"): self.get_shop_info,
            ("GET", "/api/v2/product/get_item_list"): self.get_item_list,
            ("GET", "/api/v2/product/get_item_base_info"): self.get_item_base_info,
            ("GET", "/api/v2/product/get_model_list"): self.get_model_list,
            ("GET", "/api/v2/product/get_category"): self.get_category,
            ("GET", "/api/v2/product/get_item_limit"): self.get_item_limit,
            ("GET", "/api/v2/product/get_item_promotion"): self.get_item_promotion,
            ("POST", "/api/v2/product/update_price"): self.update_price,
            ("POST", "/api/v2/product/update_item"): self.update_item,
        }

    # --- dispatch ----------------------------------------------------------------------------
    def handle(self, request: SandboxRequest) -> SandboxResponse:
        handler = self.routes.get((request.method, request.path))
        if handler is None:
            return self._error(ShopeeError("error_not_found", "Wrong api path.", 404))
        try:
            data = handler(request)
        except ShopeeError as exc:
            return self._error(exc)
        if isinstance(data, SandboxResponse):
            return data
        return SandboxResponse.json(200, data)

    def _error(self, exc: ShopeeError) -> SandboxResponse:
        return SandboxResponse.json(
            exc.status, {"request_id": request_id(), "error": exc.error, "message": exc.message}
        )

    def fault_response(self, kind: str) -> SandboxResponse:
        if kind == "rate_limit":
            return self._error(
                ShopeeError("error_server", "Too many requests, please try again later", 429)
            )
        if kind == "server_error":
            return self._error(
                ShopeeError("error_inner", "System error, please try again later.", 500)
            )
        return self._error(
            ShopeeError(
                "product.error_system_busy",
                "Our system is taking some time to respond, please try later.",
            )
        )

    @staticmethod
    def _ok(response: object, warning: str = "") -> dict[str, object]:
        return {
            "error": "",
            "message": "",
            "warning": warning,
            "request_id": request_id(),
            "response": response,
        }

    # --- shop --------------------------------------------------------------------------------
    def get_shop_info(self, request: SandboxRequest) -> dict[str, object]:
        self._verify_shop(request)
        now = int(self.authority.clock())
        return {
            "shop_name": self.shop_name,
            "region": "ID",
            "status": "NORMAL",
            "is_cb": False,
            "is_sip": False,
            "auth_time": now - 86_400,
            "expire_time": now + 364 * 86_400,
            "merchant_id": None,
            "request_id": request_id(),
            "error": "",
            "message": "",
        }

    # --- the control API (/_sandbox/publishing) --------------------------------------------
    def publishing_state(self) -> dict[str, object]:
        now = self._now()
        state = self.publishing
        with state.lock:
            state.promotions = [p for p in state.promotions if p.end > now]
            return {
                "writes": list(state.writes),
                "promotions": [p.as_dict(now) for p in state.promotions],
                "failures": [
                    {
                        "product_id": str(item),
                        "variant_id": str(model) if model else "",
                        "reason": reason,
                    }
                    for (item, model), reason in state.failures.items()
                ],
                "locks": {str(item): left for item, left in state.locks.items() if left},
                "reviews": sorted(str(item) for item in state.reviews),
                "item_limit": {
                    "min_price": self.price_min,
                    "max_price": self.price_max,
                    "title_max": self.item_name_max,
                },
            }

    def publishing_control(self, body: dict[str, Any]) -> dict[str, object]:
        action = body.get("action")
        handler = {
            "edit": self._control_edit,
            "promotion": self._control_promotion,
            "fail_variant": self._control_fail_variant,
            "update_lock": self._control_update_lock,
            "reset": self._control_reset,
            "item_limit": self._control_item_limit,
            "review": self._control_review,
            "review_done": self._control_review_done,
        }.get(action)
        if handler is None:
            raise ValueError(f"unknown publishing action {action!r}")
        return handler(body)

    def _control_listing(self, body: dict[str, Any]) -> tuple[int, Listing]:
        index = self.catalog.index_of(body["product_id"])
        if index is None:
            raise ValueError(f"no Shopee item {body['product_id']!r}")
        return index, self.catalog.listing(index)

    def _model_id(self, listing: Listing, variant_id: object) -> int:
        """A control API variant id ("" without models) as the item's model_id (0 without)."""
        models = self.model_prices(listing)
        model_id = int(variant_id) if str(variant_id).strip() else 0
        if model_id not in models:
            raise ValueError(f"item {listing.product_id} has no variant {variant_id!r}")
        return model_id

    def _control_edit(self, body: dict[str, Any]) -> dict[str, object]:
        index, listing = self._control_listing(body)
        title = body.get("title")
        if title is not None and not isinstance(title, str):
            raise ValueError("title is a string")
        if not isinstance(body.get("prices") or {}, dict):
            raise ValueError("prices maps variant ids to whole rupiah")
        prices: dict[int, int] = {}
        for variant_id, price in (body.get("prices") or {}).items():
            model_id = self._model_id(listing, variant_id)
            prices[model_id - listing.product_id * 100 if model_id else 0] = int(price)
        self.catalog.edit(index, title=title, prices=prices)
        return {
            "product_id": str(listing.product_id),
            "update_time": self.catalog.listings.update_time(index),
        }

    def _control_promotion(self, body: dict[str, Any]) -> dict[str, object]:
        _index, listing = self._control_listing(body)
        start, end = int(body["start"]), int(body["end"])
        if end <= start:
            raise ValueError("a promotion ends after it starts")
        variant_ids = body.get("variant_ids")
        models = None
        if variant_ids is not None:
            if not isinstance(variant_ids, list) or not variant_ids:
                raise ValueError("variant_ids is a non-empty list")
            models = tuple(self._model_id(listing, v) for v in variant_ids)
        state = self.publishing
        with state.lock:
            promotion = Promotion(next(state.ids), listing.product_id, start, end, models)
            state.promotions.append(promotion)
        return promotion.as_dict(self._now())

    def _control_fail_variant(self, body: dict[str, Any]) -> dict[str, object]:
        _index, listing = self._control_listing(body)
        model_id = self._model_id(listing, body["variant_id"])
        reason = str(body.get("reason") or DEFAULT_FAILURE)
        with self.publishing.lock:
            self.publishing.failures[(listing.product_id, model_id)] = reason
        return {
            "product_id": str(listing.product_id),
            "variant_id": str(body["variant_id"]),
            "reason": reason,
        }

    def _control_update_lock(self, body: dict[str, Any]) -> dict[str, object]:
        _index, listing = self._control_listing(body)
        calls = int(body["calls"])
        if calls < 0:
            raise ValueError("calls is not negative")
        with self.publishing.lock:
            self.publishing.locks[listing.product_id] = calls
        return {"product_id": str(listing.product_id), "calls": calls}

    def _control_reset(self, body: dict[str, Any]) -> dict[str, object]:
        state = self.publishing
        with state.lock:
            state.promotions.clear()
            state.failures.clear()
            state.locks.clear()
            state.reviews.clear()
            state.reviewed_titles.clear()
            state.writes.clear()
        return {"reset": True}

    def _control_item_limit(self, body: dict[str, Any]) -> dict[str, object]:
        low = int(body.get("min_price", self.price_min))
        high = int(body.get("max_price", self.price_max))
        title_max = int(body.get("title_max", self.item_name_max))
        if not 0 < low <= high or title_max < 1:
            raise ValueError("need 0 < min_price <= max_price and title_max >= 1")
        self.price_min, self.price_max, self.item_name_max = low, high, title_max
        return {"min_price": low, "max_price": high, "title_max": title_max}

    def _control_review(self, body: dict[str, Any]) -> dict[str, object]:
        """From now on, a title written to this item sends it to REVIEWING."""
        _index, listing = self._control_listing(body)
        with self.publishing.lock:
            self.publishing.reviews.add(listing.product_id)
        return {"product_id": str(listing.product_id), "review": True}

    def _control_review_done(self, body: dict[str, Any]) -> dict[str, object]:
        """Shopee finished reviewing: NORMAL again; a rejection puts the old title back."""
        index, listing = self._control_listing(body)
        approve = bool(body.get("approve", True))
        with self.publishing.lock:
            self.publishing.reviews.discard(listing.product_id)
            old_title = self.publishing.reviewed_titles.pop(listing.product_id, None)
        self.catalog.edit(index, title=None if approve else old_title)
        with self.catalog.lock:
            self.catalog.listings.changes[index].listing_class = "NORMAL"
        return {"product_id": str(listing.product_id), "approved": approve}

"""TikTok Shop Open API (202309+), served from the sandbox: the server class, dispatch and shops.

Follows shared/marketplaces/tiktok.md: `{code, message, request_id, data}` envelopes around
every open API answer. The endpoints live in mixins by what they do: request checks and
authorization in tiktok_auth, categories and product reads in tiktok_products, search and
detail payloads in tiktok_payloads, price and title writes in tiktok_writes. The publishing
control API (`publishing_state`, `publishing_control`) is here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from imports.sandbox.auth import TokenAuthority
from imports.sandbox.catalog import Listing, ShopCatalog
from imports.sandbox.categories import CATEGORY_IDS
from imports.sandbox.http import SandboxRequest, SandboxResponse, request_id
from imports.sandbox.tiktok_auth import CODE_LIFETIME, TikTokAuthMixin, TikTokError
from imports.sandbox.tiktok_payloads import TikTokPayloadsMixin
from imports.sandbox.tiktok_products import (
    PRODUCT_PATH,
    RESULT_CAP,
    SEARCH_PATH,
    SEARCH_STATUSES,
    SEARCH_VERSIONS,
    TikTokProductsMixin,
)
from imports.sandbox.tiktok_writes import (
    PARTIAL_EDIT_PATH,
    PRICES_PATH,
    REVIEW_MODES,
    Promotion,
    PublishingState,
    TikTokWritesMixin,
    sku_ids,
    write_endpoint_name,
)

# Names moved to the split-out modules stay importable from here.
__all__ = [
    "CATEGORY_IDS",
    "CODE_LIFETIME",
    "PARTIAL_EDIT_PATH",
    "PRICES_PATH",
    "PRODUCT_PATH",
    "RESULT_CAP",
    "SEARCH_PATH",
    "SEARCH_STATUSES",
    "SEARCH_VERSIONS",
    "TikTokError",
    "TikTokSandbox",
    "write_endpoint_name",
]


@dataclass
class TikTokSandbox(TikTokAuthMixin, TikTokProductsMixin, TikTokPayloadsMixin, TikTokWritesMixin):
    catalog: ShopCatalog
    authority: TokenAuthority
    app_key: str = "6a1sandbox0app"
    app_secret: str = "tts-sandbox-app-secret"  # noqa: S105 - the sandbox's own demo app
    service_id: str = "7312345678901234567"
    shop_id: str = "7494060412011317000"
    shop_cipher: str = "ROW_sandboxCipherIDLocal01"
    shop_name: str = "Toko Sandbox TikTok"
    redirect_uri: str = ""
    access_lifetime: float = 7 * 86_400
    refresh_lifetime: float = 365 * 86_400
    shop_number: int = 1
    result_cap: int = RESULT_CAP  # search results reachable by paging (control API: /paging)
    routes: dict[tuple[str, str], Callable] = field(init=False)
    publishing: PublishingState = field(default_factory=PublishingState)

    def __post_init__(self) -> None:
        self.routes = {
            ("GET", "/authorization/202309/shops"): self.authorized_shops,
            ("GET", "/product/202309/categories"): self.categories,
        }

    # --- envelopes ---------------------------------------------------------------------------
    @staticmethod
    def _envelope(data: object) -> dict[str, object]:
        return {"code": 0, "message": "Success", "request_id": request_id(), "data": data}

    @staticmethod
    def _error(exc: TikTokError) -> SandboxResponse:
        return SandboxResponse.json(
            exc.status,
            {"code": exc.code, "message": exc.message, "request_id": request_id(), "data": None},
        )

    def fault_response(self, kind: str) -> SandboxResponse:
        if kind == "rate_limit":
            return self._error(
                TikTokError(
                    36009002,
                    "Too many requests. You've made too many requests in a short period of time.",
                    429,
                )
            )
        if kind == "server_error":
            return self._error(TikTokError(36009003, "Internal error, please retry.", 500))
        return self._error(TikTokError(36009007, "Request timeout, please retry.", 503))

    # --- open API dispatch -------------------------------------------------------------------
    def handle(self, request: SandboxRequest) -> SandboxResponse:
        try:
            match = SEARCH_PATH.match(request.path)
            if match and request.method == "POST":
                handler: Callable = self.search
            elif PRODUCT_PATH.match(request.path) and request.method == "GET":
                handler = self.product_detail
            elif PRICES_PATH.match(request.path) and request.method == "POST":
                handler = self.update_prices
            elif PARTIAL_EDIT_PATH.match(request.path) and request.method == "POST":
                handler = self.partial_edit
            else:
                handler = self.routes.get((request.method, request.path))  # type: ignore[assignment]
            if handler is None:
                raise TikTokError(36009009, "Invalid path. Please check the API path.", 404)
            return SandboxResponse.json(200, self._envelope(handler(request)))
        except TikTokError as exc:
            return self._error(exc)

    # --- shops and categories ----------------------------------------------------------------
    def authorized_shops(self, request: SandboxRequest) -> dict[str, object]:
        self._verify(request, needs_cipher=False)
        return {
            "shops": [
                {
                    "id": self.shop_id,
                    "name": self.shop_name,
                    "region": "ID",
                    "seller_type": "LOCAL",
                    "cipher": self.shop_cipher,
                    "code": "IDLCSANDBOX1",
                }
            ]
        }

    # --- publishing control (server.py: /_sandbox/publishing?platform=tiktokshop) -------------
    def publishing_state(self) -> dict[str, object]:
        self.settle_reviews()
        state = self.publishing
        now = time.time()
        with state.lock:
            state.promotions[:] = [p for p in state.promotions if p.end > now]
            return {
                "writes": [dict(entry) for entry in state.writes],
                "promotions": [p.as_dict() for p in state.promotions],
                "failing": {product: dict(skus) for product, skus in state.failing.items()},
                "update_locks": dict(state.update_locks),
                "reviews": {product: r.as_dict() for product, r in state.reviews.items()},
                "review_mode": {"mode": state.review_mode, "delay_seconds": state.review_delay},
                "integration_locked": state.integration_locked,
                "deleted_skus": {p: sorted(s) for p, s in state.deleted_skus.items() if s},
                "hidden_on_tokopedia": sorted(state.hidden_on_tokopedia),
            }

    def publishing_control(self, body: dict[str, Any]) -> dict[str, object]:
        """One control action; ValueError/KeyError for bad input (the server answers 400)."""
        action = body.get("action")
        state = self.publishing
        if action == "reset":
            state.reset()
            return self.publishing_state()
        if action == "review_mode":
            mode, delay = body["mode"], float(body.get("delay_seconds", 0))
            if mode not in REVIEW_MODES or delay < 0:
                raise ValueError(f"review_mode takes mode {', '.join(REVIEW_MODES)}, delay >= 0")
            with state.lock:
                state.review_mode, state.review_delay = str(mode), delay
            return {"mode": mode, "delay_seconds": delay}
        if action == "integration_lock":
            if not isinstance(body.get("locked"), bool):
                raise ValueError("integration_lock takes locked: true or false")
            state.integration_locked = bool(body["locked"])
            return {"integration_locked": state.integration_locked}
        product_id = str(body["product_id"])
        index = self._index(product_id)
        listing = self.catalog.listing(index)
        if action == "edit":
            return self._seller_center_edit(listing, body)
        if action == "promotion":
            start, end = int(body["start"]), int(body["end"])
            if end <= start:
                raise ValueError("a promotion ends after it starts")
            variants = body.get("variant_ids")
            if variants is not None and not isinstance(variants, list):
                raise ValueError("variant_ids is a list of SKU ids")
            promotion = Promotion(
                product_id,
                start,
                end,
                None if variants is None else tuple(_sku_of(listing, str(v)) for v in variants),
            )
            with state.lock:
                state.promotions.append(promotion)
            return promotion.as_dict()
        if action == "fail_variant":
            sku = _sku_of(listing, str(body["variant_id"]))
            with state.lock:
                state.failing.setdefault(product_id, {})[sku] = str(body.get("reason") or "")
            return {"product_id": product_id, "variant_id": sku}
        if action == "update_lock":
            calls = int(body["calls"])
            if calls < 0:
                raise ValueError("calls must not be negative")
            with state.lock:
                state.update_locks[product_id] = calls
            return {"product_id": product_id, "calls": calls}
        if action == "review":
            review = self.decide_review(
                product_id, str(body.get("decision")), str(body.get("reason") or "")
            )
            return {"product_id": product_id, **review.as_dict()}
        raise ValueError(f"unknown publishing action {action!r}")

    def _seller_center_edit(self, listing: Listing, body: dict[str, Any]) -> dict[str, object]:
        """The seller edits in Seller Center: applied at once, not a write (not logged)."""
        title = body.get("title")
        if title is not None and (not isinstance(title, str) or not title.strip()):
            raise ValueError("title must be a non-empty string")
        prices = body.get("prices") or {}
        if not isinstance(prices, dict):
            raise ValueError("prices maps SKU ids to whole rupiah")
        own = sku_ids(listing)
        numbers: dict[int, int] = {}
        for variant_id, value in prices.items():
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError("a price is a whole rupiah amount above 0")
            numbers[own.index(_sku_of(listing, str(variant_id)))] = value
        self.catalog.edit(listing.index, title=title, prices=numbers)
        product_id = str(listing.product_id)
        return {
            "product_id": product_id,
            "update_time": self.catalog.listings.update_time(listing.index),
        }


def _sku_of(listing: Listing, variant_id: str) -> str:
    """A SKU id of the listing; "" is the one SKU of a listing without variants."""
    own = sku_ids(listing)
    if variant_id == "":
        if listing.spec.variants:
            raise ValueError(f"product {listing.product_id} has variants: name the SKU")
        return own[0]
    if variant_id not in own:
        raise ValueError(f"SKU {variant_id} is not a SKU of product {listing.product_id}")
    return variant_id

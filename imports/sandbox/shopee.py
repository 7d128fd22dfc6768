"""Shopee Open Platform v2, served from the sandbox: the server class, dispatch and shop info.

Shapes, parameter names, error codes and quirks follow shared/marketplaces/shopee.md. The
endpoints live in mixins by what they do: gateway checks and authorization in shopee_auth,
product reads in shopee_products, item and model payloads in shopee_payloads. Token endpoints
and get_shop_info have no `response` wrapper.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from imports.sandbox.auth import TokenAuthority
from imports.sandbox.catalog import ShopCatalog
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
class ShopeeSandbox(ShopeeAuthMixin, ShopeeProductsMixin, ShopeePayloadsMixin):
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

"""TikTok Shop Open API (202309+), served from the sandbox: the server class, dispatch and shops.

Follows shared/marketplaces/tiktok.md: `{code, message, request_id, data}` envelopes around
every open API answer. The endpoints live in mixins by what they do: request checks and
authorization in tiktok_auth, categories and product reads in tiktok_products, search and
detail payloads in tiktok_payloads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from imports.sandbox.auth import TokenAuthority
from imports.sandbox.catalog import ShopCatalog
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

# Names moved to the split-out modules stay importable from here.
__all__ = [
    "CATEGORY_IDS",
    "CODE_LIFETIME",
    "PRODUCT_PATH",
    "RESULT_CAP",
    "SEARCH_PATH",
    "SEARCH_STATUSES",
    "SEARCH_VERSIONS",
    "TikTokError",
    "TikTokSandbox",
]


@dataclass
class TikTokSandbox(TikTokAuthMixin, TikTokProductsMixin, TikTokPayloadsMixin):
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

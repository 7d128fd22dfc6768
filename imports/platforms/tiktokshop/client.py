"""TikTok Shop Open API (202309+) client: signing, tokens, shops, products and their writes.

Facts from shared/marketplaces/tiktok.md: sign = HMAC-SHA256(secret, secret + path + sorted
key+value pairs (without sign and access_token) + body + secret), lower-case hex; the token in
`x-tts-access-token`; `shop_cipher` on shop calls only; the JSON body is serialized once and the
same bytes signed and sent (signing.py); token expiries are absolute Unix timestamps. The codes
and limits are in rules.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from imports.clients.base import ApiCall, HttpReply, MarketplaceClient, TokenGrant
from imports.clients.errors import ErrorType, MarketplaceError
from imports.platforms.tiktokshop.rules import (
    BAD_SIGNATURE,
    CURRENCY,
    EXPIRED_TOKEN,
    INVALID_REQUEST,
    IP_NOT_ALLOWED,
    MAX_PAGE_SIZE,
    PARTIAL_EDIT_PATH,
    PRICES_PATH,
    PRODUCT_NOT_FOUND,
    RATE_LIMITED,
    REAUTHORIZE_CODES,
    RETRYABLE_CODES,
    SEARCH_PATH,
    WRITE_PRODUCT_NOT_FOUND,
)
from imports.platforms.tiktokshop.signing import tiktok_sign


class TikTokShopClient(MarketplaceClient):
    platform = "tiktokshop"

    def __init__(
        self,
        *,
        base_url: str,
        app_key: str,
        app_secret: str,
        auth_base_url: str = "https://auth.tiktok-shops.com",
        authorize_url: str = "https://services.tiktokshop.com/open/authorize",
        service_id: str = "",
        shop_cipher: str = "",
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.base_url = base_url.rstrip("/")
        self.use_environment_proxies(self.base_url)
        self.auth_base_url = auth_base_url.rstrip("/")
        self.authorize_url = authorize_url
        self.app_key = app_key
        self.app_secret = app_secret
        self.service_id = service_id
        self.shop_cipher = shop_cipher

    # --- classification ---------------------------------------------------------------------
    def check(self, payload: dict[str, Any], response: HttpReply) -> None:
        code = payload.get("code")
        message = str(payload.get("message") or "")
        request_id = str(payload.get("request_id") or "")
        if code == 0:
            failure = self.status_error(response, message, "", request_id)
            if failure:
                raise failure
            return
        common = {
            "platform": self.platform,
            "code": str(code),
            "request_id": request_id,
            "http_status": response.status_code,
        }
        if code == RATE_LIMITED or response.status_code == 429:
            failure = self.status_error(response, message, str(code), request_id)
            failure = failure or MarketplaceError(
                message, error_type=ErrorType.API_RATE_LIMIT_ERROR, retryable=True, **common
            )
            failure.error_type = ErrorType.API_RATE_LIMIT_ERROR
            raise failure
        if code in RETRYABLE_CODES or response.status_code >= 500:
            raise MarketplaceError(
                message, error_type=ErrorType.API_CONNECTION_ERROR, retryable=True, **common
            )
        lowered = message.lower()
        if (
            code == EXPIRED_TOKEN
            or (code == INVALID_REQUEST and "access_token" in lowered)
            or (code == INVALID_REQUEST and "x-tts-access-token" in lowered)
        ):
            raise MarketplaceError(
                message, error_type=ErrorType.API_AUTHENTICATION_ERROR, token_problem=True, **common
            )
        if code in REAUTHORIZE_CODES:
            raise MarketplaceError(
                message, error_type=ErrorType.API_AUTHENTICATION_ERROR, reauthorize=True, **common
            )
        if code in (BAD_SIGNATURE, IP_NOT_ALLOWED) or (
            code == INVALID_REQUEST
            and ("app_key" in lowered or "timestamp" in lowered or "sign" in lowered)
        ):
            raise MarketplaceError(message, error_type=ErrorType.API_AUTHENTICATION_ERROR, **common)
        if code == PRODUCT_NOT_FOUND or code in WRITE_PRODUCT_NOT_FOUND:
            raise MarketplaceError(
                message, error_type=ErrorType.DATA_VALIDATION_ERROR, not_found=True, **common
            )
        raise MarketplaceError(
            message or f"code {code}", error_type=ErrorType.VALIDATION_ERROR, **common
        )

    # --- building calls ---------------------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        cipher: bool = True,
        retryable: bool = True,
    ) -> dict[str, Any]:
        if cipher and not self.shop_cipher:
            raise ValueError("this call needs the shop_cipher")
        raw = (
            json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
            if (body is not None)
            else b""
        )

        def build(token: str) -> ApiCall:
            params = {"app_key": self.app_key, "timestamp": str(int(time.time()))}
            if cipher:
                params["shop_cipher"] = self.shop_cipher
            params.update({name: str(value) for name, value in (query or {}).items()})
            params["sign"] = tiktok_sign(self.app_secret, path, params, raw)
            headers = {"x-tts-access-token": token, "Content-Type": "application/json"}
            return ApiCall(
                method,
                self.base_url + path,
                list(params.items()),
                raw if body is not None else None,
                headers,
            )

        return self.execute(build, endpoint=_endpoint_name(path), retryable=retryable)

    # --- authorization ----------------------------------------------------------------------
    def authorization_url(self, state: str) -> str:
        return f"{self.authorize_url}?{urlencode({'service_id': self.service_id, 'state': state})}"

    def _token_call(self, path: str, params: dict[str, str]) -> TokenGrant:
        query = {"app_key": self.app_key, "app_secret": self.app_secret, **params}

        def build(_token: str) -> ApiCall:
            return ApiCall("GET", self.auth_base_url + path, list(query.items()))

        payload = self.execute(build, endpoint=path, authenticated=False, retryable=False)
        data = payload.get("data") or {}
        refresh_expiry = data.get("refresh_token_expire_in")
        return TokenGrant(
            access_token=data["access_token"],
            refresh_token=data["refresh_token"],
            # Absolute Unix timestamps, despite the names.
            access_expires_at=datetime.fromtimestamp(int(data["access_token_expire_in"]), UTC),
            refresh_expires_at=(
                datetime.fromtimestamp(int(refresh_expiry), UTC) if refresh_expiry else None
            ),
            extra={"seller_name": data.get("seller_name", ""), "open_id": data.get("open_id", "")},
        )

    def exchange_code(self, auth_code: str) -> TokenGrant:
        return self._token_call(
            "/api/v2/token/get", {"auth_code": auth_code, "grant_type": "authorized_code"}
        )

    def refresh_access_token(self, refresh_token: str) -> TokenGrant:
        return self._token_call(
            "/api/v2/token/refresh", {"refresh_token": refresh_token, "grant_type": "refresh_token"}
        )

    # --- shops and products -----------------------------------------------------------------
    def get_authorized_shops(self) -> list[dict[str, Any]]:
        payload = self._call("GET", "/authorization/202309/shops", cipher=False)
        return (payload.get("data") or {}).get("shops") or []

    def search_products(
        self,
        *,
        page_size: int = MAX_PAGE_SIZE,
        page_token: str | None = None,
        status: str = "ALL",
        update_time_ge: int | None = None,
        update_time_le: int | None = None,
    ) -> dict[str, Any]:
        query: dict[str, Any] = {"page_size": page_size}
        if page_token:
            query["page_token"] = page_token
        body: dict[str, Any] = {"status": status}
        if update_time_ge is not None:
            body["update_time_ge"] = update_time_ge
        if update_time_le is not None:
            body["update_time_le"] = update_time_le
        payload = self._call("POST", SEARCH_PATH, query=query, body=body)
        return payload.get("data") or {"products": [], "total_count": 0, "next_page_token": ""}

    def get_product(self, product_id: str, under_review: bool = False) -> dict[str, Any]:
        """The product's live version; `under_review`: the content edit waiting for review."""
        query = {"return_under_review_version": "true"} if under_review else None
        payload = self._call("GET", f"/product/202309/products/{product_id}", query=query)
        return payload.get("data") or {}

    # --- writes (sent once: the publish job re-reads before it repeats one) -------------------
    def update_prices(
        self, product_id: str, prices: Sequence[tuple[str, Decimal]]
    ) -> dict[str, Any]:
        """Set SKUs' prices (all-or-nothing); the whole answer, for its request_id.

        `amount` is the local display price before discounts; list_price and sale_price are
        for other markets and are never sent.
        """
        body = {
            "skus": [
                {"id": sku_id, "price": {"amount": whole_rupiah(amount), "currency": CURRENCY}}
                for sku_id, amount in prices
            ]
        }
        path = PRICES_PATH.format(product_id=product_id)
        return self._call("POST", path, body=body, retryable=False)

    def partial_edit_title(self, product_id: str, title: str) -> dict[str, Any]:
        """Change the title and nothing else: the body is exactly {"title": ...}.

        Sending `skus` would delete the SKUs left out, `listing_platforms` would hide the
        product on a platform left out (publishing.md 2.2).
        """
        path = PARTIAL_EDIT_PATH.format(product_id=product_id)
        return self._call("POST", path, body={"title": title}, retryable=False)

    def get_categories(self) -> list[dict[str, Any]]:
        payload = self._call("GET", "/product/202309/categories")
        return (payload.get("data") or {}).get("categories") or []


def whole_rupiah(amount: Decimal) -> str:
    """A price as the wire wants it: a whole-number decimal string ("149000")."""
    if amount != amount.to_integral_value() or amount <= 0:
        raise ValueError(f"{amount} is not a whole rupiah amount above 0")
    return str(int(amount))


def _endpoint_name(path: str) -> str:
    """The rate limiter's and counters' name: ids replaced, each write its own endpoint."""
    parts = path.split("/")
    # /product/<version>/products/<id>[/<action>...]
    if len(parts) >= 5 and parts[1] == "product" and parts[3] == "products":
        if parts[4] == "search":
            return path
        parts[4] = "{product_id}"
        return "/".join(parts)
    return path

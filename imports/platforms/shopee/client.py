"""Shopee Open Platform v2 client (signing, tokens, product reads and writes).

Facts from shared/marketplaces/shopee.md: HMAC-SHA256 over partner_id + path + timestamp
(+ access_token + shop_id for shop calls), lower-case hex (signing.py); statuses repeated as
`item_status`; item ids comma-joined, 50 per call; errors may be module-prefixed;
`invalid_acceess_token` (sic). The limits and codes are in rules.py. Writes
(shared/marketplaces/publishing.md §1) are sent once: the publish job re-reads before it
repeats one.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from imports.clients.base import ApiCall, HttpReply, MarketplaceClient, TokenGrant
from imports.clients.errors import ErrorType, MarketplaceError
from imports.platforms.shopee.rules import (
    CREDENTIAL_ERRORS,
    INVALID_ACCESS_TOKEN,
    ITEM_STATUSES,
    MAX_IDS_PER_CALL,
    MAX_PAGE_SIZE,
    MAX_PRICES_PER_CALL,
    NOT_FOUND,
    REAUTHORIZE,
    REFRESH_TOKEN_LIFETIME,
    RETRYABLE,
    UPDATE_LOCK_TEXT,
    WRITE_RETRYABLE,
)
from imports.platforms.shopee.signing import shopee_sign


class ShopeeClient(MarketplaceClient):
    platform = "shopee"

    def __init__(
        self,
        *,
        base_url: str,
        partner_id: int,
        partner_key: str,
        shop_id: int | str | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.base_url = base_url.rstrip("/")
        self.use_environment_proxies(self.base_url)
        self.partner_id = int(partner_id)
        self.partner_key = partner_key
        self.shop_id = int(shop_id) if shop_id not in (None, "") else None

    # --- classification ---------------------------------------------------------------------
    def check(self, payload: dict[str, Any], response: HttpReply) -> None:
        raw_error = str(payload.get("error") or "")
        message = str(payload.get("message") or "")
        request_id = str(payload.get("request_id") or "")
        error = raw_error.rsplit(".", 1)[-1]  # "product.error_param" -> "error_param"
        if not error:
            failure = self.status_error(response, message, raw_error, request_id)
            if failure:
                raise failure
            return
        common = {
            "platform": self.platform,
            "code": raw_error,
            "request_id": request_id,
            "http_status": response.status_code,
        }
        limited = "rate_limit" in raw_error or "too many request" in message.lower()
        if limited or response.status_code == 429:
            retry_after = response.headers.get("Retry-After")
            raise MarketplaceError(
                message,
                error_type=ErrorType.API_RATE_LIMIT_ERROR,
                retryable=True,
                retry_after=float(retry_after) if retry_after else None,
                **common,
            )
        # A write refused "for now" (the item's update lock) applied nothing: retryable too.
        transient_write = error in WRITE_RETRYABLE or UPDATE_LOCK_TEXT in message.lower()
        if error in RETRYABLE or transient_write or response.status_code >= 500:
            raise MarketplaceError(
                message, error_type=ErrorType.API_CONNECTION_ERROR, retryable=True, **common
            )
        if error == INVALID_ACCESS_TOKEN or (
            error == "error_auth" and "access_token" in message.lower()
        ):
            raise MarketplaceError(
                message, error_type=ErrorType.API_AUTHENTICATION_ERROR, token_problem=True, **common
            )
        if error in REAUTHORIZE or (error == "error_auth" and "refresh_token" in message):
            raise MarketplaceError(
                message, error_type=ErrorType.API_AUTHENTICATION_ERROR, reauthorize=True, **common
            )
        if error in CREDENTIAL_ERRORS:
            raise MarketplaceError(message, error_type=ErrorType.API_AUTHENTICATION_ERROR, **common)
        if error in NOT_FOUND:
            raise MarketplaceError(
                message, error_type=ErrorType.DATA_VALIDATION_ERROR, not_found=True, **common
            )
        raise MarketplaceError(
            message or raw_error, error_type=ErrorType.VALIDATION_ERROR, **common
        )

    # --- building calls ---------------------------------------------------------------------
    def _shop_call(
        self,
        method: str,
        path: str,
        params: list[tuple[str, Any]] | None = None,
        body: dict[str, Any] | None = None,
        *,
        retryable: bool = True,
    ) -> dict[str, Any]:
        if self.shop_id is None:
            raise ValueError("this call needs the shop_id")

        def build(token: str) -> ApiCall:
            timestamp = int(time.time())
            sign = shopee_sign(
                self.partner_key, self.partner_id, path, timestamp, token, self.shop_id
            )
            query = [
                ("partner_id", str(self.partner_id)),
                ("timestamp", str(timestamp)),
                ("access_token", token),
                ("shop_id", str(self.shop_id)),
                ("sign", sign),
            ]
            query += [(name, str(value)) for name, value in params or []]
            return self._call(method, path, query, body)

        return self.execute(build, endpoint=path, retryable=retryable)

    def _public_call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        def build(_token: str) -> ApiCall:
            timestamp = int(time.time())
            query = [
                ("partner_id", str(self.partner_id)),
                ("timestamp", str(timestamp)),
                ("sign", shopee_sign(self.partner_key, self.partner_id, path, timestamp)),
            ]
            return self._call("POST", path, query, body)

        # Token calls are not idempotent (refresh tokens are single-use): never retried.
        return self.execute(build, endpoint=path, authenticated=False, retryable=False)

    def _call(
        self, method: str, path: str, query: list[tuple[str, str]], body: dict[str, Any] | None
    ) -> ApiCall:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else {}
        return ApiCall(method, self.base_url + path, query, data, headers)

    # --- authorization ----------------------------------------------------------------------
    def authorization_url(self, redirect: str) -> str:
        path = "/api/v2/shop/auth_partner"
        timestamp = int(time.time())
        query = {
            "partner_id": self.partner_id,
            "timestamp": timestamp,
            "sign": shopee_sign(self.partner_key, self.partner_id, path, timestamp),
            "redirect": redirect,
        }
        return f"{self.base_url}{path}?{urlencode(query)}"

    def _grant(self, payload: dict[str, Any]) -> TokenGrant:
        now = datetime.now(UTC)
        return TokenGrant(
            access_token=payload["access_token"],
            refresh_token=payload["refresh_token"],
            access_expires_at=now + timedelta(seconds=int(payload["expire_in"])),
            refresh_expires_at=now + REFRESH_TOKEN_LIFETIME,
        )

    def exchange_code(self, code: str, shop_id: int | str) -> TokenGrant:
        body = {"code": code, "partner_id": self.partner_id, "shop_id": int(shop_id)}
        return self._grant(self._public_call("/api/v2/auth/token/get", body))

    def refresh_access_token(self, refresh_token: str) -> TokenGrant:
        body = {
            "refresh_token": refresh_token,
            "partner_id": self.partner_id,
            "shop_id": self.shop_id,
        }
        return self._grant(self._public_call("/api/v2/auth/access_token/get", body))

    # --- shop and products ------------------------------------------------------------------
    def get_shop_info(self) -> dict[str, Any]:
        return self._shop_call("GET", "/api/v2/shop/get_shop_info")

    def get_item_list(
        self,
        *,
        offset: int = 0,
        page_size: int = MAX_PAGE_SIZE,
        statuses: tuple[str, ...] = ITEM_STATUSES,
        update_time_from: int | None = None,
        update_time_to: int | None = None,
    ) -> dict[str, Any]:
        params: list[tuple[str, Any]] = [("offset", offset), ("page_size", page_size)]
        params += [("item_status", status) for status in statuses]
        if update_time_from is not None:
            params.append(("update_time_from", update_time_from))
        if update_time_to is not None:
            params.append(("update_time_to", update_time_to))
        payload = self._shop_call("GET", "/api/v2/product/get_item_list", params)
        return payload.get("response") or {"item": [], "total_count": 0, "has_next_page": False}

    def get_item_base_info(self, item_ids: list[int]) -> tuple[list[dict[str, Any]], list[int]]:
        """Base info for up to 50 items; also the ids Shopee did not return."""
        if not 0 < len(item_ids) <= MAX_IDS_PER_CALL:
            raise ValueError(f"get_item_base_info takes 1 to {MAX_IDS_PER_CALL} item ids")
        try:
            payload = self._shop_call(
                "GET",
                "/api/v2/product/get_item_base_info",
                [("item_id_list", ",".join(map(str, item_ids)))],
            )
        except MarketplaceError as error:
            if error.not_found:
                return [], list(item_ids)
            raise
        items = (payload.get("response") or {}).get("item_list") or []
        returned = {int(item["item_id"]) for item in items if "item_id" in item}
        return items, [item_id for item_id in item_ids if int(item_id) not in returned]

    def get_model_list(self, item_id: int) -> dict[str, Any]:
        payload = self._shop_call("GET", "/api/v2/product/get_model_list", [("item_id", item_id)])
        return payload.get("response") or {}

    def get_category(self, language: str = "id") -> list[dict[str, Any]]:
        payload = self._shop_call("GET", "/api/v2/product/get_category", [("language", language)])
        return (payload.get("response") or {}).get("category_list") or []

    def get_item_limit(self) -> dict[str, Any]:
        return self._shop_call("GET", "/api/v2/product/get_item_limit").get("response") or {}

    def get_item_promotion(
        self, item_ids: list[int]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The upcoming and ongoing promotions of up to 50 items: (success_list, failure_list)."""
        if not 0 < len(item_ids) <= MAX_IDS_PER_CALL:
            raise ValueError(f"get_item_promotion takes 1 to {MAX_IDS_PER_CALL} item ids")
        payload = self._shop_call(
            "GET",
            "/api/v2/product/get_item_promotion",
            [("item_id_list", ",".join(map(str, item_ids)))],
        )
        response = payload.get("response") or {}
        return response.get("success_list") or [], response.get("failure_list") or []

    # --- writes (sent once) -----------------------------------------------------------------
    def update_price(self, item_id: int, prices: list[tuple[int, int]]) -> dict[str, Any]:
        """Set original prices (whole rupiah) of one item's models; model_id 0 for an item
        without models. The answer's success_list/failure_list say which were taken."""
        if not 0 < len(prices) <= MAX_PRICES_PER_CALL:
            raise ValueError(f"update_price takes 1 to {MAX_PRICES_PER_CALL} prices")
        body = {
            "item_id": int(item_id),
            "price_list": [
                {"model_id": int(model_id), "original_price": int(price)}
                for model_id, price in prices
            ],
        }
        payload = self._shop_call(
            "POST", "/api/v2/product/update_price", body=body, retryable=False
        )
        return self._with_request_id(payload)

    def update_item_name(self, item_id: int, name: str) -> dict[str, Any]:
        """Change the item's name and nothing else; the answer echoes the item."""
        body = {"item_id": int(item_id), "item_name": name}
        payload = self._shop_call("POST", "/api/v2/product/update_item", body=body, retryable=False)
        return self._with_request_id(payload)

    @staticmethod
    def _with_request_id(payload: dict[str, Any]) -> dict[str, Any]:
        """The `response` of a write, with the call's request_id kept for the outcome."""
        response = dict(payload.get("response") or {})
        response.setdefault("request_id", str(payload.get("request_id") or ""))
        return response

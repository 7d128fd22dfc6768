"""Shopee behind the platform adapter protocol (imports.platforms.PlatformAdapter)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imports.clients.base import MarketplaceClient
from imports.platforms import Authorization, ConnectionValues, ShopSummary
from imports.platforms.shopee import mappings as field_mappings
from imports.platforms.shopee.client import ShopeeClient
from imports.platforms.shopee.fetcher import ShopeeFetcher
from imports.platforms.shopee.rules import REFRESH_TOKEN_LIFETIME, RULES
from imports.platforms.shopee.writer import ShopeeWriter


def _own(client: MarketplaceClient) -> ShopeeClient:
    """The client narrowed to Shopee's; another platform's client here is a wiring bug."""
    if not isinstance(client, ShopeeClient):
        raise TypeError(f"a Shopee adapter was handed a {type(client).__name__}")
    return client


class ShopeeAdapter:
    platform = field_mappings.PLATFORM
    rules = RULES
    mappings = field_mappings.MAPPINGS
    required_credentials = ("partner_id", "partner_key", "shop_id")
    form_requirements = (
        ("partner_id", _("Shopee connections need the partner id.")),
        ("partner_key", _("Shopee connections need the partner key.")),
    )

    def client(self, connection: ConnectionValues, **options: Any) -> ShopeeClient:
        return ShopeeClient(
            base_url=connection.base_url,
            partner_id=getattr(connection, "partner_id", None) or 0,
            partner_key=getattr(connection, "partner_key", ""),
            shop_id=connection.shop_id or None,
            **options,
        )

    def fetcher(self, client: MarketplaceClient, *, concurrency: int) -> ShopeeFetcher:
        return ShopeeFetcher(_own(client), concurrency=concurrency)

    def shop(self, client: MarketplaceClient) -> ShopSummary:
        info = _own(client).get_shop_info()
        return ShopSummary(info.get("shop_name", ""), info.get("region", ""))

    def writer(self, client: MarketplaceClient) -> ShopeeWriter:
        return ShopeeWriter(_own(client))

    def authorization_url(self, client: MarketplaceClient, redirect_uri: str, state: str) -> str:
        # Shopee has no state parameter: it comes back on the redirect URL we register.
        separator = "&" if "?" in redirect_uri else "?"
        return _own(client).authorization_url(f"{redirect_uri}{separator}state={state}")

    def exchange_code(
        self, client: MarketplaceClient, code: str, shop_id: str | None
    ) -> Authorization:
        # The callback names the shop; the token call needs it.
        if not shop_id:
            raise ValueError("Shopee's callback has no shop_id")
        grant = _own(client).exchange_code(code, shop_id)
        return Authorization(grant, {"shop_id": str(shop_id)})

    def authorized_shop(self, client: MarketplaceClient) -> dict[str, str]:
        return {}  # the callback already named the shop

    def title_limit(self, context: Mapping[str, Any]) -> int | None:
        return field_mappings.shop_title_limit(context)

    def issued_connection_fields(self, issued: Mapping[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "partner_id": int(issued["partner_id"]),
            "partner_key": str(issued["partner_key"]),
            "shop_id": str(issued["shop_id"]),
        }
        if issued.get("expire_in"):
            # What a real connect stores (the token grant's expiry), so the connection shows
            # the expiry before anyone presses Test connection.
            now = timezone.now()
            fields["access_token_expires_at"] = now + timedelta(seconds=int(issued["expire_in"]))
            fields["refresh_token_expires_at"] = now + REFRESH_TOKEN_LIFETIME
        return fields

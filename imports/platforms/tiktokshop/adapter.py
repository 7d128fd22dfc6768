"""TikTok Shop behind the platform adapter protocol (imports.platforms.PlatformAdapter)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from imports.clients.base import MarketplaceClient
from imports.platforms import Authorization, ConnectionValues, ShopSummary
from imports.platforms.tiktokshop import mappings as field_mappings
from imports.platforms.tiktokshop.client import TikTokShopClient
from imports.platforms.tiktokshop.fetcher import TikTokFetcher
from imports.platforms.tiktokshop.rules import RULES
from imports.platforms.tiktokshop.writer import TikTokShopWriter

# Used when a connection leaves them blank (the global production hosts).
DEFAULT_AUTH_BASE_URL = "https://auth.tiktok-shops.com"
DEFAULT_AUTHORIZE_URL = "https://services.tiktokshop.com/open/authorize"


def _own(client: MarketplaceClient) -> TikTokShopClient:
    """The client narrowed to TikTok Shop's; another platform's client is a wiring bug."""
    if not isinstance(client, TikTokShopClient):
        raise TypeError(f"a TikTok Shop adapter was handed a {type(client).__name__}")
    return client


class TikTokShopAdapter:
    platform = field_mappings.PLATFORM
    rules = RULES
    mappings = field_mappings.MAPPINGS
    required_credentials = ("app_key", "app_secret", "shop_cipher")
    form_requirements = (
        ("app_key", _("TikTok Shop connections need the app key.")),
        ("app_secret", _("TikTok Shop connections need the app secret.")),
    )

    def client(self, connection: ConnectionValues, **options: Any) -> TikTokShopClient:
        return TikTokShopClient(
            base_url=connection.base_url,
            auth_base_url=getattr(connection, "auth_base_url", "") or DEFAULT_AUTH_BASE_URL,
            authorize_url=getattr(connection, "authorize_url", "") or DEFAULT_AUTHORIZE_URL,
            app_key=getattr(connection, "app_key", ""),
            app_secret=getattr(connection, "app_secret", ""),
            service_id=getattr(connection, "service_id", ""),
            shop_cipher=connection.shop_cipher,
            **options,
        )

    def fetcher(self, client: MarketplaceClient, *, concurrency: int) -> TikTokFetcher:
        return TikTokFetcher(_own(client), concurrency=concurrency)

    def shop(self, client: MarketplaceClient) -> ShopSummary:
        own = _own(client)
        shops = own.get_authorized_shops()
        # The app may be authorized for several shops: the connection's, else the first.
        shop = next(
            (s for s in shops if s.get("cipher") == own.shop_cipher), shops[0] if shops else {}
        )
        return ShopSummary(shop.get("name", ""), shop.get("region", ""))

    def writer(self, client: MarketplaceClient) -> TikTokShopWriter:
        return TikTokShopWriter(_own(client))

    def authorization_url(self, client: MarketplaceClient, redirect_uri: str, state: str) -> str:
        # The redirect URI is registered with the app in Partner Center, not sent.
        return _own(client).authorization_url(state)

    def exchange_code(
        self, client: MarketplaceClient, code: str, shop_id: str | None
    ) -> Authorization:
        return Authorization(_own(client).exchange_code(code))

    def authorized_shop(self, client: MarketplaceClient) -> dict[str, str]:
        # The token names no shop: ask which shop the seller authorized (the first).
        shops = _own(client).get_authorized_shops()
        if not shops:
            return {}
        return {
            "shop_cipher": shops[0]["cipher"],
            "shop_id": str(shops[0]["id"]),
            "shop_name": shops[0].get("name", ""),
        }

    def title_limit(self, context: Mapping[str, Any]) -> int | None:
        return None  # the platform's own limit (core.platforms) applies to every shop

    def issued_connection_fields(self, issued: Mapping[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "auth_base_url": str(issued["auth_base_url"]),
            "authorize_url": str(issued["authorize_url"]),
            "app_key": str(issued["app_key"]),
            "app_secret": str(issued["app_secret"]),
            "service_id": str(issued["service_id"]),
            "shop_cipher": str(issued["shop_cipher"]),
            # Absolute Unix timestamps, as TikTok's token grants give them.
            "access_token_expires_at": datetime.fromtimestamp(
                int(issued["access_token_expire_in"]), UTC
            ),
        }
        if issued.get("refresh_token_expire_in"):
            fields["refresh_token_expires_at"] = datetime.fromtimestamp(
                int(issued["refresh_token_expire_in"]), UTC
            )
        return fields

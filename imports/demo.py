"""The demo shops: one Shopee and one TikTok Shop connection to a running sandbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from catalog.models import Organization, Platform
from imports.models import ChannelConnection
from imports.services import connection_create_or_update

DEMO_SHOPEE_NAME = "Demo Shopee shop (sandbox)"
DEMO_TIKTOK_NAME = "Demo TikTok Shop (sandbox)"


def demo_shops_connect(
    *, organization: Organization, credentials: dict[str, dict[str, Any]]
) -> list[ChannelConnection]:
    """Create or refresh both demo connections from the sandbox's issued credentials.

    Run on every start: the sandbox may listen on another port, and fresh tokens spare the
    first import a refresh.
    """
    shopee, tiktok = credentials["shopee"], credentials["tiktokshop"]
    # The sandbox has no call quota; a brisk limit keeps the demo import short but watchable.
    limits = {"rate_limit_qps": 100, "concurrency": 6}
    shopee_connection, _ = connection_create_or_update(
        organization=organization,
        platform=Platform.SHOPEE,
        name=DEMO_SHOPEE_NAME,
        base_url=str(shopee["base_url"]),
        partner_id=int(shopee["partner_id"]),
        partner_key=str(shopee["partner_key"]),
        shop_id=str(shopee["shop_id"]),
        access_token=str(shopee["access_token"]),
        refresh_token=str(shopee["refresh_token"]),
        status=ChannelConnection.Status.ACTIVE,
        **limits,
    )
    tiktok_connection, _ = connection_create_or_update(
        organization=organization,
        platform=Platform.TIKTOKSHOP,
        name=DEMO_TIKTOK_NAME,
        base_url=str(tiktok["base_url"]),
        auth_base_url=str(tiktok["auth_base_url"]),
        authorize_url=str(tiktok["authorize_url"]),
        app_key=str(tiktok["app_key"]),
        app_secret=str(tiktok["app_secret"]),
        service_id=str(tiktok["service_id"]),
        shop_cipher=str(tiktok["shop_cipher"]),
        access_token=str(tiktok["access_token"]),
        refresh_token=str(tiktok["refresh_token"]),
        access_token_expires_at=datetime.fromtimestamp(int(tiktok["access_token_expire_in"]), UTC),
        status=ChannelConnection.Status.ACTIVE,
        **limits,
    )
    return [shopee_connection, tiktok_connection]

"""Connections to the sandbox marketplaces' shops: the demo shops, and the tests' shops."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from catalog.models import Organization, Platform
from imports.clients.shopee import REFRESH_TOKEN_LIFETIME as SHOPEE_REFRESH_TOKEN_LIFETIME
from imports.models import ChannelConnection
from imports.services import connection_create_or_update

DEMO_SHOPEE_NAME = "Demo Shopee shop (sandbox)"
DEMO_TIKTOK_NAME = "Demo TikTok Shop (sandbox)"


def sandbox_connection_create_or_update(
    *,
    organization: Organization,
    platform: str,
    credentials: dict[str, dict[str, Any]],
    name: str,
    **fields: Any,
) -> ChannelConnection:
    """The named connection to the sandbox shop of `platform`, with the tokens it issued."""
    issued = credentials[platform]
    now = timezone.now()
    if platform == Platform.SHOPEE:
        app = {
            "partner_id": int(issued["partner_id"]),
            "partner_key": str(issued["partner_key"]),
            "shop_id": str(issued["shop_id"]),
        }
        if issued.get("expire_in"):
            # What a real connect stores (the token grant's expiry), so the connection shows
            # the expiry before anyone presses Test connection.
            app["access_token_expires_at"] = now + timedelta(seconds=int(issued["expire_in"]))
            app["refresh_token_expires_at"] = now + SHOPEE_REFRESH_TOKEN_LIFETIME
    else:
        app = {
            "auth_base_url": str(issued["auth_base_url"]),
            "authorize_url": str(issued["authorize_url"]),
            "app_key": str(issued["app_key"]),
            "app_secret": str(issued["app_secret"]),
            "service_id": str(issued["service_id"]),
            "shop_cipher": str(issued["shop_cipher"]),
            "access_token_expires_at": datetime.fromtimestamp(
                int(issued["access_token_expire_in"]), UTC
            ),
        }
        if issued.get("refresh_token_expire_in"):
            app["refresh_token_expires_at"] = datetime.fromtimestamp(
                int(issued["refresh_token_expire_in"]), UTC
            )
    # The shop's name as the marketplace issued it (a real connect asks the shop endpoint).
    app["shop_name"] = str(issued["shop_name"]) if issued.get("shop_name") else None
    connection, _ = connection_create_or_update(
        organization=organization,
        platform=platform,
        name=name,
        base_url=str(issued["base_url"]),
        **(
            app
            | {
                "access_token": str(issued["access_token"]),
                "refresh_token": str(issued["refresh_token"]),
                "status": ChannelConnection.Status.ACTIVE,
            }
            | fields  # the caller's word wins
        ),
    )
    return connection


def demo_shops_connect(
    *, organization: Organization, credentials: dict[str, dict[str, Any]]
) -> list[ChannelConnection]:
    """Create or refresh both demo connections from the sandbox's issued credentials.

    Run on every start: the sandbox may listen on another port, and fresh tokens spare the
    first import a refresh.
    """
    # The sandbox has no call quota; a brisk limit keeps the demo import short but watchable.
    return [
        sandbox_connection_create_or_update(
            organization=organization,
            platform=platform,
            credentials=credentials,
            name=name,
            rate_limit_qps=100,
            concurrency=6,
        )
        for platform, name in (
            (Platform.SHOPEE, DEMO_SHOPEE_NAME),
            (Platform.TIKTOKSHOP, DEMO_TIKTOK_NAME),
        )
    ]

"""Connections to the sandbox marketplaces' shops: the demo shops, and the tests' shops."""

from __future__ import annotations

from typing import Any

from core.models import Organization
from core.platforms import Platform
from imports.models import ChannelConnection
from imports.platforms import adapter_for
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
    app = adapter_for(platform).issued_connection_fields(issued)
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

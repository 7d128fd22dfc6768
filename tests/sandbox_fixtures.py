"""Sandbox marketplaces started in the test process, and connections to their shops."""

from __future__ import annotations

import pytest

from imports.sandbox.server import MarketplaceSandbox


@pytest.fixture
def make_sandbox():
    started: list[MarketplaceSandbox] = []

    def start(**options) -> MarketplaceSandbox:
        options.setdefault("products", 300)
        sandbox = MarketplaceSandbox(**options).start()
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def sandbox(make_sandbox):
    return make_sandbox()


@pytest.fixture
def fast_retries(settings):
    """Short timeouts and backoff so fault-injection tests finish quickly."""
    settings.IMPORT_READ_TIMEOUT = 0.5
    settings.IMPORT_CONNECT_TIMEOUT = 2
    settings.IMPORT_RETRY_BASE_SECONDS = 0.02
    settings.IMPORT_RETRY_CAP_SECONDS = 0.2
    settings.IMPORT_RETRY_MAX_ATTEMPTS = 8
    return settings


def connect_sandbox(sandbox, organization, platform: str, **fields):
    """A stored connection to the sandbox shop of `platform`, with its issued tokens."""
    from datetime import UTC, datetime

    from imports.services import connection_create_or_update

    creds = sandbox.credentials()[platform]
    common = {
        "access_token": creds["access_token"],
        "refresh_token": creds["refresh_token"],
        "rate_limit_qps": 2000,
        "concurrency": 6,
    }
    if platform == "shopee":
        connection, _ = connection_create_or_update(
            organization=organization,
            platform=platform,
            name=f"Shopee {sandbox.base_url}",
            base_url=creds["base_url"],
            partner_id=creds["partner_id"],
            partner_key=creds["partner_key"],
            shop_id=str(creds["shop_id"]),
            **(common | fields),
        )
    else:
        connection, _ = connection_create_or_update(
            organization=organization,
            platform=platform,
            name=f"TikTok {sandbox.base_url}",
            base_url=creds["base_url"],
            auth_base_url=creds["auth_base_url"],
            authorize_url=creds["authorize_url"],
            app_key=creds["app_key"],
            app_secret=creds["app_secret"],
            service_id=creds["service_id"],
            **(
                {
                    "shop_cipher": creds["shop_cipher"],
                    "access_token_expires_at": datetime.fromtimestamp(
                        creds["access_token_expire_in"], UTC
                    ),
                }
                | common
                | fields
            ),
        )
    return connection


@pytest.fixture
def shopee_connection(sandbox, organization):
    return connect_sandbox(sandbox, organization, "shopee")


@pytest.fixture
def tiktok_connection(sandbox, organization):
    return connect_sandbox(sandbox, organization, "tiktokshop")

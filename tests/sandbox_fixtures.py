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
    from imports.demo import sandbox_connection_create_or_update

    label = "Shopee" if platform == "shopee" else "TikTok"
    return sandbox_connection_create_or_update(
        organization=organization,
        platform=platform,
        credentials=sandbox.credentials(),
        name=f"{label} {sandbox.base_url}",
        **({"rate_limit_qps": 2000, "concurrency": 6} | fields),
    )


@pytest.fixture
def shopee_connection(sandbox, organization):
    return connect_sandbox(sandbox, organization, "shopee")


@pytest.fixture
def tiktok_connection(sandbox, organization):
    return connect_sandbox(sandbox, organization, "tiktokshop")


def sandbox_listing_ids(sandbox, platform: str) -> set[str]:
    """Every listing id the sandbox shop of `platform` has now (ground truth for imports)."""
    shop = sandbox.catalog.shop(platform)
    indices = range(shop.listings.size + shop.created)
    return {str(shop.product_id(i)) for i in indices if shop.listings.exists(i)}


def stored_listing_ids(job) -> list[str]:
    """The listing ids an import job stored raw, one per row (so repeats would show)."""
    from imports.models import RawImportRecord

    return list(
        RawImportRecord.objects.filter(import_job=job).values_list("platform_product_id", flat=True)
    )


def credentials_go_stale(connection, **fields) -> None:
    """The platform stops accepting a stored credential (rotated or revoked on its side).

    Written past the model: saving a new key through it would rightly drop the tokens, and
    these tests are about a stored key that the platform refuses.
    """
    from imports.models import ChannelConnection

    ChannelConnection.objects.filter(pk=connection.pk).update(**fields)
    connection.refresh_from_db()

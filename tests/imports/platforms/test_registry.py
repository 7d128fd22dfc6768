"""The marketplace registry: every platform has an adapter, and only those do."""

import pytest

from core.platforms import Platform
from imports.platforms import PlatformAdapter, UnknownPlatform, adapter_for, adapters
from imports.platforms.shopee.fetcher import ShopeeFetcher
from imports.platforms.tiktokshop.fetcher import TikTokFetcher


@pytest.mark.parametrize("platform", Platform.values)
def test_every_platform_has_an_adapter(platform):
    adapter = adapter_for(platform)
    assert isinstance(adapter, PlatformAdapter)
    assert adapter.platform == platform
    assert adapter_for(Platform(platform)) is adapter  # the enum member finds it too
    assert adapter.mappings and adapter.required_credentials
    assert adapter.rules.paging_cap >= adapter.rules.page_size >= adapter.rules.batch_size > 0


def test_the_registry_lists_exactly_the_platforms():
    assert sorted(a.platform for a in adapters()) == sorted(Platform.values)


def test_an_unknown_platform_is_a_clear_error():
    with pytest.raises(UnknownPlatform, match=r"'lazada'.*known: shopee, tiktokshop"):
        adapter_for("lazada")
    with pytest.raises(LookupError):  # what callers that do not know the class catch
        adapter_for("")


def test_fetchers_page_by_their_platforms_rules():
    assert (ShopeeFetcher.cap, ShopeeFetcher.page_size) == (10_000, 100)
    assert (TikTokFetcher.cap, TikTokFetcher.page_size) == (10_000, 100)
    assert adapter_for("shopee").rules.batch_size == 50


def test_an_adapter_refuses_another_platforms_client():
    tiktok = adapter_for("tiktokshop")
    shopee_client = adapter_for("shopee").client(
        _Row(base_url="https://partner.shopeemobile.com", partner_key="k")
    )
    with pytest.raises(TypeError, match="TikTok Shop adapter was handed a ShopeeClient"):
        tiktok.fetcher(shopee_client, concurrency=1)
    shopee_client.close()


class _Row:
    """A connection as an adapter reads it, without the database."""

    platform = "shopee"
    shop_id = ""
    shop_cipher = ""
    partner_id = 1

    def __init__(self, **values):
        self.__dict__.update(values)


@pytest.mark.parametrize(
    ("platform", "missing"),
    [
        ("shopee", "--partner-id, --partner-key, --shop-id"),
        ("tiktokshop", "--app-key, --app-secret, --shop-cipher"),
    ],
)
def test_connect_shop_names_the_platforms_missing_credentials(platform, missing):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=f"{platform} connections need {missing}$"):
        call_command(
            "connect_shop",
            organization="acme",
            platform=platform,
            name="shop",
            base_url="https://example.test",
            access_token="a",
            refresh_token="r",
        )

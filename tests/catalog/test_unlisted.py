"""Title matching's shortcut: does the organization have products a shop has not listed?"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.listings import mapping_split
from catalog.models import MasterProduct, PlatformMapping
from catalog.unlisted import FULL_CHECK_EVERY, UnlistedProducts
from core.platforms import Platform
from tests.factories import MasterProductFactory, PlatformMappingFactory

pytestmark = pytest.mark.django_db


def _listed(organization, shop: str, platform: str = Platform.SHOPEE) -> PlatformMapping:
    return PlatformMappingFactory(
        master_product=MasterProductFactory(organization=organization),
        platform=platform,
        platform_shop_id=shop,
    )


def test_only_products_the_shop_has_not_listed_count(organization):
    _listed(organization, "shop-a")
    unlisted = UnlistedProducts(organization.pk)
    assert unlisted.exist(Platform.SHOPEE, "shop-a") is False
    # Another shop of the same platform, or the other platform, has not listed it.
    assert unlisted.exist(Platform.SHOPEE, "shop-b") is True
    assert unlisted.exist(Platform.TIKTOKSHOP, "shop-a") is True


def test_a_product_another_import_writes_is_seen_on_the_next_page_without_reading_them_all(
    organization,
):
    for _ in range(3):
        _listed(organization, "shop-a")
    unlisted = UnlistedProducts(organization.pk)
    assert unlisted.exist(Platform.SHOPEE, "shop-a") is False
    with CaptureQueriesContext(connection) as asked:
        assert unlisted.exist(Platform.SHOPEE, "shop-a") is False
    assert "p.updated_at >=" in asked.captured_queries[0]["sql"]  # only what was written since

    _listed(
        organization, "tiktok-shop", platform=Platform.TIKTOKSHOP
    )  # the other platform's import
    assert unlisted.exist(Platform.SHOPEE, "shop-a") is True
    # Once some were found, the next page asks about the whole catalog again.
    with CaptureQueriesContext(connection) as asked:
        assert unlisted.exist(Platform.SHOPEE, "shop-a") is True
    assert "p.updated_at >=" not in asked.captured_queries[0]["sql"]


def test_a_listing_removed_by_hand_is_seen_at_the_next_full_check(organization):
    _listed(organization, "shop-a")
    removed = _listed(organization, "shop-a")
    now = [timezone.now()]
    unlisted = UnlistedProducts(organization.pk, clock=lambda: now[0])
    assert unlisted.exist(Platform.SHOPEE, "shop-a") is False
    # Removed without touching the product it leaves: that product's time says nothing changed.
    left = removed.master_product
    MasterProduct.objects.filter(pk=left.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    PlatformMapping.objects.filter(pk=removed.pk).delete()
    answers = []
    for _ in range(3):
        now[0] += FULL_CHECK_EVERY / 3
        answers.append(unlisted.exist(Platform.SHOPEE, "shop-a"))
    assert answers == [False, False, True]


def test_a_product_a_listing_was_split_off_is_seen_on_the_next_page(organization):
    product = MasterProductFactory(organization=organization)
    PlatformMappingFactory(master_product=product, platform=Platform.TIKTOKSHOP)
    linked = PlatformMappingFactory(
        master_product=product,
        platform_shop_id="shop-a",
        match_method=PlatformMapping.MatchMethod.SIMILARITY,
    )
    unlisted = UnlistedProducts(organization.pk)
    assert unlisted.exist(Platform.SHOPEE, "shop-a") is False
    MasterProduct.objects.filter(pk=product.pk).update(
        updated_at=timezone.now() - timedelta(hours=1)
    )
    mapping_split(mapping=linked)  # the Shopee listing gets a product of its own
    assert unlisted.exist(Platform.SHOPEE, "shop-a") is True  # before any full check


def test_products_a_batch_wrote_before_it_asked_are_seen_on_the_next_batch(organization):
    _listed(organization, "shop-a")
    unlisted = UnlistedProducts(organization.pk)
    batch_started_at = timezone.now() - timedelta(seconds=10)
    # The batch matched another shop's listings first, then asked about shop-a's.
    assert unlisted.exist(Platform.SHOPEE, "shop-a", batch_started_at=batch_started_at) is False
    written = MasterProductFactory(organization=organization)  # that batch's new product
    MasterProduct.objects.filter(pk=written.pk).update(
        updated_at=batch_started_at + timedelta(seconds=1)
    )
    assert unlisted.exist(Platform.SHOPEE, "shop-a") is True

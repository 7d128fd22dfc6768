"""A shop's SKU counts: placeholders recognised, memory bounded whatever the shop's size."""

import pytest

from catalog import shop_skus
from catalog.shop_skus import ShopSkus
from core.platforms import Platform

pytestmark = pytest.mark.django_db


def test_counts_stay_bounded_and_repeated_codes_are_still_recognised(organization, monkeypatch):
    monkeypatch.setattr(shop_skus, "SKUS_KEPT", 500)
    skus = ShopSkus(organization.pk, ())
    shop = (Platform.TIKTOKSHOP, "shop-1")
    for number in range(3_000):
        listing = [f"kp-{number:05d}", f"kp-{number:05d}-hitam"]
        if number % 100 == 0:
            listing.append("bundle")  # on every 100th listing: no identifier
        if 2_000 <= number < 2_004:
            listing.append("kp-shared")  # four listings close together share a code
        skus.observe(*shop, [listing])
        assert len(skus.counts(*shop)) <= 501
    assert skus.size(*shop) == 3_000

    assert skus.verdict(*shop, "BUNDLE", "bundle", "9").reason == "shared"
    assert skus.verdict(*shop, "KP-SHARED", "kp-shared", "9").reason == "shared"
    assert skus.verdict(*shop, "KP-02999", "kp-02999", "9").usable
    assert {row["sku"] for row in skus.summary()} == {"BUNDLE", "KP-SHARED"}


def test_a_small_shop_is_counted_exactly(organization):
    skus = ShopSkus(organization.pk, ())
    shop = (Platform.SHOPEE, "shop-1")
    skus.observe(*shop, [[f"a-{n}"] for n in range(20)] + [["dup"], ["dup"], ["dup"]])
    assert skus.counts(*shop)["dup"] == 3
    assert sum(1 for listings in skus.counts(*shop).values() if listings == 1) == 20

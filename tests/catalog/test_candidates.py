"""Title candidates through the full-text index: blocking on a listing's rarest words."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from catalog.candidates import (
    LARGE_ORGANIZATION,
    VARIANT_SQL,
    blocking_query,
    products_with_variant_skus,
    similar_products,
)
from catalog.listing_seo import keyword_statistics
from catalog.matching import SIMILARITY_FLOOR
from catalog.organization_keys import organization_key
from tests.factories import MasterProductFactory, OrganizationFactory, PlatformMappingFactory


def test_blocking_uses_the_rarest_words_the_catalog_knows():
    frequency = Counter({"kaos": 900, "polos": 700, "eiger": 12, "ransel": 40, "45l": 3})
    # The rarest and any of the next three: a word one platform dropped does not lose the pair.
    assert (
        blocking_query("Tas Ransel EIGER 45L Kaos Polos", frequency)
        == "45l & (eiger | ransel | polos)"
    )
    assert blocking_query("Ransel EIGER 45L", frequency) == "45l & (eiger | ransel)"
    # Words the catalog does not have cannot find anything: they are left out.
    assert blocking_query("Sepatu Ransel Zzyzx Eiger", frequency) == "eiger & ransel"
    assert blocking_query("Sepatu Ransel Zzyzx", frequency) == "ransel"
    assert blocking_query("Sepatu Zzyzx", frequency) == ""


# A large organization checks the organization of what the index finds (LARGE_ORGANIZATION),
# a small one asks the index for its own products: the same products either way.
SIZES = pytest.mark.parametrize("organization_size", [None, 10, LARGE_ORGANIZATION])


@pytest.mark.django_db
@SIZES
def test_the_reworded_listing_finds_its_product_among_many_alike(organization, organization_size):
    MasterProductFactory(  # the same product in another organization is not a candidate
        organization=OrganizationFactory(),
        name="Kaos Polos Cotton Combed Pria Navy Oversize Atasan",
        base_price=Decimal("98000"),
    )
    for number in range(60):  # a catalog of look-alikes sharing the common words
        MasterProductFactory(
            organization=organization,
            name=f"Kaos Polos Cotton Combed Pria {number}",
            base_price=Decimal("99000"),
        )
    target = MasterProductFactory(
        organization=organization,
        name="Kaos Polos Cotton Combed Pria Navy Oversize",
        base_price=Decimal("99000"),
    )
    listed = MasterProductFactory(
        organization=organization,
        name="Kaos Polos Cotton Combed Pria Navy Oversize Lengan",
        base_price=Decimal("99000"),
    )
    PlatformMappingFactory(master_product=listed, platform="tiktokshop")
    frequency, _documents = keyword_statistics(organization_id=organization.pk)
    found = similar_products(
        organization_id=organization.pk,
        platform="tiktokshop",
        names=["Kaos Polos Cotton Combed Pria Navy Oversize Atasan", "Sepatu Lari"],
        prices=[Decimal("98000"), Decimal("250000")],
        frequency=frequency,
        organization_size=organization_size,
    )
    best = found[0][0]
    assert best[0] == target  # the product already on TikTok is not offered again
    assert best[1] > 0.6
    assert 1 not in found


@pytest.mark.django_db
@SIZES
def test_the_best_products_not_yet_listed_by_the_shop_fill_the_places(
    organization, organization_size
):
    """The shop's listings are looked up on the best products until `limit` pass: products it
    already lists leave their places to the next best, and none under the floor takes one."""
    title = "Tas Ransel Eiger Rhinos 45L"
    names = [
        title,  # the same title: listed by the shop
        f"{title} Ori",  # listed by the shop
        f"{title} Biru",  # listed by another shop of the platform: still a candidate
        f"{title} Biru Muda Outdoor",
        f"{title} Biru Muda Outdoor Camping Hiking Gunung Pria",
        # Under the similarity floor: never a candidate.
        f"{title} Anti Air Waterproof Kapasitas Besar untuk Sekolah Kuliah Kerja Traveling "
        "Mendaki Camping Hiking Pria Wanita Dewasa Remaja Murah Berkualitas Awet",
    ]
    products = [
        MasterProductFactory(organization=organization, name=name, base_price=Decimal("650000"))
        for name in names
    ]
    for product, shop in zip(products[:3], ["shop-7", "shop-7", "shop-8"], strict=True):
        PlatformMappingFactory(master_product=product, platform="tiktokshop", platform_shop_id=shop)
    frequency, _documents = keyword_statistics(organization_id=organization.pk)

    def candidates(limit: int) -> list:
        found = similar_products(
            organization_id=organization.pk,
            platform="tiktokshop",
            shop_id="shop-7",
            names=[title],
            prices=[Decimal("650000")],
            frequency=frequency,
            limit=limit,
            organization_size=organization_size,
        )
        return [(product.name, score) for product, score in found[0]]

    best_two = candidates(2)
    assert [name for name, _score in best_two] == names[2:4]
    everything = candidates(10)
    assert [name for name, _score in everything] == names[2:5]
    assert [score for _name, score in everything] == sorted(
        (score for _name, score in everything), reverse=True
    )
    assert all(score >= SIMILARITY_FLOOR for _name, score in everything)


@pytest.mark.django_db
def test_a_product_priced_outside_the_band_is_not_a_candidate(organization):
    MasterProductFactory(
        organization=organization,
        name="Botol Minum Stainless 1L Tumbler",
        base_price=Decimal("80000"),
    )
    frequency, _documents = keyword_statistics(organization_id=organization.pk)
    found = similar_products(
        organization_id=organization.pk,
        platform="tiktokshop",
        names=["Botol Minum Stainless 1L Tumbler", "Botol Minum Stainless 1L Tumbler"],
        prices=[Decimal("120000"), Decimal("82000")],
        frequency=frequency,
    )
    assert 0 not in found and len(found[1]) == 1


@pytest.mark.django_db
def test_variant_skus_are_looked_up_in_the_organization_only(organization):
    own = MasterProductFactory(organization=organization, variant_skus=["KP-01-HITAM-L", "X-2"])
    MasterProductFactory(organization=OrganizationFactory(), variant_skus=["KP-01-HITAM-L"])
    # Another organization's SKU that reads like this organization's key: still its own.
    MasterProductFactory(
        organization=OrganizationFactory(), variant_skus=[f"{organization.pk}:X-2"]
    )
    MasterProductFactory(organization=organization, variant_skus=["KP-01-PUTIH-L"])
    MasterProductFactory(organization=organization, variant_skus=[])
    found = products_with_variant_skus(
        organization_id=organization.pk, skus=["KP-01-HITAM-L", "X-2", "NONE"]
    )
    assert found == [own.pk]
    assert products_with_variant_skus(organization_id=organization.pk, skus=[]) == []


@pytest.mark.django_db
def test_variant_skus_are_found_through_the_organization_keys_index(organization):
    """The lookup's expression is the index's: one index entry a SKU, whatever the size of
    the organization (the (organization, SKUs) index intersected with every product of it)."""
    MasterProductFactory(organization=organization, variant_skus=["KP-01-HITAM-L"])
    keys = [organization_key(organization.pk, "KP-01-HITAM-L")]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as on a table of many products
        cursor.execute("EXPLAIN " + VARIANT_SQL, [keys])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "master_products_variant_keys" in plan

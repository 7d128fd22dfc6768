from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from catalog.models import MasterProduct
from core.platforms import Platform
from tests.factories import MasterProductFactory, PlatformMappingFactory, RawImportRecordFactory

pytestmark = pytest.mark.django_db


def test_duplicate_sku_in_one_organization_is_rejected(organization):
    MasterProductFactory(organization=organization, sku="KAOS-001")
    with pytest.raises(IntegrityError, match="master_products_unique_org_sku"):
        MasterProductFactory(organization=organization, sku="KAOS-001")


def test_same_sku_in_two_organizations_is_allowed(organization, other_organization):
    MasterProductFactory(organization=organization, sku="KAOS-001")
    MasterProductFactory(organization=other_organization, sku="KAOS-001")
    assert MasterProduct.objects.filter(sku="KAOS-001").count() == 2


def test_empty_sku_and_negative_price_are_rejected_by_the_database(organization):
    with transaction.atomic(), pytest.raises(IntegrityError, match="sku_not_empty"):
        MasterProductFactory(organization=organization, sku="")
    with pytest.raises(IntegrityError, match="base_price_non_negative"):
        MasterProductFactory(organization=organization, base_price=Decimal("-1"))


def test_listing_is_unique_per_organization_and_platform(organization, other_organization):
    PlatformMappingFactory(master_product__organization=organization, platform_product_id="123")
    # Same id on the other platform, and in another organization: both fine.
    PlatformMappingFactory(
        master_product__organization=organization,
        platform_product_id="123",
        platform=Platform.TIKTOKSHOP,
    )
    PlatformMappingFactory(
        master_product__organization=other_organization, platform_product_id="123"
    )
    with pytest.raises(IntegrityError, match="platform_mappings_unique_org_listing"):
        PlatformMappingFactory(master_product__organization=organization, platform_product_id="123")


def test_raw_record_is_unique_per_job_and_listing():
    record = RawImportRecordFactory(platform_product_id="555")
    with pytest.raises(IntegrityError, match="raw_import_data_unique_job_product"):
        RawImportRecordFactory(import_job=record.import_job, platform_product_id="555")


def test_money_and_measures_round_trip_as_decimal(organization):
    product = MasterProductFactory(
        organization=organization,
        base_price=Decimal("150000.00"),
        weight_kg=Decimal("0.35"),
        length_cm=Decimal("20.5"),
    )
    product.refresh_from_db()
    assert product.base_price == Decimal("150000.00")
    assert isinstance(product.base_price, Decimal)
    assert product.weight_kg == Decimal("0.350")
    assert product.length_cm == Decimal("20.50")


def test_search_vector_uses_the_indonesian_stemmer(organization):
    MasterProductFactory(organization=organization, name="Sepatu Lari Pria Ringan")
    MasterProductFactory(organization=organization, name="Kemeja Flanel")
    with connection.cursor() as cursor:
        # "berlari" stems to "lari" in the Indonesian configuration only.
        cursor.execute(
            "SELECT name FROM master_products "
            "WHERE search_vector @@ plainto_tsquery('indonesian', 'berlari')"
        )
        assert [row[0] for row in cursor.fetchall()] == ["Sepatu Lari Pria Ringan"]


def test_primary_image_url_prefers_the_marked_image():
    product = MasterProduct(
        images=[
            {"url": "https://img/1.jpg", "primary": False},
            {"url": "https://img/2.jpg", "primary": True},
        ]
    )
    assert product.primary_image_url == "https://img/2.jpg"
    assert MasterProduct(images=[{"url": "https://img/9.jpg"}]).primary_image_url == (
        "https://img/9.jpg"
    )
    assert MasterProduct(images=[]).primary_image_url == ""

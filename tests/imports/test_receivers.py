"""The imports app follows the catalog's signals: raw rows name the product a listing is on."""

from __future__ import annotations

import pytest

from catalog.listings import mapping_split
from tests.factories import (
    ImportJobFactory,
    MasterProductFactory,
    PlatformMappingFactory,
    RawImportRecordFactory,
)


@pytest.mark.django_db
def test_raw_records_follow_a_listing_split_onto_its_own_product(organization):
    shared = MasterProductFactory(organization=organization, name="Kaos Polos Hitam L")
    PlatformMappingFactory(master_product=shared, platform="tiktokshop")
    moved = PlatformMappingFactory(master_product=shared, platform_product_id="777")
    job = ImportJobFactory(organization=organization)
    raws = [
        RawImportRecordFactory(
            import_job=job, platform_product_id="777", master_product=shared, processed=True
        ),
        RawImportRecordFactory(
            import_job=ImportJobFactory(organization=organization),
            platform_product_id="777",
            master_product=shared,
        ),
    ]
    other = RawImportRecordFactory(import_job=job, platform_product_id="778", master_product=shared)

    master = mapping_split(mapping=moved)

    assert master.pk != shared.pk
    for raw in raws:
        raw.refresh_from_db()
        assert raw.master_product_id == master.pk
    other.refresh_from_db()
    assert other.master_product_id == shared.pk  # another listing: untouched

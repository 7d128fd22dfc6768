"""The catalog's planner statistics during a run: ANALYZE at the start, then whenever the
organization's products or listings have grown by half (each ANALYZE samples a fixed number
of rows, so the schedule, not the catalog's size, sets what they cost)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from catalog import populate
from catalog.listing_contract import IncomingListing, ListingRecord
from catalog.models import PlatformMapping
from catalog.populate import CatalogSession


def _listing(platform: str, number: int) -> IncomingListing:
    product_id = f"{platform}-{number}"
    values = {
        "platform_product_id": product_id,
        "name": f"Kopi Arabika Gayo {number} gr",
        "sku": f"KOPI-{number}",
        "base_price": Decimal("125000"),
        "listing_status": "active",
    }
    return IncomingListing(
        record=ListingRecord(platform, values),
        platform_product_id=product_id,
        shop=f"{platform}-shop",
        content_hash=f"hash-{product_id}",
        read_at=timezone.now() - timedelta(minutes=5),
    )


@pytest.mark.django_db
def test_statistics_are_refreshed_when_products_or_listings_grow_by_half(organization, monkeypatch):
    monkeypatch.setattr(populate, "ANALYZE_MIN_NEW_ROWS", 2)
    analyzed = []

    def note_analyze(execute, sql, params, many, context):
        if sql.startswith("ANALYZE"):
            analyzed.append(sql)
        return execute(sql, params, many, context)

    session = CatalogSession(organization.pk)
    counts = []

    def process(platform: str, numbers: range) -> None:
        with connection.execute_wrapper(note_analyze), transaction.atomic():
            session.process([_listing(platform, number) for number in numbers])
        counts.append(len(analyzed))

    process("shopee", range(0, 8))  # at the start
    process("shopee", range(8, 9))  # 8 new products since: analysed at (8, 8)
    process("shopee", range(9, 11))  # 1, then 3 new: under half of 8
    process("shopee", range(11, 12))
    process("shopee", range(12, 13))  # 4 new: half of 8, analysed at (12, 12)
    assert session.organization_size == 13
    # TikTok listings of the same SKUs: listings grow, products do not.
    process("tiktokshop", range(0, 6))  # 1 + 6 new listings since, under half of 12 before
    process("tiktokshop", range(6, 7))  # 7 new listings: over half of 12, analysed at (13, 19)
    assert counts == [1, 2, 2, 2, 3, 3, 4]
    assert session.organization_size == 13
    assert PlatformMapping.objects.filter(platform="tiktokshop", match_method="sku").count() == 7

"""The catalog's one way in, without the imports app: listings in, one outcome per listing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from catalog.listing_contract import IncomingListing, Issue, ListingRecord
from catalog.models import MasterProduct, PlatformMapping
from catalog.populate import CatalogSession


def _listing(product_id: str, *, name: str, sku: str, price: str = "125000", **extra):
    values = {
        "platform_product_id": product_id,
        "name": name,
        "sku": sku,
        "base_price": Decimal(price),
        "listing_status": "active",
        "images": [{"url": f"https://cf.shopee.co.id/file/{product_id}", "primary": True}],
    }
    return IncomingListing(
        record=ListingRecord("shopee", values),
        platform_product_id=product_id,
        shop="shop-1",
        content_hash=extra.get("content_hash", f"hash-{product_id}"),
        read_at=timezone.now() - timedelta(minutes=5),
    )


def _process(organization, listings, **options):
    session = CatalogSession(organization.pk, **options)
    with transaction.atomic():
        result = session.process(listings)
    assert result.outcomes == [listing.outcome for listing in listings]
    return result.report


@pytest.mark.django_db
def test_each_listing_gets_an_outcome_naming_its_product(organization):
    kopi = _listing("1001", name="Kopi Arabika Gayo 250 gr", sku="KOPI-GAYO-250")
    teh = _listing("1002", name="Teh Hijau Melati 100 gr", sku="TEH-MELATI-100")
    report = _process(organization, [kopi, teh])
    assert report.created == 2 and report.processed == 2
    for listing in (kopi, teh):
        mapping = PlatformMapping.objects.get(platform_product_id=listing.platform_product_id)
        assert listing.outcome.processed is True
        assert listing.outcome.master_product_id == mapping.master_product_id
        assert mapping.platform_shop_id == "shop-1"
        assert mapping.last_synced_at == listing.read_at
    assert MasterProduct.objects.get(pk=kopi.outcome.master_product_id).sku == "KOPI-GAYO-250"


@pytest.mark.django_db
def test_an_invalid_listing_is_answered_with_its_issues_and_stores_nothing(organization):
    broken = _listing("2001", name="Sabun Cair", sku="SABUN-1")
    broken.record.issues.append(Issue("base_price", "must be more than zero", "0"))
    good = _listing("2002", name="Sampo Lidah Buaya 200 ml", sku="SAMPO-200")
    report = _process(organization, [broken, good])
    assert report.invalid == 1 and report.created == 1
    assert broken.outcome.processed is True  # read and judged: nothing to store
    assert broken.outcome.master_product_id is None
    assert broken.outcome.errors_as_dicts()[0]["field"] == "base_price"
    assert not PlatformMapping.objects.filter(platform_product_id="2001").exists()
    assert good.outcome.master_product_id is not None


@pytest.mark.django_db
def test_the_reject_policy_answers_every_listing_of_the_batch_unprocessed(organization):
    broken = _listing("3001", name="Sabun Cair", sku="SABUN-1")
    broken.record.issues.append(Issue("name", "required"))
    good = _listing("3002", name="Sampo Lidah Buaya 200 ml", sku="SAMPO-200")
    report = _process(organization, [broken, good], error_policy="reject")
    assert report.rejected == 2
    assert [listing.outcome.processed for listing in (broken, good)] == [False, False]
    assert "rejected" in good.outcome.issues[-1].problem
    assert not PlatformMapping.objects.exists()


@pytest.mark.django_db
def test_an_unchanged_listing_is_answered_with_the_product_it_is_on(organization):
    first = _listing("4001", name="Kopi Robusta Lampung 1 kg", sku="KOPI-LAMPUNG")
    _process(organization, [first])
    again = _listing("4001", name="Kopi Robusta Lampung 1 kg", sku="KOPI-LAMPUNG")
    report = _process(organization, [again])
    assert report.unchanged == 1
    assert again.outcome.master_product_id == first.outcome.master_product_id


@pytest.mark.django_db
def test_a_dry_run_answers_without_writing(organization):
    listing = _listing("5001", name="Madu Hutan 500 ml", sku="MADU-500")
    report = _process(organization, [listing], dry_run=True)
    assert report.created == 1
    assert listing.outcome is not None
    assert not MasterProduct.objects.exists()

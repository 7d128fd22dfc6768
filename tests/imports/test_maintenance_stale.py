"""The daily maintenance never disables a live listing (issue: "archive_stale_mappings disables
live listings": a 400-listing shop re-imported in full still had "400 would change").

Listings stop syncing only when their product has been archived for longer than the days
given, or when the last complete full import of their shop no longer saw them.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import MasterProduct, PlatformMapping
from catalog.populate import MAPPING_COPY_FIELDS
from core.bulk import copy_insert
from imports.models import ImportJob
from imports.services import import_job_run, import_job_start
from imports.tasks import archive_stale_mappings
from tests.factories import MasterProductFactory, PlatformMappingFactory
from tests.sandbox_fixtures import connect_sandbox

LONG_AGO = timedelta(days=200)


def _import(connection, mode=ImportJob.Mode.FULL) -> ImportJob:
    job = import_job_run(job_id=import_job_start(connection=connection, mode=mode, queue=False).pk)
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    return job


def _maintenance(days: int = 90) -> str:
    out = StringIO()
    call_command("archive_stale_mappings", "--days", str(days), "--dry-run", stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_400_listing_shop_reimported_in_full_has_0_listings_to_change(make_sandbox, organization):
    sandbox = make_sandbox(products=400)
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    first = _import(connection)
    mappings = PlatformMapping.objects.filter(organization=organization)
    assert mappings.count() == 400
    shop = connection.shop_id or connection.shop_cipher
    assert set(mappings.values_list("platform_shop_id", flat=True)) == {shop}
    assert not mappings.filter(last_synced_at__lt=first.started_at).exists()
    # Nothing changes on the platform for half a year; the rows look old.
    mappings.update(updated_at=timezone.now() - LONG_AGO, last_synced_at=None)

    second = _import(connection)
    assert second.unchanged_count == 400
    assert mappings.filter(last_synced_at__gte=second.started_at).count() == 400
    assert mappings.filter(updated_at__lt=timezone.now() - LONG_AGO / 2).count() == 400

    assert "would stop syncing 0 listing(s)" in _maintenance()
    assert "and 0 listing(s) their shop no longer lists" in _maintenance()
    columns = ("pk", "listing_status", "sync_enabled", "sync_status", "updated_at")
    before = set(mappings.values_list(*columns))
    assert "stopped syncing 0" in archive_stale_mappings(90)  # the daily schedule's task
    assert set(mappings.values_list(*columns)) == before  # not one row touched
    assert not mappings.filter(sync_enabled=False).exists()


@pytest.mark.django_db(transaction=True)
def test_listings_the_last_complete_full_import_no_longer_saw_are_marked_deleted(
    make_sandbox, organization
):
    sandbox = make_sandbox(products=200)
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    _import(connection)
    shop = connection.shop_id or connection.shop_cipher
    # Five listings read after that import (by another, say), then removed from the shop.
    removed = PlatformMappingFactory.create_batch(
        5,
        organization=organization,
        master_product__organization=organization,
        platform="tiktokshop",
        platform_shop_id=shop,
        last_synced_at=timezone.now(),
    )
    # Another shop's listing on the same platform: its own imports decide about it.
    elsewhere = PlatformMappingFactory(
        organization=organization,
        master_product__organization=organization,
        platform="tiktokshop",
        platform_shop_id="another-shop",
        last_synced_at=timezone.now() - timedelta(days=3),
    )
    # An incremental import does not read the whole shop: it says nothing about them.
    _import(connection, mode=ImportJob.Mode.INCREMENTAL)
    assert "and 0 listing(s) their shop no longer lists" in _maintenance()

    _import(connection)  # a complete full import that does not see them
    assert "and 5 listing(s) their shop no longer lists" in _maintenance()
    call_command("archive_stale_mappings", "--days", "90", stdout=StringIO())
    for mapping in removed:
        mapping.refresh_from_db()
        assert (mapping.listing_status, mapping.sync_enabled, mapping.sync_status) == (
            "deleted",
            False,
            "disabled",
        )
    elsewhere.refresh_from_db()
    assert elsewhere.sync_enabled
    live = PlatformMapping.objects.filter(platform_shop_id=shop).exclude(
        pk__in=[m.pk for m in removed]
    )
    assert live.count() == 200 and not live.filter(sync_enabled=False).exists()
    assert "and 0 listing(s)" in _maintenance()  # done once


@pytest.mark.django_db
def test_listings_of_products_archived_longer_than_the_days_stop_syncing():
    long_archived = MasterProductFactory(status=MasterProduct.Status.ARCHIVED)
    MasterProduct.objects.filter(pk=long_archived.pk).update(
        archived_at=timezone.now() - timedelta(days=100)
    )
    recently_archived = MasterProductFactory(status=MasterProduct.Status.ARCHIVED)
    old_but_active = MasterProductFactory()
    MasterProduct.objects.filter(pk=old_but_active.pk).update(updated_at=timezone.now() - LONG_AGO)
    over = PlatformMappingFactory(master_product=long_archived)
    kept = [
        PlatformMappingFactory(master_product=recently_archived),
        PlatformMappingFactory(master_product=old_but_active),
    ]
    assert "would stop syncing 1 listing(s) of products archived" in _maintenance(days=90)
    call_command("archive_stale_mappings", "--days", "90", stdout=StringIO())
    over.refresh_from_db()
    assert (over.sync_enabled, over.sync_status) == (False, "disabled")
    for mapping in kept:
        mapping.refresh_from_db()
        assert mapping.sync_enabled


@pytest.mark.django_db
def test_archived_at_follows_the_status_whoever_writes_it():
    product = MasterProductFactory()
    assert product.archived_at is None
    products = MasterProduct.objects.filter(pk=product.pk)
    products.update(status=MasterProduct.Status.ARCHIVED)  # a bulk action
    archived_at = products.get().archived_at
    assert archived_at is not None
    products.update(name="Renamed while archived")
    assert products.get().archived_at == archived_at
    products.update(status=MasterProduct.Status.ACTIVE)
    assert products.get().archived_at is None


@pytest.mark.django_db
def test_enumerations_are_checked_by_the_database_even_for_copy():
    mapping = PlatformMappingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PlatformMapping.objects.filter(pk=mapping.pk).update(sync_status="syncing")
    with pytest.raises(IntegrityError), transaction.atomic():
        MasterProduct.objects.filter(pk=mapping.master_product_id).update(status="hidden")
    bad = PlatformMapping(
        organization=mapping.organization,
        master_product=mapping.master_product,
        platform="shopee",
        platform_product_id="123",
        review_status="maybe",
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_insert(PlatformMapping, [bad], MAPPING_COPY_FIELDS)

"""Two shops of one organization imported at the same moment build one consistent catalog."""

import threading

import pytest
from django.db import connection, transaction

from catalog.models import PlatformMapping
from imports.models import ImportJob, RawImportRecord
from imports.pipeline.catalog_build import CatalogBuild
from imports.sandbox.catalog import DirtRates
from imports.services import import_job_run, import_job_start
from tests.sandbox_fixtures import connect_sandbox

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_simultaneous_imports_link_same_sku_twins_instead_of_colliding(make_sandbox, organization):
    sandbox = make_sandbox(products=600, overlap=0.6, dirt=DirtRates.clean())
    jobs = [
        import_job_start(connection=connect_sandbox(sandbox, organization, platform), queue=False)
        for platform in ("shopee", "tiktokshop")
    ]
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job_id: int) -> None:
        try:
            start.wait()
            import_job_run(job_id=job_id)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job.pk,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors
    for job in jobs:
        job.refresh_from_db()
        assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
        assert job.stored_count == 600

    master_of = {
        (platform, listing): master
        for platform, listing, master in PlatformMapping.objects.filter(
            organization=organization
        ).values_list("platform", "platform_product_id", "master_product_id")
    }
    sku_twins = [t for t in sandbox.ground_truth() if t.kind == "sku"]
    assert len(sku_twins) > 100
    unlinked = [
        t
        for t in sku_twins
        if master_of[("shopee", str(t.shopee_item_id))]
        != master_of[("tiktokshop", str(t.tiktok_product_id))]
    ]
    details = [
        list(
            PlatformMapping.objects.filter(
                organization=organization,
                platform_product_id__in=[str(t.shopee_item_id), str(t.tiktok_product_id)],
            ).values_list(
                "platform", "platform_title", "platform_sku", "match_method", "review_reason"
            )
        )
        for t in unlinked
    ]
    assert not unlinked, f"{len(unlinked)} same-SKU twins built as separate products: {details}"


def _raw(organization, platform: str, product_id: str, payload: dict) -> RawImportRecord:
    job = ImportJob.objects.create(organization=organization, platform=platform, status="running")
    return RawImportRecord.objects.create(
        import_job=job,
        organization=organization,
        platform=platform,
        platform_product_id=product_id,
        raw_data=payload,
        content_hash=product_id,
    )


def test_a_batch_waits_for_the_organizations_batch_in_flight(organization):
    shopee = _raw(
        organization,
        "shopee",
        "1",
        {
            "base_info": {
                "item_id": 1,
                "item_name": "Kaos Polos K10",
                "item_sku": "KAOS-1",
                "price_info": [{"original_price": 50000}],
                "item_status": "NORMAL",
            },
            "models": None,
        },
    )
    tiktok = _raw(
        organization,
        "tiktokshop",
        "900",
        {
            "id": "900",
            "title": "Kaos Polos K10",
            "status": "ACTIVATE",
            "skus": [
                {"id": "1", "seller_sku": "KAOS-1", "price": {"tax_exclusive_price": "50000"}}
            ],
        },
    )
    warm_up = _raw(
        organization,
        "shopee",
        "2",
        {
            "base_info": {
                "item_id": 2,
                "item_name": "Topi Rajut Polos",
                "item_sku": "TOPI-2",
                "price_info": [{"original_price": 30000}],
                "item_status": "NORMAL",
            },
            "models": None,
        },
    )
    built, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def build(raw, hold: bool) -> None:
        try:
            session = CatalogBuild(organization.pk)
            if hold:  # a session past its first batch (which refreshes statistics)
                with transaction.atomic():
                    session.process([warm_up])
            with transaction.atomic():
                session.process([raw])
                if hold:  # the Shopee batch stays uncommitted while the TikTok one starts
                    built.set()
                    release.wait(10)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=build, args=(shopee, True))
    first.start()
    assert built.wait(30)
    second = threading.Thread(target=build, args=(tiktok, False))
    second.start()
    second.join(timeout=1)
    assert second.is_alive(), "the second batch should wait for the first to commit"
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert not errors, errors
    mappings = PlatformMapping.objects.filter(organization=organization).exclude(
        platform_product_id="2"
    )
    assert {m.master_product_id for m in mappings} == {
        mappings.get(platform="shopee").master_product_id
    }
    assert mappings.get(platform="tiktokshop").match_method == "sku"

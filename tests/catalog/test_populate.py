"""From raw payloads to one master catalog, on the sandbox's overlapping shops."""

import time
from io import StringIO

import pytest
import requests
from django.core.management import call_command

from catalog.matching import AUTO_LINK_THRESHOLD
from catalog.models import MasterProduct, PlatformMapping
from catalog.services import product_save_edit
from imports.models import ImportJob, RawImportRecord
from imports.pipeline.catalog_build import catalog_populate
from imports.services import import_job_run, import_job_start
from tests.catalog.match_quality import match_quality
from tests.sandbox_fixtures import connect_sandbox

pytestmark = pytest.mark.django_db(transaction=True)


def _import(connection, **options):
    job = import_job_start(connection=connection, queue=False, **options)
    return import_job_run(job_id=job.pk)


@pytest.fixture
def both_shops(make_sandbox, organization):
    sandbox = make_sandbox(products=1200, overlap=0.3)
    shopee = connect_sandbox(sandbox, organization, "shopee")
    tiktok = connect_sandbox(sandbox, organization, "tiktokshop")
    return sandbox, shopee, tiktok


def _mappings(organization):
    return {
        (m.platform, m.platform_product_id): m
        for m in PlatformMapping.objects.filter(organization=organization)
    }


@pytest.mark.slow
def test_two_shops_become_one_catalog_with_precise_sku_matches(both_shops, organization):
    sandbox, shopee, tiktok = both_shops
    shopee_job, tiktok_job = _import(shopee), _import(tiktok)
    assert shopee_job.status == tiktok_job.status == ImportJob.Status.SUCCEEDED
    assert shopee_job.created_count + shopee_job.linked_count == 1200
    mappings = _mappings(organization)
    assert len(mappings) == 2400
    truth = sandbox.ground_truth()
    pairs = {(str(t.shopee_item_id), str(t.tiktok_product_id)): t.kind for t in truth}

    def same_product(shopee_id, tiktok_id):
        return (
            mappings[("shopee", shopee_id)].master_product_id
            == mappings[("tiktokshop", tiktok_id)].master_product_id
        )

    sku_pairs = [pair for pair, kind in pairs.items() if kind == "sku"]
    recall = sum(same_product(*pair) for pair in sku_pairs) / len(sku_pairs)
    sku_links = [m for m in mappings.values() if m.match_method == "sku"]
    shopee_of = {
        m.master_product_id: m.platform_product_id
        for m in mappings.values()
        if m.platform == "shopee"
    }
    correct = sum(
        (shopee_of.get(m.master_product_id), m.platform_product_id) in pairs for m in sku_links
    )
    precision = correct / len(sku_links)
    assert recall >= 0.95, recall
    assert precision >= 0.99, precision

    title_links = [m for m in mappings.values() if m.match_method == "similarity"]
    assert {m.review_status for m in title_links} == {"auto", "needs_review"}
    assert all(
        m.match_confidence >= (AUTO_LINK_THRESHOLD if m.review_status == "auto" else 0.6)
        for m in title_links
    )
    title_pairs = [pair for pair, kind in pairs.items() if kind == "title"]
    found = sum(same_product(*pair) for pair in title_pairs)
    assert found / len(title_pairs) >= 0.8
    good = sum(
        (shopee_of.get(m.master_product_id), m.platform_product_id) in pairs for m in title_links
    )
    assert good / len(title_links) >= 0.8
    quality = match_quality(organization, truth)
    assert quality.precision >= 0.99, quality.as_dict()
    assert quality.recall >= 0.95, quality.as_dict()

    # Linked listings carry variant links to the master's variants.
    linked_with_variants = next(m for m in sku_links if m.variant_links)
    assert all(link["master_sku"] for link in linked_with_variants.variant_links)
    # Tokopedia listings say so.
    assert any("tokopedia" in m.listing_platforms for m in mappings.values())


def test_second_import_of_an_unchanged_catalog_changes_nothing(make_sandbox, organization):
    sandbox = make_sandbox(products=300)
    shopee = connect_sandbox(sandbox, organization, "shopee")
    first = _import(shopee)
    assert first.created_count > 250
    before = dict(MasterProduct.objects.values_list("id", "updated_at"))
    mapping_times = dict(PlatformMapping.objects.values_list("id", "updated_at"))
    second = _import(shopee)
    assert second.unchanged_count == 300
    assert (second.created_count, second.updated_count, second.linked_count) == (0, 0, 0)
    assert dict(MasterProduct.objects.values_list("id", "updated_at")) == before
    assert dict(PlatformMapping.objects.values_list("id", "updated_at")) == mapping_times


def test_a_merchandisers_edit_survives_a_reimport(make_sandbox, organization, settings):
    settings.IMPORT_INCREMENTAL_MARGIN_SECONDS = 0
    sandbox = make_sandbox(products=200)
    shopee = connect_sandbox(sandbox, organization, "shopee")
    _import(shopee)
    mapping = PlatformMapping.objects.filter(
        platform="shopee", is_source=True, listing_status="active"
    ).first()
    product = mapping.master_product
    product.name = "Nama Pilihan Merchandiser"
    product_save_edit(product=product, edited_fields=["name"])
    # The listing changes on Shopee (title and price), then we import again.
    index = sandbox.catalog.shopee.index_of(mapping.platform_product_id)
    change = sandbox.catalog.shopee.listings.changes
    from imports.sandbox.listings import Change

    change[index] = Change(
        update_time=int(time.time()) - 1, listing_class="NORMAL", version=1, price_percent=10
    )
    job = _import(shopee)
    assert job.updated_count == 1
    product.refresh_from_db()
    mapping.refresh_from_db()
    assert product.name == "Nama Pilihan Merchandiser"  # locked: the edit wins
    assert mapping.platform_title.endswith("New Edition")  # platform data refreshed
    expected_price = str(sandbox.catalog.shopee.listing(index).price)
    assert product.base_price == int(expected_price) or product.variants  # unlocked: updated
    from catalog.selectors import product_platform_differences

    differences = {row["field"]: row for row in product_platform_differences(product)}
    assert differences["name"]["locked"] is True
    assert differences["name"]["platform"].endswith("New Edition")


def test_deleted_listings_mark_their_mapping_and_keep_the_product(
    make_sandbox, organization, settings
):
    settings.IMPORT_INCREMENTAL_MARGIN_SECONDS = 0
    sandbox = make_sandbox(products=150)
    tiktok = connect_sandbox(sandbox, organization, "tiktokshop")
    _import(tiktok)
    deleted = requests.post(
        f"{sandbox.base_url}/_sandbox/mutate",
        json={"platform": "tiktokshop", "action": "delete", "count": 2},
        timeout=5,
    ).json()
    job = _import(tiktok, mode=ImportJob.Mode.INCREMENTAL)
    assert job.updated_count == 2
    for product_id in deleted["product_ids"]:
        mapping = PlatformMapping.objects.get(platform="tiktokshop", platform_product_id=product_id)
        assert mapping.listing_status == "deleted"
        assert MasterProduct.objects.filter(pk=mapping.master_product_id).exists()


def _fetch_raw_only(connection):
    """Store a shop's payloads without building the catalog (what populate_catalog reads)."""
    from imports.pipeline.fetch import Window
    from imports.pipeline.raw_store import raw_records_prepare
    from imports.pipeline.runner import ImportRunner

    job = import_job_start(connection=connection, queue=False)
    runner = ImportRunner(job)
    runner._plan()
    for window in job.checkpoint["windows"]:
        for page in runner.fetcher.pages(Window(*window), None):
            raws, _stored = raw_records_prepare(job=job, records=page.records)
            RawImportRecord.objects.bulk_create(raws)


def test_dry_run_writes_nothing_and_reports(make_sandbox, organization):
    sandbox = make_sandbox(products=120)
    shopee = connect_sandbox(sandbox, organization, "shopee")
    _fetch_raw_only(shopee)  # the records wait for populate_catalog
    assert RawImportRecord.objects.filter(processed=False).count() == 120
    out = StringIO()
    call_command("populate_catalog", "--organization", organization.slug, "--dry-run", stdout=out)
    assert "Dry run, would have: processed 120: created" in out.getvalue()
    assert not MasterProduct.objects.exists() and not PlatformMapping.objects.exists()
    assert not RawImportRecord.objects.filter(processed=True).exists()
    call_command(
        "populate_catalog",
        "--organization",
        organization.slug,
        "--batch-size",
        "50",
        stdout=StringIO(),
    )
    assert PlatformMapping.objects.count() == 120
    assert not RawImportRecord.objects.filter(processed=False).exists()


def _bad_records(organization):
    job = ImportJob.objects.create(organization=organization, platform="shopee", status="succeeded")
    good = {
        "base_info": {
            "item_id": 1,
            "item_name": "Kaos Polos K10",
            "item_sku": "K-1",
            "price_info": [{"original_price": 50000}],
            "item_status": "NORMAL",
        },
        "models": None,
    }
    bad = {
        "base_info": {"item_id": 2, "item_name": "Tanpa Harga", "item_status": "NORMAL"},
        "models": None,
    }
    for product_id, payload in (("1", good), ("2", bad)):
        RawImportRecord.objects.create(
            import_job=job,
            organization=organization,
            platform="shopee",
            platform_product_id=product_id,
            raw_data=payload,
            content_hash=product_id,
        )
    return job


def test_malformed_records_are_kept_with_readable_errors_and_the_rest_goes_on(organization):
    _bad_records(organization)
    report = catalog_populate(
        organization_id=organization.pk, records=RawImportRecord.objects.all()
    )
    assert (report.created, report.invalid) == (1, 1)
    bad = RawImportRecord.objects.get(platform_product_id="2")
    assert bad.processed and bad.master_product is None
    assert bad.raw_data["base_info"]["item_name"] == "Tanpa Harga"  # kept verbatim
    error = next(e for e in bad.processing_errors if e["severity"] == "error")
    assert error["field"] == "base_price" and "missing" in error["problem"]
    assert report.errors[0]["platform_product_id"] == "2"


def test_reject_policy_writes_nothing_of_a_batch_with_an_invalid_record(organization):
    _bad_records(organization)
    report = catalog_populate(
        organization_id=organization.pk,
        records=RawImportRecord.objects.all(),
        error_policy="reject",
    )
    assert report.rejected == 2 and report.created == 0
    assert not MasterProduct.objects.exists()
    good = RawImportRecord.objects.get(platform_product_id="1")
    assert not good.processed and "rejected" in good.processing_errors[-1]["problem"]


def test_duplicate_skus_in_a_shop_are_reported_never_merged(organization):
    job = ImportJob.objects.create(
        organization=organization, platform="tiktokshop", status="succeeded"
    )
    for product_id in ("71", "72"):
        RawImportRecord.objects.create(
            import_job=job,
            organization=organization,
            platform="tiktokshop",
            platform_product_id=product_id,
            content_hash=product_id,
            raw_data={
                "id": product_id,
                "title": f"Produk {product_id}",
                "status": "ACTIVATE",
                "skus": [
                    {"id": "1", "seller_sku": "SAMA-01", "price": {"tax_exclusive_price": "10000"}}
                ],
            },
        )
    report = catalog_populate(
        organization_id=organization.pk, records=RawImportRecord.objects.all()
    )
    assert report.duplicates == 1 and report.created == 2
    assert MasterProduct.objects.count() == 2
    second = PlatformMapping.objects.get(platform_product_id="72")
    assert second.review_status == "needs_review"
    record = RawImportRecord.objects.get(platform_product_id="72")
    assert any("duplicate SKU" in issue["problem"] for issue in record.processing_errors)


def test_sku_rules_make_differently_written_skus_match(organization):
    from catalog.models import SkuRule
    from catalog.services import sku_rules_apply

    SkuRule.objects.create(organization=organization, action="strip_prefix", value="TT-")
    job = ImportJob.objects.create(organization=organization, platform="shopee", status="succeeded")
    RawImportRecord.objects.create(
        import_job=job,
        organization=organization,
        platform="shopee",
        platform_product_id="5",
        content_hash="a",
        raw_data={
            "base_info": {
                "item_id": 5,
                "item_name": "Topi",
                "item_sku": "TOPI-9",
                "price_info": [{"original_price": 20000}],
            },
            "models": None,
        },
    )
    tt_job = ImportJob.objects.create(
        organization=organization, platform="tiktokshop", status="succeeded"
    )
    RawImportRecord.objects.create(
        import_job=tt_job,
        organization=organization,
        platform="tiktokshop",
        platform_product_id="6",
        content_hash="b",
        raw_data={
            "id": "6",
            "title": "Topi Keren",
            "status": "ACTIVATE",
            "skus": [
                {"id": "1", "seller_sku": "tt-topi-9", "price": {"tax_exclusive_price": "20000"}}
            ],
        },
    )
    sku_rules_apply(organization_id=organization.pk)
    report = catalog_populate(
        organization_id=organization.pk, records=RawImportRecord.objects.all()
    )
    assert (report.created, report.linked) == (1, 1)
    assert MasterProduct.objects.get().mappings.count() == 2

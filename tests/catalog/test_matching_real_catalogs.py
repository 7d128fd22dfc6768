"""Matching on a seller's catalog as real ones look (the sandbox's dirty-seller profile):
every TikTok/Tokopedia listing carries SKU `1`, titles are cut at each platform's limit and
rewritten, and look-alike products differ only by a size."""

from collections import Counter, defaultdict

import pytest
from django.urls import reverse

from catalog.matching import AUTO_LINK_THRESHOLD
from catalog.models import MasterProduct, PlatformMapping
from imports.models import ImportJob, RawImportRecord
from imports.services import import_job_run, import_job_start
from tests.catalog.match_quality import match_quality
from tests.sandbox_fixtures import connect_sandbox

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _import(connection):
    job = import_job_start(connection=connection, queue=False)
    return import_job_run(job_id=job.pk)


@pytest.fixture
def dirty_seller(make_sandbox, organization):
    """2,000 listings a shop, 65% of them on both platforms; Shopee imported first."""
    sandbox = make_sandbox(products=2000, profile="dirty-seller", seed=11)
    shopee = _import(connect_sandbox(sandbox, organization, "shopee"))
    tiktok = _import(connect_sandbox(sandbox, organization, "tiktokshop"))
    return sandbox, shopee, tiktok


def test_a_dirty_sellers_two_shops_become_one_catalog(
    dirty_seller, organization, merchandiser_client
):
    """One import of both shops (15 s), read five ways below."""
    sandbox, shopee_job, tiktok_job = dirty_seller
    _matches_to_target(sandbox, organization, shopee_job, tiktok_job)
    _sku_1_is_reported_and_never_an_identifier(organization, tiktok_job)
    _genuine_duplicate_skus_still_go_to_review(sandbox, organization)
    _one_listing_per_shop_on_a_product_and_every_link_says_how(organization)
    _the_admin_says_it_plainly(merchandiser_client, tiktok_job)


def _the_admin_says_it_plainly(client, tiktok_job):
    connection_page = client.get(
        reverse("admin:imports_channelconnection_change", args=[tiktok_job.connection_id])
    ).content.decode()
    assert "SKU &#x27;1&#x27; is on 2,000 listings of this shop: not used to match" in (
        connection_page
    )
    job_page = client.get(
        reverse("admin:imports_importjob_change", args=[tiktok_job.pk]), HTTP_ACCEPT_LANGUAGE="id"
    ).content.decode()
    assert "SKU &#x27;1&#x27; ada di 2.000 listing toko ini: tidak dipakai untuk mencocokkan" in (
        job_page
    )
    assert "ditautkan lewat judul" in job_page.lower()
    listing = PlatformMapping.objects.filter(platform="tiktokshop", match_method="new").first()
    listing_page = client.get(
        reverse("admin:catalog_platformmapping_change", args=[listing.pk]),
        HTTP_ACCEPT_LANGUAGE="id",
    ).content.decode()
    assert (
        "SKU &#x27;1&#x27; hanya isian, bukan kode produk: tidak dipakai untuk mencocokkan"
        in listing_page
    )


def _matches_to_target(sandbox, organization, shopee_job, tiktok_job):
    assert shopee_job.status == tiktok_job.status == ImportJob.Status.SUCCEEDED
    distinct = [(pair.shopee_item_id, pair.tiktok_product_id) for pair in sandbox.distinct_pairs()]
    assert distinct  # the profile has look-alikes that must stay apart
    quality = match_quality(organization, sandbox.ground_truth(), distinct)
    figures = quality.as_dict()
    assert quality.true_pairs >= 0.6 * 2000, figures
    assert quality.precision >= 0.99, figures
    assert quality.recall >= 0.95, figures
    assert quality.auto_share >= 0.80, figures
    assert quality.sibling_links == 0, figures
    assert quality.review_share <= 0.05, figures
    # The job says how the TikTok listings were linked.
    assert tiktok_job.title_linked_count + tiktok_job.suggested_count >= 0.95 * quality.found
    assert tiktok_job.linked_count == 0  # SKU `1` linked nothing


def _sku_1_is_reported_and_never_an_identifier(organization, tiktok_job):
    report = {row["sku"]: row for row in tiktok_job.placeholder_skus}
    assert report["1"]["listings"] == 2000 and report["1"]["platform"] == "tiktokshop"
    assert tiktok_job.events.filter(
        message__contains="SKU '1' is on 2,000 listings of this shop: not used to match"
    ).exists()
    # No product took the placeholder as its SKU; none was kept apart as its "duplicate".
    assert not MasterProduct.objects.filter(organization=organization, sku__in=["1"]).exists()
    assert not MasterProduct.objects.filter(
        organization=organization, sku_normalized__startswith="1-"
    ).exists()
    tiktok = PlatformMapping.objects.filter(organization=organization, platform="tiktokshop")
    assert not tiktok.filter(review_reason=PlatformMapping.ReviewReason.DUPLICATE_SKU).exists()
    # Each listing says why its SKU was not used: on its raw record and in its quality findings.
    listing = tiktok.filter(match_method="new").first()
    raw = RawImportRecord.objects.get(platform_product_id=listing.platform_product_id)
    assert any(
        issue["field"] == "sku" and "placeholder" in issue["problem"]
        for issue in raw.processing_errors
    )
    assert any("SKU '1' is a placeholder" in f["recommendation"] for f in listing.quality_issues)


def _genuine_duplicate_skus_still_go_to_review(sandbox, organization):
    groups = sandbox.catalog.duplicate_sku_groups()
    assert groups
    reviewed = PlatformMapping.objects.filter(
        organization=organization,
        platform="shopee",
        review_reason=PlatformMapping.ReviewReason.DUPLICATE_SKU,
    )
    in_groups = {str(item) for items in groups.values() for item in items}
    assert reviewed.exists()
    assert {m.platform_product_id for m in reviewed} <= in_groups
    # The review row names the product that already uses the SKU, not the listing's own.
    row = reviewed.first()
    assert row.match_candidates and row.match_candidates[0]["product"] != str(row.master_product_id)


def _one_listing_per_shop_on_a_product_and_every_link_says_how(organization):
    mappings = PlatformMapping.objects.filter(organization=organization)
    per_product = Counter(
        (m.master_product_id, m.platform, m.platform_shop_id)
        for m in mappings.only("master_product_id", "platform", "platform_shop_id")
    )
    assert max(per_product.values()) == 1
    assert mappings.exclude(platform_shop_id="").count() == mappings.count()
    title_links = mappings.filter(match_method="similarity")
    by_status = defaultdict(list)
    for mapping in title_links:
        by_status[mapping.review_status].append(mapping)
    assert all(m.match_confidence >= AUTO_LINK_THRESHOLD for m in by_status["auto"])
    reviews = by_status["needs_review"]
    assert reviews and all(m.review_reason in ("ambiguous", "uncertain") for m in reviews)
    # A review row keeps its candidates, the linked one first.
    assert all(m.match_candidates[0]["product"] == str(m.master_product_id) for m in reviews)

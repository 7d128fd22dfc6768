"""Re-matching a catalog imported before matching knew placeholder SKUs."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from catalog.listings import mapping_split
from catalog.models import MasterProduct, PlatformMapping
from catalog.rematch import catalog_rematch
from imports.services import import_job_run, import_job_start
from tests.catalog.match_quality import match_quality
from tests.sandbox_fixtures import connect_sandbox

pytestmark = pytest.mark.django_db(transaction=True)

Review = PlatformMapping.ReviewStatus


def _import(connection):
    return import_job_run(job_id=import_job_start(connection=connection, queue=False).pk)


def _as_imported_before(organization) -> int:
    """Turn today's catalog into what the old matching built: SKU `1` taken as an identifier,
    so every TikTok listing became its own product and all but the first one a "duplicate"
    waiting for review. Returns how many TikTok listings carry SKU `1`."""
    tiktok = PlatformMapping.objects.filter(organization=organization, platform="tiktokshop")
    for mapping in tiktok.exclude(match_method="new"):
        mapping_split(mapping=mapping, review_status=Review.AUTO)
    for mapping in tiktok.exclude(platform_sku="1"):  # variants only carry the `1`
        mapping.platform_data = {k: v for k, v in mapping.platform_data.items() if k != "sku_note"}
        mapping.save()
    for position, mapping in enumerate(tiktok.filter(platform_sku="1").order_by("pk")):
        product = mapping.master_product
        product.sku = "1" if position == 0 else f"1-{mapping.platform_product_id}"
        product.sku_normalized = product.sku.casefold()
        product.save(update_fields=["sku", "sku_normalized"])
        mapping.review_status = Review.NEEDS_REVIEW if position else Review.AUTO
        mapping.review_reason = ""
        mapping.match_candidates = []
        mapping.platform_data = {k: v for k, v in mapping.platform_data.items() if k != "sku_note"}
        mapping.save()
    return tiktok.filter(platform_sku="1").count()


@pytest.fixture
def legacy_catalog(make_sandbox, organization):
    sandbox = make_sandbox(products=400, profile="dirty-seller", seed=3)
    _import(connect_sandbox(sandbox, organization, "shopee"))
    _import(connect_sandbox(sandbox, organization, "tiktokshop"))
    listings = _as_imported_before(organization)
    before = match_quality(organization, sandbox.ground_truth())
    assert before.found == 0  # the bookseller's 0 linked pairs
    assert before.reviews >= listings - 1 > 300  # and a queue of "duplicates" of SKU 1
    return sandbox, listings


def _catalog_state(organization):
    return (
        sorted(
            PlatformMapping.objects.filter(organization=organization).values_list(
                "platform_product_id", "master_product_id", "review_status", "match_method"
            )
        ),
        sorted(MasterProduct.objects.filter(organization=organization).values_list("id", "sku")),
    )


def test_a_dry_run_shows_what_would_change_and_writes_nothing(legacy_catalog, organization):
    sandbox, listings = legacy_catalog
    before = _catalog_state(organization)
    report = catalog_rematch(organization_id=organization.pk, dry_run=True)
    assert _catalog_state(organization) == before
    assert report.dry_run
    assert report.unqueued == listings - 1  # every "duplicate" of SKU 1 leaves the queue
    assert report.sku_changed == listings  # no product keeps `1` (or `1-…`) as its SKU
    pairs = len(sandbox.ground_truth())
    assert report.linked + report.reviews >= 0.95 * pairs
    assert report.products_removed == report.linked + report.reviews
    kinds = {action["action"] for action in report.actions}
    assert {"link", "unqueue", "sku"} <= kinds
    link = next(a for a in report.actions if a["action"] == "link")
    assert link["listing"].startswith("TikTok Shop") and link["product"]


def test_applying_repairs_the_catalog_to_todays_targets(legacy_catalog, organization):
    sandbox, _listings = legacy_catalog
    report = catalog_rematch(organization_id=organization.pk, dry_run=False)
    assert report.linked > 0 and not report.dry_run
    distinct = [(pair.shopee_item_id, pair.tiktok_product_id) for pair in sandbox.distinct_pairs()]
    quality = match_quality(organization, sandbox.ground_truth(), distinct)
    figures = quality.as_dict()
    assert quality.precision >= 0.99, figures
    assert quality.recall >= 0.95, figures
    assert quality.sibling_links == 0, figures
    assert quality.review_share <= 0.05, figures
    products = MasterProduct.objects.filter(organization=organization)
    assert not products.filter(sku__in=["1"]).exists()
    assert not products.filter(sku__startswith="1-").exists()
    # Products made for a listing that is now linked are gone; every product has a listing.
    assert not products.filter(mappings__isnull=True).exists()
    # Running it again finds nothing more to do.
    again = catalog_rematch(organization_id=organization.pk, dry_run=True)
    assert (again.linked, again.split, again.unqueued, again.sku_changed) == (0, 0, 0, 0)


def test_a_persons_decisions_are_kept(legacy_catalog, organization):
    tiktok = PlatformMapping.objects.filter(organization=organization, platform="tiktokshop")
    kept_apart = tiktok.filter(review_status=Review.NEEDS_REVIEW).first()
    kept_apart.review_status = Review.REJECTED  # a merchandiser said: its own product
    kept_apart.save(update_fields=["review_status"])
    catalog_rematch(organization_id=organization.pk, dry_run=False)
    kept_apart.refresh_from_db()
    assert kept_apart.review_status == Review.REJECTED
    assert kept_apart.master_product.mappings.count() == 1


def test_the_command_dry_runs_unless_told_to_apply(legacy_catalog, organization):
    before = _catalog_state(organization)
    out = StringIO()
    call_command("rematch_catalog", organization=organization.slug, stdout=out)
    text = out.getvalue()
    assert "Dry run for Toko Satu" in text and "Nothing was written" in text
    assert "listings would link to a matching product" in text
    assert _catalog_state(organization) == before
    out = StringIO()
    call_command("rematch_catalog", organization=organization.slug, apply=True, stdout=out)
    assert "Re-matched Toko Satu" in out.getvalue()
    assert _catalog_state(organization) != before


def test_the_admin_dry_run_lists_links_first_in_the_readers_language(
    legacy_catalog, merchandiser_client, organization
):
    before = _catalog_state(organization)
    page = merchandiser_client.post(
        reverse("admin:core_organization_changelist"),
        {"action": "rematch_catalog_action", "_selected_action": [organization.pk]},
        HTTP_ACCEPT_LANGUAGE="id",
    ).content.decode()
    assert _catalog_state(organization) == before  # a dry run
    rows = re.findall(r'<tr class="rematch-(\w+)">', page)
    assert rows[0] == "link" and {"link", "unqueue", "sku"} <= set(rows)
    assert rows.index("unqueue") > max(i for i, kind in enumerate(rows) if kind == "link")
    assert "hanya isian, bukan kode produk: tidak dipakai untuk mencocokkan" in page
    assert "keyakinan" in page and "sebelumnya 1-" in page
    assert page.count('value="Cocokkan ulang sekarang"') == 2


def test_only_owners_and_merchandisers_may_rematch(legacy_catalog, client, viewer, organization):
    client.force_login(viewer)
    before = _catalog_state(organization)
    response = client.post(
        reverse("admin:core_organization_changelist"),
        {
            "action": "rematch_catalog_action",
            "_selected_action": [organization.pk],
            "confirm": "yes",
        },
        follow=True,
    )
    assert "Only an owner or a merchandiser" in response.content.decode()
    assert _catalog_state(organization) == before

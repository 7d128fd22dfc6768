"""Listings' SEO (catalog.listing_seo) and quality: on every import, after edits, in the
admin, within the shop's own title limit."""

from dataclasses import asdict
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.listing_seo import listing_title_rules, mappings_seo_apply
from catalog.models import MasterProduct, PlatformMapping
from catalog.services import listing_quality_assess, product_save_edit, quality_refresh
from core.platforms import TITLE_RULES
from imports.services import import_job_run, import_job_start
from seo.lint import lint_title
from tests.factories import MasterProductFactory, PlatformMappingFactory

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_every_imported_listing_gets_a_title_keywords_and_scores(sandbox, tiktok_connection):
    job = import_job_start(connection=tiktok_connection, queue=False)
    import_job_run(job_id=job.pk)
    mappings = PlatformMapping.objects.select_related("master_product")
    assert mappings.count() == 300
    for mapping in mappings:
        assert mapping.seo_title and 0 <= mapping.seo_quality_score <= 100
        assert mapping.seo_keywords
        assert mapping.quality_score is not None
        assert not [
            f
            for f in lint_title(mapping.seo_title, **asdict(TITLE_RULES["tiktokshop"]))
            if f.severity == "error" and f.code != "too_short"
        ]
        if mapping.seo_quality_score < 100:
            assert mapping.seo_findings  # the reasons behind the score
    assert not MasterProduct.objects.filter(quality_score__isnull=True).exists()
    assert job.events.filter(message__startswith="SEO titles for 300 listing(s)").exists()


def test_editing_a_product_rescores_its_quality(organization):
    product = MasterProductFactory(organization=organization, name="Kaos", images=[])
    quality_refresh(products=MasterProduct.objects.all())
    product.refresh_from_db()
    before = product.quality_score
    product.images = [
        {"url": f"https://img.example/{n}.jpg", "alt": "", "primary": n == 0} for n in range(6)
    ]
    product.full_description = "Kaos katun adem untuk sehari-hari, isi paket 1 kaos. " * 5
    product_save_edit(product=product, edited_fields=["images", "full_description"])
    product.refresh_from_db()
    assert product.quality_score > before


def _scored(organization, name, images, brand="Erigo"):
    product = MasterProductFactory(
        organization=organization,
        name=name,
        brand=brand,
        category="Pakaian Pria",
        subcategory="Kaos",
        images=[{"url": f"https://i.example/{n}", "primary": n == 0} for n in range(images)],
    )
    PlatformMappingFactory(master_product=product, platform="shopee", platform_title=name)
    return product


def test_regenerate_seo_titles_previews_then_writes(merchandiser_client, organization):
    product = _scored(organization, "🔥PROMO kaos polos erigo murah", 3)
    url = reverse("admin:catalog_masterproduct_changelist")
    preview = merchandiser_client.post(
        url, {"action": "regenerate_seo_titles", "_selected_action": [product.pk]}
    )
    page = preview.content.decode()
    assert 'id="seo-preview"' in page and "<b>Erigo Kaos Polos</b>" in page
    mapping = product.mappings.get()
    assert mapping.seo_title == ""  # nothing written before confirming
    merchandiser_client.post(
        url, {"action": "regenerate_seo_titles", "confirm": "yes", "_selected_action": [product.pk]}
    )
    mapping.refresh_from_db()
    assert mapping.seo_title == "Erigo Kaos Polos"
    assert mapping.seo_quality_score < 85  # short: the reasons say so
    assert any(r["code"] == "short" for r in mapping.seo_findings)


def test_quality_dashboard_shows_charts_findings_and_the_weakest(
    merchandiser_client, organization, django_assert_max_num_queries
):
    _scored(organization, "Erigo Kaos Polos Cotton Combed 30s Oversize", 6)
    weak = _scored(organization, "Kaos 🔥 Murah", 1, brand="")
    quality_refresh(products=MasterProduct.objects.all())
    with django_assert_max_num_queries(12):
        page = merchandiser_client.get(reverse("admin:catalog_quality_dashboard"))
    content = page.content.decode()
    assert content.count('class="quality-chart"') == 2  # one per platform, server-rendered
    assert "<svg" in content and "Poor" in content
    assert "Add images: fewer than 3 makes buyers hesitate" in content
    assert reverse("admin:catalog_masterproduct_change", args=[weak.pk]) in content


def test_quality_tier_filter_on_listings(merchandiser_client, organization):
    good = _scored(organization, "Erigo Kaos Polos Cotton Combed 30s", 6)
    poor = _scored(organization, "Kaos Murah 🔥", 1, brand="")
    quality_refresh(products=MasterProduct.objects.all())
    PlatformMapping.objects.filter(master_product=good).update(quality_score=Decimal("90"))
    url = reverse("admin:catalog_platformmapping_changelist")
    page = merchandiser_client.get(url, {"quality": "poor"}).content.decode()
    poor_id = poor.mappings.get().platform_product_id
    good_id = good.mappings.get().platform_product_id
    assert poor_id in page and good_id not in page


@pytest.mark.parametrize(
    ("platform", "listing", "expected"),
    [
        ("shopee", {"title_limit": 60}, (5, 60)),  # the shop's own limit, from the import
        ("shopee", {}, (5, 100)),  # imported before shops' limits were stored
        ("tiktokshop", {}, (25, 255)),
        ("shopee", {"title_limit": "junk"}, (5, 100)),
    ],
)
def test_a_listings_title_limits(organization, platform, listing, expected):
    mapping = PlatformMappingFactory(
        master_product=MasterProductFactory(organization=organization),
        platform=platform,
        platform_data={"listing": listing},
    )
    rules = listing_title_rules(mapping)
    assert (rules.min_length, rules.max_length) == expected


def test_a_generated_title_keeps_to_the_shops_own_limit(organization):
    product = MasterProductFactory(
        organization=organization,
        name="Kaos Polos Cotton Combed 30s Oversize Unisex Lengan Pendek Adem Nyaman",
        brand="Erigo",
    )
    mapping = PlatformMappingFactory(
        master_product=product, platform="shopee", platform_data={"listing": {"title_limit": 30}}
    )
    (change,) = mappings_seo_apply(mappings=PlatformMapping.objects.filter(pk=mapping.pk))
    assert change.new_title.startswith("Erigo Kaos") and len(change.new_title) <= 30
    mapping.refresh_from_db()
    assert mapping.seo_title == change.new_title


def test_listing_quality_holds_the_title_to_the_shops_own_limit(organization):
    product = MasterProductFactory(organization=organization, name="Kaos Polos", brand="Erigo")
    title = "Erigo Kaos Polos Cotton Combed 30s Oversize Unisex " * 3  # about 150 characters
    mapping = PlatformMappingFactory(
        master_product=product, platform="shopee", platform_title=title, platform_data={}
    )

    def title_too_long() -> bool:
        listing_quality_assess(mapping, product)
        return any("characters" in str(finding) for finding in mapping.quality_issues)

    assert title_too_long()  # Shopee's 100
    mapping.platform_data = {"listing": {"title_limit": 255}}
    assert not title_too_long()

"""Listings' platform prices: priced on every import, recalculated (admin action, command),
shown on the listing's page, and filtered by margin against the pricing profile's threshold."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from catalog.listing_prices import mapping_prices_recalculate
from catalog.models import PlatformMapping
from imports.services import import_job_run, import_job_start
from pricing.models import PricingProfile
from tests.factories import MasterProductFactory, PlatformMappingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_fee_rules(seeded_fee_rules):
    """Pricing a listing needs the migration-seeded fee rules."""


@pytest.mark.django_db(transaction=True)
def test_every_import_prices_its_listings(sandbox, shopee_connection):
    job = import_job_start(connection=shopee_connection, queue=False)
    import_job_run(job_id=job.pk)
    mappings = PlatformMapping.objects.filter(platform="shopee")
    assert mappings.count() == 300
    assert not mappings.filter(platform_price__isnull=True).exists()
    mapping = mappings.select_related("master_product").first()
    assert mapping.platform_price > mapping.master_product.base_price
    assert mapping.platform_price % 100 == 0
    assert mapping.fee_percentage > 0 and mapping.calculated_at is not None
    assert mapping.price_breakdown["fee_rule_id"]
    assert Decimal(mapping.price_breakdown["payout"]) >= mapping.master_product.base_price
    assert job.events.filter(message__startswith="Priced 300 listing(s)").exists()


def _listing(organization, base, cost, category="Pakaian Pria"):
    product = MasterProductFactory(
        organization=organization,
        base_price=Decimal(base),
        cost_price=Decimal(cost) if cost else None,
        category=category,
    )
    return PlatformMappingFactory(master_product=product, platform="tiktokshop")


def test_recalculate_action_previews_then_writes(merchandiser_client, organization):
    mapping = _listing(organization, "100000", "105000")  # cost above the base price
    url = reverse("admin:catalog_platformmapping_changelist")
    preview = merchandiser_client.post(
        url, {"action": "recalculate_prices", "_selected_action": [mapping.pk]}
    )
    page = preview.content.decode()
    assert 'id="price-preview"' in page and "negative" in page
    mapping.refresh_from_db()
    assert mapping.platform_price is None  # nothing written yet
    merchandiser_client.post(
        url, {"action": "recalculate_prices", "confirm": "yes", "_selected_action": [mapping.pk]}
    )
    mapping.refresh_from_db()
    assert mapping.platform_price is not None
    assert mapping.margin_percentage < 0


def test_the_listing_page_shows_its_price_breakdown_in_rupiah(merchandiser_client, organization):
    from core.money import format_rupiah

    mapping = _listing(organization, "100000", "60000")
    mapping_prices_recalculate(mappings=PlatformMapping.objects.filter(pk=mapping.pk))
    mapping.refresh_from_db()
    url = reverse("admin:catalog_platformmapping_change", args=[mapping.pk])
    page = merchandiser_client.get(url, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert 'class="price-breakdown"' in page
    assert format_rupiah(mapping.platform_price) in page  # e.g. Rp 110.300
    assert format_rupiah(Decimal(mapping.price_breakdown["payout"])) in page
    assert "Dana diterima" in page and "Aturan biaya" in page


def test_margin_flags_are_filterable(merchandiser_client, organization):
    negative = _listing(organization, "100000", "105000")
    thin = _listing(organization, "100000", "95000")
    healthy = _listing(organization, "100000", "50000")
    unknown = _listing(organization, "100000", None)
    mapping_prices_recalculate(mappings=PlatformMapping.objects.all())
    url = reverse("admin:catalog_platformmapping_changelist")
    for value, expected in (
        ("negative", negative),
        ("thin", thin),
        ("healthy", healthy),
        ("unknown", unknown),
    ):
        page = merchandiser_client.get(url, {"margin": value}).content.decode()
        others = {negative, thin, healthy, unknown} - {expected}
        assert expected.platform_product_id in page, value
        assert not any(o.platform_product_id in page for o in others), value


def test_recalculate_prices_command(organization):
    mapping = _listing(organization, "76000", "50000")
    PricingProfile.objects.create(
        organization=organization, platform="tiktokshop", pph22_applies=False
    )
    out = StringIO()
    call_command(
        "recalculate_prices",
        "--organization",
        organization.slug,
        "--date",
        "2026-03-01",
        stdout=out,
    )
    assert "1 listing(s) priced, 1 changed, 0 failed" in out.getvalue()
    mapping.refresh_from_db()
    # 6.97 % commission, no PPh 22, Rp1,250 fixed: grossed up to the next Rp100.
    assert mapping.platform_price == Decimal("83100")
    assert mapping.price_breakdown["pph22"] == "0"


def test_the_thin_filter_uses_each_organizations_pricing_profile(merchandiser_client, organization):
    """The seller's own threshold (15 %) decides, not the deployment's default (10 %)."""
    PricingProfile.objects.create(
        organization=organization, platform="tiktokshop", thin_margin_percent=Decimal("15")
    )
    twelve = _listing(
        organization, "100000", "88000"
    )  # about 11 %: healthy at 10 %, thin below 15 %
    healthy = _listing(organization, "100000", "50000")
    changes = mapping_prices_recalculate(mappings=PlatformMapping.objects.all())
    assert {c.mapping.pk: c.flag for c in changes}[twelve.pk] == "thin"
    url = reverse("admin:catalog_platformmapping_changelist")
    thin_page = merchandiser_client.get(url, {"margin": "thin"}).content.decode()
    assert twelve.platform_product_id in thin_page
    assert healthy.platform_product_id not in thin_page
    healthy_page = merchandiser_client.get(url, {"margin": "healthy"}).content.decode()
    assert healthy.platform_product_id in healthy_page
    assert twelve.platform_product_id not in healthy_page
    # The label names the thresholds in force: 15 % on TikTok Shop, the default on Shopee.
    assert "Thin (below 10-15%)" in healthy_page


@override_settings(PRICING_THIN_MARGIN_PERCENT=12)
def test_the_setting_is_the_default_of_a_new_profile(organization):
    assert PricingProfile(organization=organization).thin_margin_percent == Decimal("12")
    saved = PricingProfile.objects.create(organization=organization, platform="shopee")
    saved.refresh_from_db()
    assert saved.thin_margin_percent == Decimal("12")

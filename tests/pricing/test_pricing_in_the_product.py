"""Fee rules in force, prices on every import, recalculation, simulator, margin flags."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from catalog.models import PlatformMapping
from imports.services import import_job_run, import_job_start
from pricing.categories import category_group
from pricing.models import PlatformFeeConfig, PricingProfile
from pricing.selectors import fee_configs_for, select_fee_config
from tests.factories import MasterProductFactory, PlatformMappingFactory

pytestmark = pytest.mark.django_db


def _rule(platform, on, tier="regular", group="fashion", organization_id=None):
    return select_fee_config(
        fee_configs_for(organization_id=organization_id),
        platform=platform,
        seller_tier=tier,
        category_group=group,
        on=on,
        organization_id=organization_id,
    )


def test_defaults_are_seeded_with_sources_and_verification():
    assert PlatformFeeConfig.objects.filter(organization=None).count() >= 20
    assert not PlatformFeeConfig.objects.filter(source="").exists()
    assert PlatformFeeConfig.objects.filter(seller_tier="mall", verified=False).exists()


@pytest.mark.parametrize(
    ("platform", "on", "group", "commission", "fixed"),
    [
        ("tiktokshop", date(2026, 2, 12), "fashion", "8.0000", "1250.00"),
        ("tiktokshop", date(2026, 2, 13), "fashion", "6.9700", "1250.00"),
        ("shopee", date(2025, 7, 19), "fashion", "8.0000", "0.00"),
        ("shopee", date(2025, 7, 20), "fashion", "8.0000", "1250.00"),
        ("shopee", date(2026, 3, 1), "fashion", "9.0000", "1250.00"),
        ("shopee", date(2026, 3, 1), "others", "9.5000", "1250.00"),
    ],
)
def test_the_rule_in_force_on_a_date_is_used(platform, on, group, commission, fixed):
    rule = _rule(platform, on, group=group)
    assert str(rule.commission_percent) == commission
    assert str(rule.fixed_fee_per_order) == fixed


def test_no_rule_before_the_first_one():
    assert _rule("shopee", date(2020, 1, 1)) is None


def test_an_organizations_override_wins(organization):
    PlatformFeeConfig.objects.create(
        organization=organization,
        platform="shopee",
        seller_tier="regular",
        category_group="",
        commission_percent=Decimal("6.5"),
        effective_from=date(2026, 1, 1),
        source="Our Shopee account manager, Jan 2026",
        verified=True,
    )
    mine = _rule("shopee", date(2026, 3, 1), organization_id=organization.pk)
    assert mine.commission_percent == Decimal("6.5")
    assert _rule("shopee", date(2026, 3, 1)).commission_percent == Decimal("9")


def test_category_groups():
    assert category_group("Pakaian Pria") == "fashion"
    assert category_group("Handphone & Aksesoris") == "electronics"
    assert category_group("Makanan & Minuman") == "fmcg"
    assert category_group("Perlengkapan Dapur") == "lifestyle"
    assert category_group("Lain-lain") == "others"


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
    from catalog.money import format_rupiah
    from pricing.services import mapping_prices_recalculate

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
    from pricing.services import mapping_prices_recalculate

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


def test_simulator_shows_both_platforms_side_by_side(merchandiser_client):
    url = reverse("admin:pricing_simulator")
    page = merchandiser_client.get(
        url,
        {
            "cost": "50000",
            "target_margin": "20",
            "seller_tier": "regular",
            "category_group": "fashion",
            "discount": "0",
            "shipping": "0",
            "program_percent": "0",
            "affiliate_percent": "0",
            "pph22": "on",
            "on": "2026-03-01",
        },
    ).content.decode()
    assert page.count('class="module"') >= 2
    assert "Shopee" in page and "TikTok Shop" in page
    # Fee rates as the one percent format shows them (was "6.9700%", issue #19 item 11).
    assert "6.97%" in page and "9%" in page and "9.0000%" not in page
    invalid = merchandiser_client.get(
        url,
        {
            "seller_tier": "regular",
            "category_group": "fashion",
            "on": "2026-03-01",
            "discount": "0",
            "shipping": "0",
            "program_percent": "0",
            "affiliate_percent": "0",
        },
    )
    assert "Enter a cost" in invalid.content.decode()


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

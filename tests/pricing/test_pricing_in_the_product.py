"""Fee rules in force, category groups and the price simulator."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from pricing.categories import category_group
from pricing.models import PlatformFeeConfig
from pricing.selectors import fee_configs_for, select_fee_config

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

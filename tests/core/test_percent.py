"""Issue #19 item 11: one percent format in the admin, in the visitor's language."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.templatetags.percent import format_percent
from pricing.models import PlatformFeeConfig
from tests.factories import PlatformMappingFactory


@pytest.mark.parametrize(
    ("value", "kwargs", "english", "indonesian"),
    [
        (Decimal("10.2000"), {}, "10.2%", "10,2%"),
        (Decimal("8.0000"), {}, "8%", "8%"),
        (Decimal("11.225"), {}, "11.23%", "11,23%"),  # half up, two places
        (Decimal("100"), {}, "100%", "100%"),  # no 1E+2
        (Decimal("-3.50"), {}, "-3.5%", "-3,5%"),
        ("6.97", {}, "6.97%", "6,97%"),  # stored breakdowns hold strings
        (Decimal("1.000"), {"fraction": True, "places": 0}, "100%", "100%"),
        (Decimal("0.912"), {"fraction": True, "places": 1}, "91.2%", "91,2%"),
        (None, {}, "—", "—"),
    ],
)
def test_format_percent_in_both_languages(value, kwargs, english, indonesian):
    with translation.override("en"):
        assert format_percent(value, **kwargs) == english
    with translation.override("id"):
        assert format_percent(value, **kwargs) == indonesian


def _rule(organization=None, commission="10.2000") -> PlatformFeeConfig:
    return PlatformFeeConfig.objects.create(
        organization=organization,
        platform="shopee",
        seller_tier="regular",
        category_group="electronics",
        commission_percent=Decimal(commission),
        payment_fee_percent=Decimal("1.8000"),
        pph22_percent=Decimal("0.5000"),
        effective_from=date(2031, 1, 1),
        source="test",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "shown"), [("en", "10.2%"), ("id", "10,2%")])
def test_the_fee_rule_list_and_pages_show_one_percent_format(
    merchandiser_client, viewer, organization, language, shown
):
    _rule()
    own = _rule(organization=organization, commission="12.3400")
    listing = merchandiser_client.get(
        reverse("admin:pricing_platformfeeconfig_changelist"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert shown in listing and "10.2000" not in listing and "10,2000" not in listing
    assert ("1.8%" if language == "en" else "1,8%") in listing
    # A viewer's page is read-only: the rates shown like the list's, not "12,3400".
    viewer_client = Client()
    viewer_client.force_login(viewer)
    page = viewer_client.get(
        reverse("admin:pricing_platformfeeconfig_change", args=[own.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()
    assert ("12.34%" if language == "en" else "12,34%") in page
    assert "12.3400" not in page and "12,3400" not in page
    # Their own rule is a form: the input holds the rate without the stored zeros.
    form = merchandiser_client.get(
        reverse("admin:pricing_platformfeeconfig_change", args=[own.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()
    assert 'value="12.34"' in form and "12.3400" not in form


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "separator", "other"), [("en", ".", ","), ("id", ",", ".")])
def test_the_simulator_shows_rates_in_the_language(merchandiser_client, language, separator, other):
    page = merchandiser_client.get(
        reverse("admin:pricing_simulator"),
        {
            "cost": "50000",
            "target_margin": "20",
            "seller_tier": "regular",
            "category_group": "fashion",
            "discount": "0",
            "shipping": "0",
            "program_percent": "0",
            "affiliate_percent": "0",
            "on": "2026-03-01",
        },
        HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()
    assert f"6{separator}97%" in page  # the TikTok Shop rule's commission
    assert "6.9700" not in page and "9.0000" not in page
    # Fees and margin beside the amounts: "(11,22%)" in Indonesian, never "(11.22%)".
    shares = re.findall(r"\((-?\d+(?:[.,]\d+)?)%\)", page)
    assert len(shares) >= 4  # fees and margin, on both platforms
    assert any(separator in share for share in shares)
    assert not any(other in share for share in shares)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "margin", "fee"), [("en", "11.22%", "(9%)"), ("id", "11,22%", "(9%)")]
)
def test_the_listing_page_shows_confidence_margin_and_fees_as_percent(
    merchandiser_client, organization, language, margin, fee
):
    mapping = PlatformMappingFactory(
        master_product__organization=organization,
        match_confidence=Decimal("1.000"),
        margin_percentage=Decimal("11.22"),
        fee_percentage=Decimal("9.00"),
        # As mapping_prices_compute stores it (amounts as strings, rates in percent).
        price_breakdown={
            **{name: "0" for name in ("commission", "program_fee", "payment_fee")},
            **{name: "0" for name in ("affiliate_fee", "pph22", "fixed_fee", "shipping")},
            "list_price": "110000",
            "net_price": "110000",
            "total_fees": "9900",
            "payout": "100100",
            "cost": "87758",
            "profit": "12342",
            "program_cap_binding": False,
            "fee_percentage": "9.00",
            "margin_percentage": "11.22",
        },
    )
    page = merchandiser_client.get(
        reverse("admin:catalog_platformmapping_change", args=[mapping.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    ).content.decode()
    assert "100%" in page and "1.000" not in page and "1,000" not in page
    assert margin in page and f"({margin})" in page and fee in page
    listing = merchandiser_client.get(
        reverse("admin:catalog_platformmapping_changelist"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert "100%" in listing and margin in listing and ">9%<" in listing

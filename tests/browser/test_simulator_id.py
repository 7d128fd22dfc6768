"""Issue #19 item 2: the price simulator works in Bahasa Indonesia (its date input was empty,
so Hitung only asked to fill the field in)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.usefixtures("seeded_fee_rules"),
]


def test_the_simulator_calculates_in_bahasa_indonesia(make_page, owner, organization):
    page = make_page(locale="id-ID")  # the browser asks for Indonesian
    log_in(page, owner.username)
    page.goto("/admin/pricing/platformfeeconfig/simulator/")
    # A date input shows only an ISO value: "30-11-2026" would leave it empty.
    expect(page.locator("input[name=on]")).to_have_value(timezone.localdate().isoformat())
    page.fill("input[name=cost]", "50000")
    page.get_by_role("button", name="Hitung").or_(page.locator("input[value=Hitung]")).click()
    expect(page.locator("#simulation")).to_be_visible()
    expect(page.locator("#simulation .price-breakdown")).to_have_count(2)
    expect(page.locator("#simulation")).to_contain_text("Rp ")
    expect(page.locator("#simulation")).to_contain_text("%)")

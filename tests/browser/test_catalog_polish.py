"""Issue #19 in a real browser: a plain save locks nothing, and the review queue shows a
kept-apart listing's conflict and leaves it out of bulk confirm."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from catalog.models import PlatformMapping
from tests.browser.conftest import log_in, select_and_run
from tests.catalog.test_catalog_polish import (
    DESCRIPTION,
    _kept_apart_without_candidates,
    _product,
    _suggestion,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_save_and_continue_without_edits_locks_nothing(make_page, merchandiser, organization):
    product = _product(organization)
    page = make_page()
    log_in(page, merchandiser.username)
    page.goto(f"/admin/catalog/masterproduct/{product.pk}/change/")
    # The browser holds the multi-line text (it will send it back with \r\n line breaks).
    assert page.input_value("#id_full_description").splitlines() == DESCRIPTION.splitlines()
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    product.refresh_from_db()
    assert product.locked_fields == []
    assert product.full_description == DESCRIPTION
    expect(page.locator("#id_full_description")).not_to_have_attribute("data-locked", "true")

    page.goto(f"/admin/catalog/masterproduct/{product.pk}/history/")
    history = page.locator("#change-history")
    expect(history).to_contain_text("No fields changed.")
    expect(history).not_to_contain_text("Changed")


def test_queue_shows_a_duplicate_skus_conflict_and_bulk_confirm_leaves_it(
    make_page, merchandiser, organization
):
    kept, first = _kept_apart_without_candidates(organization)
    suggestion = _suggestion(organization)
    page = make_page()
    log_in(page, merchandiser.username)
    page.goto("/admin/catalog/matchreview/")
    row = page.locator("#result_list tbody tr").filter(
        has=page.locator(f"input[name=_selected_action][value='{kept.pk}']")
    )
    expect(row).to_contain_text(f"Duplicate SKU: also on {first.sku}")
    expect(row.locator(".field-arrow")).to_have_text("≠")
    expect(row.locator(".field-product")).not_to_contain_text(kept.master_product.sku)
    expect(row.locator(".field-product_price")).to_have_text("Rp 330.900")

    select_and_run(page, [kept.pk, suggestion.pk], "Confirm selected matches")
    expect(page.locator(".messagelist .warning")).to_contain_text(
        "1 row(s) left for you to open: its SKU is also on another product"
    )
    expect(page.locator(".messagelist .success")).to_contain_text("1 match confirmed.")
    statuses = dict(
        PlatformMapping.objects.filter(pk__in=[kept.pk, suggestion.pk]).values_list(
            "pk", "review_status"
        )
    )
    assert statuses == {kept.pk: "needs_review", suggestion.pk: "confirmed"}
    # Still waiting in the queue, with its conflict, for a person to open.
    expect(page.locator(f"input[name=_selected_action][value='{kept.pk}']")).to_be_visible()

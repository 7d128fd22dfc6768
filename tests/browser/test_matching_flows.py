"""Repairing a catalog's matches in a real browser: re-match from the organization page (a
dry run, then a django-q2 worker), and split a link that matching made on its own."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from catalog.models import PlatformMapping
from imports.services import import_job_run, import_job_start
from tests.browser.conftest import log_in, select_and_run
from tests.catalog.match_quality import match_quality
from tests.catalog.test_rematch import _as_imported_before
from tests.sandbox_fixtures import connect_sandbox
from tests.subprocesses import wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.usefixtures("seeded_fee_rules"),
]


def test_rematch_a_catalog_imported_before_and_split_an_automatic_link(
    make_page, make_sandbox, merchandiser, organization, worker
):
    sandbox = make_sandbox(products=200, profile="dirty-seller", seed=3)
    for platform in ("shopee", "tiktokshop"):
        connection = connect_sandbox(sandbox, organization, platform)
        import_job_run(job_id=import_job_start(connection=connection, queue=False).pk)
    _as_imported_before(organization)  # SKU `1` on every TikTok listing, taken at its word
    assert match_quality(organization, sandbox.ground_truth()).found == 0

    page = make_page()
    log_in(page, merchandiser.username)
    page.goto("/admin/core/organization/")
    select_and_run(page, [organization.pk], "Re-match the catalog (shows what would change first)")
    # The dry run: what would change, nothing written yet.
    expect(page.locator(f"#rematch-{organization.slug}")).to_be_visible()
    linked = int(page.locator("#count-linked").inner_text())
    assert linked > 50
    expect(page.locator(".rematch-actions")).to_contain_text("SKU '1' is a placeholder")
    assert match_quality(organization, sandbox.ground_truth()).found == 0

    page.click("#confirm-rematch")
    expect(page.locator(".messagelist .success")).to_contain_text("Re-matching started")
    wait_for(
        lambda: match_quality(organization, sandbox.ground_truth()).found >= linked,
        90,
        "the worker to re-match the catalog",
    )
    quality = match_quality(organization, sandbox.ground_truth())
    assert quality.precision >= 0.99, quality.as_dict()

    # Every automatic link can be audited and undone in the review queue.
    page.goto("/admin/catalog/matchreview/?review=automatic")
    first_row = page.locator("#result_list tbody tr").first
    expect(first_row).to_contain_text("Similar title")
    auto = PlatformMapping.objects.get(
        pk=first_row.locator("input[name=_selected_action]").get_attribute("value")
    )
    assert (auto.match_method, auto.review_status) == ("similarity", "auto")
    select_and_run(
        page, [auto.pk], "Reject selected matches (each listing becomes its own product)"
    )
    expect(page.locator(".messagelist .success")).to_be_visible()
    before = auto.master_product_id
    auto.refresh_from_db()
    assert auto.master_product_id != before and auto.review_status == "rejected"

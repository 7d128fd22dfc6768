"""Pending publication → preview → publish → results, in a real browser with a real worker."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from catalog.models import PlatformMapping, SyncStatus
from imports.publishing.models import PublishJob
from imports.services import import_job_run, import_job_start
from tests.browser.conftest import select_and_run
from tests.sandbox_fixtures import connect_sandbox
from tests.subprocesses import wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.usefixtures("seeded_fee_rules"),
]


def test_a_merchandiser_previews_and_publishes_a_price_and_a_title(
    owner_page, organization, make_sandbox, worker
):
    sandbox = make_sandbox(products=30)
    connection = connect_sandbox(sandbox, organization, "shopee")
    import_job_run(job_id=import_job_start(connection=connection, queue=False).pk)
    mapping = (
        PlatformMapping.objects.filter(
            listing_status="active", pending_kinds__contains=["price", "title"]
        )
        .order_by("pk")
        .first()
    )
    page = owner_page

    page.goto("/admin/imports/pendingpublication/?platform=shopee&change=both")
    expect(page.locator("#result_list")).to_contain_text(mapping.platform_product_id)
    select_and_run(page, [mapping.pk], "Preview and publish the selected listings")

    # The preview holds price changes beyond the limit until the merchandiser says so.
    preview = page.locator("#publish-preview-rows")
    expect(preview).to_contain_text(mapping.seo_title)
    page.fill("#max-change", "0")
    page.click("input[name=refresh]")
    expect(page.locator("#publish-preview-rows tr.held")).not_to_have_count(0)
    page.check("input[name=overrides][value=large_change]")
    page.check("input[name=overrides][value=below_cost]")
    page.click("input[name=refresh]")
    expect(page.locator("#publish-preview-rows tr.held")).to_have_count(0)
    page.click("#confirm-publish")

    expect(page.locator(".messagelist .success")).to_contain_text("queued")
    job = PublishJob.objects.get()
    wait_for(lambda: PublishJob.objects.get(pk=job.pk).is_finished, 60, "the publication")
    page.goto(f"/admin/imports/publishjob/{job.pk}/change/")
    expect(page.locator("body")).to_contain_text("Succeeded")
    expect(page.locator("body")).to_contain_text(mapping.seo_title)
    mapping.refresh_from_db()
    assert mapping.sync_status == SyncStatus.SYNCED
    assert mapping.platform_title == mapping.seo_title

    # The listing's page in the catalog says it is synced, and its history names the run.
    page.goto(f"/admin/catalog/platformmapping/{mapping.pk}/history/")
    expect(page.locator("#change-history")).to_contain_text(f"publication #{job.pk}")

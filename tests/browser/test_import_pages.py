"""The import pages in a real browser (issue #19): the running job's live figures, a Test
connection that answers fast and in words when the marketplace is down, and a failed job's
page that says so and offers Resume."""

from __future__ import annotations

import time

import pytest
import requests
from playwright.sync_api import expect

from imports.models import ImportJob
from imports.services import import_job_run, import_job_start
from tests.browser.conftest import select_and_run
from tests.sandbox_fixtures import connect_sandbox

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.usefixtures("seeded_fee_rules"),
]


def _outage(sandbox) -> None:
    """Every call to the marketplace is dropped for the next ten minutes."""
    requests.post(
        f"{sandbox.base_url}/_sandbox/outage", json={"seconds": 600, "kind": "drop"}, timeout=5
    ).raise_for_status()


def _overlap(first: dict, second: dict) -> bool:
    return not (
        first["x"] + first["width"] <= second["x"]
        or second["x"] + second["width"] <= first["x"]
        or first["y"] + first["height"] <= second["y"]
        or second["y"] + second["height"] <= first["y"]
    )


def test_the_running_jobs_figures_follow_the_progress_bar_without_a_reload(
    owner_page, organization, make_sandbox, worker
):
    page = owner_page
    sandbox = make_sandbox(products=400)
    # Slow enough (a rate limit) that the page is seen mid-way.
    connection = connect_sandbox(sandbox, organization, "tiktokshop", rate_limit_qps=80)
    page.goto("/admin/imports/channelconnection/")
    select_and_run(page, [connection.pk], "Import now (full)")
    page.click(".messagelist .success a")  # "import #N queued"
    page.evaluate("window.sameDocument = true")  # gone if the page reloads

    stored = page.locator(".field-stored_count .readonly")
    seen_live: set[int] = set()
    for _ in range(240):
        value = int(stored.inner_text() or 0)
        if 0 < value < 400 and page.evaluate("window.sameDocument === true"):
            seen_live.add(value)
            cancel = page.locator("#cancel-import")
            if cancel.count():  # the status line is not covered by the Cancel button
                assert not _overlap(
                    cancel.bounding_box(), page.locator("#progress-text").bounding_box()
                )
        if page.locator("#import-progress[data-status=succeeded]").count():
            break
        page.wait_for_timeout(200)
    expect(page.locator("#import-progress[data-status=succeeded]")).to_have_count(1)
    assert seen_live, "the Stored figure never changed while the import ran"
    job = ImportJob.objects.get(connection=connection)
    assert job.stored_count == 400
    expect(stored).to_have_text(str(job.stored_count))
    expect(page.locator(".field-api_calls .readonly")).to_have_text(str(job.api_calls))
    expect(page.locator(".field-status .readonly")).to_have_text("Succeeded")


def test_test_connection_answers_fast_and_in_words_when_the_marketplace_is_down(
    owner_page, organization, sandbox
):
    connection = connect_sandbox(sandbox, organization, "shopee")
    _outage(sandbox)
    page = owner_page
    page.goto("/admin/imports/channelconnection/")
    started = time.monotonic()
    select_and_run(page, [connection.pk], "Test connection")
    error = page.locator(".messagelist .error")
    expect(error).to_be_visible()
    assert time.monotonic() - started < 8
    expect(error).to_contain_text("Shopee could not be reached")
    expect(error).to_contain_text("Nothing was changed.")
    text = error.inner_text()
    assert "api_connection_error" not in text and "ConnectionError" not in text


def test_a_failed_jobs_page_shows_the_failure_and_resumes_it(
    owner_page, organization, sandbox, fast_retries
):
    connection = connect_sandbox(sandbox, organization, "shopee")
    _outage(sandbox)
    job = import_job_run(job_id=import_job_start(connection=connection, queue=False).pk)
    assert job.status == ImportJob.Status.FAILED

    page = owner_page
    page.goto(f"/admin/imports/importjob/{job.pk}/change/")
    failure = page.locator("#import-failure")
    expect(failure).to_be_visible()
    expect(failure).to_contain_text("This import stopped: Failed")
    expect(failure).to_contain_text("Shopee could not be reached")
    expect(failure).to_contain_text("WIB")  # the time it resumes by itself, zone named
    assert "api_connection_error" not in page.locator("#failure-what").inner_text()

    page.click("#resume-import")
    expect(page.locator(".messagelist .success")).to_contain_text(f"Import #{job.pk} queued again")
    expect(page.locator("#import-failure")).to_have_count(0)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED
    assert job.task_id  # handed to the worker queue

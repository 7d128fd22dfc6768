"""Issue #19 (items 4, 7, 8, 13): local times, the job page's live figures and failure state,
a fast and readable Test connection, the favicon, the demo shops and the admin's app order."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from imports.clients.errors import MarketplaceError
from imports.demo import demo_shops_connect
from imports.explain import connection_test_failure_message
from imports.models import ImportJob
from imports.services import connection_test, import_job_run, import_job_start

TECHNICAL = ("api_connection_error", "ConnectionError", "/api/v2", "MarketplaceError")


def _outage(sandbox, **settings) -> None:
    """The marketplace stops answering: every call is dropped for the next ten minutes."""
    body = {"seconds": 600, "kind": "drop"} | settings
    requests.post(f"{sandbox.base_url}/_sandbox/outage", json=body, timeout=5).raise_for_status()


def _cell(page: str, field: str) -> str:
    match = re.search(rf'<td class="field-{field}">(.*?)</td>', page, re.S)
    assert match, f"no {field} column"
    return match.group(1)


def test_the_connections_list_shows_the_last_import_in_jakarta_time(
    owner_client, shopee_connection
):
    ImportJob.objects.create(
        organization=shopee_connection.organization,
        connection=shopee_connection,
        platform=shopee_connection.platform,
        status=ImportJob.Status.SUCCEEDED,
        started_at=datetime(2026, 3, 2, 2, 40, tzinfo=UTC),
        finished_at=datetime(2026, 3, 2, 3, 0, tzinfo=UTC),
    )
    page = owner_client.get(reverse("admin:imports_channelconnection_changelist")).content
    assert _cell(page.decode(), "last_import").endswith("2026-03-02 10:00 WIB")


@pytest.fixture
def down_shopee(sandbox, organization):
    from tests.sandbox_fixtures import connect_sandbox

    connection = connect_sandbox(sandbox, organization, "shopee")
    _outage(sandbox)
    return connection


def test_test_connection_makes_one_attempt_and_says_what_to_do(down_shopee, sandbox):
    started = time.monotonic()
    with pytest.raises(MarketplaceError) as failed:
        connection_test(connection=down_shopee)
    assert time.monotonic() - started < 3
    # One call, no retries: a person is waiting for the answer.
    assert sandbox.counters.snapshot()["faults"] == {"shopee outage": 1}
    sentence = connection_test_failure_message(failed.value)
    assert sentence.startswith(
        "Shopee could not be reached (the connection closed without an answer). Check that "
    )
    assert sentence.endswith("Nothing was changed.")
    assert not any(word in sentence for word in TECHNICAL)


def test_the_admin_test_action_says_a_stopped_marketplace_refused_the_connection(
    owner_client, shopee_connection, sandbox
):
    sandbox.stop()
    started = time.monotonic()
    response = owner_client.post(
        reverse("admin:imports_channelconnection_changelist"),
        {"action": "test_connection", "_selected_action": [shopee_connection.pk]},
        follow=True,
    )
    assert time.monotonic() - started < 3
    message = response.content.decode().split('class="error"', 1)[1].split("</li>", 1)[0]
    assert "Shopee could not be reached (connection refused)." in message
    assert "Nothing was changed." in message
    assert not any(word in message for word in TECHNICAL)


@pytest.fixture
def failed_job(down_shopee, fast_retries):
    job = import_job_run(job_id=import_job_start(connection=down_shopee, queue=False).pk)
    assert job.status == ImportJob.Status.FAILED
    assert job.auto_resume_at is not None  # an outage passes: it resumes by itself later
    return job


def test_a_failed_jobs_page_shows_the_failure_and_a_resume_button_that_queues_it(
    owner_client, failed_job
):
    url = reverse("admin:imports_importjob_change", args=[failed_job.pk])
    page = owner_client.get(url).content.decode()
    failure = page.split('id="import-failure"', 1)[1].split("</div>", 1)[0]
    assert "This import stopped: Failed" in failure
    assert "Shopee could not be reached, or kept failing, during the import." in failure
    resume_at = timezone.localtime(failed_job.auto_resume_at)
    assert f"It resumes by itself after {resume_at:%Y-%m-%d %H:%M:%S} WIB." in failure
    assert 'id="resume-import"' in page
    # The auto-resume time, with its zone, in the job's fields too.
    assert f"{resume_at:%H:%M:%S} WIB" in page.split('class="form-row field-auto_resume_time', 1)[1]

    response = owner_client.post(reverse("admin:imports_importjob_resume", args=[failed_job.pk]))
    assert response.status_code == 302
    failed_job.refresh_from_db()
    assert (failed_job.status, failed_job.error_message, failed_job.auto_resume_at) == (
        ImportJob.Status.QUEUED,
        "",
        None,
    )
    page = owner_client.get(url).content.decode()
    assert 'id="import-failure"' not in page and 'id="resume-import"' not in page


def test_a_viewer_sees_the_failure_but_may_not_resume(client, viewer, failed_job):
    client.force_login(viewer)
    page = client.get(reverse("admin:imports_importjob_change", args=[failed_job.pk]))
    assert 'id="import-failure"' in page.content.decode()
    assert 'id="resume-import"' not in page.content.decode()
    assert "Someone who may run imports in this organization can resume it." in (
        page.content.decode()
    )
    refused = client.post(reverse("admin:imports_importjob_resume", args=[failed_job.pk]))
    assert refused.status_code == 403
    failed_job.refresh_from_db()
    assert failed_job.status == ImportJob.Status.FAILED


def test_the_progress_endpoint_carries_every_figure_of_the_page(owner_client, shopee_connection):
    job = ImportJob.objects.create(
        organization=shopee_connection.organization,
        connection=shopee_connection,
        platform=shopee_connection.platform,
        status=ImportJob.Status.RUNNING,
        stage=ImportJob.Stage.FETCHING,
        total=1000,
        stored_count=400,
        failed_count=3,
        api_calls=41,
        retried_count=5,
        recovered_count=2,
        started_at=datetime(2026, 3, 2, 3, 0, tzinfo=UTC),
        auto_resume_at=datetime(2026, 3, 2, 3, 30, tzinfo=UTC),
    )
    data = owner_client.get(reverse("admin:imports_importjob_progress", args=[job.pk])).json()
    fields = data["fields"]
    assert (fields["stored_count"], fields["failed_count"], fields["api_calls"]) == (
        "400",
        "3",
        "41",
    )
    assert (fields["retried_count"], fields["recovered_count"]) == ("5", "2")
    assert fields["status"] == "Running"
    assert fields["auto_resume_time"] == "2026-03-02 10:30:00 WIB"
    page = owner_client.get(reverse("admin:imports_importjob_change", args=[job.pk])).content
    # Each figure the endpoint sends is one the page shows (the script finds it by class).
    for name in fields:
        assert f"field-{name}" in page.decode(), name


def test_the_demo_shops_have_their_names_and_token_expiry_at_once(sandbox, organization):
    shopee, tiktok = demo_shops_connect(
        organization=organization, credentials=sandbox.credentials()
    )
    assert (shopee.shop_name, tiktok.shop_name) == ("Toko Sandbox Shopee", "Toko Sandbox TikTok")
    soon = timezone.now() + timedelta(hours=4)
    assert abs(shopee.access_token_expires_at - soon) < timedelta(minutes=1)
    assert shopee.refresh_token_expires_at > soon
    assert tiktok.access_token_expires_at and tiktok.refresh_token_expires_at
    shopee.refresh_from_db()
    assert shopee.shop_name == "Toko Sandbox Shopee"


def test_the_admin_home_lists_our_apps_before_the_frameworks(owner_client, owner):
    owner.is_superuser = True  # every app on the page, the framework's included
    owner.save()
    page = owner_client.get(reverse("admin:index")).content.decode()
    labels = re.findall(r'<div class="app-(\w+) module', page)
    assert labels[:2] == ["catalog", "imports"], labels
    assert labels.index("pricing") < labels.index("auth") < labels.index("django_q"), labels


def test_favicon_ico_leads_to_a_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("syncstore/favicon.ico")
    icon = finders.find("syncstore/favicon.ico")
    with open(icon, "rb") as file:
        assert file.read(4) == b"\x00\x00\x01\x00"  # an ICO header

"""The marketplace goes down in the middle of a run: no listing is lost (issue: "an outage loses
listings" — Resume ended with 985/1,000, then 908/1,000).

A listing whose fetch failed for a passing reason goes on the job's retry list; the same run
reads it again, Resume reads what is left, and the shop's next import takes over leftovers.
"""

import pytest
import requests
from django.urls import reverse

from imports.models import ImportJob
from imports.services import (
    import_job_resume,
    import_job_run,
    import_job_start,
    import_jobs_recover_stale,
)
from tests.sandbox_fixtures import connect_sandbox, sandbox_listing_ids, stored_listing_ids

pytestmark = pytest.mark.django_db(transaction=True)

DETAIL = {
    "tiktokshop": "/product/202309/products/{product_id}",
    "shopee": "/api/v2/product/get_item_base_info",
}


def _outage(sandbox, **settings):
    response = requests.post(f"{sandbox.base_url}/_sandbox/outage", json=settings, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def quick_retries(fast_retries):
    """The client gives up on a call quickly, and the run's retry rounds do not wait."""
    fast_retries.IMPORT_RETRY_MAX_ATTEMPTS = 3
    fast_retries.IMPORT_LISTING_RETRY_PAUSE_SECONDS = 0
    return fast_retries


def test_the_outage_control_validates_and_reports(sandbox):
    bad = requests.post(f"{sandbox.base_url}/_sandbox/outage", json={"after_calls": 3}, timeout=5)
    assert bad.status_code == 400 and "seconds or failing_calls" in bad.json()["error"]
    state = _outage(sandbox, after_calls=2, failing_calls=3, kind="drop")
    assert state["armed"] and not state["down"] and state["kind"] == "drop"
    assert _outage(sandbox)["armed"] is False  # an empty body lifts it


@pytest.mark.parametrize("platform", ["tiktokshop", "shopee"])
def test_an_outage_at_300_of_1000_listings_lands_all_1000_once(
    make_sandbox, organization, quick_retries, platform
):
    sandbox = make_sandbox(products=1000)
    # The detail calls fail for a while once 300 listings' worth have gone through.
    # Shopee reads 50 listings a call; every call is tried 3 times.
    after, failing = (300, 60) if platform == "tiktokshop" else (6, 6)
    _outage(sandbox, after_calls=after, failing_calls=failing, endpoints=[DETAIL[platform]])
    connection = connect_sandbox(sandbox, organization, platform)
    job = import_job_run(job_id=import_job_start(connection=connection, queue=False).pk)

    assert sandbox.stats()["faults"][f"{platform} outage"] == failing
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    stored = stored_listing_ids(job)
    assert len(stored) == len(set(stored)) == 1000
    assert set(stored) == sandbox_listing_ids(sandbox, platform)
    assert job.failed_count == 0 and job.retry_ids == []
    assert job.fetched_count == 1000  # a listing read by a retry is counted once
    went_on_the_list = job.events.filter(message__contains="will be fetched again").count()
    per_call = 1 if platform == "tiktokshop" else 50
    assert 1 <= went_on_the_list <= failing // 3 * per_call  # 3 attempts a failed listing
    assert job.recovered_count == went_on_the_list  # every one came back
    still_failing = job.events.filter(message__contains="stays on the retry list").count()
    assert job.retried_count == job.recovered_count + still_failing


def test_listings_still_failing_at_the_end_wait_for_resume(
    make_sandbox, organization, quick_retries, client, merchandiser
):
    sandbox = make_sandbox(products=400)
    quick_retries.IMPORT_LISTING_RETRY_ROUNDS = 1
    _outage(sandbox, after_calls=300, failing_calls=100_000, endpoints=[DETAIL["tiktokshop"]])
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    job = import_job_run(job_id=import_job_start(connection=connection, queue=False).pk)

    assert job.status == ImportJob.Status.PARTIALLY_FAILED
    assert job.failed_count == 0  # nothing was refused for good
    assert len(job.retry_ids) == 100 == 400 - len(stored_listing_ids(job))
    assert "100 listing(s) could not be read for now" in job.events.last().message
    client.force_login(merchandiser)
    page = reverse("admin:imports_importjob_change", args=[job.pk])
    english = client.get(page).content.decode()
    assert "100 listings could not be read for now (" in english
    assert job.retry_ids[0] in english and "Resume selected imports" in english
    indonesian = client.get(page, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "100 listing belum berhasil diambil (" in indonesian

    _outage(sandbox)  # the marketplace is back
    import_job_resume(job=job, queue=False)
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    stored = stored_listing_ids(job)
    assert len(stored) == len(set(stored)) == 400
    assert set(stored) == sandbox_listing_ids(sandbox, "tiktokshop")
    assert job.retry_ids == [] and job.recovered_count == 100
    assert job.fetched_count == 400


def test_the_next_import_takes_over_earlier_leftovers(make_sandbox, organization, quick_retries):
    sandbox = make_sandbox(products=300)
    quick_retries.IMPORT_LISTING_RETRY_ROUNDS = 0
    _outage(sandbox, after_calls=250, failing_calls=100_000, endpoints=[DETAIL["tiktokshop"]])
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    first = import_job_run(job_id=import_job_start(connection=connection, queue=False).pk)
    leftovers = set(first.retry_ids)
    assert len(leftovers) == 50 and first.status == ImportJob.Status.PARTIALLY_FAILED

    _outage(sandbox)
    second = import_job_start(connection=connection, mode=ImportJob.Mode.INCREMENTAL, queue=False)
    assert second.mode == ImportJob.Mode.INCREMENTAL
    second = import_job_run(job_id=second.pk)
    first.refresh_from_db()

    assert second.status == ImportJob.Status.SUCCEEDED, second.error_message
    assert first.retry_ids == []  # handed over, so no listing is read by two jobs
    assert first.events.filter(message__contains=f"Import #{second.pk} took over 50").exists()
    assert leftovers <= set(stored_listing_ids(second))
    assert second.recovered_count == 50
    # Every listing of the shop landed: 250 in the first import, the 50 others in the second.
    assert set(stored_listing_ids(first)) | set(stored_listing_ids(second)) == sandbox_listing_ids(
        sandbox, "tiktokshop"
    )
    assert not set(stored_listing_ids(first)) & leftovers


def test_a_listing_refused_for_good_fails_and_is_not_retried(
    make_sandbox, organization, quick_retries
):
    sandbox = make_sandbox(products=200)
    gone = str(sandbox.catalog.tiktok.product_id(7))
    refused = requests.post(
        f"{sandbox.base_url}/_sandbox/refuse",
        json={f"/product/202309/products/{gone}": "not_found"},
        timeout=5,
    )
    assert refused.status_code == 200
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    job = import_job_run(job_id=import_job_start(connection=connection, queue=False).pk)

    assert job.status == ImportJob.Status.PARTIALLY_FAILED
    assert job.failed_count == 1 and job.retry_ids == [] and job.retried_count == 0
    assert job.events.get(platform_product_id=gone).level == "error"
    assert len(stored_listing_ids(job)) == 199


def test_an_outage_on_the_listing_calls_resumes_the_job_by_itself(
    make_sandbox, organization, quick_retries
):
    sandbox = make_sandbox(products=500)
    quick_retries.IMPORT_AUTO_RESUME_SECONDS = 0  # due at once (60 s, doubling, by default)
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    job = import_job_start(connection=connection, queue=False)
    # Planning counts with one search; the third search (page 2) fails on every attempt.
    search = "/product/202502/products/search"
    _outage(sandbox, after_calls=2, failing_calls=3, endpoints=[search])
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert job.error_type in ("api_connection_error", "api_rate_limit_error")
    assert job.auto_resume_at is not None and job.auto_resume_at <= job.finished_at
    assert job.events.filter(message__contains="resumes by itself").exists()

    assert import_jobs_recover_stale() == [job.pk]  # what the scheduled task does
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    assert job.attempts == 2 and job.auto_resume_at is None
    stored = stored_listing_ids(job)
    assert len(stored) == len(set(stored)) == 500
    assert set(stored) == sandbox_listing_ids(sandbox, "tiktokshop")

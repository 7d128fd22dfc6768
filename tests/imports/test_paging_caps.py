"""Paging caps the platform enforces below what was planned, even below the page size: every
listing still lands once and the job always ends (issue: "a paging cap below the page size
loops forever")."""

import threading

import pytest
import requests
from django.db import connection as db_connection

from imports.models import ImportJob
from imports.pipeline.checkpoint import windows_paged
from imports.services import import_job_resume, import_job_run, import_job_start
from tests.sandbox_fixtures import connect_sandbox, sandbox_listing_ids, stored_listing_ids

pytestmark = pytest.mark.django_db(transaction=True)


def _paging(sandbox, **caps):
    response = requests.post(f"{sandbox.base_url}/_sandbox/paging", json=caps, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def _run_with_deadline(job_id: int, seconds: float = 120) -> ImportJob:
    """Run the job on a thread; a job that never ends fails the test instead of hanging it."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(import_job_run(job_id=job_id))
        finally:
            db_connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"the import did not end within {seconds} s"
    return ImportJob.objects.get(pk=job_id)


@pytest.mark.parametrize(
    ("platform", "caps"),
    [("tiktokshop", {"tiktok_result_cap": 20}), ("shopee", {"shopee_offset_cap": 20})],
)
def test_a_cap_below_the_page_size_still_lands_every_listing_once(
    make_sandbox, organization, platform, caps
):
    sandbox = make_sandbox(products=300)
    assert _paging(sandbox, **caps)[next(iter(caps))] == 20
    connection = connect_sandbox(sandbox, organization, platform)
    job = _run_with_deadline(import_job_start(connection=connection, queue=False).pk)
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    stored = stored_listing_ids(job)
    assert len(stored) == len(set(stored)) == 300  # every listing, once
    assert set(stored) == sandbox_listing_ids(sandbox, platform)
    assert all(window.total <= 20 for window in windows_paged(job.checkpoint))
    splits = job.events.filter(message__contains="stopped paging after")
    assert splits.exists() and not splits.filter(message__contains="after 100 ").exists()


def test_a_second_of_updates_over_the_cap_stops_with_a_resumable_error(
    make_sandbox, organization, settings
):
    sandbox = make_sandbox(products=120)
    # Thirty listings edited within the same second: no window can hold fewer.
    sandbox.catalog.tiktok.mutate("update", count=30)
    _paging(sandbox, tiktok_result_cap=5)
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    job = _run_with_deadline(import_job_start(connection=connection, queue=False).pk)
    assert job.status == ImportJob.Status.FAILED
    assert job.error_type == "api_quota_exceeded"
    assert "cannot be split into smaller windows" in job.error_message
    assert "listings updated between" in job.error_message  # the window, named
    stored_before = job.stored_count
    assert 0 < stored_before < 120  # what could be paged was kept

    _paging(sandbox, tiktok_result_cap=10_000)  # the platform pages again
    import_job_resume(job=job, queue=False)
    job = _run_with_deadline(job.pk)
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    stored = set(stored_listing_ids(job))
    assert stored == sandbox_listing_ids(sandbox, "tiktokshop")


def test_the_control_api_refuses_unknown_or_non_positive_caps(sandbox):
    for body in ({"tiktok_result_cap": 0}, {"lazada_cap": 5}):
        response = requests.post(f"{sandbox.base_url}/_sandbox/paging", json=body, timeout=5)
        assert response.status_code == 400

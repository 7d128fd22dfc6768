"""A real django-q2 worker process runs imports; a killed worker's import is resumed."""

import signal
import time
from io import StringIO

import pytest
import requests
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from imports.models import ImportJob
from imports.sandbox.faults import FaultConfig
from imports.services import import_job_start, import_jobs_recover_stale
from tests.sandbox_fixtures import connect_sandbox, sandbox_listing_ids, stored_listing_ids
from tests.subprocesses import start_worker, stop_process_group, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SEARCH = "/product/202502/products/search"


def test_worker_runs_the_import_and_a_killed_worker_is_resumed(
    make_sandbox, organization, settings
):
    sandbox = make_sandbox(products=1500, faults=FaultConfig(latency_ms=15))
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    expected = {str(sandbox.catalog.tiktok.product_id(i)) for i in range(1500)}
    job = import_job_start(connection=connection)  # queued when the transaction commits

    worker = start_worker()
    try:
        wait_for(
            lambda: ImportJob.objects.get(pk=job.pk).stored_count >= 300,
            90,
            "the worker to store a few pages",
        )
        stop_process_group(worker, signal.SIGKILL)  # killed mid-import, no chance to clean up
    finally:
        stop_process_group(worker, signal.SIGKILL)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING
    assert 300 <= job.stored_count < 1500

    settings.IMPORT_STALE_AFTER_SECONDS = 1
    time.sleep(1.5)
    assert import_jobs_recover_stale() == [job.pk]
    worker = start_worker()
    try:
        wait_for(
            lambda: ImportJob.objects.get(pk=job.pk).is_finished,
            120,
            "the resumed import to finish",
        )
    finally:
        stop_process_group(worker)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    assert job.attempts == 2
    stored = set(stored_listing_ids(job))
    assert stored == expected
    assert job.stored_count == 1500
    # The second run continued from the checkpoint instead of starting over.
    detail_calls = sandbox.stats()["calls"]["tiktokshop /product/202309/products/{product_id}"]
    assert detail_calls < 1500 + 300


def test_an_import_stopped_by_an_outage_is_resumed_by_the_scheduled_recovery(
    make_sandbox, organization
):
    sandbox = make_sandbox(products=500)
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    # Planning counts with one search; the third search (page 2) fails on every attempt.
    requests.post(
        f"{sandbox.base_url}/_sandbox/outage",
        json={"after_calls": 2, "failing_calls": 3, "endpoints": [SEARCH]},
        timeout=5,
    ).raise_for_status()
    call_command("sync_schedules", stdout=StringIO())
    job = import_job_start(connection=connection)
    worker = start_worker(
        IMPORT_RETRY_MAX_ATTEMPTS="3",
        IMPORT_RETRY_BASE_SECONDS="0.02",
        IMPORT_RETRY_CAP_SECONDS="0.2",
        IMPORT_AUTO_RESUME_SECONDS="0",
    )
    try:
        wait_for(
            lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.FAILED,
            90,
            "the outage to stop the import",
        )
        job.refresh_from_db()
        assert job.error_type == "api_connection_error" and job.auto_resume_at is not None
        # The recovery schedule runs every 5 minutes: bring its next run forward.
        Schedule.objects.filter(name="syncstore:recover-stale-imports").update(
            next_run=timezone.now()
        )
        wait_for(
            lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.SUCCEEDED,
            120,
            "the scheduled recovery to resume the import and the worker to finish it",
        )
    finally:
        stop_process_group(worker)
    job.refresh_from_db()
    assert job.attempts == 2 and job.auto_resume_at is None
    stored = stored_listing_ids(job)
    assert len(stored) == len(set(stored)) == 500
    assert set(stored) == sandbox_listing_ids(sandbox, "tiktokshop")

"""A real django-q2 worker process runs imports; a killed worker's import is resumed."""

import signal
import time

import pytest

from imports.models import ImportJob, RawImportRecord
from imports.sandbox.faults import FaultConfig
from imports.services import import_job_start, import_jobs_recover_stale
from tests.sandbox_fixtures import connect_sandbox
from tests.subprocesses import start_worker, stop_process_group, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


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
    stored = set(
        RawImportRecord.objects.filter(import_job=job).values_list("platform_product_id", flat=True)
    )
    assert stored == expected
    assert job.stored_count == 1500
    # The second run continued from the checkpoint instead of starting over.
    detail_calls = sandbox.stats()["calls"]["tiktokshop /product/202309/products/{product_id}"]
    assert detail_calls < 1500 + 300

"""A real django-q2 worker process runs imports; a killed worker's import is resumed."""

import os
import signal
import subprocess
import sys
import time

import pytest

from config.settings import BASE_DIR
from imports.models import ImportJob, RawImportRecord
from imports.sandbox.faults import FaultConfig
from imports.services import import_job_start, import_jobs_recover_stale
from tests.sandbox_fixtures import connect_sandbox
from tests.subprocesses import child_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _start_worker():
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=BASE_DIR,
        env=child_env(Q_WORKERS="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: killable as a whole
    )


def _stop(worker, sig=signal.SIGTERM):
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


def _wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_worker_runs_the_import_and_a_killed_worker_is_resumed(
    make_sandbox, organization, settings
):
    sandbox = make_sandbox(products=1500, faults=FaultConfig(latency_ms=15))
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    expected = {str(sandbox.catalog.tiktok.product_id(i)) for i in range(1500)}
    job = import_job_start(connection=connection)  # queued when the transaction commits

    worker = _start_worker()
    try:
        _wait_for(
            lambda: ImportJob.objects.get(pk=job.pk).stored_count >= 300,
            90,
            "the worker to store a few pages",
        )
        _stop(worker, signal.SIGKILL)  # killed mid-import, no chance to clean up
    finally:
        _stop(worker, signal.SIGKILL)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING
    assert 300 <= job.stored_count < 1500

    settings.IMPORT_STALE_AFTER_SECONDS = 1
    time.sleep(1.5)
    assert import_jobs_recover_stale() == [job.pk]
    worker = _start_worker()
    try:
        _wait_for(
            lambda: ImportJob.objects.get(pk=job.pk).is_finished,
            120,
            "the resumed import to finish",
        )
    finally:
        _stop(worker)
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

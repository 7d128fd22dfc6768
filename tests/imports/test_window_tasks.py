"""One import job fetched by several django-q2 tasks at once (IMPORT_WINDOW_TASKS), on a real
worker cluster of two processes: every listing stored once, cancel and resume across the job's
tasks."""

import signal
import time

import pytest
from django_q.models import Task

from imports.models import ImportJob
from imports.pipeline.checkpoint import (
    checkpoint_page,
    checkpoint_split,
    checkpoint_upgrade,
    pending_windows,
    window_cursor,
    windows_paged,
)
from imports.pipeline.fetch import Window
from imports.sandbox.faults import FaultConfig
from imports.selectors import import_job_windows
from imports.services import import_job_cancel, import_job_start, import_jobs_recover_stale
from tests.sandbox_fixtures import connect_sandbox, sandbox_listing_ids, stored_listing_ids
from tests.subprocesses import start_worker, stop_process_group, stop_worker, wait_for

LANES = {"IMPORT_WINDOW_TASKS": "2", "IMPORT_WINDOW_LISTINGS": "250"}
WORKER_STARTUP_SECONDS = 5


def _workers() -> list:
    """One cluster of two worker processes, up and polling before the test queues anything.

    (Two clusters of one worker each would not share one job reliably: a busy cluster keeps
    the next task it has taken from the queue until its own worker is free.)"""
    workers = [start_worker(Q_WORKERS="2", **LANES)]
    time.sleep(WORKER_STARTUP_SECONDS)
    return workers


def _stop(workers: list, sig: int = signal.SIGTERM) -> None:
    for worker in workers:
        if sig == signal.SIGTERM:
            stop_worker(worker)
        else:
            stop_process_group(worker, sig)


def _job_tasks(job: ImportJob) -> list[Task]:
    return list(Task.objects.filter(name__startswith=f"import-{job.pk}-").order_by("started"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_a_job_is_fetched_by_two_tasks_at_once_and_every_listing_lands_once(
    make_sandbox, organization
):
    sandbox = make_sandbox(products=1200, faults=FaultConfig(latency_ms=20))
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    workers = _workers()
    job = import_job_start(connection=connection)
    try:
        # Two windows fetched at the same moment, each under its own task's lock (what the
        # job's admin page shows as "being fetched now").
        wait_for(
            lambda: import_job_windows(ImportJob.objects.get(pk=job.pk))["fetching"] == 2,
            120,
            "both tasks to fetch a window at once",
        )
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished, 240, "the import to end")
        wait_for(lambda: len(_job_tasks(job)) == 2, 30, "both tasks to record their result")
    finally:
        _stop(workers)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    stored = stored_listing_ids(job)
    assert len(stored) == len(set(stored)) == job.stored_count == 1200
    assert set(stored) == sandbox_listing_ids(sandbox, "tiktokshop")
    assert job.fetched_count == 1200 and job.listed_count == 1200  # counted once, not per task
    assert len(windows_paged(job.checkpoint)) >= 4 and not pending_windows(job.checkpoint)
    first, lane = _job_tasks(job)
    assert first.success and lane.success, (first.result, lane.result)
    assert lane.func == "imports.tasks.run_import_lane"
    assert lane.started < first.stopped
    windows = import_job_windows(job)
    assert windows["done"] == windows["planned"] >= 4 and windows["fetching"] == 0
    # Each task built the catalog for the pages it fetched.
    events = list(job.events.values_list("message", flat=True))
    assert job.events.filter(message__startswith="Priced").count() == 2, (lane.result, events)


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_cancel_stops_every_task_of_the_job(make_sandbox, organization):
    sandbox = make_sandbox(products=1500, faults=FaultConfig(latency_ms=30))
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    workers = _workers()
    job = import_job_start(connection=connection)
    try:
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).stored_count >= 200, 120, "pages")
        import_job_cancel(job=ImportJob.objects.get(pk=job.pk))
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished, 60, "the cancel")
        wait_for(lambda: len(_job_tasks(job)) == 2, 60, "both tasks to stop")
    finally:
        _stop(workers)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    assert 200 <= job.stored_count < 1500
    stopped_at = job.stored_count
    time.sleep(1)
    job.refresh_from_db()
    assert job.stored_count == stopped_at  # no task went on after the cancel
    assert len(set(stored_listing_ids(job))) == job.stored_count


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_killed_workers_job_resumes_every_window_from_its_own_cursor(
    make_sandbox, organization, settings
):
    sandbox = make_sandbox(products=1500, faults=FaultConfig(latency_ms=20))
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    workers = _workers()
    job = import_job_start(connection=connection)
    try:
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).stored_count >= 400, 120, "pages")
    finally:
        _stop(workers, signal.SIGKILL)  # killed mid-import, both tasks at once
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING
    assert 400 <= job.stored_count < 1500
    # Windows left, and the committed pages' places kept (a window done, or part-way).
    assert pending_windows(job.checkpoint)
    assert job.checkpoint["done"] or job.checkpoint["cursors"]
    stored_before = job.stored_count
    sandbox.counters.reset()

    settings.IMPORT_STALE_AFTER_SECONDS = 1
    time.sleep(1.5)
    assert import_jobs_recover_stale() == [job.pk]
    workers = _workers()
    try:
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).is_finished, 240, "the resumed import")
    finally:
        _stop(workers)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    assert job.attempts == 2
    stored = stored_listing_ids(job)
    assert len(stored) == len(set(stored)) == job.stored_count == 1500
    assert set(stored) == sandbox_listing_ids(sandbox, "tiktokshop")
    # Every committed page stayed done: only what was left was read again.
    details = sandbox.stats()["calls"]["tiktokshop /product/202309/products/{product_id}"]
    assert details == 1500 - stored_before


def test_a_checkpoint_written_one_window_after_another_reads_as_per_window():
    old = {"windows": [[1, 2, 5], [3, 4, 5], [5, 6, 5]], "window": 1, "cursor": "abc", "until": 9}
    upgraded = checkpoint_upgrade(old)
    assert pending_windows(upgraded) == pending_windows(old) == [1, 2]
    assert window_cursor(old, 1) == "abc" and window_cursor(old, 2) is None
    assert upgraded["until"] == 9 and "window" not in upgraded


def test_a_split_window_is_done_and_its_parts_are_appended():
    checkpoint = checkpoint_upgrade({"windows": [[1, 10, 50], [11, 20, 5]], "window": 0})
    checkpoint = checkpoint_page(checkpoint, 1, None)  # the second window ended first
    split = checkpoint_split(checkpoint, 0, [Window(1, 5, 25), Window(6, 10, 25)])
    assert pending_windows(split) == [2, 3]  # the indexes in use did not move
    assert [w.total for w in windows_paged(split)] == [5, 25, 25]
    done = checkpoint_page(checkpoint_page(split, 3, "next"), 2, None)
    assert pending_windows(done) == [3] and window_cursor(done, 3) == "next"

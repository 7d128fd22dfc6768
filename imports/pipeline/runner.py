"""Running one import job: plan, then stream pages through the whole pipeline; resume, cancel.

Pages are fetched ahead on a thread (a bounded queue) while the writer turns each page into
catalog rows: raw payloads, master products, mappings with prices, SEO and quality. A page's
raw rows, catalog rows, field coverage, checkpoint and counts commit in one transaction, so a
run killed at any point resumes from the last committed page, and memory stays flat whatever
the catalog size.

One job can use several workers (`IMPORT_WINDOW_TASKS`): its update-time windows are taken
one at a time by the job's tasks, each window under its own advisory lock and with its own
cursor in the checkpoint; every page adds its counts to the job row as stored. Building the
catalog stays one page at a time per organization (`organization_build_lock`); the task that
ends the last window reads the retry list and finishes the job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from catalog.build_lock import organization_build_lock
from catalog.listings import PopulateReport
from catalog.shop_skus import placeholder_skus_merge
from core.log_context import log_context
from imports.clients.errors import ErrorType, MarketplaceError
from imports.connections import client_for
from imports.models import (
    BUILD_COUNTS,
    FETCH_COUNTS,
    ChannelConnection,
    ImportJob,
    ImportJobEvent,
    count_fields,
)
from imports.pipeline.analyse import CoverageCounter
from imports.pipeline.calls import CallCounter
from imports.pipeline.catalog_build import CatalogBuild
from imports.pipeline.checkpoint import (
    checkpoint_page,
    checkpoint_planned,
    checkpoint_split,
    checkpoint_upgrade,
    pending_windows,
    window_at,
    window_cursor,
)
from imports.pipeline.db_recovery import DatabaseRecovery, JobLockLost, database_error_transient
from imports.pipeline.endings import JobEndings
from imports.pipeline.fetch import (
    Fetcher,
    Page,
    PagingCapReached,
    PagingStuck,
    Window,
    window_split,
)
from imports.pipeline.joblog import (
    fetch_failures_log,
    job_log,
    record_errors_log,
    run_started_log,
)
from imports.pipeline.lock import (
    LockKey,
    job_lock,
    job_lock_key,
    lock_release,
    lock_try,
    window_lock_key,
)
from imports.pipeline.memory import MemoryLimitExceeded, collector_paced, memory_check
from imports.pipeline.prefetch import prefetched
from imports.pipeline.prepare import pages_prepared
from imports.pipeline.raw_store import raw_records_prepare
from imports.pipeline.retries import (
    ListingRetries,
    RetryCancelled,
    leftovers_take_over,
    retry_list_add,
)
from imports.pipeline.timing import StageClock
from imports.platforms import adapter_for

logger = logging.getLogger("imports.pipeline")

MAX_SPLITS_WITHOUT_PROGRESS = 50  # the job-level guard: no run splits windows forever
# What a committed page writes on the job.
COMMITTED_FIELDS = [
    "checkpoint",
    "retry_ids",
    *count_fields(FETCH_COUNTS),
    *count_fields(BUILD_COUNTS),
    "field_coverage",
    "placeholder_skus",
    "api_calls",
    "api_stats",
    "stage_seconds",
    "heartbeat_at",
    "updated_at",
]


class JobCancelled(Exception):
    pass


def fetcher_for(connection_row: ChannelConnection, on_call: CallCounter) -> Fetcher:
    client = client_for(connection_row, on_call=on_call, observer=on_call)
    adapter = adapter_for(connection_row.platform)
    return adapter.fetcher(client, concurrency=connection_row.concurrency)


class JobStopped(Exception):
    """Another task of the job failed it or finished it: this one stops after its page."""


class ImportRunner(JobEndings, ListingRetries, DatabaseRecovery):
    """Runs a job: its first task plans it; that task and the job's other tasks (`lanes`)
    each take windows not yet fetched until none is left; the last one reads the retry list
    and finishes the job."""

    def __init__(
        self,
        job: ImportJob,
        *,
        progress: Callable[[ImportJob], None] | None = None,
        fetcher: Fetcher | None = None,
        lanes: int = 1,
        queue_lanes: Callable[[int], None] | None = None,
    ) -> None:
        self.job = job
        self.progress = progress or (lambda job: None)
        self.calls = CallCounter()
        self.clock = StageClock()
        self.session: CatalogBuild | None = None
        self.errors_logged = 0
        self.splits_without_progress = 0
        # The catalog report before the page in flight (a database failure undoes the page).
        self.report_before_page: PopulateReport | None = None
        self.fetcher = fetcher or fetcher_for(job.connection, self.calls)
        self.lanes = max(1, lanes)
        self.queue_lanes = queue_lanes
        self.held_locks: list[LockKey] = []

    # --- the run ----------------------------------------------------------------------------
    def run(self) -> ImportJob:
        """The job's first task: plan, start the other lanes, fetch, finish if last."""
        return self._guarded(self._run_job)

    def run_lane(self) -> ImportJob:
        """Another task of a running job: fetch windows nobody has taken, finish if last."""
        return self._guarded(self._run_lane)

    def _guarded(self, body: Callable[[], None]) -> ImportJob:
        job = self.job
        with (
            log_context(job_id=job.pk, connection_id=job.connection_id, platform=job.platform),
            connection.execute_wrapper(self.clock),
            collector_paced(),
        ):
            try:
                body()
            except (JobCancelled, RetryCancelled):
                self._finish(ImportJob.Status.CANCELLED, [gettext_noop("Cancelled on request.")])
            except JobStopped:
                logger.info("import job %s: stopped by another of its tasks", job.pk)
            except JobLockLost:
                logger.warning("import job %s: lock lost with the database connection", job.pk)
            except (MemoryLimitExceeded, PagingStuck) as error:
                self._fail(error.error_type, str(error))
            except MarketplaceError as error:
                self._fail(
                    error.error_type,
                    str(error),
                    reauthorize=error.reauthorize,
                    transient=error.retryable and not error.reauthorize,
                )
            except DatabaseError as error:
                self._fail(
                    ErrorType.DATABASE_ERROR,
                    f"{type(error.__cause__ or error).__name__}: {error}",
                    transient=database_error_transient(error),
                )
            except Exception as error:  # a bug: keep the job readable, re-raise for the worker
                self._fail("internal_error", f"{type(error).__name__}: {error}")
                raise
        return job

    def _run_job(self) -> None:
        job = self.job
        with job_lock(job.pk) as acquired:
            if not acquired:
                logger.info("import job %s is already running elsewhere", job.pk)
                return
            job.refresh_from_db()
            if job.is_finished:
                return
            if job.status == ImportJob.Status.RUNNING and job.heartbeat_at >= stale_before():
                logger.info("import job %s is already running elsewhere", job.pk)
                return  # a task delivered twice: the live run carries on
            self._start()
            with self.clock.stage("plan"):
                self._plan()
            if self.lanes == 1:  # one task: the job's lock for the whole run, as always
                self.held_locks.append(job_lock_key(job.pk))
                self._fetch_windows()
                self._finish_if_last()
                return
        others = min(self.lanes, len(pending_windows(job.checkpoint))) - 1
        if others > 0 and self.queue_lanes is not None:
            self.queue_lanes(others)
        self._fetch_windows()
        self._finish_if_last()

    def _run_lane(self) -> None:
        self.job.refresh_from_db()
        if self.job.status != ImportJob.Status.RUNNING:
            return
        self._fetch_windows()
        self._finish_if_last()

    def _start(self) -> None:
        job = self.job
        now = timezone.now()
        resumed = bool(job.checkpoint)
        job.status = ImportJob.Status.RUNNING
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.attempts += 1
        job.auto_resume_at = None
        job.save(
            update_fields=[
                "status",
                "started_at",
                "heartbeat_at",
                "attempts",
                "auto_resume_at",
                "updated_at",
            ]
        )
        run_started_log(job, resumed=resumed)
        self.progress(job)

    def _plan(self) -> None:
        job = self.job
        if job.checkpoint.get("windows") is not None:
            job.checkpoint = checkpoint_upgrade(job.checkpoint)
            return
        job.stage = ImportJob.Stage.PLANNING
        job.save(update_fields=["stage", "updated_at"])
        until = int(timezone.now().timestamp())
        since = int(job.updated_since.timestamp()) if job.updated_since else None
        # Windows to share between the job's tasks: smaller than the platform's cap.
        cap = min(self.fetcher.cap, settings.IMPORT_WINDOW_LISTINGS) if self.lanes > 1 else None
        windows = self.fetcher.plan(since, until, cap=cap)
        job.reference_data = self.fetcher.reference_data()
        for problem in job.reference_data.pop("skipped", []):
            job_log(job, problem, ImportJobEvent.Level.WARNING)
        job.checkpoint = checkpoint_planned(windows, until)
        job.total = sum(w.total for w in windows)
        job.listed_count = 0
        job.api_calls += self.calls.take()
        job.save(
            update_fields=[
                "reference_data",
                "checkpoint",
                "total",
                "listed_count",
                "api_calls",
                "updated_at",
            ]
        )
        job_log(
            job,
            gettext_noop("Planned %(windows)s update-time window(s), %(total)s listing(s)."),
            params={"windows": len(windows), "total": job.total},
        )
        leftovers_take_over(job)

    # --- fetching windows -------------------------------------------------------------------
    def _fetch_windows(self) -> None:
        """Take windows nobody fetches until none is left (one lane: after each, the retry
        list once)."""
        job = self.job
        if job.stage != ImportJob.Stage.FETCHING:
            job.stage = ImportJob.Stage.FETCHING
            job.save(update_fields=["stage", "updated_at"])
        if not job.dry_run:
            self.session = CatalogBuild(
                job.organization_id, error_policy=job.error_policy, clock=self.clock
            )
        while (index := self._claim_window()) is not None:
            try:
                self._recovering(lambda: self._stream_window(index))
            finally:
                lock_release(window_lock_key(job.pk, index))
                self.held_locks.remove(window_lock_key(job.pk, index))
            if self.lanes == 1:
                self._recovering(self._retry_round)

    def _recovering(self, work: Callable[[], None]) -> None:
        """`work`, again after a passing database failure (from the last committed page)."""
        while True:
            try:
                work()
                return
            except DatabaseError as error:
                self._recover_database(error)  # or re-raised: waiting cannot help

    def _claim_window(self) -> int | None:
        """The first window not done that no other task holds, locked for this one."""
        job = self.job
        job.refresh_from_db(fields=["checkpoint"])
        for index in pending_windows(job.checkpoint):
            key = window_lock_key(job.pk, index)
            if not lock_try(key):
                continue
            job.refresh_from_db(fields=["checkpoint"])  # another task may have just ended it
            if index in pending_windows(job.checkpoint):
                self.held_locks.append(key)
                return index
            lock_release(key)
        return None

    def _stream_window(self, index: int) -> None:
        job = self.job
        if index not in pending_windows(job.checkpoint):
            return  # ended by another task while this one lost its connection (and lock)
        window = window_at(job.checkpoint, index)
        pages = prefetched(
            pages_prepared(
                self._timed(self.fetcher.pages(window, window_cursor(job.checkpoint, index))),
                platform=job.platform,
                # Read here: the fetching thread has no database connection of its own.
                context=self.session.context_for(job.pk) if self.session is not None else None,
                clock=self.clock,
            ),
            ahead=settings.IMPORT_PREFETCH_PAGES,
        )
        try:
            while True:
                with self.clock.stage("wait"):
                    page = next(pages, None)
                if page is None:
                    break
                self._commit_page(page, window=index)
                memory_check()
                self._stop_if_requested()
        except PagingCapReached as reached:
            self._split_window(index, window, reached.reached)
            return
        finally:
            pages.close()
        if index in pending_windows(job.checkpoint):  # no page said it was the last
            self._commit_page(Page(records=[]), window=index)

    def _timed(self, pages: Iterator[Page]) -> Iterator[Page]:
        """Time spent fetching (on the prefetch thread), apart from waiting for it."""
        while True:
            with self.clock.stage("fetch"):
                page = next(pages, None)
            if page is None:
                return
            yield page

    def _split_window(self, index: int, window: Window, reached: int) -> None:
        """The platform's paging cap is lower than planned: redo this window in smaller ones
        (`window_split`); a run that stores nothing split after split stops."""
        self.splits_without_progress += 1
        if self.splits_without_progress > MAX_SPLITS_WITHOUT_PROGRESS:
            raise PagingStuck(
                f"The platform refused to page {MAX_SPLITS_WITHOUT_PROGRESS} windows in a row "
                "and nothing was stored meanwhile: stopped. Resume the import to try again."
            )
        smaller = window_split(self.fetcher, window, reached)
        with transaction.atomic():
            job = self._locked_job()
            job.checkpoint = checkpoint_split(job.checkpoint, index, smaller)
            job.api_calls += self.calls.take()
            job.save(update_fields=["checkpoint", "api_calls", "updated_at"])
        job_log(
            job,
            gettext_noop(
                "The platform stopped paging after %(reached)s results: window split into "
                "%(parts)s."
            ),
            ImportJobEvent.Level.WARNING,
            params={"reached": reached, "parts": len(smaller)},
        )

    def _locked_job(self) -> ImportJob:
        """The job as stored, locked until the transaction ends: every task of the job adds
        its page's counts to what the others committed."""
        # FOR NO KEY UPDATE: the tasks' pages take turns, yet event rows (a foreign key to
        # the job) can still be written meanwhile.
        self.job.refresh_from_db(from_queryset=ImportJob.objects.select_for_update(no_key=True))
        return self.job

    def _commit_page(
        self, page: Page, *, window: int | None = None, retried: list[str] | None = None
    ) -> None:
        """Write a fetched page and move its window's checkpoint past it, in one transaction.

        `retried`: the page reads the retry list again (these ids), not a window.
        """
        job = self.job
        self.splits_without_progress = 0
        passing = [failure for failure in page.failures if failure.transient]
        for_good = [failure for failure in page.failures if not failure.transient]
        if self.session is not None:
            self.report_before_page = PopulateReport()
            self.report_before_page.add(self.session.report)
        with transaction.atomic():
            report = PopulateReport()
            if self.session is None:  # a dry run stores nothing
                stored = len({product_id for product_id, _ in page.records})
            else:
                # One page of an organization at a time, raw rows included: two tasks
                # storing the same listing would otherwise wait on each other's rows.
                organization_build_lock(job.organization_id)
                if self.lanes > 1:
                    self.session.shop_counts_refresh()
                with self.clock.stage("store"):
                    raws, stored = raw_records_prepare(
                        job=job,
                        records=page.records,
                        hashes=page.prepared.content_hashes if page.prepared else None,
                        canonical=page.prepared.canonical_texts if page.prepared else None,
                    )
                report = self.session.process(
                    raws, incoming=True, records=page.prepared.records if page.prepared else None
                )
                self.errors_logged += record_errors_log(job, report.errors, self.errors_logged)
            fetch_failures_log(job, for_good, passing, retrying=retried is not None)
            job = self._locked_job()
            self._stop_if_ended(job)  # by another task meanwhile: this page is undone
            if window is not None:
                job.checkpoint = checkpoint_page(job.checkpoint, window, page.next_cursor)
            retry_ids = job.retry_ids
            if retried is not None:
                done = set(retried)
                retry_ids = [product_id for product_id in retry_ids if product_id not in done]
                job.retried_count += len(page.records) + len(page.failures)
                job.recovered_count += len(page.records)
            job.retry_ids = retry_list_add(retry_ids, (f.platform_product_id for f in passing))
            job.listed_count += page.listed
            job.fetched_count += len(page.records)
            job.stored_count += stored
            job.failed_count += len(for_good)
            for name in BUILD_COUNTS:
                setattr(job, f"{name}_count", getattr(job, f"{name}_count") + getattr(report, name))
            with self.clock.stage("analyse"):
                coverage = CoverageCounter.from_report(job.field_coverage)
                if page.prepared is not None:
                    coverage.merge(page.prepared.coverage)
                else:
                    for _product_id, payload in page.records:
                        coverage.add(payload)
                job.field_coverage = coverage.report()
            job.placeholder_skus = placeholder_skus_merge(
                job.placeholder_skus, report.placeholder_skus
            )
            job.api_calls += self.calls.take()
            job.api_stats = self.calls.merge_into(job.api_stats)
            job.stage_seconds = self.clock.merge_into(job.stage_seconds)
            job.heartbeat_at = timezone.now()
            job.save(update_fields=COMMITTED_FIELDS)
        self.database_recoveries = 0
        self.report_before_page = None
        self.progress(job)

    def _stop_if_requested(self) -> None:
        self._stop_if_ended(
            ImportJob.objects.only("status", "cancel_requested").get(pk=self.job.pk)
        )

    @staticmethod
    def _stop_if_ended(job: ImportJob) -> None:
        """Stop when another task ended the job (cancelled, failed, finished), or on cancel."""
        if job.status != ImportJob.Status.RUNNING:
            raise JobStopped
        if job.cancel_requested:
            raise JobCancelled

    def _cancel_requested(self) -> bool:
        return ImportJob.objects.filter(pk=self.job.pk, cancel_requested=True).exists()


def stale_before() -> Any:
    return timezone.now() - timedelta(seconds=settings.IMPORT_STALE_AFTER_SECONDS)

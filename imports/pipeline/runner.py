"""Running one import job: plan, then stream pages through the whole pipeline; resume, cancel.

Pages are fetched ahead on a thread (a bounded queue) while the writer turns each page into
catalog rows: raw payloads, master products, mappings with prices, SEO and quality. A page's
raw rows, catalog rows, field coverage, checkpoint and counts commit in one transaction, so a
run killed at any point resumes from the last committed page, and memory stays flat whatever
the catalog size. A PostgreSQL advisory lock keeps two workers from running one job at once.
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

from catalog.listings import PopulateReport
from catalog.shop_skus import placeholder_skus_merge
from core.log_context import log_context
from imports.clients.errors import ErrorType, MarketplaceError
from imports.connections import REAUTHORIZE_SENTENCE, client_for
from imports.local_time import local_datetime_text
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
from imports.pipeline.db_recovery import DatabaseRecovery, JobLockLost, database_error_transient
from imports.pipeline.fetch import (
    Fetcher,
    Page,
    PagingCapReached,
    PagingStuck,
    Window,
    window_split,
)
from imports.pipeline.joblog import (
    catalog_summary_log,
    fetch_failures_log,
    job_log,
    record_errors_log,
    run_started_log,
    run_summary,
)
from imports.pipeline.lock import job_lock
from imports.pipeline.memory import MemoryLimitExceeded, memory_check
from imports.pipeline.prefetch import prefetched
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


class ImportRunner(ListingRetries, DatabaseRecovery):
    def __init__(
        self,
        job: ImportJob,
        *,
        progress: Callable[[ImportJob], None] | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        self.job = job
        self.progress = progress or (lambda job: None)
        self.calls = CallCounter()
        self.clock = StageClock()
        self.session: CatalogBuild | None = None
        self.coverage = CoverageCounter()
        self.errors_logged = 0
        self.splits_without_progress = 0
        # The catalog report before the page in flight (a database failure undoes the page).
        self.report_before_page: PopulateReport | None = None
        self.fetcher = fetcher or fetcher_for(job.connection, self.calls)

    # --- the run ----------------------------------------------------------------------------
    def run(self) -> ImportJob:
        job = self.job
        with (
            log_context(job_id=job.pk, connection_id=job.connection_id, platform=job.platform),
            connection.execute_wrapper(self.clock),
        ):
            return self._run_locked()

    def _run_locked(self) -> ImportJob:
        job = self.job
        with job_lock(job.pk) as acquired:
            if not acquired:
                logger.info("import job %s is already running elsewhere", job.pk)
                return job
            job.refresh_from_db()
            if job.is_finished:
                return job
            self._start()
            try:
                with self.clock.stage("plan"):
                    self._plan()
                self._stream()
                self._conclude()
            except (JobCancelled, RetryCancelled):
                self._finish(ImportJob.Status.CANCELLED, [gettext_noop("Cancelled on request.")])
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
            else:
                status = (
                    ImportJob.Status.PARTIALLY_FAILED
                    if job.failed_count or job.retry_ids
                    else ImportJob.Status.SUCCEEDED
                )
                self._finish(status, *run_summary(self.job))
        return job

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
            return
        job.stage = ImportJob.Stage.PLANNING
        job.save(update_fields=["stage", "updated_at"])
        until = int(timezone.now().timestamp())
        since = int(job.updated_since.timestamp()) if job.updated_since else None
        windows = self.fetcher.plan(since, until)
        job.reference_data = self.fetcher.reference_data()
        for problem in job.reference_data.pop("skipped", []):
            job_log(job, problem, ImportJobEvent.Level.WARNING)
        job.checkpoint = {
            "windows": [w.as_list() for w in windows],
            "window": 0,
            "cursor": None,
            "until": until,
        }
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

    def _stream(self) -> None:
        job = self.job
        job.stage = ImportJob.Stage.FETCHING
        job.save(update_fields=["stage", "updated_at"])
        if not job.dry_run:
            self.session = CatalogBuild(
                job.organization_id, error_policy=job.error_policy, clock=self.clock
            )
        self.coverage = CoverageCounter.from_report(job.field_coverage)
        while True:
            try:
                self._stream_windows()
                self._retry_final_rounds()
                return
            except DatabaseError as error:
                self._recover_database(error)  # or re-raised: waiting cannot help

    def _stream_windows(self) -> None:
        """Every window from the checkpoint on; after each, the retry list once."""
        job = self.job
        while job.checkpoint["window"] < len(job.checkpoint["windows"]):
            window = Window(*job.checkpoint["windows"][job.checkpoint["window"]])
            pages = prefetched(
                self._timed(self.fetcher.pages(window, job.checkpoint.get("cursor"))),
                ahead=settings.IMPORT_PREFETCH_PAGES,
            )
            try:
                while True:
                    with self.clock.stage("wait"):
                        page = next(pages, None)
                    if page is None:
                        break
                    self._commit_page(page)
                    memory_check()
                    if self._cancel_requested():
                        raise JobCancelled
            except PagingCapReached as reached:
                self._split_window(window, reached.reached)
                continue
            finally:
                pages.close()
            self._retry_round()

    def _timed(self, pages: Iterator[Page]) -> Iterator[Page]:
        """Time spent fetching (on the prefetch thread), apart from waiting for it."""
        while True:
            with self.clock.stage("fetch"):
                page = next(pages, None)
            if page is None:
                return
            yield page

    def _conclude(self) -> None:
        """Summaries of the catalog work the pages did; the job is done."""
        job = self.job
        if self.session is not None:
            catalog_summary_log(job, self.session.report, self.session.enricher.totals)
        job.stage = ImportJob.Stage.DONE
        job.save(update_fields=["stage", "updated_at"])

    def _split_window(self, window: Window, reached: int) -> None:
        """The platform's paging cap is lower than planned: redo this window in smaller ones
        (`window_split`); a run that stores nothing split after split stops."""
        job = self.job
        self.splits_without_progress += 1
        if self.splits_without_progress > MAX_SPLITS_WITHOUT_PROGRESS:
            raise PagingStuck(
                f"The platform refused to page {MAX_SPLITS_WITHOUT_PROGRESS} windows in a row "
                "and nothing was stored meanwhile: stopped. Resume the import to try again."
            )
        smaller = window_split(self.fetcher, window, reached)
        position = job.checkpoint["window"]
        windows = job.checkpoint["windows"]
        job.checkpoint = {
            **job.checkpoint,
            "cursor": None,
            "windows": windows[:position]
            + [w.as_list() for w in smaller]
            + windows[position + 1 :],
        }
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

    def _commit_page(self, page: Page, retried: list[str] | None = None) -> None:
        """Write a fetched page and move the checkpoint past it, in one transaction.

        `retried`: the page reads the retry list again (these ids), not a window.
        """
        job = self.job
        self.splits_without_progress = 0
        checkpoint = dict(job.checkpoint)
        if retried is None and page.next_cursor is None:
            checkpoint["window"] += 1
            checkpoint["cursor"] = None
        elif retried is None:
            checkpoint["cursor"] = page.next_cursor
        passing = [failure for failure in page.failures if failure.transient]
        for_good = [failure for failure in page.failures if not failure.transient]
        retry_ids = job.retry_ids
        if retried is not None:
            done = set(retried)
            retry_ids = [product_id for product_id in retry_ids if product_id not in done]
        if self.session is not None:
            self.report_before_page = PopulateReport()
            self.report_before_page.add(self.session.report)
        with transaction.atomic():
            report = PopulateReport()
            if self.session is None:  # a dry run stores nothing
                stored = len({product_id for product_id, _ in page.records})
            else:
                with self.clock.stage("store"):
                    raws, stored = raw_records_prepare(job=job, records=page.records)
                report = self.session.process(raws, incoming=True)
                self.errors_logged += record_errors_log(job, report.errors, self.errors_logged)
            with self.clock.stage("analyse"):
                for _product_id, payload in page.records:
                    self.coverage.add(payload)
            fetch_failures_log(job, for_good, passing, retrying=retried is not None)
            job.checkpoint = checkpoint
            job.retry_ids = retry_list_add(retry_ids, (f.platform_product_id for f in passing))
            if retried is not None:
                job.retried_count += len(page.records) + len(page.failures)
                job.recovered_count += len(page.records)
            job.listed_count += page.listed
            job.fetched_count += len(page.records)
            job.stored_count += stored
            job.failed_count += len(for_good)
            for name in BUILD_COUNTS:
                setattr(job, f"{name}_count", getattr(job, f"{name}_count") + getattr(report, name))
            job.field_coverage = self.coverage.report()
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

    def _cancel_requested(self) -> bool:
        return ImportJob.objects.filter(pk=self.job.pk, cancel_requested=True).exists()

    # --- endings ----------------------------------------------------------------------------
    def _finish(
        self, status: str, sentences: list[str], params: dict[str, int] | None = None
    ) -> None:
        job = self.job
        job.status = status
        job.finished_at = timezone.now()
        job.api_calls += self.calls.take()
        job.stage_seconds = self.clock.merge_into(job.stage_seconds)
        job.save(
            update_fields=["status", "finished_at", "api_calls", "stage_seconds", "updated_at"]
        )
        level = (
            ImportJobEvent.Level.INFO
            if status == ImportJob.Status.SUCCEEDED
            else ImportJobEvent.Level.WARNING
        )
        job_log(job, sentences, level, params=params or {})
        if status in (ImportJob.Status.SUCCEEDED, ImportJob.Status.PARTIALLY_FAILED):
            ChannelConnection.objects.filter(pk=job.connection_id).update(last_error="")
        self.progress(job)

    def _fail(
        self, error_type: str, message: str, reauthorize: bool = False, transient: bool = False
    ) -> None:
        """The job stops; a passing failure (an outage, the database) resumes by itself later,
        a few times at growing intervals."""
        job = self.job
        if not connection.is_usable():
            connection.close()  # record the failure on a fresh connection
        job.status = ImportJob.Status.FAILED
        job.error_type = str(error_type)
        job.error_message = message
        job.finished_at = timezone.now()
        job.api_calls += self.calls.take()
        job.stage_seconds = self.clock.merge_into(job.stage_seconds)
        if transient and job.attempts < settings.IMPORT_AUTO_RESUME_ATTEMPTS:
            delay = settings.IMPORT_AUTO_RESUME_SECONDS * 2 ** (job.attempts - 1)
            job.auto_resume_at = job.finished_at + timedelta(seconds=delay)
        job.save(
            update_fields=[
                "status",
                "error_type",
                "error_message",
                "finished_at",
                "api_calls",
                "stage_seconds",
                "auto_resume_at",
                "updated_at",
            ]
        )
        job_log(
            job,
            gettext_noop("Failed: %(message)s"),
            ImportJobEvent.Level.ERROR,
            params={"message": message},
            error_type=str(error_type),
        )
        if job.auto_resume_at:
            job_log(
                job,
                gettext_noop(
                    "A passing failure: the import resumes by itself after %(at)s "
                    "(run %(run)s of at most %(runs)s)."
                ),
                params={
                    "at": local_datetime_text(job.auto_resume_at, seconds=True),
                    "run": job.attempts + 1,
                    "runs": settings.IMPORT_AUTO_RESUME_ATTEMPTS,
                },
            )
        update: dict[str, Any] = {"last_error": message[:2000]}
        if reauthorize:
            update["status"] = ChannelConnection.Status.NEEDS_REAUTHORIZATION
            update["last_error"] = f"{REAUTHORIZE_SENTENCE} ({message})"[:2000]
        ChannelConnection.objects.filter(pk=job.connection_id).update(**update)
        self.progress(job)


def stale_before() -> Any:
    return timezone.now() - timedelta(seconds=settings.IMPORT_STALE_AFTER_SECONDS)

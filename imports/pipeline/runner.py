"""Running one import job: plan, then stream pages through the whole pipeline; resume, cancel.

Pages are fetched ahead on a thread (a bounded queue) while the writer turns each page into
catalog rows: raw payloads, master products, mappings with prices, SEO and quality. A page's
raw rows, catalog rows, field coverage, checkpoint and counts commit in one transaction, so a
run killed at any point resumes from the last committed page, and memory stays flat whatever
the catalog size. A PostgreSQL advisory lock keeps two workers from running one job at once.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from catalog.models import Platform
from catalog.populate import CatalogSession, PopulateReport
from catalog.shop_skus import placeholder_skus_merge
from config.logging import log_context
from imports.clients.errors import ErrorType, MarketplaceError
from imports.clients.shopee import ShopeeClient
from imports.clients.tiktok import TikTokShopClient
from imports.connections import REAUTHORIZE_SENTENCE, client_for
from imports.models import ChannelConnection, ImportJob, ImportJobEvent
from imports.pipeline.analyse import CoverageCounter
from imports.pipeline.fetch import (
    Fetcher,
    Page,
    PagingCapReached,
    PagingStuck,
    ShopeeFetcher,
    TikTokFetcher,
    Window,
    window_split,
)
from imports.pipeline.joblog import catalog_summary_log, job_log
from imports.pipeline.memory import MemoryLimitExceeded, memory_check
from imports.pipeline.prefetch import prefetched
from imports.pipeline.raw_store import raw_records_prepare
from imports.pipeline.timing import StageClock

logger = logging.getLogger("imports.pipeline")

ADVISORY_LOCK_NAMESPACE = 0x5E7C  # keeps our advisory lock keys apart from anyone else's
MAX_LOGGED_RECORD_ERRORS = 20  # per run; every bad record keeps its errors on its raw row
MAX_SPLITS_WITHOUT_PROGRESS = 50  # the job-level guard: no run splits windows forever
# The populate report's counts that the job stores as <name>_count.
PROCESS_COUNTS = (
    "processed",
    "created",
    "updated",
    "linked",
    "title_linked",
    "suggested",
    "unchanged",
    "invalid",
)


class JobCancelled(Exception):
    pass


@contextlib.contextmanager
def job_lock(job_id: int, wait_seconds: float = 10.0) -> Iterator[bool]:
    """Hold the job's advisory lock for the run (False: another live worker holds it).

    A killed worker's lock goes when PostgreSQL notices its connection is gone, which can take
    a moment: wait a little before concluding someone else runs the job.
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, job_id])
            acquired = bool(cursor.fetchone()[0])
        if acquired or time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, job_id]
                )


def fetcher_for(connection_row: ChannelConnection, on_call: CallCounter) -> Fetcher:
    client = client_for(connection_row, on_call=on_call, observer=on_call)
    if connection_row.platform == Platform.SHOPEE:
        assert isinstance(client, ShopeeClient)
        return ShopeeFetcher(client, concurrency=connection_row.concurrency)
    assert isinstance(client, TikTokShopClient)
    return TikTokFetcher(client, concurrency=connection_row.concurrency)


class CallCounter:
    """Counts a job's marketplace calls, their time and retries per endpoint (for metrics)."""

    def __init__(self) -> None:
        self.count = 0
        self.stats: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()

    def __call__(self, endpoint: str) -> None:
        with self._lock:
            self.count += 1

    def _entry(self, endpoint: str) -> dict[str, float]:
        return self.stats.setdefault(
            endpoint, {"calls": 0, "seconds": 0.0, "failures": 0, "retries": 0}
        )

    def done(self, endpoint: str, seconds: float, failed: bool) -> None:
        with self._lock:
            entry = self._entry(endpoint)
            entry["calls"] += 1
            entry["seconds"] += seconds
            entry["failures"] += int(failed)

    def retry(self, endpoint: str) -> None:
        with self._lock:
            self._entry(endpoint)["retries"] += 1

    def take(self) -> int:
        with self._lock:
            taken, self.count = self.count, 0
        return taken

    def merge_into(self, stats: dict) -> dict:
        """Add what was counted since the last merge to a job's stored totals."""
        with self._lock:
            pending, self.stats = self.stats, {}
        merged = {k: dict(v) for k, v in (stats or {}).items()}
        for endpoint, entry in pending.items():
            total = merged.setdefault(
                endpoint, {"calls": 0, "seconds": 0.0, "failures": 0, "retries": 0}
            )
            for key, value in entry.items():
                total[key] = round(total.get(key, 0) + value, 4)
        return merged


class ImportRunner:
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
        self.session: CatalogSession | None = None
        self.coverage = CoverageCounter()
        self.errors_logged = 0
        self.splits_without_progress = 0
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
            except JobCancelled:
                self._finish(ImportJob.Status.CANCELLED, "cancelled on request")
            except (MemoryLimitExceeded, PagingStuck) as error:
                self._fail(error.error_type, str(error))
            except MarketplaceError as error:
                self._fail(error.error_type, str(error), reauthorize=error.reauthorize)
            except Exception as error:  # a bug: keep the job readable, re-raise for the worker
                self._fail(
                    ErrorType.DATABASE_ERROR
                    if "Database" in type(error).__name__
                    else "internal_error",
                    f"{type(error).__name__}: {error}",
                )
                raise
            else:
                status = (
                    ImportJob.Status.PARTIALLY_FAILED
                    if job.failed_count
                    else ImportJob.Status.SUCCEEDED
                )
                self._finish(status, self._summary())
        return job

    def _start(self) -> None:
        job = self.job
        now = timezone.now()
        resumed = bool(job.checkpoint)
        job.status = ImportJob.Status.RUNNING
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "heartbeat_at", "attempts", "updated_at"])
        if resumed:
            job_log(
                job,
                f"Resuming from checkpoint (window {job.checkpoint.get('window', 0) + 1}"
                f" of {len(job.checkpoint.get('windows', []))}).",
            )
        else:
            mode = "incremental" if job.mode == ImportJob.Mode.INCREMENTAL else "full"
            since = (
                f" of changes since {job.updated_since:%Y-%m-%d %H:%M}"
                if (job.updated_since)
                else ""
            )
            job_log(job, f"Started {mode} import{since}" + (" (dry run)" if job.dry_run else ""))
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
        job_log(job, f"Planned {len(windows)} update-time window(s), {job.total} listing(s).")

    def _stream(self) -> None:
        job = self.job
        job.stage = ImportJob.Stage.FETCHING
        job.save(update_fields=["stage", "updated_at"])
        if not job.dry_run:
            self.session = CatalogSession(
                job.organization_id, error_policy=job.error_policy, clock=self.clock
            )
        self.coverage = CoverageCounter.from_report(job.field_coverage)
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
            finally:
                pages.close()

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

    def _log_record_errors(self, report: PopulateReport) -> None:
        """The first errors of a run as events (every record keeps its own on its raw row)."""
        for error in report.errors:
            if self.errors_logged >= MAX_LOGGED_RECORD_ERRORS:
                return
            self.errors_logged += 1
            job_log(
                self.job,
                f"{error['field']}: {error['problem']}"
                + (f" ({error['value']})" if error.get("value") else ""),
                ImportJobEvent.Level.ERROR,
                platform_product_id=error["platform_product_id"],
                error_type="data_validation_error",
            )

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
            f"The platform stopped paging after {reached} results: window split into "
            f"{len(smaller)}.",
            ImportJobEvent.Level.WARNING,
        )

    def _commit_page(self, page: Page) -> None:
        job = self.job
        self.splits_without_progress = 0
        checkpoint = dict(job.checkpoint)
        if page.next_cursor is None:
            checkpoint["window"] += 1
            checkpoint["cursor"] = None
        else:
            checkpoint["cursor"] = page.next_cursor
        with transaction.atomic():
            report = PopulateReport()
            if self.session is None:  # a dry run stores nothing
                stored = len({product_id for product_id, _ in page.records})
            else:
                with self.clock.stage("store"):
                    raws, stored = raw_records_prepare(job=job, records=page.records)
                report = self.session.process(raws, incoming=True)
                self._log_record_errors(report)
            with self.clock.stage("analyse"):
                for _product_id, payload in page.records:
                    self.coverage.add(payload)
            ImportJobEvent.objects.bulk_create(
                [
                    ImportJobEvent(
                        job=job,
                        level=ImportJobEvent.Level.ERROR,
                        message=failure.message[:2000],
                        error_type=failure.error_type,
                        platform_product_id=failure.platform_product_id,
                    )
                    for failure in page.failures
                ]
            )
            job.checkpoint = checkpoint
            job.listed_count += page.listed
            job.fetched_count += len(page.records)
            job.stored_count += stored
            job.failed_count += len(page.failures)
            for name in PROCESS_COUNTS:
                setattr(job, f"{name}_count", getattr(job, f"{name}_count") + getattr(report, name))
            job.field_coverage = self.coverage.report()
            job.placeholder_skus = placeholder_skus_merge(
                job.placeholder_skus, report.placeholder_skus
            )
            job.api_calls += self.calls.take()
            job.api_stats = self.calls.merge_into(job.api_stats)
            job.stage_seconds = self.clock.merge_into(job.stage_seconds)
            job.heartbeat_at = timezone.now()
            job.save(
                update_fields=[
                    "checkpoint",
                    "listed_count",
                    "fetched_count",
                    "stored_count",
                    "failed_count",
                    *(f"{name}_count" for name in PROCESS_COUNTS),
                    "field_coverage",
                    "placeholder_skus",
                    "api_calls",
                    "api_stats",
                    "stage_seconds",
                    "heartbeat_at",
                    "updated_at",
                ]
            )
        self.progress(job)

    def _cancel_requested(self) -> bool:
        return ImportJob.objects.filter(pk=self.job.pk, cancel_requested=True).exists()

    # --- endings ----------------------------------------------------------------------------
    def _summary(self) -> str:
        job = self.job
        verb = "would store" if job.dry_run else "stored"
        return (
            f"Listed {job.listed_count}, fetched {job.fetched_count}, {verb} "
            f"{job.stored_count}, failed {job.failed_count} in {job.api_calls} API calls."
        )

    def _finish(self, status: str, message: str) -> None:
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
        job_log(job, message, level)
        if status in (ImportJob.Status.SUCCEEDED, ImportJob.Status.PARTIALLY_FAILED):
            ChannelConnection.objects.filter(pk=job.connection_id).update(last_error="")
        self.progress(job)

    def _fail(self, error_type: str, message: str, reauthorize: bool = False) -> None:
        job = self.job
        job.status = ImportJob.Status.FAILED
        job.error_type = str(error_type)
        job.error_message = message
        job.finished_at = timezone.now()
        job.api_calls += self.calls.take()
        job.stage_seconds = self.clock.merge_into(job.stage_seconds)
        job.save(
            update_fields=[
                "status",
                "error_type",
                "error_message",
                "finished_at",
                "api_calls",
                "stage_seconds",
                "updated_at",
            ]
        )
        job_log(job, f"Failed: {message}", ImportJobEvent.Level.ERROR, error_type=str(error_type))
        update: dict[str, Any] = {"last_error": message[:2000]}
        if reauthorize:
            update["status"] = ChannelConnection.Status.NEEDS_REAUTHORIZATION
            update["last_error"] = f"{REAUTHORIZE_SENTENCE} ({message})"[:2000]
        ChannelConnection.objects.filter(pk=job.connection_id).update(**update)
        self.progress(job)


def stale_before() -> Any:
    return timezone.now() - timedelta(seconds=settings.IMPORT_STALE_AFTER_SECONDS)

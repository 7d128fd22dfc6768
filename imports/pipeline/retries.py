"""Listings whose fetch failed for a passing reason are read again, never lost.

A detail call that still fails after the client's own retries (connection lost, timeout, 429,
5xx: the marketplace is down for a while) puts the listing on the job's retry list, committed
with the page. The run reads the list again after each window and, pausing in between, a few
more times at the end; *Resume* reads what is left; the next import of the shop takes over
earlier jobs' leftovers. Only a listing the platform refuses for good (not found, deleted)
ends as failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction

from imports.models import ImportJob, ImportJobEvent, RawImportRecord
from imports.pipeline.fetch import Fetcher, Page
from imports.pipeline.joblog import job_log


class RetryCancelled(Exception):
    """Cancel was requested while the run waited to read its retry list again."""


def retry_list_add(retry_ids: list[str], ids: Iterable[str]) -> list[str]:
    """The retry list with `ids` appended, each listing once, in first-failure order."""
    merged = dict.fromkeys(retry_ids)
    merged.update(dict.fromkeys(ids))
    return list(merged)


def leftovers_take_over(job: ImportJob) -> int:
    """Move earlier finished jobs' retry lists of the same shop onto `job` (a new run).

    Each listing is then read by exactly one job, and the earlier job says where it went.
    """
    if job.dry_run:
        return 0
    with transaction.atomic():
        earlier = list(
            ImportJob.objects.select_for_update()
            .filter(connection_id=job.connection_id, dry_run=False, finished_at__isnull=False)
            .exclude(pk=job.pk)
            .exclude(retry_ids=[])
            .order_by("pk")
        )
        taken: list[str] = []
        for previous in earlier:
            taken = retry_list_add(taken, previous.retry_ids)
            count = len(previous.retry_ids)
            previous.retry_ids = []
            previous.save(update_fields=["retry_ids", "updated_at"])
            job_log(previous, f"Import #{job.pk} took over {count} listing(s) to fetch again.")
        if taken:
            job.retry_ids = retry_list_add(job.retry_ids, taken)
            job.save(update_fields=["retry_ids", "updated_at"])
            job_log(job, f"Took over {len(taken)} listing(s) earlier imports could not read.")
    return len(taken)


class ListingRetries:
    """The runner's retry passes (a mixin of ImportRunner)."""

    job: ImportJob
    fetcher: Fetcher
    _commit_page: Callable[..., None]
    _cancel_requested: Callable[[], bool]
    _last_retry_round: float | None = None

    def _retry_round(self) -> None:
        """Read the retry list once. A chunk that recovers nothing means the marketplace is
        still failing: the rest waits for the next round rather than paying every retry."""
        job = self.job
        pending = list(job.retry_ids)
        if not pending:
            return
        self._last_retry_round = time.monotonic()
        recovered_before = job.recovered_count
        job_log(job, f"Fetching {len(pending)} listing(s) again that failed for a passing reason.")
        size = self.fetcher.page_size  # a retried page is as large as a fetched one
        for start in range(0, len(pending), size):
            chunk = pending[start : start + size]
            ids = self._not_yet_landed(chunk)
            page = self.fetcher.fetch_ids(ids) if ids else Page(records=[])
            self._commit_page(page, retried=chunk)
            if ids and not page.records and all(f.transient for f in page.failures):
                break
        recovered = job.recovered_count - recovered_before
        left = len(job.retry_ids)
        job_log(
            job,
            f"Recovered {recovered} of {len(pending)}; {left} still to fetch.",
            ImportJobEvent.Level.WARNING if left else ImportJobEvent.Level.INFO,
        )

    def _retry_final_rounds(self) -> None:
        """The end of the run: a first round for leftovers this run has not read yet (after
        a resume, or taken over), then a few more, each after a pause, while any are left."""
        if self._last_retry_round is None:
            self._retry_round()
        for _round in range(settings.IMPORT_LISTING_RETRY_ROUNDS):
            if not self.job.retry_ids:
                return
            self._pause_before_retry()
            self._retry_round()

    def _pause_before_retry(self) -> None:
        """Give a marketplace that just failed time to come back (not after a fresh start)."""
        if self._last_retry_round is None:
            return
        resume_at = self._last_retry_round + settings.IMPORT_LISTING_RETRY_PAUSE_SECONDS
        while (left := resume_at - time.monotonic()) > 0:
            if self._cancel_requested():
                raise RetryCancelled
            time.sleep(min(1.0, left))

    def _not_yet_landed(self, ids: list[str]) -> list[str]:
        """Ids this job has not stored yet (a window or an earlier round may have read one)."""
        if self.job.dry_run:
            return ids
        landed = set(
            RawImportRecord.objects.filter(
                import_job=self.job, platform_product_id__in=ids
            ).values_list("platform_product_id", flat=True)
        )
        return [product_id for product_id in ids if product_id not in landed]

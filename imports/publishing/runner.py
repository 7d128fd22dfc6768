"""Running one publish job: for each listing, re-read, write what is still ours to write,
read back, record.

No lost edits: a value the platform changed since the last import (the seller edited it in
Seller Center) is not overwritten but held as a conflict. Exactly once: writes are sent once,
and when an answer is lost the listing is read again before anything is repeated, so a change
that arrived is never sent twice. A cancelled or interrupted job resumes with what is left.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.conf import settings
from django.db import connection as db_connection
from django.db.models import Count
from django.utils import timezone

from catalog.models import PlatformMapping, PublishKind
from imports.clients.errors import ErrorType, MarketplaceError
from imports.connections import client_for, retry_policy
from imports.pipeline.transforms import clean_text
from imports.platforms import adapter_for
from imports.platforms.writing import (
    ListingWriter,
    RemoteListing,
    ReviewState,
    WriteOutcome,
    WriteState,
)
from imports.publishing import reasons
from imports.publishing.models import PublishItem, PublishJob
from imports.publishing.recording import listing_results_record, listings_status_refresh

logger = logging.getLogger("imports.publishing")

LOCK_NAMESPACE = 0x5E7E  # publish jobs' advisory locks, apart from imports'
PROGRESS_SECONDS = 2.0
# A platform answer our writer could not read (a missing field, a number that is not one):
# that listing fails, with what went wrong; the job goes on.
UNREADABLE = (KeyError, IndexError, TypeError, ValueError, ArithmeticError)
INTEGRATION_LOCK_CODES = {"12052332"}
STATE_OF = {
    WriteState.APPLIED: PublishItem.State.APPLIED,
    WriteState.IN_REVIEW: PublishItem.State.IN_REVIEW,
    WriteState.BLOCKED: PublishItem.State.BLOCKED,
    WriteState.FAILED: PublishItem.State.FAILED,
}
COUNTED = {
    PublishItem.State.APPLIED: "applied_count",
    PublishItem.State.IN_REVIEW: "in_review_count",
    PublishItem.State.BLOCKED: "blocked_count",
    PublishItem.State.CONFLICT: "conflict_count",
    PublishItem.State.FAILED: "failed_count",
    PublishItem.State.REJECTED: "failed_count",
    PublishItem.State.SKIPPED: "skipped_count",
}


def _same_title(a: str, b: str) -> bool:
    return clean_text(a or "") == clean_text(b or "")


def _decimal(value: str) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


def job_counts_refresh(job: PublishJob) -> None:
    totals = dict.fromkeys(set(COUNTED.values()), 0)
    for row in job.items.values("state").annotate(n=Count("id")):
        if row["state"] in COUNTED:
            totals[COUNTED[row["state"]]] += row["n"]
    for name, value in totals.items():
        setattr(job, name, value)
    job.total_count = job.items.count()


class PublishRunner:
    def __init__(self, job: PublishJob, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.job = job
        self.sleep = sleep
        self.policy = retry_policy()
        self.calls = 0
        self.counted_at = 0.0

    # --- the run ----------------------------------------------------------------------------
    def run(self) -> PublishJob:
        job = self.job
        with db_connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, job.pk])
            if not cursor.fetchone()[0]:
                return job  # another worker runs it
        try:
            return self._run()
        finally:
            with db_connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, job.pk])

    def _run(self) -> PublishJob:
        job = self.job
        job.refresh_from_db()
        stale = job.status == PublishJob.Status.RUNNING and (
            job.heartbeat_at is None
            or job.heartbeat_at
            < timezone.now() - timedelta(seconds=settings.IMPORT_STALE_AFTER_SECONDS)
        )
        if job.status != PublishJob.Status.QUEUED and not stale:
            return job  # finished, waiting, or run by a live worker
        job.status = PublishJob.Status.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.heartbeat_at = timezone.now()
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "heartbeat_at", "attempts", "updated_at"])
        client = client_for(job.connection, on_call=self._count_call)
        writer = adapter_for(job.platform).writer(client)
        queued = (
            job.items.filter(state=PublishItem.State.QUEUED)
            .select_related("mapping")
            .order_by("mapping_id", "kind", "variant")
        )
        try:
            for mapping_id, items in groupby(
                queued.iterator(chunk_size=500), lambda i: i.mapping_id
            ):
                if self._cancelled():
                    break
                self._listing_guarded(writer, mapping_id, list(items))
                self._progress()
        except MarketplaceError as error:
            if not (error.reauthorize or error.error_type == ErrorType.API_AUTHENTICATION_ERROR):
                raise
            # The shop must be authorized again: nothing more can be sent; resumable after.
            job.error_message = str(error)
            self._finish(PublishJob.Status.FAILED)
            return job
        finally:
            client.close()
        self._finish()
        return job

    def _count_call(self, _endpoint: str) -> None:
        self.calls += 1

    def _cancelled(self) -> bool:
        if not PublishJob.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            return False
        self.job.items.filter(state=PublishItem.State.QUEUED).update(
            state=PublishItem.State.CANCELLED, reason=reasons.CANCELLED
        )
        return True

    def _progress(self, *, now: bool = False) -> None:
        # Counted from the items every couple of seconds, not after every listing.
        if not now and time.monotonic() - self.counted_at < PROGRESS_SECONDS:
            return
        self.counted_at = time.monotonic()
        job = self.job
        job_counts_refresh(job)
        job.api_calls += self.calls
        self.calls = 0
        job.heartbeat_at = timezone.now()
        job.save(update_fields=[*set(COUNTED.values()), "api_calls", "heartbeat_at", "updated_at"])

    def _finish(self, status: str | None = None) -> None:
        job = self.job
        job_counts_refresh(job)
        job.api_calls += self.calls
        self.calls = 0
        blocked = job.items.filter(state=PublishItem.State.BLOCKED)
        if status is None and PublishJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
            # Cancelled: blocked changes are not tried again either, and their listings say so.
            held = set(blocked.values_list("mapping_id", flat=True))
            blocked.update(state=PublishItem.State.CANCELLED, reason=reasons.CANCELLED)
            listings_status_refresh(held - {None})
            job_counts_refresh(job)
            status = PublishJob.Status.CANCELLED
        if status is None:
            if blocked.exists():
                status = PublishJob.Status.WAITING
            elif job.failed_count + job.conflict_count + job.skipped_count == 0:
                status = PublishJob.Status.SUCCEEDED
            elif job.applied_count + job.in_review_count == 0:
                status = PublishJob.Status.FAILED
            else:
                status = PublishJob.Status.PARTIALLY_FAILED
        job.status = status
        job.resume_at = (
            min(item.blocked_until for item in blocked if item.blocked_until)
            if status == PublishJob.Status.WAITING
            else None
        )
        job.finished_at = None if status == PublishJob.Status.WAITING else timezone.now()
        job.save()

    # --- one listing ------------------------------------------------------------------------
    def _listing_guarded(self, writer: ListingWriter, mapping_id, items: list[PublishItem]):
        try:
            self._listing(writer, mapping_id, items)
        except UNREADABLE as error:
            logger.exception("publication %s: listing %s", self.job.pk, mapping_id)
            for item in items:
                item.code, item.message = "unreadable_answer", repr(error)[:500]
                self._done(item, PublishItem.State.FAILED, reasons.REFUSED)
            mapping = PlatformMapping.objects.filter(pk=mapping_id).first()
            if mapping is not None:
                listing_results_record(self.job, mapping, items, None, None)

    def _listing(self, writer: ListingWriter, mapping_id: int | None, items: list[PublishItem]):
        mapping = (
            PlatformMapping.objects.select_related("master_product").filter(pk=mapping_id).first()
        )
        now = timezone.now()
        if mapping is None or not mapping.sync_enabled:
            self._settle(items, PublishItem.State.SKIPPED, reasons.SYNC_DISABLED)
            return
        listing_id = mapping.platform_product_id
        try:
            remote = writer.read(listing_id)
        except MarketplaceError as error:
            if error.reauthorize or error.error_type == ErrorType.API_AUTHENTICATION_ERROR:
                raise
            reason = reasons.REFUSED if error.not_found else reasons.UNREACHABLE
            self._settle(items, PublishItem.State.FAILED, reason, error)
            listing_results_record(self.job, mapping, items, None, None)
            return
        conflict: dict[str, Any] = {}
        prices: dict[str, Decimal] = {}
        title_item = None
        for item in items:
            item.attempts += 1
            if self._superseded(item, mapping):
                self._done(item, PublishItem.State.SKIPPED, reasons.SUPERSEDED)
            elif item.kind == PublishKind.PRICE:
                self._price_precheck(item, mapping, remote, prices, conflict)
            else:
                title_item = self._title_precheck(item, mapping, remote, conflict)
        outcomes: dict[tuple[str, str], WriteOutcome] = {}
        if prices:
            for outcome in self._write_prices(writer, listing_id, prices):
                outcomes[(PublishKind.PRICE, outcome.variant)] = outcome
        if title_item is not None:
            outcomes[(PublishKind.TITLE, "")] = self._write_title(
                writer, listing_id, title_item.new_value
            )
        for item in items:
            outcome = outcomes.get((item.kind, item.variant))
            if outcome is not None:
                self._apply_outcome(item, outcome)
        after = remote
        if outcomes:
            try:
                after = writer.read(listing_id)
            except MarketplaceError:
                after = None  # the outcomes stand; the next import reads the values
        listing_results_record(self.job, mapping, items, after, conflict, read_at=now)

    @staticmethod
    def _superseded(item: PublishItem, mapping: PlatformMapping) -> bool:
        """The value this item was planned with is no longer ours (the price or title changed
        since, or the merchandiser kept the platform's): a resumed job must not send it."""
        ignored = mapping.publish_ignored or {}
        if item.kind == PublishKind.PRICE:
            current = _decimal((mapping.desired_prices or {}).get(item.variant))
            kept = _decimal((ignored.get("prices") or {}).get(item.variant))
            return current != _decimal(item.new_value) or kept == current
        return not _same_title(mapping.seo_title, item.new_value) or (
            ignored.get("title") == mapping.seo_title
        )

    def _price_precheck(
        self, item, mapping: PlatformMapping, remote: RemoteListing, todo: dict, conflict: dict
    ) -> None:
        theirs = remote.prices.get(item.variant)
        new = Decimal(item.new_value)
        # What we last knew the platform showed: when the item was planned, or since (an
        # import, a settled conflict).
        known = {
            _decimal(item.old_value),
            _decimal((mapping.remote_prices or {}).get(item.variant)),
        }
        if theirs == new:
            self._done(item, PublishItem.State.APPLIED, reasons.ALREADY_LIVE, theirs)
        elif theirs not in known:
            conflict.setdefault("prices", {})[item.variant] = {
                "ours": item.new_value,
                "platform": "" if theirs is None else str(theirs),
                "imported": item.old_value,
            }
            self._done(item, PublishItem.State.CONFLICT, reasons.CONFLICT, theirs)
        else:
            todo[item.variant] = new

    def _title_precheck(
        self, item, mapping: PlatformMapping, remote: RemoteListing, conflict: dict
    ) -> PublishItem | None:
        in_review = remote.review == ReviewState.IN_REVIEW
        known = (item.old_value, mapping.platform_title)
        if in_review and _same_title(remote.review_title, item.new_value):
            self._done(item, PublishItem.State.IN_REVIEW, "", remote.title)
        elif _same_title(remote.title, item.new_value):
            self._done(item, PublishItem.State.APPLIED, reasons.ALREADY_LIVE, remote.title)
        elif in_review or not any(_same_title(remote.title, title) for title in known):
            # Changed in Seller Center (live, or a title of the seller's waiting for review).
            shown = remote.review_title if in_review else remote.title
            conflict["title"] = {
                "ours": item.new_value,
                "platform": shown,
                "imported": item.old_value,
            }
            self._done(item, PublishItem.State.CONFLICT, reasons.CONFLICT, shown)
        else:
            return item
        return None

    # --- writes, each sent once -------------------------------------------------------------
    def _write_prices(
        self, writer: ListingWriter, listing_id: str, prices: dict[str, Decimal]
    ) -> list[WriteOutcome]:
        pending, results = dict(prices), {}
        for attempt in range(1, self.policy.max_attempts + 1):
            try:
                for outcome in writer.write_prices(listing_id, pending):
                    results[outcome.variant] = outcome
                return list(results.values())
            except MarketplaceError as error:
                if not error.retryable or attempt == self.policy.max_attempts:
                    return [*results.values(), *self._failed(PublishKind.PRICE, pending, error)]
                self.sleep(self.policy.delay(attempt, error.retry_after))
            try:
                remote = writer.read(listing_id)
            except MarketplaceError:
                continue
            for variant in [v for v, price in pending.items() if remote.prices.get(v) == price]:
                results[variant] = WriteOutcome(PublishKind.PRICE, variant, WriteState.APPLIED)
                del pending[variant]
            if not pending:
                break
        return list(results.values())

    def _write_title(self, writer: ListingWriter, listing_id: str, title: str) -> WriteOutcome:
        """A title edit is not idempotent (each one is reviewed again): it is sent again only
        when a read shows the last one did not arrive, never on an unknown outcome."""
        for attempt in range(1, self.policy.max_attempts + 1):
            try:
                return writer.write_title(listing_id, title)
            except MarketplaceError as error:
                if not error.retryable or attempt == self.policy.max_attempts:
                    return self._failed(PublishKind.TITLE, {"": title}, error)[0]
                self.sleep(self.policy.delay(attempt, error.retry_after))
            remote = self._read_settled(writer, listing_id)
            if remote is None:
                return WriteOutcome(
                    PublishKind.TITLE,
                    "",
                    WriteState.FAILED,
                    code="unreachable",
                    message="the title may have been sent; the platform did not say",
                )
            if remote.review == ReviewState.IN_REVIEW and _same_title(remote.review_title, title):
                return WriteOutcome(PublishKind.TITLE, "", WriteState.IN_REVIEW)
            if _same_title(remote.title, title):
                return WriteOutcome(PublishKind.TITLE, "", WriteState.APPLIED)
        return WriteOutcome(PublishKind.TITLE, "", WriteState.FAILED, code="unreachable")

    def _read_settled(self, writer: ListingWriter, listing_id: str) -> RemoteListing | None:
        """The listing read after an unknown outcome, trying as long as the policy allows."""
        for attempt in range(1, self.policy.max_attempts + 1):
            try:
                return writer.read(listing_id)
            except MarketplaceError as error:
                if not error.retryable:
                    return None
                self.sleep(self.policy.delay(attempt, error.retry_after))
        return None

    @staticmethod
    def _failed(kind: str, pending: dict, error: MarketplaceError) -> list[WriteOutcome]:
        return [
            WriteOutcome(
                kind,
                variant,
                WriteState.FAILED,
                code=error.code or ("unreachable" if error.retryable else ""),
                message=str(error),
                request_id=getattr(error, "request_id", "") or "",
            )
            for variant in pending
        ]

    # --- results ----------------------------------------------------------------------------
    def _apply_outcome(self, item: PublishItem, outcome: WriteOutcome) -> None:
        state = STATE_OF[outcome.state]
        reason = ""
        if state == PublishItem.State.BLOCKED:
            reason = (
                reasons.INTEGRATION_LOCK
                if outcome.code in INTEGRATION_LOCK_CODES
                else reasons.PROMOTION_LOCK
            )
            recheck = timezone.now() + timedelta(seconds=settings.PUBLISH_RECHECK_SECONDS)
            item.blocked_until = outcome.blocked_until or recheck
        elif state == PublishItem.State.FAILED:
            reason = {
                "variant_spread": reasons.VARIANT_SPREAD,
                "unreachable": reasons.UNREACHABLE,
            }.get(outcome.code, reasons.REFUSED)
        item.code, item.message, item.request_id = outcome.code, outcome.message, outcome.request_id
        self._done(item, state, reason)

    def _done(self, item: PublishItem, state: str, reason: str, shown: Any = None) -> None:
        item.state = state
        item.reason = reason
        if shown is not None:
            item.platform_value = str(shown)[:300]
        item.finished_at = timezone.now()

    def _settle(self, items, state: str, reason: str, error: MarketplaceError | None = None):
        for item in items:
            item.attempts += 1
            if error is not None:
                item.code, item.message = error.code or "", str(error)
            self._done(item, state, reason)
            item.save()

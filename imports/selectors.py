"""Named reads for imports."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from imports.models import ImportJob


def import_job_progress(job: ImportJob) -> dict[str, Any]:
    """What a progress bar needs: counts, percent and an ETA."""
    total = job.total
    processed = job.processed
    # Each page is fetched, then built into the catalog; fetching is most of the work.
    fetch_share = 100 if job.dry_run else 70
    fetch = min(1.0, processed / total) if total else 0.0
    build = 0.0
    if total and not job.dry_run:
        build = min(1.0, job.processed_count / total)
    percent = None
    if total is not None:
        percent = round(fetch * fetch_share + build * (100 - fetch_share), 1)
    if job.status == ImportJob.Status.SUCCEEDED or (total == 0 and job.is_finished):
        percent = 100.0
    eta_seconds = None
    if not job.is_finished and job.started_at and percent:
        elapsed = (timezone.now() - job.started_at).total_seconds()
        eta_seconds = round(elapsed * (100 - percent) / percent) if elapsed > 0 else None
    return {
        "id": job.pk,
        "status": job.status,
        "status_display": job.get_status_display(),
        "stage": job.stage,
        "stage_display": job.get_stage_display(),
        "finished": job.is_finished,
        "total": total,
        "processed": processed,
        "percent": percent,
        "eta_seconds": eta_seconds,
        "counts": {
            "created": job.created_count,
            # Linked by SKU or by title: both are listings on a product of the other shop.
            "linked": job.linked_count + job.title_linked_count,
            "suggested": job.suggested_count,
            "listed": job.listed_count,
            "fetched": job.fetched_count,
            "stored": job.stored_count,
            "failed": job.failed_count,
            "to_fetch_again": len(job.retry_ids),
            "recovered": job.recovered_count,
            "api_calls": job.api_calls,
        },
        "error": job.error_message,
        "cancel_requested": job.cancel_requested,
    }


def import_job_windows(job: ImportJob) -> dict[str, int]:
    """The job's update-time windows: planned (without those split into smaller ones), done,
    and being fetched now (by any worker: the window locks PostgreSQL holds)."""
    from django.db import connection

    from imports.pipeline.checkpoint import pending_windows, windows_paged
    from imports.pipeline.lock import WINDOW_LOCK_NAMESPACE

    checkpoint = job.checkpoint or {}
    planned = len(windows_paged(checkpoint))
    left = len(pending_windows(checkpoint))
    fetching = 0
    if left and not job.is_finished:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 "
                "AND objid = %s AND (classid::bigint >> 16) = %s AND granted AND database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())",
                [job.pk, WINDOW_LOCK_NAMESPACE],
            )
            fetching = cursor.fetchone()[0]
    return {"planned": planned, "done": planned - left, "fetching": fetching}

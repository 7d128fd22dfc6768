"""Named reads for imports."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from imports.models import ImportJob


def import_job_progress(job: ImportJob) -> dict[str, Any]:
    """What a progress bar needs: counts, percent and an ETA."""
    total = job.total
    processed = job.processed
    percent = None
    eta_seconds = None
    if total:
        percent = min(100.0, round(100 * processed / total, 1))
    if job.is_finished:
        percent = 100.0 if job.status == ImportJob.Status.SUCCEEDED else percent
    elif job.started_at and total and processed:
        elapsed = (timezone.now() - job.started_at).total_seconds()
        rate = processed / elapsed if elapsed > 0 else 0
        eta_seconds = round((total - processed) / rate) if rate else None
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
            "listed": job.listed_count,
            "fetched": job.fetched_count,
            "stored": job.stored_count,
            "failed": job.failed_count,
            "api_calls": job.api_calls,
        },
        "error": job.error_message,
        "cancel_requested": job.cancel_requested,
    }

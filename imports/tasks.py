"""django-q2 entry points: load the row, call the service."""

from __future__ import annotations

from django.conf import settings

from imports.services import import_job_lane_run, import_job_run


def run_import(job_id: int) -> str:
    job = import_job_run(job_id=job_id, lanes=settings.IMPORT_WINDOW_TASKS)
    return f"import #{job.pk}: {job.status}"


def run_import_lane(job_id: int) -> str:
    job = import_job_lane_run(job_id=job_id)
    return f"import #{job.pk} (another task of the job): {job.status}"


def heartbeat() -> str:
    from imports.local_time import local_datetime_text
    from imports.maintenance import heartbeat_record

    # The task's result is read in the admin (Background tasks): local time, zone named.
    return f"alive at {local_datetime_text(heartbeat_record().seen_at, seconds=True)}"


def recover_stale_imports() -> str:
    from imports.services import import_jobs_recover_stale

    return f"requeued {import_jobs_recover_stale()}"


def scheduled_import(connection_id: int) -> str:
    from imports.maintenance import scheduled_import_start

    job = scheduled_import_start(connection_id=connection_id)
    return f"import #{job.pk} queued" if job else "skipped"


def cleanup_raw_imports(days: int = 30) -> str:
    from datetime import timedelta

    from imports.maintenance import raw_records_cleanup

    return str(raw_records_cleanup(older_than=timedelta(days=days)))


def archive_stale_mappings(days: int = 90) -> str:
    from imports.maintenance import stale_mappings_archive

    return str(stale_mappings_archive(days=days))


def backup_database_daily() -> str:
    from imports.backup import database_backup_rotate

    return str(database_backup_rotate())


def run_publish(job_id: int) -> str:
    from imports.publishing.services import publish_job_run

    job = publish_job_run(job_id=job_id)
    return f"publication #{job.pk}: {job.status}"


def publish_jobs_resume_due() -> str:
    from imports.publishing.services import publish_jobs_resume_due as resume_due

    return f"resumed {resume_due()}"


def publish_reviews_check() -> str:
    from imports.publishing.services import publish_reviews_check as check

    return str(check())

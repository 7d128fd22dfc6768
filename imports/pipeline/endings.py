"""How a job ends: finished (succeeded, partly failed, cancelled) or failed, written onto the
job as stored (several tasks of one job add to it), with the connection's last error; and which
of the job's tasks finishes it (the one that finds every window done)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from imports.connections import REAUTHORIZE_SENTENCE
from imports.local_time import local_datetime_text
from imports.models import ChannelConnection, ImportJob, ImportJobEvent
from imports.pipeline.calls import CallCounter
from imports.pipeline.catalog_build import CatalogBuild
from imports.pipeline.checkpoint import pending_windows
from imports.pipeline.joblog import catalog_summary_log, job_log, run_summary
from imports.pipeline.lock import LockKey, job_lock, job_lock_key
from imports.pipeline.timing import StageClock


class JobEndings:
    """The runner's endings (a mixin of ImportRunner)."""

    job: ImportJob
    calls: CallCounter
    clock: StageClock
    progress: Callable[[ImportJob], None]
    session: CatalogBuild | None
    held_locks: list[LockKey]
    _locked_job: Callable[[], ImportJob]
    _recovering: Callable[[Callable[[], None]], None]
    _retry_final_rounds: Callable[[], None]

    def _finish(
        self, status: str, sentences: list[str], params: dict[str, int] | None = None
    ) -> None:
        with transaction.atomic():
            job = self._locked_job()
            if job.status != ImportJob.Status.RUNNING:
                return  # another task of the job ended it first
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
        if not connection.is_usable():
            connection.close()  # record the failure on a fresh connection
        with transaction.atomic():
            job = self._locked_job()
            if job.status != ImportJob.Status.RUNNING:
                return  # another task of the job ended it first
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

    def _finish_if_last(self) -> None:
        """When every window is done: the retry list's final rounds, the summaries, the end.
        Windows still fetched by another task: that task finishes the job."""
        job = self.job
        with job_lock(job.pk) as acquired:
            if not acquired:
                self._lane_summary()
                return
            job.refresh_from_db()
            if job.status != ImportJob.Status.RUNNING or pending_windows(job.checkpoint):
                self._lane_summary()
                return
            self.held_locks.append(job_lock_key(job.pk))
            try:
                self._recovering(self._retry_final_rounds)
                self._lane_summary()
                job.stage = ImportJob.Stage.DONE
                job.save(update_fields=["stage", "updated_at"])
                status = (
                    ImportJob.Status.PARTIALLY_FAILED
                    if job.failed_count or job.retry_ids
                    else ImportJob.Status.SUCCEEDED
                )
                self._finish(status, *run_summary(job))
            finally:
                self.held_locks.remove(job_lock_key(job.pk))

    def _lane_summary(self) -> None:
        """What building the catalog did in this task's pages."""
        if self.session is not None and self.session.report.processed:
            catalog_summary_log(self.job, self.session.report, self.session.enricher.totals)

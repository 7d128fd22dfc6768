"""How a job ends: finished (succeeded, partly failed, cancelled) or failed, written onto the
job as stored (several tasks of one job add to it), with the connection's last error."""

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
from imports.pipeline.joblog import job_log
from imports.pipeline.timing import StageClock


class JobEndings:
    """The runner's endings (a mixin of ImportRunner)."""

    job: ImportJob
    calls: CallCounter
    clock: StageClock
    progress: Callable[[ImportJob], None]
    _locked_job: Callable[[], ImportJob]

    def _finish(
        self, status: str, sentences: list[str], params: dict[str, int] | None = None
    ) -> None:
        with transaction.atomic():
            job = self._locked_job()
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

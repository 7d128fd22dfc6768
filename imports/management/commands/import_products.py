"""Run an import in the foreground (same job code as the background worker)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from imports.models import ChannelConnection, ImportJob
from imports.selectors import import_job_progress
from imports.services import ImportRefused, import_job_resume, import_job_run, import_job_start


class Command(BaseCommand):
    help = "Import a connection's listings into the raw store, showing progress."

    def add_arguments(self, parser):
        parser.add_argument("connection_id", type=int)
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="only listings changed since the last successful import",
        )
        parser.add_argument("--dry-run", action="store_true", help="fetch but store nothing")
        parser.add_argument(
            "--resume",
            type=int,
            metavar="JOB_ID",
            help="resume an interrupted or failed job from its checkpoint",
        )

    def handle(self, *args, **options):
        try:
            connection = ChannelConnection.objects.get(pk=options["connection_id"])
        except ChannelConnection.DoesNotExist as exc:
            raise CommandError(f"no connection {options['connection_id']}") from exc
        try:
            if options["resume"]:
                job = ImportJob.objects.get(pk=options["resume"], connection=connection)
                job = import_job_resume(job=job, queue=False)
            else:
                job = import_job_start(
                    connection=connection,
                    mode=ImportJob.Mode.INCREMENTAL
                    if options["incremental"]
                    else ImportJob.Mode.FULL,
                    dry_run=options["dry_run"],
                    queue=False,
                )
        except (ImportRefused, ImportJob.DoesNotExist) as refusal:
            raise CommandError(str(refusal)) from refusal
        interactive = sys.stdout.isatty()
        job = import_job_run(job_id=job.pk, progress=self._bar if interactive else None)
        if interactive:
            self.stdout.write("")
        summary = (
            f"import #{job.pk} {job.status}: listed {job.listed_count}, "
            f"stored {job.stored_count}, failed {job.failed_count}, "
            f"{job.api_calls} API calls"
        )
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(f"{summary}. {job.error_message}")
        self.stdout.write(self.style.SUCCESS(summary) if job.status == "succeeded" else summary)

    def _bar(self, job: ImportJob) -> None:
        data = import_job_progress(job)
        percent = data["percent"] or 0
        filled = int(percent // 4)
        eta = f" ETA {data['eta_seconds']}s" if data["eta_seconds"] is not None else ""
        self.stdout.write(
            f"\r[{'#' * filled}{'.' * (25 - filled)}] {percent:5.1f}% "
            f"{data['processed']}/{data['total'] or '?'} {data['stage']}{eta}   ",
            ending="",
        )
        self.stdout.flush()

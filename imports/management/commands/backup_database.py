"""Dump the database (embedded or external) to a file with pg_dump, optionally pruning old ones."""

import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from imports.backup import database_backup_rotate


class Command(BaseCommand):
    help = (
        "Back up the whole database to a pg_dump custom-format file; with --prune, also delete "
        "this command's backups older than the retention from the same directory."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="file to write (default: BACKUP_DIR/syncstore-<UTC time>.dump)"
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="after a successful backup, delete our backups older than the retention",
        )
        parser.add_argument(
            "--retention-days",
            type=int,
            help="days to keep with --prune (default: BACKUP_RETENTION_DAYS; 0 keeps all)",
        )

    def handle(self, *args, **options):
        prune = options["prune"] or options["retention_days"] is not None
        retention = options["retention_days"]
        if retention is None:
            retention = settings.BACKUP_RETENTION_DAYS if prune else 0
        if retention < 0:
            raise CommandError("--retention-days cannot be negative")
        try:
            report = database_backup_rotate(
                output=Path(options["output"]) if options["output"] else None,
                retention_days=retention,
            )
        except (subprocess.CalledProcessError, FileNotFoundError) as error:
            raise CommandError(f"backup failed: {getattr(error, 'stderr', '') or error}") from error
        self.stdout.write(f"{report.written} ({report.size:,} bytes)")
        if prune and retention == 0:
            self.stdout.write("Retention is 0 days (keep all): nothing pruned")
        elif prune:
            self.stdout.write(
                f"Pruned {len(report.pruned)} backups older than {retention} days"
                + "".join(f"\n  {path}" for path in report.pruned)
            )

"""Dump the database (embedded or external) to a file with pg_dump."""

import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from imports.backup import database_backup


class Command(BaseCommand):
    help = "Back up the whole database to a pg_dump custom-format file."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (default: var/backups/<time>.dump)")

    def handle(self, *args, **options):
        from django.conf import settings

        output = Path(
            options["output"]
            or settings.VAR_DIR / "backups" / f"syncstore-{timezone.now():%Y%m%d-%H%M%S}.dump"
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        try:
            database_backup(output=output)
        except (subprocess.CalledProcessError, FileNotFoundError) as error:
            raise CommandError(f"backup failed: {getattr(error, 'stderr', '') or error}") from error
        self.stdout.write(f"{output} ({output.stat().st_size:,} bytes)")

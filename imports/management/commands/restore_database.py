"""Restore a pg_dump file into a database (replacing its contents)."""

import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imports.backup import UnsafeDumpFile, database_restore


class Command(BaseCommand):
    help = "Restore a backup made by backup_database into --database (default: this one)."

    def add_arguments(self, parser):
        parser.add_argument("dump")
        parser.add_argument("--database", help="target database name (must exist)")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):
        from django.db import connection

        target = options["database"] or connection.settings_dict["NAME"]
        if not options["yes"]:
            raise CommandError(f"This replaces the contents of {target!r}: add --yes.")
        dump = Path(options["dump"])
        if not dump.exists():
            raise CommandError(f"{dump} does not exist")
        try:
            database_restore(dump=dump, database=target)
        except subprocess.CalledProcessError as error:
            raise CommandError(f"restore failed: {error.stderr}") from error
        except UnsafeDumpFile as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {dump} into {target}.")

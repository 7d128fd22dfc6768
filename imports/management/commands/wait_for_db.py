"""Block until the database answers (containers start in any order)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.utils import OperationalError


class Command(BaseCommand):
    help = "Wait until the database accepts connections (for the worker's and web's start-up)."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60.0)

    def handle(self, *args, **options):
        deadline = time.monotonic() + options["timeout"]
        while True:
            try:
                connection.ensure_connection()
                self.stdout.write("database is up")
                return
            except OperationalError as error:
                if time.monotonic() >= deadline:
                    raise CommandError(f"database not reachable: {type(error).__name__}") from error
                connection.close()
                time.sleep(1)

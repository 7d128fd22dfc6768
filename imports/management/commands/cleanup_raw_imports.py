"""Delete processed raw payloads older than a cut-off (unprocessed ones are never touched)."""

import re
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from imports.maintenance import raw_records_cleanup


def parse_age(text: str) -> timedelta:
    match = re.fullmatch(r"(\d+)([dh])", text.strip())
    if not match:
        raise CommandError("--older-than takes days or hours, e.g. 30d or 12h")
    number, unit = int(match[1]), match[2]
    return timedelta(days=number) if unit == "d" else timedelta(hours=number)


class Command(BaseCommand):
    help = "Delete processed raw import records older than --older-than (default 30d)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", default="30d")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        report = raw_records_cleanup(
            older_than=parse_age(options["older_than"]), dry_run=options["dry_run"]
        )
        self.stdout.write(f"Processed raw records older than {options['older_than']}: {report}.")

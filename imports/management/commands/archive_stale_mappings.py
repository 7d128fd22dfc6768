"""Stop syncing listings that no import has refreshed for a while."""

from django.core.management.base import BaseCommand, CommandError

from imports.maintenance import stale_mappings_archive


class Command(BaseCommand):
    help = "Disable sync for platform mappings not refreshed in --days days (default 90)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        if options["days"] < 1:
            raise CommandError("--days must be at least 1")
        report = stale_mappings_archive(days=options["days"], dry_run=options["dry_run"])
        self.stdout.write(f"Listings not refreshed for {options['days']} days: {report}.")

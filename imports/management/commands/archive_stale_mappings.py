"""Stop syncing listings that are over: of long-archived products, or no longer listed."""

from django.core.management.base import BaseCommand, CommandError

from imports.maintenance import stale_mappings_archive


class Command(BaseCommand):
    help = (
        "Stop syncing listings of products archived more than --days days ago (default 90), "
        "and mark deleted the listings their shop's last complete full import no longer saw. "
        "Prints the dry run's counts first; --dry-run stops there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        if options["days"] < 1:
            raise CommandError("--days must be at least 1")
        preview = stale_mappings_archive(days=options["days"], dry_run=True)
        self.stdout.write(f"Dry run: {preview}.")
        if options["dry_run"]:
            return
        self.stdout.write(f"Done: {stale_mappings_archive(days=options['days'])}.")

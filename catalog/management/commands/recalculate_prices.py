"""Recompute every listing's platform price with the fee rules in force."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from catalog.listing_prices import mapping_prices_recalculate
from catalog.models import PlatformMapping
from core.management.options import organization_option
from core.platforms import Platform


class Command(BaseCommand):
    help = "Recalculate platform prices, fee percentages and margins of an organization."

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="organization slug")
        parser.add_argument("--platform", choices=Platform.values)
        parser.add_argument("--date", help="price with the rules in force on YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")

    def handle(self, *args, **options):
        organization = organization_option(options["organization"])
        try:
            on = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError("--date must look like 2026-02-13") from exc
        mappings = PlatformMapping.objects.filter(organization=organization)
        if options["platform"]:
            mappings = mappings.filter(platform=options["platform"])
        changes = mapping_prices_recalculate(mappings=mappings, on=on, dry_run=options["dry_run"])
        failed = [change for change in changes if change.error]
        changed = sum(1 for change in changes if change.changed)
        flagged = {flag: sum(1 for c in changes if c.flag == flag) for flag in ("negative", "thin")}
        verb = "would change" if options["dry_run"] else "changed"
        self.stdout.write(
            f"{len(changes)} listing(s) priced, {changed} {verb}, {len(failed)} failed; "
            f"margins: {flagged['negative']} negative, {flagged['thin']} thin."
        )
        for change in failed[:10]:
            self.stdout.write(f"  {change.mapping}: {change.error}")

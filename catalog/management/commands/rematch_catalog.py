"""Re-run matching over an organization's catalog (a dry run unless --apply)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from catalog.rematch import catalog_rematch
from core.management.options import organization_option

COUNTS = (
    ("linked", "listings would link to a matching product", "listings linked"),
    ("reviews", "listings would go to review", "listings sent to review"),
    ("split", "links would be undone", "links undone"),
    ("unqueued", "placeholder 'duplicate SKU' reviews would leave the queue", "reviews cleared"),
    ("sku_changed", "products would get a generated SKU", "SKUs replaced"),
    ("products_removed", "products made for one listing would go", "products removed"),
)


class Command(BaseCommand):
    help = (
        "Repair an organization's matches with today's matching: placeholder SKUs stop "
        "linking, title matches link or go to review. Shows what would change; --apply writes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="organization slug")
        parser.add_argument("--apply", action="store_true", help="write the changes")
        parser.add_argument("--show", type=int, default=20, help="list this many changes")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, **options):
        organization = organization_option(options["organization"])
        if options["show"] < 0:
            raise CommandError("--show must be 0 or more")
        report = catalog_rematch(organization_id=organization.pk, dry_run=not options["apply"])
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=1, default=str))
            return
        write = self.stdout.write
        write(f"{'Re-matched' if options['apply'] else 'Dry run for'} {organization.name}:")
        for field, would, did in COUNTS:
            write(f"  {getattr(report, field):>7,} {did if options['apply'] else would}")
        for action in report.actions[: options["show"]]:
            target = f" → {action['product']}" if action.get("product") else ""
            write(f"  {action['action']:<8} {action['listing']}{target}: {action['detail']}")
        if not options["apply"] and report.changes:
            write(self.style.WARNING("Nothing was written. Run again with --apply to write."))
        elif not report.changes:
            write(self.style.SUCCESS("Nothing to change."))

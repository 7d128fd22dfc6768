"""Build master products and platform mappings from unprocessed raw import records."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from core.management.options import organization_option
from core.platforms import Platform
from imports.models import RawImportRecord
from imports.pipeline.catalog_build import catalog_populate


class Command(BaseCommand):
    help = "Process unprocessed raw import records of an organization into the master catalog."

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="organization slug")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="leave listings that already have a mapping untouched",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, write nothing"
        )
        parser.add_argument("--platform", choices=Platform.values)
        parser.add_argument(
            "--reject-invalid-batches",
            action="store_true",
            help="write nothing of a batch that has an invalid record",
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, **options):
        organization = organization_option(options["organization"])
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        records = RawImportRecord.objects.all()
        if options["platform"]:
            records = records.filter(platform=options["platform"])
        report = catalog_populate(
            organization_id=organization.pk,
            records=records,
            batch_size=options["batch_size"],
            skip_existing=options["skip_existing"],
            dry_run=options["dry_run"],
            error_policy="reject" if options["reject_invalid_batches"] else "skip",
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict()))
            return
        prefix = "Dry run, would have: " if options["dry_run"] else ""
        self.stdout.write(
            f"{prefix}processed {report.processed}: created {report.created}, updated "
            f"{report.updated}, linked by SKU {report.linked}, suggested {report.suggested}, "
            f"unchanged {report.unchanged}, skipped {report.skipped}, invalid {report.invalid}, "
            f"duplicate SKUs {report.duplicates}."
        )
        for error in report.errors[:10]:
            self.stdout.write(
                f"  {error['platform_product_id']}: {error['field']}: "
                f"{error['problem']} {error.get('value', '')}"
            )

"""What an import job writes on its own page: events, and the summary of its catalog work."""

from __future__ import annotations

import logging
from typing import Any

from imports.models import ImportJob, ImportJobEvent

logger = logging.getLogger("imports.pipeline")


def job_log(
    job: ImportJob, message: str, level: str = ImportJobEvent.Level.INFO, **fields: str
) -> None:
    ImportJobEvent.objects.create(job=job, level=level, message=message, **fields)
    logger.log(
        logging.ERROR if level == "error" else logging.INFO, "import job %s: %s", job.pk, message
    )


def catalog_summary_log(job: ImportJob, report: Any, totals: Any) -> None:
    """Prices, titles, placeholder SKUs and duplicates: what building the catalog did."""
    job_log(
        job,
        f"Priced {totals.priced} listing(s); {totals.flagged} with a negative or thin margin.",
    )
    for change in totals.pricing_failures:
        job_log(
            job,
            f"Pricing failed: {change.error}",
            ImportJobEvent.Level.WARNING,
            platform_product_id=change.mapping.platform_product_id,
            error_type="pricing_calculation_error",
        )
    job_log(
        job,
        f"SEO titles for {totals.titled} listing(s); quality scored for "
        f"{totals.scored_products} new product(s).",
    )
    for row in job.placeholder_skus[:5]:
        job_log(
            job,
            f"SKU '{row['sku']}' is on {row['listings']:,} listings of this shop: "
            "not used to match (matched by title instead).",
            ImportJobEvent.Level.WARNING,
        )
    if report.duplicates:
        job_log(
            job,
            f"{report.duplicates} listing(s) share a SKU with another listing of "
            "this shop: kept apart and queued for review.",
            ImportJobEvent.Level.WARNING,
        )

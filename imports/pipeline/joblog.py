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


MAX_LOGGED_RECORD_ERRORS = 20  # per run; every bad record keeps its errors on its raw row


def record_errors_log(job: ImportJob, errors: list[dict[str, Any]], logged: int) -> int:
    """The first errors of a run as events (every record keeps its own on its raw row);
    returns how many were logged now, given `logged` earlier in the run."""
    room = max(0, MAX_LOGGED_RECORD_ERRORS - logged)
    for error in errors[:room]:
        job_log(
            job,
            f"{error['field']}: {error['problem']}"
            + (f" ({error['value']})" if error.get("value") else ""),
            ImportJobEvent.Level.ERROR,
            platform_product_id=error["platform_product_id"],
            error_type="data_validation_error",
        )
    return min(room, len(errors))


def fetch_failures_log(
    job: ImportJob, for_good: list[Any], passing: list[Any], *, retrying: bool
) -> None:
    """Every listing a page could not read, as an event: an error when the platform refused
    it for good, a warning when it is read again."""
    again = "still failing, stays on the retry list" if retrying else "will be fetched again"
    ImportJobEvent.objects.bulk_create(
        [
            ImportJobEvent(
                job=job,
                level=ImportJobEvent.Level.ERROR,
                message=failure.message[:2000],
                error_type=failure.error_type,
                platform_product_id=failure.platform_product_id,
            )
            for failure in for_good
        ]
        + [
            ImportJobEvent(
                job=job,
                level=ImportJobEvent.Level.WARNING,
                message=f"{failure.message[:1900]} ({again})",
                error_type=failure.error_type,
                platform_product_id=failure.platform_product_id,
            )
            for failure in passing
        ]
    )

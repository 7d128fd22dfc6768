"""What an import job writes on its own page: events, and the summary of its catalog work.

An event keeps its English text in `message` (the logs, the API, rows written before
templates were kept) and, when the call site gives one, the English msgid it was made from
with its values: `event_text` shows it in the reader's language, as catalog findings do
(catalog.findings). Call sites mark their templates with gettext_noop so that makemessages
finds them; the values are numbers or text that is not ours to translate (a marketplace's
error, a SKU).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_noop

from imports.local_time import local_datetime_text
from imports.models import ImportJob, ImportJobEvent
from imports.pipeline.checkpoint import windows_done

logger = logging.getLogger("imports.pipeline")


def _filled(template: str, params: Mapping[str, Any] | None) -> str:
    """`template` with its values, whole numbers grouped in the active language (1,234 in
    English, 1.234 in Indonesian), as the job page shows every other figure."""
    if not params:
        return template
    shown = {
        name: number_format(value, force_grouping=True)
        if isinstance(value, int) and not isinstance(value, bool)
        else value
        for name, value in params.items()
    }
    return template % shown


# Sentences of one event's template are kept apart by this, each translated on its own (a
# summary says only the sentences that apply, and a translator sees each one whole).
SENTENCE_BREAK = "\n"


def _sentences(template: str, params: Mapping[str, Any] | None, translate: Any) -> str:
    return " ".join(_filled(translate(part), params) for part in template.split(SENTENCE_BREAK))


def job_log(
    job: ImportJob,
    message: str | list[str],
    level: str = ImportJobEvent.Level.INFO,
    *,
    params: Mapping[str, Any] | None = None,
    **fields: str,
) -> None:
    """Write an event. With `params` (``{}`` for a message without values), `message` is a
    template ("Recovered %(recovered)s of %(pending)s.") or a list of them, one a sentence,
    kept to be shown translated; without, the text as it is."""
    if params is None:
        text, template = str(message), ""
    else:
        template = message if isinstance(message, str) else SENTENCE_BREAK.join(message)
        with translation.override("en"):  # `message` stays English whoever runs the job
            text = _sentences(template, params, str)
    ImportJobEvent.objects.create(
        job=job,
        level=level,
        message=text,
        template=template,
        params=dict(params) if params is not None else None,
        **fields,
    )
    logger.log(
        logging.ERROR if level == "error" else logging.INFO, "import job %s: %s", job.pk, text
    )


def event_text(event: ImportJobEvent) -> str:
    """An event in the active language: its template translated and filled; the stored
    English when it has no template or the translation does not fit the values."""
    if not event.template:
        return event.message
    try:
        return _sentences(event.template, event.params, gettext)
    except (KeyError, TypeError, ValueError):
        return event.message


def catalog_summary_log(job: ImportJob, report: Any, totals: Any) -> None:
    """Prices, titles, placeholder SKUs and duplicates: what building the catalog did."""
    job_log(
        job,
        gettext_noop("Priced %(priced)s listing(s); %(flagged)s with a negative or thin margin."),
        params={"priced": totals.priced, "flagged": totals.flagged},
    )
    for change in totals.pricing_failures:
        job_log(
            job,
            gettext_noop("Pricing failed: %(error)s"),
            ImportJobEvent.Level.WARNING,
            params={"error": str(change.error)},
            platform_product_id=change.mapping.platform_product_id,
            error_type="pricing_calculation_error",
        )
    job_log(
        job,
        gettext_noop(
            "SEO titles for %(titled)s listing(s); quality scored for %(scored)s new product(s)."
        ),
        params={"titled": totals.titled, "scored": totals.scored_products},
    )
    for row in job.placeholder_skus[:5]:
        job_log(
            job,
            gettext_noop(
                "SKU '%(sku)s' is on %(listings)s listings of this shop: "
                "not used to match (matched by title instead)."
            ),
            ImportJobEvent.Level.WARNING,
            params={"sku": row["sku"], "listings": row["listings"]},
        )
    if report.duplicates:
        job_log(
            job,
            gettext_noop(
                "%(count)s listing(s) share a SKU with another listing of "
                "this shop: kept apart and queued for review."
            ),
            ImportJobEvent.Level.WARNING,
            params={"count": report.duplicates},
        )


MAX_LOGGED_RECORD_ERRORS = 20  # per run; every bad record keeps its errors on its raw row


def record_errors_log(job: ImportJob, errors: list[dict[str, Any]], logged: int) -> int:
    """The first errors of a run as events (every record keeps its own on its raw row);
    returns how many were logged now, given `logged` earlier in the run."""
    room = max(0, MAX_LOGGED_RECORD_ERRORS - logged)
    # No template: the problem texts are made in imports.pipeline.mappings without one, and
    # "field: problem (value)" has nothing of its own to translate.
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
    # The failure's own text comes from the marketplace (or our client, in English): it is
    # a value; only what we add around it is a template.
    if retrying:
        again = gettext_noop("%(problem)s (still failing, stays on the retry list)")
    else:
        again = gettext_noop("%(problem)s (will be fetched again)")
    with translation.override("en"):
        warnings = [
            ImportJobEvent(
                job=job,
                level=ImportJobEvent.Level.WARNING,
                message=_filled(again, {"problem": failure.message[:1900]}),
                template=again,
                params={"problem": failure.message[:1900]},
                error_type=failure.error_type,
                platform_product_id=failure.platform_product_id,
            )
            for failure in passing
        ]
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
        + warnings
    )


def run_summary(job: ImportJob) -> tuple[list[str], dict[str, int]]:
    """The last line of a run: its sentences (templates, shown in the reader's language)
    and their values."""
    sentences = [
        gettext_noop(
            "Listed %(listed)s, fetched %(fetched)s, would store %(stored)s, failed "
            "%(failed)s in %(calls)s API calls."
        )
        if job.dry_run
        else gettext_noop(
            "Listed %(listed)s, fetched %(fetched)s, stored %(stored)s, failed %(failed)s "
            "in %(calls)s API calls."
        )
    ]
    if job.retried_count:
        sentences.append(gettext_noop("Retried %(retried)s, recovered %(recovered)s."))
    if job.retry_ids:
        sentences.append(
            gettext_noop(
                "%(waiting)s listing(s) could not be read for now: Resume, or the shop's "
                "next import, fetches them again."
            )
        )
    return sentences, {
        "listed": job.listed_count,
        "fetched": job.fetched_count,
        "stored": job.stored_count,
        "failed": job.failed_count,
        "calls": job.api_calls,
        "retried": job.retried_count,
        "recovered": job.recovered_count,
        "waiting": len(job.retry_ids),
    }


def run_started_log(job: ImportJob, *, resumed: bool) -> None:
    """The first line of a run: started, or resumed from its checkpoint."""
    if resumed:
        job_log(
            job,
            gettext_noop("Resuming from checkpoint (window %(window)s of %(windows)s)."),
            params={
                "window": windows_done(job.checkpoint) + 1,
                "windows": len(job.checkpoint.get("windows", [])),
            },
        )
    else:
        if job.updated_since:
            started = gettext_noop("Started an incremental import of changes since %(since)s.")
        else:
            started = gettext_noop("Started a full import.")
        dry_run = [gettext_noop("This is a dry run: nothing is stored.")] if job.dry_run else []
        job_log(
            job,
            [started, *dry_run],
            params={"since": local_datetime_text(job.updated_since)} if job.updated_since else {},
        )

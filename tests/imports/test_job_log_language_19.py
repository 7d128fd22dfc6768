"""Issue #19: an import job's log events keep their English text and, beside it, the message
template and values, so the job page can show each event in the reader's language."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import translation

from imports.models import ImportJob, ImportJobEvent
from imports.pipeline.joblog import event_text, fetch_failures_log, job_log
from imports.services import import_job_run, import_job_start
from tests.extra_catalog import indonesian_catalog  # noqa: F401 (a fixture)

PRICED = "Priced %(priced)s listing(s); %(flagged)s with a negative or thin margin."
DUPLICATES = (
    "%(count)s listing(s) share a SKU with another listing of "
    "this shop: kept apart and queued for review."
)
RETRYING = "%(problem)s (still failing, stays on the retry list)"
INDONESIAN = {
    PRICED: "%(priced)s listing diberi harga; %(flagged)s dengan margin negatif atau tipis.",
    DUPLICATES: "%(count)s listing memakai SKU yang sama dengan listing lain di toko ini.",
    RETRYING: "%(problem)s (masih gagal, tetap di daftar ulang)",
}


@pytest.fixture
def finished_job(shopee_connection):
    job = import_job_run(job_id=import_job_start(connection=shopee_connection, queue=False).pk)
    assert job.status == ImportJob.Status.SUCCEEDED
    return job


@pytest.fixture
def job(shopee_connection):
    return import_job_start(connection=shopee_connection, queue=False)


def test_a_sandbox_run_keeps_the_template_and_values_of_its_catalog_summary(finished_job):
    priced = finished_job.events.get(template=PRICED)
    assert set(priced.params) == {"priced", "flagged"}
    assert priced.params["priced"] > 0
    assert priced.message == PRICED % priced.params  # the English text, as logs show it


def test_in_english_every_event_reads_as_stored(finished_job):
    job_log(finished_job, "A line written before templates were kept.")  # an old row
    events = list(finished_job.events.all())
    assert all(event.template for event in events[:-1])  # every line of a run has one
    assert not events[-1].template
    with translation.override("en"):
        assert [event_text(event) for event in events] == [event.message for event in events]


def test_in_indonesian_a_templated_event_goes_through_gettext(
    finished_job,
    indonesian_catalog,  # noqa: F811
):
    indonesian_catalog(INDONESIAN)
    priced = finished_job.events.get(template=PRICED)
    with translation.override("id"):
        assert event_text(priced) == translation.gettext(PRICED) % priced.params
        assert event_text(priced).endswith(
            "listing diberi harga; 0 dengan margin negatif atau tipis."
        )
        job_log(finished_job, "A line written before templates were kept.")  # an old row
        untemplated = finished_job.events.get(template="")
        assert event_text(untemplated) == untemplated.message


def test_numbers_are_grouped_in_the_readers_language(job, indonesian_catalog):  # noqa: F811
    indonesian_catalog(INDONESIAN)
    with translation.override("id"):  # a worker in Indonesian still stores English
        job_log(job, DUPLICATES, ImportJobEvent.Level.WARNING, params={"count": 12345})
    event = job.events.get(template=DUPLICATES)
    assert event.message.startswith("12,345 listing(s) share a SKU")
    assert event.params == {"count": 12345}
    with translation.override("id"):
        assert event_text(event).startswith("12.345 listing memakai SKU")


def test_a_translation_that_does_not_fit_the_values_shows_the_english(
    job,
    indonesian_catalog,  # noqa: F811
):
    indonesian_catalog({PRICED: "%(harga)s listing diberi harga."})  # a translator's typo
    job_log(job, PRICED, params={"priced": 3, "flagged": 1})
    event = job.events.get(template=PRICED)
    with translation.override("id"):
        assert event_text(event) == event.message == PRICED % {"priced": 3, "flagged": 1}


def test_a_listing_read_again_keeps_the_marketplace_text_as_a_value(
    job,
    indonesian_catalog,  # noqa: F811
):
    indonesian_catalog(INDONESIAN)
    failure = SimpleNamespace(
        message="The platform answered 503",
        error_type="api_connection_error",
        platform_product_id="123",
    )
    fetch_failures_log(job, [], [failure], retrying=True)
    event = job.events.get(platform_product_id="123")
    assert event.message == "The platform answered 503 (still failing, stays on the retry list)"
    with translation.override("id"):
        assert event_text(event) == "The platform answered 503 (masih gagal, tetap di daftar ulang)"


def test_a_message_without_a_template_is_written_as_before(job):
    job_log(job, "Cancel requested.")
    event = job.events.get(message="Cancel requested.")
    assert (event.template, event.params) == ("", None)

"""The streaming pipeline: pages fetched ahead, built whole, timed, and the memory guard."""

import gc
import threading
import time

import pytest

from catalog.models import MasterProduct, PlatformMapping
from imports.models import ImportJob, RawImportRecord
from imports.pipeline.analyse import CoverageCounter
from imports.pipeline.memory import YOUNG_THRESHOLD
from imports.pipeline.prefetch import prefetched
from imports.pipeline.runner import ImportRunner
from imports.services import import_job_resume, import_job_run, import_job_start
from tests.sandbox_fixtures import connect_sandbox

pytestmark = pytest.mark.django_db(transaction=True)


def _run(connection, **options):
    job = import_job_start(connection=connection, queue=False, **options)
    return import_job_run(job_id=job.pk)


# --- prefetching -------------------------------------------------------------------------------
def test_prefetched_keeps_order_and_runs_ahead_by_a_bounded_number():
    produced = []

    def source():
        for number in range(10):
            produced.append(number)
            yield number

    consumer = prefetched(source(), ahead=2)
    assert next(consumer) == 0
    time.sleep(0.3)
    # One handed over, two waiting in the queue, one more held by the blocked producer.
    assert len(produced) <= 4
    assert list(consumer) == list(range(1, 10))


def test_an_error_while_fetching_arrives_after_the_pages_before_it():
    def source():
        yield "page 1"
        yield "page 2"
        raise ValueError("paging cap")

    consumer = prefetched(source(), ahead=1)
    assert next(consumer) == "page 1"
    assert next(consumer) == "page 2"
    with pytest.raises(ValueError, match="paging cap"):
        next(consumer)


def test_stopping_early_ends_the_fetching_thread_and_closes_the_source():
    closed = threading.Event()

    def source():
        try:
            yield from range(1000)
        finally:
            closed.set()

    consumer = prefetched(source(), ahead=2)
    assert next(consumer) == 0
    consumer.close()
    assert closed.wait(5)
    assert not any(t.name == "import-prefetch" and t.is_alive() for t in threading.enumerate())


# --- one pass builds everything ------------------------------------------------------------------
def test_each_page_is_stored_built_priced_titled_and_scored_in_one_pass(
    make_sandbox, organization, seeded_fee_rules
):
    sandbox = make_sandbox(products=250)
    job = _run(connect_sandbox(sandbox, organization, "shopee"))
    assert job.status in (ImportJob.Status.SUCCEEDED, ImportJob.Status.PARTIALLY_FAILED)
    raws = RawImportRecord.objects.filter(import_job=job)
    assert raws.count() == job.stored_count == job.processed_count == 250
    assert not raws.filter(processed=False).exists()
    valid = raws.exclude(master_product=None)
    assert valid.count() == 250 - job.invalid_count
    mappings = PlatformMapping.objects.filter(organization=organization)
    assert mappings.count() == valid.count()
    # Written once, whole: nothing left for a later pass to fill in.
    assert not mappings.filter(seo_title="").exists()
    assert not mappings.filter(quality_score=None).exists()
    priced = mappings.exclude(platform_price=None)
    assert priced.count() == mappings.count()
    assert not MasterProduct.objects.filter(organization=organization, quality_score=None).exists()
    # Coverage counted while streaming equals coverage over the stored payloads.
    counter = CoverageCounter()
    for payload in raws.order_by("id").values_list("raw_data", flat=True):
        counter.add(payload)
    stored = counter.report()
    assert job.field_coverage["records"] == stored["records"] == 250
    assert job.field_coverage["fields"].keys() == stored["fields"].keys()
    for path, entry in stored["fields"].items():
        assert job.field_coverage["fields"][path]["present"] == entry["present"], path
    # Where the time went, by stage, with the database's share.
    for stage in ("plan", "fetch", "store", "transform", "match", "enrich", "write", "db_write"):
        assert job.stage_seconds.get(stage, 0) > 0, stage


def test_a_repeated_page_replaces_its_raw_rows_and_stays_one_listing(make_sandbox, organization):
    sandbox = make_sandbox(products=150)
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    job = _run(connection)
    first_ids = dict(
        RawImportRecord.objects.filter(import_job=job).values_list("platform_product_id", "pk")
    )
    # Rewind the checkpoint to the start, as a split window would, and run the job again.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED,
        checkpoint={**job.checkpoint, "done": [], "cursors": {}},
    )
    job.refresh_from_db()
    import_job_resume(job=job, queue=False)
    job = import_job_run(job_id=job.pk)
    again = dict(
        RawImportRecord.objects.filter(import_job=job).values_list("platform_product_id", "pk")
    )
    assert again == first_ids
    assert job.stored_count == 150  # counted once
    assert job.processed_count == 300  # built twice: the second time as unchanged listings
    linked = RawImportRecord.objects.filter(import_job=job).exclude(master_product=None)
    assert PlatformMapping.objects.filter(organization=organization).count() == linked.count()
    assert job.unchanged_count == linked.count()


# --- the memory guard ----------------------------------------------------------------------------
def test_over_the_memory_limit_a_job_stops_at_a_checkpoint_and_resumes(
    make_sandbox, organization, settings
):
    sandbox = make_sandbox(products=300)
    connection = connect_sandbox(sandbox, organization, "shopee")
    settings.IMPORT_MEMORY_LIMIT_MB = 1  # any worker is over this after its first page
    job = _run(connection)
    assert job.status == ImportJob.Status.FAILED
    assert job.error_type == "memory_error"
    assert "IMPORT_MEMORY_LIMIT_MB" in job.error_message
    assert job.events.filter(error_type="memory_error").exists()
    first_pass = RawImportRecord.objects.filter(import_job=job).count()
    assert 0 < first_pass < 300  # stopped after a committed page, not before, not at the end
    assert job.checkpoint["cursors"]  # a window stopped part-way
    connection.refresh_from_db()
    assert connection.status == connection.Status.ACTIVE  # no need to reauthorize

    settings.IMPORT_MEMORY_LIMIT_MB = 0
    import_job_resume(job=job, queue=False)
    job = import_job_run(job_id=job.pk)
    assert job.status in (ImportJob.Status.SUCCEEDED, ImportJob.Status.PARTIALLY_FAILED)
    assert RawImportRecord.objects.filter(import_job=job).count() == 300
    assert job.stored_count == 300 and job.processed_count == 300
    assert job.field_coverage["records"] == 300  # counting went on from the checkpoint


# --- the collector's pace (imports.pipeline.memory.collector_paced) --------------------------
def test_an_import_runs_with_the_collector_paced(make_sandbox, organization):
    sandbox = make_sandbox(products=300)
    connection = connect_sandbox(sandbox, organization, "shopee")
    before = gc.get_threshold()
    paces: set[int] = set()
    job = import_job_start(connection=connection, queue=False)
    job = import_job_run(job_id=job.pk, progress=lambda job: paces.add(gc.get_threshold()[0]))
    assert job.status == ImportJob.Status.SUCCEEDED
    assert paces == {YOUNG_THRESHOLD}  # every page
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_job_that_fails_on_a_bug_restores_the_collector(make_sandbox, organization):
    sandbox = make_sandbox(products=300)
    connection = connect_sandbox(sandbox, organization, "shopee")
    before = gc.get_threshold()

    def bug(job: ImportJob) -> None:
        raise RuntimeError("a bug while the job runs")

    job = import_job_start(connection=connection, queue=False)
    with pytest.raises(RuntimeError):
        ImportRunner(job, progress=bug).run()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0

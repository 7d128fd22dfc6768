"""Import jobs against the sandbox over real HTTP: completeness, faults, resume, limits."""

from datetime import timedelta

import pytest
import requests
from django.urls import reverse

from imports.models import ImportJob, RawImportRecord
from imports.pipeline.checkpoint import windows_paged
from imports.pipeline.runner import ImportRunner
from imports.sandbox.faults import FaultConfig
from imports.services import (
    ImportRefused,
    import_job_cancel,
    import_job_resume,
    import_job_run,
    import_job_start,
)
from tests.sandbox_fixtures import connect_sandbox

pytestmark = pytest.mark.django_db(transaction=True)


def _expected_ids(sandbox, platform):
    shop = sandbox.catalog.shop(platform)
    indices = range(shop.listings.size + shop.created)
    return {str(shop.product_id(i)) for i in indices if shop.listings.exists(i)}


def _stored(job):
    return dict(
        RawImportRecord.objects.filter(import_job=job).values_list(
            "platform_product_id", "content_hash"
        )
    )


def _run(connection, **options):
    job = import_job_start(connection=connection, queue=False, **options)
    return import_job_run(job_id=job.pk)


@pytest.mark.slow
@pytest.mark.parametrize("platform", ["shopee", "tiktokshop"])
def test_full_import_under_ten_percent_faults_lands_every_product_once(
    make_sandbox, organization, fast_retries, platform
):
    sandbox = make_sandbox(
        products=2500, faults=FaultConfig.spread(0.10, slow_seconds=0.8, retry_after=0, seed=3)
    )
    connection = connect_sandbox(sandbox, organization, platform)
    job = _run(connection)
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    stored = _stored(job)
    assert set(stored) == _expected_ids(sandbox, platform)
    assert RawImportRecord.objects.filter(import_job=job).count() == 2500  # exactly once
    assert job.total == job.listed_count == job.stored_count == 2500
    assert job.failed_count == 0
    faults = sandbox.stats()["faults"]
    for kind in ("rate_limit", "server_error", "timeout", "drop", "token_expiry"):
        assert faults.get(f"{platform} {kind}", 0) > 0, faults
    connection.refresh_from_db()
    assert connection.access_token  # refreshed tokens were saved


def test_raw_payloads_are_kept_verbatim(sandbox, shopee_connection, tiktok_connection):
    shopee_job = _run(shopee_connection)
    record = RawImportRecord.objects.filter(import_job=shopee_job).first()
    item = record.raw_data["base_info"]
    assert str(item["item_id"]) == record.platform_product_id
    assert isinstance(item["weight"], str) or "weight" not in item
    assert "models" in record.raw_data
    with_models = RawImportRecord.objects.filter(
        import_job=shopee_job, raw_data__base_info__has_model=True
    ).first()
    assert with_models.raw_data["models"]["model"]
    assert "categories" in shopee_job.reference_data

    tiktok_job = _run(tiktok_connection)
    detail = RawImportRecord.objects.filter(import_job=tiktok_job).first().raw_data
    assert "category_chains" in detail and "skus" in detail


def test_api_calls_per_product_are_at_the_documented_minimum(
    sandbox, tiktok_connection, shopee_connection
):
    tiktok_job = _run(tiktok_connection)
    calls = sandbox.stats()["calls"]
    # 1 count + 3 pages of search + 1 detail per product + categories.
    assert calls["tiktokshop /product/202309/products/{product_id}"] == 300
    assert calls["tiktokshop /product/202502/products/search"] == 1 + 3
    assert tiktok_job.api_calls == sum(v for k, v in calls.items() if k.startswith("tiktokshop"))
    shopee_job = _run(shopee_connection)
    calls = sandbox.stats()["calls"]
    with_models = RawImportRecord.objects.filter(
        import_job=shopee_job, raw_data__base_info__has_model=True
    ).count()
    assert calls["shopee /api/v2/product/get_item_base_info"] == 6  # 300 ids, 50 a call
    assert calls["shopee /api/v2/product/get_item_list"] == 1 + 3
    assert calls["shopee /api/v2/product/get_model_list"] == with_models


def test_deep_catalogs_are_split_into_windows(make_sandbox, organization):
    sandbox = make_sandbox(products=10_400)
    sandbox.shopee.offset_cap = 4_000  # a shallower cap keeps the test quick
    connection = connect_sandbox(sandbox, organization, "shopee")
    job = import_job_start(connection=connection, queue=False)
    runner = ImportRunner(job)
    runner._analyse = runner._process = lambda: None  # this test is about fetching
    job = runner.run()
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    paged = windows_paged(job.checkpoint)  # a window over the cap: replaced by smaller ones
    assert len(paged) >= 3
    assert all(window.total <= 4_000 for window in paged)
    assert set(job.checkpoint["done"]) == set(range(len(job.checkpoint["windows"])))
    assert set(_stored(job)) == _expected_ids(sandbox, "shopee")


def test_a_second_job_on_a_connection_is_refused(shopee_connection):
    first = import_job_start(connection=shopee_connection, queue=False)
    with pytest.raises(ImportRefused, match=rf"already has an import in progress \(#{first.pk}"):
        import_job_start(connection=shopee_connection, queue=False)
    import_job_run(job_id=first.pk)
    second = import_job_start(connection=shopee_connection, queue=False)
    assert second.pk != first.pk


def test_incremental_import_fetches_only_what_changed(sandbox, tiktok_connection, settings):
    settings.IMPORT_INCREMENTAL_MARGIN_SECONDS = 0
    full = _run(tiktok_connection)
    assert full.stored_count == 300
    mutate = f"{sandbox.base_url}/_sandbox/mutate"
    changed = []
    for action, count in (("update", 4), ("create", 2), ("delete", 1), ("price", 2)):
        changed += requests.post(
            mutate, json={"platform": "tiktokshop", "action": action, "count": count}, timeout=5
        ).json()["product_ids"]
    sandbox.counters.reset()
    incremental = _run(tiktok_connection, mode=ImportJob.Mode.INCREMENTAL)
    assert incremental.status == ImportJob.Status.SUCCEEDED
    assert incremental.mode == ImportJob.Mode.INCREMENTAL
    assert set(_stored(incremental)) == set(changed)
    assert incremental.api_calls <= len(changed) + 4
    assert incremental.api_calls < full.api_calls * 0.1


def test_incremental_without_a_previous_import_runs_full(tiktok_connection):
    job = _run(tiktok_connection, mode=ImportJob.Mode.INCREMENTAL)
    assert job.mode == ImportJob.Mode.FULL and job.stored_count == 300
    assert job.events.filter(message__startswith="No earlier successful import").exists()


def test_dry_run_fetches_but_stores_nothing(shopee_connection):
    job = _run(shopee_connection, dry_run=True)
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.fetched_count == 300
    assert not RawImportRecord.objects.filter(import_job=job).exists()


class CrashAfter:
    """Wraps a fetcher and dies after some pages, like a worker killed mid-import."""

    def __init__(self, fetcher, crash_after):
        self.fetcher, self.crash_after = fetcher, crash_after

    def __getattr__(self, name):
        return getattr(self.fetcher, name)

    def pages(self, window, cursor):
        for number, page in enumerate(self.fetcher.pages(window, cursor)):
            if number == self.crash_after:
                raise SystemExit("worker killed")
            yield page


def test_interrupted_job_resumes_from_its_checkpoint_to_the_same_raw_store(
    make_sandbox, organization
):
    sandbox = make_sandbox(products=900)
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    reference = _run(connection)

    job = import_job_start(connection=connection, queue=False)
    runner = ImportRunner(job)
    runner.fetcher = CrashAfter(runner.fetcher, crash_after=4)
    with pytest.raises(SystemExit):
        runner.run()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING  # the worker died: nobody finished it
    assert job.stored_count == 400 and job.checkpoint["cursors"]
    job.heartbeat_at -= timedelta(hours=1)  # long silent: the job is stale
    job.save()
    sandbox.counters.reset()

    resumed = import_job_resume(job=job, queue=False)
    resumed = import_job_run(job_id=resumed.pk)
    assert resumed.status == ImportJob.Status.SUCCEEDED
    assert resumed.attempts == 2
    assert resumed.stored_count == 900
    assert _stored(resumed) == _stored(reference)
    detail_calls = sandbox.stats()["calls"]["tiktokshop /product/202309/products/{product_id}"]
    assert detail_calls == 500  # only what was left


def test_cancel_stops_a_running_job_at_the_next_page(sandbox, tiktok_connection):
    job = import_job_start(connection=tiktok_connection, queue=False)
    runner = ImportRunner(
        job, progress=lambda j: import_job_cancel(job=j) if j.stored_count >= 100 else None
    )
    runner.run()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    assert job.stored_count == 100


def test_cancelling_a_queued_job_ends_it_at_once(shopee_connection):
    job = import_job_start(connection=shopee_connection, queue=False)
    job = import_job_cancel(job=job)
    assert job.status == ImportJob.Status.CANCELLED
    assert import_job_run(job_id=job.pk).stored_count == 0


def test_revoked_authorization_fails_the_job_clearly(sandbox, shopee_connection):
    shopee_connection.refresh_token = "0" * 90
    shopee_connection.save()
    requests.post(
        f"{sandbox.base_url}/_sandbox/expire-tokens", json={"platform": "shopee"}, timeout=5
    )
    job = _run(shopee_connection)
    assert job.status == ImportJob.Status.FAILED
    assert job.error_type == "api_authentication_error"
    assert "Invalid refresh_token" in job.error_message
    shopee_connection.refresh_from_db()
    assert shopee_connection.status == "needs_reauthorization"
    with pytest.raises(ImportRefused):
        import_job_resume(
            job=ImportJob.objects.get(pk=job.pk).__class__.objects.create(
                organization=job.organization,
                connection=shopee_connection,
                platform="shopee",
                status=ImportJob.Status.SUCCEEDED,
            )
        )


def test_job_page_shows_the_field_coverage_and_catalog_counts(
    sandbox, shopee_connection, client, merchandiser
):
    job = _run(shopee_connection)
    coverage = job.field_coverage
    assert coverage["records"] == 300
    name = coverage["fields"]["base_info.item_name"]
    assert name["coverage"] == 100.0 and name["types"] == {"string": 300}
    weight = coverage["fields"]["base_info.weight"]
    assert weight["present"] < 300  # the sandbox leaves some weights out, and it shows
    assert coverage["fields"]["base_info.price_info"]["present"] < 300  # variant items
    client.force_login(merchandiser)
    page = client.get(reverse("admin:imports_importjob_change", args=[job.pk])).content.decode()
    assert "<code>base_info.weight</code>" in page
    assert "300 payloads analysed" in page
    assert f"{job.created_count}" in page and "Building the catalog" in page

"""Publishing through the API and a real django-q2 worker: preview, publish, follow the jobs;
every change reaches the sandbox marketplace exactly once."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
import requests

from catalog.models import PlatformMapping
from imports.publishing.models import PublishItem, PublishJob
from imports.publishing.reasons import OVERRIDABLE
from tests.api_clients import token_client
from tests.subprocesses import start_worker, stop_process_group, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PUBLISH = "/api/v1/mappings/publish/"
CHANGE_FIELDS = {"old_value", "new_value", "change_percent", "margin_percent", "held"}


def _sandbox_writes(shops, platform: str) -> list[dict]:
    response = requests.get(
        f"{shops.sandbox.base_url}/_sandbox/publishing", params={"platform": platform}, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()["writes"]


def _chosen(shops) -> list[PlatformMapping]:
    """A Shopee listing with variants, one without (price and title), and a TikTok one."""
    return [
        shops.mappings("shopee", variants=True)[0],
        shops.mappings("shopee", variants=False, kinds=("price", "title"))[0],
        shops.mappings("tiktokshop", kinds=("price",))[0],
    ]


def test_preview_then_publish_through_the_api_and_a_worker(shops, merchandiser):
    api = token_client(merchandiser)
    chosen = _chosen(shops)
    body = {"ids": [m.pk for m in chosen], "overrides": list(OVERRIDABLE)}

    # The preview: every change with its figures, and nothing sent.
    preview = api.post(PUBLISH, {**body, "dry_run": True}, format="json")
    assert preview.status_code == 200, preview.content
    data = preview.json()
    assert data["dry_run"] is True and data["jobs"] == []
    changes = data["changes"]
    assert changes and all(set(row) >= CHANGE_FIELDS for row in changes)
    assert {row["mapping_id"] for row in changes} == {m.pk for m in chosen}
    assert all(row["held"] == [] for row in changes)
    prices = [row for row in changes if row["kind"] == "price"]
    assert prices and all(row["change_percent"] is not None for row in prices)
    assert _sandbox_writes(shops, "shopee") == []
    assert _sandbox_writes(shops, "tiktokshop") == []
    assert not PublishJob.objects.exists()

    # For real: one job per shop, run by a worker process.
    response = api.post(PUBLISH, {**body, "dry_run": False}, format="json")
    assert response.status_code == 202, response.content
    jobs = response.json()["jobs"]
    assert {job["platform"] for job in jobs} == {"shopee", "tiktokshop"}
    assert all(job["status"] == "queued" for job in jobs)
    ids = [job["id"] for job in jobs]
    assert sum(job["total_count"] for job in jobs) == len(changes)

    worker = start_worker()
    try:
        wait_for(
            lambda: all(job.is_finished for job in PublishJob.objects.filter(pk__in=ids)),
            120,
            "the worker to finish the publications",
        )
    finally:
        stop_process_group(worker)

    for job in PublishJob.objects.filter(pk__in=ids):
        assert job.status == PublishJob.Status.SUCCEEDED, list(job.items.values())
        assert job.attempts == 1 and job.task_id
        sent = job.items.exclude(state=PublishItem.State.IN_REVIEW)
        assert set(sent.values_list("state", flat=True)) == {PublishItem.State.APPLIED}
        writes = _sandbox_writes(shops, job.platform)
        logged = Counter((w["product_id"], w["kind"], w["variant_id"]) for w in writes)
        expected = {(i.platform_product_id, i.kind, i.variant) for i in job.items.all()}
        assert set(logged) == expected  # every change, and nothing else...
        assert set(logged.values()) == {1}  # ...exactly once
        values = {(w["product_id"], w["kind"], w["variant_id"]): w["value"] for w in writes}
        for item in job.items.all():
            sent_value = values[(item.platform_product_id, item.kind, item.variant)]
            if item.kind == "price":
                assert Decimal(sent_value) == Decimal(item.new_value)
            else:
                assert sent_value == item.new_value

        # The API follows the job and lists its changes with their results.
        detail = api.get(f"/api/v1/publish-jobs/{job.pk}/")
        assert detail.status_code == 200
        assert detail.json()["status"] == "succeeded"
        assert detail.json()["total_count"] == job.total_count
        assert detail.json()["applied_count"] == job.applied_count
        listed = api.get(f"/api/v1/publish-jobs/{job.pk}/changes/")
        assert listed.status_code == 200
        rows = listed.json()["results"]
        assert {row["id"] for row in rows} == set(job.items.values_list("pk", flat=True))
        for row in rows:
            assert row["state"] in ("applied", "in_review")
            if row["kind"] == "price":
                assert Decimal(row["platform_value"]) == Decimal(row["new_value"])

    # The TikTok title (if any) waits for review; every price is live on both platforms.
    for mapping in chosen:
        mapping.refresh_from_db()
        assert "price" not in mapping.pending_kinds
        live = shops.read(mapping)
        assert live.prices == {k: Decimal(v) for k, v in mapping.desired_prices.items()}


def test_publishing_by_filter_previews_only_the_matching_listings(shops, merchandiser):
    api = token_client(merchandiser)
    wanted = {"platform": ["shopee"], "pending": ["price"], "change_max": 50}
    response = api.post(PUBLISH, {"filter": wanted, "dry_run": True}, format="json")
    assert response.status_code == 200, response.content
    changes = response.json()["changes"]
    assert changes
    matching = PlatformMapping.objects.filter(
        organization=shops.shopee.organization,
        platform="shopee",
        pending_kinds__overlap=["price"],
    )
    matching = {m.pk for m in matching if abs(m.price_change_percent) <= 50}
    assert {row["mapping_id"] for row in changes} == matching
    for row in changes:
        assert row["platform"] == "shopee"
        if row["kind"] == "price":
            assert abs(Decimal(row["change_percent"])) <= 50
    assert _sandbox_writes(shops, "shopee") == []
    assert not PublishJob.objects.exists()

    # Both ids and a filter (or neither) is the API's usual error body.
    for body in ({"ids": [changes[0]["mapping_id"]], "filter": wanted}, {"dry_run": True}):
        refused = api.post(PUBLISH, body, format="json")
        assert refused.status_code == 400, refused.content
        error = refused.json()["error"]
        assert error["status"] == 400 and error["code"] and error["message"]
    # A filter the mapping list would refuse is refused the same way.
    refused = api.post(PUBLISH, {"filter": {"change_max": "much"}}, format="json")
    assert refused.status_code == 400 and "filter" in refused.json()["error"]["fields"]
    assert not PublishJob.objects.exists()

"""Publishing against the sandbox marketplaces: real HTTP, PostgreSQL, the real clients."""

from __future__ import annotations

import time
from collections import Counter
from decimal import Decimal

import pytest
import requests

from catalog.models import PlatformMapping, SyncStatus
from imports.publishing.models import PublishItem, PublishJob
from imports.publishing.runner import PublishRunner
from imports.publishing.services import (
    conflict_settle,
    publication_start,
    publish_job_cancel,
    publish_job_resume,
    publish_jobs_resume_due,
    publish_reviews_check,
)
from tests.imports.publishing.conftest import publish, wait_until

pytestmark = pytest.mark.django_db


def _desired(mapping: PlatformMapping) -> dict[str, Decimal]:
    return {key: Decimal(value) for key, value in mapping.desired_prices.items()}


def test_price_and_title_reach_both_platforms_and_are_read_back(shops):
    shopee = shops.mappings("shopee", kinds=("price", "title"))[0]
    tiktok = shops.mappings("tiktokshop", kinds=("price", "title"))[0]
    assert set(shopee.pending_kinds) == {"price", "title"}
    (shopee_job,) = publish([shopee])
    (tiktok_job,) = publish([tiktok])

    assert shopee_job.status == PublishJob.Status.SUCCEEDED, list(shopee_job.items.values())
    live = shops.read(shopee)
    assert live.title == shopee.seo_title
    assert live.prices == _desired(shopee)
    shopee.refresh_from_db()
    assert shopee.sync_status == SyncStatus.SYNCED
    assert shopee.pending_kinds == []
    assert shopee.platform_title == shopee.seo_title
    assert shopee.last_synced_at is not None
    assert "base_price" in shopee.master_product.locked_fields  # no mark-up on mark-up

    # TikTok: the price is live at once; the title waits for the platform's review.
    live = shops.read(tiktok)
    assert live.prices == _desired(tiktok)
    assert live.title != tiktok.seo_title  # the old title stays live during review
    tiktok.refresh_from_db()
    assert tiktok.sync_status == SyncStatus.IN_REVIEW
    assert tiktok_job.in_review_count == 1

    shops.control(
        "tiktokshop", action="review", product_id=tiktok.platform_product_id, decision="approve"
    )
    assert publish_reviews_check() == {"applied": 1}
    tiktok.refresh_from_db()
    assert tiktok.sync_status == SyncStatus.SYNCED
    assert shops.read(tiktok).title == tiktok.seo_title
    logged = Counter((w["product_id"], w["kind"], w["variant_id"]) for w in shops.writes("shopee"))
    assert set(logged.values()) == {1}


def test_a_rejected_title_keeps_the_old_one_and_says_why(shops):
    tiktok = shops.mappings("tiktokshop", kinds=("title",))[1]
    old_title = shops.read(tiktok).title
    publish([tiktok], kinds=["title"])
    shops.control(
        "tiktokshop",
        action="review",
        product_id=tiktok.platform_product_id,
        decision="reject",
        reason="Judul mengandung kata terlarang",
    )
    assert publish_reviews_check() == {"rejected": 1}
    tiktok.refresh_from_db()
    assert tiktok.sync_status == SyncStatus.REJECTED
    assert tiktok.sync_errors[0]["reason"] == "review_rejected"
    assert "terlarang" in tiktok.sync_errors[0]["message"]
    assert shops.read(tiktok).title == old_title


def test_one_variant_failing_leaves_the_others_applied(shops):
    mapping = shops.mappings("shopee", variants=True)[0]
    failing, *others = sorted(mapping.desired_prices)
    shops.control(
        "shopee",
        action="fail_variant",
        product_id=mapping.platform_product_id,
        variant_id=failing,
        reason="fail",
    )
    (job,) = publish([mapping], kinds=["price"])
    items = {item.variant: item for item in job.items.all()}
    assert items[failing].state == PublishItem.State.FAILED
    assert items[failing].message
    assert all(items[v].state == PublishItem.State.APPLIED for v in others if v in items)
    assert job.status == PublishJob.Status.PARTIALLY_FAILED
    live = shops.read(mapping)
    assert all(live.prices[v] == Decimal(mapping.desired_prices[v]) for v in others)
    assert live.prices[failing] != Decimal(mapping.desired_prices[failing])
    mapping.refresh_from_db()
    assert mapping.sync_status == SyncStatus.ERROR
    assert [e["variant"] for e in mapping.sync_errors] == [failing]


def test_a_promotion_blocks_the_price_until_it_ends_then_it_is_published(shops):
    mapping = shops.mappings("shopee", variants=False)[0]
    end = int(time.time()) + 3
    shops.control(
        "shopee",
        action="promotion",
        product_id=mapping.platform_product_id,
        start=int(time.time()) - 60,
        end=end,
    )
    (job,) = publish([mapping], kinds=["price"])
    assert job.status == PublishJob.Status.WAITING
    assert int(job.resume_at.timestamp()) == end
    mapping.refresh_from_db()
    assert mapping.sync_status == SyncStatus.BLOCKED
    assert shops.writes("shopee") == []
    assert publish_jobs_resume_due() == 0  # not yet
    wait_until(end + 0.5)
    assert publish_jobs_resume_due() == 1
    job = PublishRunner(PublishJob.objects.get(pk=job.pk)).run()
    assert job.status == PublishJob.Status.SUCCEEDED
    assert shops.read(mapping).prices == _desired(mapping)
    mapping.refresh_from_db()
    assert mapping.sync_status == SyncStatus.SYNCED


@pytest.mark.parametrize("keep", ["platform", "ours"])
def test_a_seller_center_edit_is_a_conflict_settled_either_way(shops, keep):
    mapping = shops.mappings("shopee", kinds=("title",))[2]
    edited = "Judul Diubah Penjual di Seller Center"
    shops.control("shopee", action="edit", product_id=mapping.platform_product_id, title=edited)
    (job,) = publish([mapping], kinds=["title"])
    assert job.conflict_count == 1
    mapping.refresh_from_db()
    assert mapping.sync_status == SyncStatus.CONFLICT
    assert mapping.sync_conflict["title"] == {
        "ours": mapping.seo_title,
        "platform": edited,
        "imported": job.items.get().old_value,
    }
    assert shops.read(mapping).title == edited  # the seller's edit is not overwritten

    mapping = conflict_settle(mapping=mapping, keep=keep)
    if keep == "platform":
        assert "title" not in mapping.pending_kinds
        pending = SyncStatus.PENDING if mapping.pending_kinds else SyncStatus.SYNCED
        assert mapping.sync_status == pending
        assert mapping.platform_title == edited
    else:
        assert mapping.pending_kinds == ["price", "title"] or "title" in mapping.pending_kinds
        (again,) = publish([mapping], kinds=["title"])
        assert again.applied_count == 1
        assert shops.read(mapping).title == mapping.seo_title


def test_ten_percent_faults_and_every_change_applied_exactly_once(shops):
    mappings = shops.mappings("shopee")[:12]
    requests.post(
        f"{shops.sandbox.base_url}/_sandbox/faults",
        json={
            "server_error": 0.03,
            "drop": 0.03,
            "malformed": 0.02,
            "rate_limit": 0.02,
            "retry_after": 0,
            "seed": 7,
        },
        timeout=5,
    )
    jobs = publish(mappings, kinds=["price"])
    requests.post(
        f"{shops.sandbox.base_url}/_sandbox/faults",
        json={"server_error": 0, "drop": 0, "malformed": 0, "rate_limit": 0},
        timeout=5,
    )
    expected = {
        (m.platform_product_id, variant)
        for m in mappings
        for variant in m.desired_prices
        if Decimal(m.desired_prices[variant]) != Decimal(m.remote_prices.get(variant, "0"))
    }
    assert all(job.status == PublishJob.Status.SUCCEEDED for job in jobs)
    applied = Counter((w["product_id"], w["variant_id"]) for w in shops.writes("shopee"))
    assert set(applied) == expected
    assert set(applied.values()) == {1}
    faults = shops.sandbox.stats()["faults"]
    assert sum(n for key, n in faults.items() if "shopee" in key) >= 3  # faults really happened


def test_a_cancelled_publication_resumes_with_what_was_left(shops):
    mappings = shops.mappings("tiktokshop")[:4]
    _plan, (job,) = publication_start(
        mappings=PlatformMapping.objects.filter(pk__in=[m.pk for m in mappings]),
        kinds=["price"],
        overrides=["large_change", "below_cost"],
    )
    job = publish_job_cancel(job=job)
    assert job.status == PublishJob.Status.CANCELLED
    assert shops.writes("tiktokshop") == []
    job = publish_job_resume(job=job)
    job = PublishRunner(job).run()
    assert job.status == PublishJob.Status.SUCCEEDED
    assert job.applied_count == job.total_count == job.items.count()


def test_sync_disabled_listings_are_never_published(shops):
    mapping = shops.mappings("shopee")[3]
    mapping.sync_enabled = False
    mapping.save()
    plan, jobs = publication_start(
        mappings=PlatformMapping.objects.filter(pk=mapping.pk), overrides=["large_change"]
    )
    assert jobs == []
    assert plan.rows and all("sync_disabled" in row.held for row in plan.rows)


def test_a_cancel_that_reaches_a_running_job_stops_it_before_the_next_listing(shops):
    mappings = shops.mappings("shopee")[:3]
    _plan, (job,) = publication_start(
        mappings=PlatformMapping.objects.filter(pk__in=[m.pk for m in mappings]),
        kinds=["price"],
        overrides=["large_change", "below_cost"],
    )
    # The worker took the job; the cancel arrives before its first listing.
    PublishJob.objects.filter(pk=job.pk).update(cancel_requested=True)
    job = PublishRunner(job).run()
    assert job.status == PublishJob.Status.CANCELLED
    assert set(job.items.values_list("state", flat=True)) == {PublishItem.State.CANCELLED}
    assert shops.writes("shopee") == []

    job = PublishRunner(publish_job_resume(job=job)).run()
    assert job.status == PublishJob.Status.SUCCEEDED
    assert len(shops.writes("shopee")) == job.applied_count == job.total_count

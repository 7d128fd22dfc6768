"""What keeps a publication from undoing a person's decision or a seller's edit."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from catalog.listing_prices import mapping_prices_recalculate
from catalog.models import PlatformMapping, SyncStatus
from catalog.publication import change_percent, mapping_publication_record
from imports.publishing.models import PublishItem, PublishJob
from imports.publishing.plan import publication_plan
from imports.publishing.runner import PublishRunner
from imports.publishing.services import (
    conflict_settle,
    publication_start,
    publish_job_cancel,
)
from tests.imports.publishing.conftest import publish

pytestmark = pytest.mark.django_db


def _price_conflict(shops) -> PlatformMapping:
    mapping = shops.mappings("shopee", variants=False)[0]
    shops.control(
        "shopee", action="edit", product_id=mapping.platform_product_id, prices={"": 123400}
    )
    publish([mapping], kinds=["price"])
    mapping.refresh_from_db()
    assert mapping.sync_status == SyncStatus.CONFLICT
    return mapping


def test_a_kept_platform_price_is_not_published_by_a_later_run(shops):
    mapping = conflict_settle(mapping=_price_conflict(shops), keep="platform")
    assert "price" not in mapping.pending_kinds
    plan = publication_plan(PlatformMapping.objects.filter(pk=mapping.pk))
    assert [row.kind for row in plan.rows if row.kind == "price"] == []
    publish([mapping])  # the title, if any, goes; the price the seller set stays
    assert shops.read(mapping).prices[""] == Decimal("123400")


def test_a_conflict_survives_recomputed_prices_and_other_results(shops):
    mapping = _price_conflict(shops)
    mapping_prices_recalculate(mappings=PlatformMapping.objects.filter(pk=mapping.pk))
    mapping.refresh_from_db()
    assert mapping.sync_status == SyncStatus.CONFLICT
    mapping = mapping_publication_record(mapping_id=mapping.pk, status=None)
    assert mapping.sync_status == SyncStatus.CONFLICT
    assert mapping.sync_conflict["prices"][""]["platform"] == "123400"


def test_a_resumed_change_whose_value_was_replaced_is_not_sent(shops):
    mapping = shops.mappings("shopee", variants=False)[1]
    _plan, (job,) = publication_start(
        mappings=PlatformMapping.objects.filter(pk=mapping.pk),
        kinds=["price"],
        overrides=["large_change", "below_cost"],
    )
    product = mapping.master_product
    product.base_price += Decimal("5000")
    product.save()
    mapping_prices_recalculate(mappings=PlatformMapping.objects.filter(pk=mapping.pk))
    job = PublishRunner(job).run()
    item = job.items.get()
    assert item.state == PublishItem.State.SKIPPED and item.reason == "superseded"
    assert shops.writes("shopee") == []
    plan = publication_plan(PlatformMapping.objects.filter(pk=mapping.pk), kinds=["price"])
    assert plan.rows and not any("in_progress" in row.held for row in plan.rows)


def test_a_change_already_in_a_job_is_held_in_the_next_preview(shops):
    mapping = shops.mappings("shopee", variants=False)[2]
    publication_start(
        mappings=PlatformMapping.objects.filter(pk=mapping.pk),
        kinds=["price"],
        overrides=["large_change", "below_cost"],
    )
    plan = publication_plan(PlatformMapping.objects.filter(pk=mapping.pk), kinds=["price"])
    assert plan.rows and all("in_progress" in row.held for row in plan.rows)


def test_cancelling_a_job_waiting_for_a_lock_frees_its_listings(shops):
    mapping = shops.mappings("shopee", variants=False)[3]
    shops.control(
        "shopee",
        action="promotion",
        product_id=mapping.platform_product_id,
        start=int(time.time()) - 60,
        end=int(time.time()) + 3600,
    )
    (job,) = publish([mapping], kinds=["price"])
    assert job.status == PublishJob.Status.WAITING
    job = publish_job_cancel(job=job)
    assert job.status == PublishJob.Status.CANCELLED
    mapping.refresh_from_db()
    assert mapping.sync_status == SyncStatus.PENDING
    assert mapping.sync_blocked_until is None


def test_a_price_change_too_large_for_its_column_is_shown_at_the_bound():
    assert change_percent(Decimal("1"), Decimal("150000")) == Decimal("9999999.99")
    assert change_percent(Decimal("100"), Decimal("110")) == Decimal("10.00")


def test_a_misspelt_api_filter_is_refused_not_widened(shops, api):
    response = api.post(
        "/api/v1/mappings/publish/",
        {"filter": {"platfrom": ["shopee"]}, "dry_run": False},
        format="json",
    )
    assert response.status_code == 400
    assert "platfrom" in str(response.json()["error"]["fields"])
    assert not PublishJob.objects.exists()


def test_a_preview_limit_that_is_not_a_number_falls_back_to_the_default(shops, merchandiser_client):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.urls import reverse

    mapping = shops.mappings("shopee")[0]
    for value in ("NaN", "Infinity", "-5", "abc"):
        response = merchandiser_client.post(
            reverse("admin:imports_pendingpublication_changelist"),
            {
                "action": "publish_selected",
                ACTION_CHECKBOX_NAME: [mapping.pk],
                "max_change_percent": value,
                "kinds": ["price", "bogus-kind-that-is-long"],
            },
        )
        assert response.status_code == 200
        assert response.context["max_change_percent"] == Decimal("30")


def test_the_tokopedia_merge_lock_blocks_titles_and_is_tried_again_later(shops, settings):
    settings.PUBLISH_RECHECK_SECONDS = 600
    mapping = shops.mappings("tiktokshop", kinds=("title",))[0]
    shops.control("tiktokshop", action="integration_lock", locked=True)
    (job,) = publish([mapping], kinds=["title"])
    item = job.items.get()
    assert item.state == PublishItem.State.BLOCKED
    assert item.reason == "integration_lock" and item.code == "12052332"
    assert job.status == PublishJob.Status.WAITING
    assert 590 <= (job.resume_at - item.finished_at).total_seconds() <= 610
    mapping.refresh_from_db()
    assert mapping.sync_status == SyncStatus.BLOCKED
    assert mapping.sync_errors[0]["reason"] == "integration_lock"
    assert shops.writes("tiktokshop") == []

"""The *Pending publication* page: filters, the preview with its guards, publishing, conflicts."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from catalog.models import PlatformMapping, SyncStatus
from imports.publishing.models import PublishItem, PublishJob
from tests.imports.publishing.conftest import publish

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:imports_pendingpublication_changelist")


def _ids(response) -> set[int]:
    return set(response.context["cl"].queryset.values_list("pk", flat=True))


def test_the_page_lists_what_would_change_and_filters_it(shops, merchandiser_client):
    everything = _ids(merchandiser_client.get(CHANGELIST))
    pending = set(PlatformMapping.objects.exclude(pending_kinds=[]).values_list("pk", flat=True))
    assert everything == pending and everything

    shopee = _ids(merchandiser_client.get(CHANGELIST, {"platform": "shopee"}))
    assert shopee and all(PlatformMapping.objects.get(pk=pk).platform == "shopee" for pk in shopee)
    titles = _ids(merchandiser_client.get(CHANGELIST, {"change": "title"}))
    assert titles == set(
        PlatformMapping.objects.filter(pending_kinds__contains=["title"]).values_list(
            "pk", flat=True
        )
    )
    small = _ids(merchandiser_client.get(CHANGELIST, {"price_change": "small"}))
    for pk in small:
        assert abs(PlatformMapping.objects.get(pk=pk).price_change_percent) <= 5
    large = _ids(merchandiser_client.get(CHANGELIST, {"price_change": "huge"}))
    assert small.isdisjoint(large)
    response = merchandiser_client.get(
        CHANGELIST, {"price_change": "huge"}, HTTP_ACCEPT_LANGUAGE="id"
    )
    assert response.status_code == 200


def test_preview_holds_large_changes_until_confirmed_then_publishes(shops, merchandiser_client):
    mapping = shops.mappings("shopee", variants=False)[0]
    data = {
        "action": "publish_selected",
        ACTION_CHECKBOX_NAME: [mapping.pk],
        "kinds": ["price"],
        "max_change_percent": "0",
    }
    preview = merchandiser_client.post(CHANGELIST, data)
    assert preview.status_code == 200
    rows = preview.context["rows"]
    assert rows and all(row["held"] for row in rows)  # every change beyond 0 % is held
    assert "confirm-publish" not in preview.content.decode()
    assert not PublishJob.objects.exists()

    data["overrides"] = ["large_change", "below_cost"]
    preview = merchandiser_client.post(CHANGELIST, data)
    assert all(not row["held"] for row in preview.context["rows"])
    assert "confirm-publish" in preview.content.decode()

    response = merchandiser_client.post(CHANGELIST, {**data, "confirm": "yes"})
    assert response.status_code == 302
    job = PublishJob.objects.get()
    assert job.created_by.username == "merch"
    assert set(job.items.values_list("kind", flat=True)) == {"price"}
    assert job.overrides == ["large_change", "below_cost"]


def test_a_conflict_is_shown_side_by_side_and_settled_from_the_page(shops, merchandiser_client):
    mapping = shops.mappings("shopee", kinds=("title",))[0]
    shops.control(
        "shopee",
        action="edit",
        product_id=mapping.platform_product_id,
        title="Judul Baru dari Seller Center Toko",
    )
    publish([mapping], kinds=["title"])
    page = merchandiser_client.get(
        reverse("admin:imports_pendingpublication_change", args=[mapping.pk])
    )
    html = page.content.decode()
    assert "Judul Baru dari Seller Center Toko" in html and mapping.seo_title in html
    assert 'id="keep-platform"' in html
    merchandiser_client.post(
        reverse("admin:imports_pendingpublication_settle", args=[mapping.pk, "platform"])
    )
    mapping.refresh_from_db()
    assert mapping.sync_status != SyncStatus.CONFLICT
    assert mapping.platform_title == "Judul Baru dari Seller Center Toko"
    assert PublishItem.objects.filter(mapping=mapping, state="conflict").count() == 1


def test_viewers_see_the_page_but_cannot_publish(shops, client, viewer):
    client.force_login(viewer)
    mapping = shops.mappings("shopee")[0]
    response = client.post(
        CHANGELIST,
        {
            "action": "publish_selected",
            ACTION_CHECKBOX_NAME: [mapping.pk],
            "confirm": "yes",
            "overrides": ["large_change", "below_cost"],
        },
    )
    assert response.status_code in (200, 302)
    assert not PublishJob.objects.exists()

"""The *Publications* admin: the list, a job's page with its changes, the live progress,
Cancel and Resume for those whose role may publish, and nothing for anyone else."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from catalog.models import PlatformMapping
from core.models import Membership
from core.money import format_rupiah
from imports.publishing import reasons
from imports.publishing.models import PublishItem, PublishJob
from imports.publishing.services import publication_start
from tests.factories import MembershipFactory, UserFactory
from tests.imports.publishing.conftest import publish

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:imports_publishjob_changelist")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _change(job: PublishJob) -> str:
    return reverse("admin:imports_publishjob_change", args=[job.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _published(shops) -> PublishJob:
    """A finished Shopee publication: prices and a title applied, one variant refused."""
    with_variants = shops.mappings("shopee", variants=True)[0]
    plain = shops.mappings("shopee", variants=False, kinds=("price", "title"))[0]
    failing = sorted(with_variants.desired_prices)[0]
    shops.control(
        "shopee",
        action="fail_variant",
        product_id=with_variants.platform_product_id,
        variant_id=failing,
        reason="fail",
    )
    (job,) = publish([with_variants, plain])
    assert job.failed_count == 1 and job.applied_count >= 2, list(job.items.values())
    return job


def _queued(shops, user) -> PublishJob:
    """A publication started but never run (its task is queued only on commit)."""
    mapping = shops.mappings("shopee", variants=False)[-1]
    _plan, (job,) = publication_start(
        mappings=PlatformMapping.objects.filter(pk=mapping.pk),
        user=user,
        kinds=["price"],
        overrides=reasons.OVERRIDABLE,
    )
    assert job.status == PublishJob.Status.QUEUED
    return job


def test_the_list_and_the_page_show_the_counts_and_every_change(shops, merchandiser_client):
    job = _published(shops)
    listing = merchandiser_client.get(CHANGELIST, **EN)
    assert listing.status_code == 200
    page = listing.content.decode()
    assert f"{job.done_count} / {job.total_count}" in page
    assert 'value="cancel_jobs"' in page and 'value="resume_jobs"' in page
    assert _change(job) in page

    filtered = merchandiser_client.get(CHANGELIST, {"status": "succeeded"}, **EN)
    assert job not in filtered.context["cl"].queryset
    filtered = merchandiser_client.get(
        CHANGELIST, {"status": job.status, "platform": "shopee"}, **EN
    )
    assert list(filtered.context["cl"].queryset) == [job]

    response = merchandiser_client.get(_change(job), **EN)
    assert response.status_code == 200
    page = response.content.decode()
    rows = response.context["item_rows"]
    assert len(rows) == job.items.count() == job.total_count
    assert 'id="publication-progress"' in page
    assert reverse("admin:imports_publishjob_progress", args=[job.pk]) in page
    assert "Partially failed" in page
    failed = job.items.get(state=PublishItem.State.FAILED)
    assert reasons.reason_text(reasons.REFUSED) in page  # "The platform refused the change."
    assert failed.message and failed.message in page
    for item in job.items.all():
        assert f'id="publish-item-{item.pk}"' in page
        link = reverse("admin:catalog_platformmapping_change", args=[item.mapping_id])
        assert link in page
    price = job.items.filter(kind="price", state=PublishItem.State.APPLIED).first()
    row = next(r for r in rows if r["id"] == price.pk)
    assert row["new"] == format_rupiah(Decimal(price.new_value)) and row["new"] in page
    assert row["old"].startswith("Rp ")
    assert row["shown"] == row["new"]  # read back after the write
    title = job.items.get(kind="title")
    assert title.new_value in page
    # A merchandiser may resume, but a finished job with nothing left offers nothing to do.
    assert 'id="cancel-publication"' not in page
    assert response.context["may_resume"] is False

    # The other language renders too (its words come with the translations, later).
    assert merchandiser_client.get(_change(job), HTTP_ACCEPT_LANGUAGE="id").status_code == 200
    assert merchandiser_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="id").status_code == 200


def test_the_progress_endpoint_and_a_waiting_job(shops, merchandiser_client):
    job = _published(shops)
    url = reverse("admin:imports_publishjob_progress", args=[job.pk])
    data = merchandiser_client.get(url, **EN).json()
    assert data["status"] == "partially_failed" and data["finished"] and not data["active"]
    assert (data["done"], data["total"], data["percent"]) == (job.total_count,) * 2 + (100.0,)
    assert data["counts"]["applied"] == job.applied_count
    assert data["counts"]["failed"] == 1
    assert data["fields"]["progress"] == f"{job.total_count} / {job.total_count}"
    assert data["fields"]["failed_count"] == "1"

    PublishJob.objects.filter(pk=job.pk).update(
        status=PublishJob.Status.WAITING,
        resume_at=datetime(2026, 3, 2, 3, 30, tzinfo=UTC),
        finished_at=None,
    )
    data = merchandiser_client.get(url, **EN).json()
    assert data["waiting_until"] == "waiting until 2026-03-02 10:30:00 WIB"
    assert data["fields"]["waiting_until"] == data["waiting_until"]
    page = merchandiser_client.get(_change(job), **EN).content.decode()
    assert "waiting until 2026-03-02 10:30:00 WIB" in page
    assert 'id="cancel-publication"' in page  # waiting is not finished: it can be cancelled


def test_a_merchandiser_cancels_a_queued_job_and_resumes_it(shops, merchandiser, client):
    client.force_login(merchandiser)
    job = _queued(shops, merchandiser)
    page = client.get(_change(job), **EN)
    assert page.status_code == 200
    assert 'id="cancel-publication"' in page.content.decode()
    assert 'id="resume-publication"' not in page.content.decode()  # queued: nothing to resume
    progress = client.get(reverse("admin:imports_publishjob_progress", args=[job.pk])).json()
    assert progress["active"] and progress["done"] == 0 and progress["total"] == 1

    response = client.post(
        reverse("admin:imports_publishjob_cancel", args=[job.pk]), follow=True, **EN
    )
    assert response.status_code == 200
    job.refresh_from_db()
    assert job.status == PublishJob.Status.CANCELLED and job.finished_at is not None
    assert set(job.items.values_list("state", flat=True)) == {PublishItem.State.CANCELLED}
    assert any("cancelled" in m for m in _messages(response))
    page = response.content.decode()
    assert reasons.reason_text(reasons.CANCELLED) in page
    assert 'id="resume-publication"' in page and 'id="cancel-publication"' not in page

    response = client.post(
        reverse("admin:imports_publishjob_resume", args=[job.pk]), follow=True, **EN
    )
    job.refresh_from_db()
    assert job.status == PublishJob.Status.QUEUED and not job.cancel_requested
    assert set(job.items.values_list("state", flat=True)) == {PublishItem.State.QUEUED}
    assert f"Publication #{job.pk} queued again." in _messages(response)

    # The list actions do the same; a refusal (nothing left) is an error message.
    response = client.post(
        CHANGELIST, {"action": "cancel_jobs", ACTION_CHECKBOX_NAME: [job.pk]}, follow=True, **EN
    )
    job.refresh_from_db()
    assert job.status == PublishJob.Status.CANCELLED
    response = client.post(
        CHANGELIST, {"action": "resume_jobs", ACTION_CHECKBOX_NAME: [job.pk]}, follow=True, **EN
    )
    job.refresh_from_db()
    assert job.status == PublishJob.Status.QUEUED
    finished = _published(shops)
    response = client.post(
        CHANGELIST,
        {"action": "resume_jobs", ACTION_CHECKBOX_NAME: [finished.pk]},
        follow=True,
        **EN,
    )
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert errors == [f"Publication #{finished.pk} has nothing left to publish."]
    finished_status = finished.status
    finished.refresh_from_db()
    assert finished.status == finished_status


def test_a_viewer_sees_no_buttons_and_is_refused(shops, merchandiser, viewer, client):
    job = _queued(shops, merchandiser)
    client.force_login(viewer)
    response = client.get(_change(job), **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="cancel-publication"' not in page and 'id="resume-publication"' not in page
    listing = client.get(CHANGELIST, **EN)
    assert listing.status_code == 200
    assert 'value="cancel_jobs"' not in listing.content.decode()  # no list actions either
    assert 'value="resume_jobs"' not in listing.content.decode()

    assert client.post(reverse("admin:imports_publishjob_cancel", args=[job.pk])).status_code == 403
    assert client.post(reverse("admin:imports_publishjob_resume", args=[job.pk])).status_code == 403
    response = client.post(
        CHANGELIST, {"action": "cancel_jobs", ACTION_CHECKBOX_NAME: [job.pk]}, follow=True, **EN
    )
    assert any("may do this" in m for m in _messages(response))
    job.refresh_from_db()
    assert job.status == PublishJob.Status.QUEUED and not job.cancel_requested
    assert set(job.items.values_list("state", flat=True)) == {PublishItem.State.QUEUED}


def test_another_organization_cannot_see_the_job(shops, merchandiser, other_organization, client):
    job = _queued(shops, merchandiser)
    outsider = UserFactory(username="outsider")
    MembershipFactory(user=outsider, organization=other_organization, role=Membership.Role.OWNER)
    client.force_login(outsider)
    assert client.get(_change(job)).status_code in (302, 404)
    assert (
        client.get(reverse("admin:imports_publishjob_progress", args=[job.pk])).status_code == 404
    )
    assert client.post(reverse("admin:imports_publishjob_cancel", args=[job.pk])).status_code == 404
    assert job not in client.get(CHANGELIST).context["cl"].queryset
    job.refresh_from_db()
    assert job.status == PublishJob.Status.QUEUED

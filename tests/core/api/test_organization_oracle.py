"""Issue #18 part 7: an id of another organization and an id nobody has get the same answer,
so neither the API nor the admin tells a caller which organizations (or their rows) exist."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from catalog.models import MasterProduct
from imports.models import ChannelConnection, ImportJob
from tests.factories import MasterProductFactory, PlatformMappingFactory

pytestmark = pytest.mark.django_db


def _answer(response) -> tuple[int, dict]:
    return response.status_code, response.json()


def test_creating_a_product_in_another_organization_reads_like_a_missing_one(
    api, organization, other_organization
):
    body = {"sku": "KAOS-1", "name": "Kaos", "base_price": "99000"}
    theirs = api.post("/api/v1/products/", {**body, "organization": other_organization.pk})
    nobodys = api.post("/api/v1/products/", {**body, "organization": 99999})
    assert _answer(theirs) == _answer(nobodys)
    assert theirs.status_code == 400
    assert theirs.json()["error"]["fields"] == {"organization": ["No such organization."]}
    assert not MasterProduct.objects.filter(sku="KAOS-1").exists()


def test_moving_a_product_to_another_organization_reads_like_a_missing_one(
    api, organization, other_organization
):
    product = MasterProductFactory(organization=organization)
    url = f"/api/v1/products/{product.pk}/"
    theirs = api.patch(url, {"organization": other_organization.pk}, format="json")
    nobodys = api.patch(url, {"organization": 99999}, format="json")
    assert _answer(theirs) == _answer(nobodys)
    assert theirs.status_code == 400


def test_relinking_to_another_organizations_product_reads_like_a_missing_one(
    api, organization, other_organization
):
    mapping = PlatformMappingFactory(master_product__organization=organization)
    foreign = MasterProductFactory(organization=other_organization)
    url = f"/api/v1/mappings/{mapping.pk}/relink/"
    theirs = api.post(url, {"master_product": str(foreign.pk)}, format="json")
    nobodys = api.post(url, {"master_product": str(uuid.uuid4())}, format="json")
    assert _answer(theirs) == _answer(nobodys)
    assert theirs.status_code == 400


def test_importing_another_organizations_connection_reads_like_a_missing_one(
    api, organization, other_organization
):
    connection = ChannelConnection.objects.create(
        organization=other_organization, platform="shopee", name="x", base_url="http://x.invalid"
    )
    theirs = api.post("/api/v1/import-jobs/", {"connection": connection.pk}, format="json")
    nobodys = api.post("/api/v1/import-jobs/", {"connection": 99999}, format="json")
    assert _answer(theirs) == _answer(nobodys)
    assert theirs.status_code == 400
    assert not ImportJob.objects.filter(connection=connection).exists()


def test_testing_another_organizations_connection_reads_like_a_missing_one(
    owner_api, organization, other_organization
):
    connection = ChannelConnection.objects.create(
        organization=other_organization, platform="shopee", name="x", base_url="http://x.invalid"
    )
    theirs = owner_api.post(f"/api/v1/connections/{connection.pk}/test/")
    nobodys = owner_api.post("/api/v1/connections/99999/test/")
    assert _answer(theirs) == _answer(nobodys)
    assert theirs.status_code == 404


def test_the_admin_form_offers_only_the_callers_organizations(
    merchandiser_client, organization, other_organization
):
    """Another organization's id and a made-up one fail the same way in the product form."""
    url = reverse("admin:catalog_masterproduct_add")
    page = merchandiser_client.get(url).content.decode()
    assert organization.name in page and other_organization.name not in page

    def errors(organization_id: int) -> list[str]:
        response = merchandiser_client.post(
            url,
            {
                "organization": organization_id,
                "sku": "KAOS-2",
                "name": "Kaos",
                "base_price": "99000",
                "currency": "IDR",
                "status": "active",
                "mappings-TOTAL_FORMS": "0",
                "mappings-INITIAL_FORMS": "0",
            },
        )
        return response.context["adminform"].form.errors.get("organization")

    assert errors(other_organization.pk) == errors(99999)
    assert errors(99999)  # refused, not silently accepted
    assert not MasterProduct.objects.filter(sku="KAOS-2").exists()

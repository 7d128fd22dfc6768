"""Hostile input in the admin (issue #18): a clear error, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.models import MasterProduct
from tests.catalog.test_admin import _form_data
from tests.factories import MasterProductFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:catalog_masterproduct_changelist")
ADD = reverse("admin:catalog_masterproduct_add")


@pytest.mark.parametrize(
    "query",
    [
        "category=%00",
        "q=kaos%00",
        "status=%00",
        "o=%00",
        "x%00=1",
    ],
)
def test_a_nul_in_a_changelist_filter_is_a_clear_400(merchandiser_client, organization, query):
    MasterProductFactory(organization=organization)
    response = merchandiser_client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_other_admin_lists_refuse_a_nul_too(merchandiser_client):
    url = reverse("admin:catalog_platformmapping_changelist")
    assert merchandiser_client.get(f"{url}?platform_product_id=%00").status_code == 400


def test_deep_variants_on_the_add_form_are_a_form_error(merchandiser_client, organization):
    data = _form_data(MasterProductFactory.build(organization=organization, sku="BARU-1"))
    data["variants"] = '[{"sku": "A", "x": ' + "[" * 40 + "]" * 40 + "}]"
    response = merchandiser_client.post(ADD, data)
    assert response.status_code == 200
    assert "JSON nested deeper than 32 levels." in response.content.decode()
    assert not MasterProduct.objects.filter(sku="BARU-1").exists()


def test_variants_within_the_depth_limit_are_still_saved(merchandiser_client, organization):
    product = MasterProductFactory(organization=organization)
    url = reverse("admin:catalog_masterproduct_change", args=[product.pk])
    variants = '[{"sku": "A", "opsi": ' + "[" * 20 + "]" * 20 + "}]"
    response = merchandiser_client.post(url, _form_data(product, variants=variants))
    assert response.status_code == 302, response.content.decode()[:2000]
    product.refresh_from_db()
    assert product.variants[0]["sku"] == "A"

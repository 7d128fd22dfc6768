from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from catalog.models import MasterProduct, PlatformMapping
from core.models import Organization

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_browsable_catalog_once(client):
    out = StringIO()
    call_command("seed_demo", "--products", "40", "--password", "demo-pass-123", stdout=out)
    assert "Admin login: admin / demo-pass-123" in out.getvalue()
    organization = Organization.objects.get(slug="toko-demo")
    products = MasterProduct.objects.filter(organization=organization)
    assert products.count() == 40
    assert PlatformMapping.objects.filter(organization=organization).count() >= 40
    sample = products.exclude(variants=[]).first()
    assert sample.variants[0]["sku"].startswith(sample.sku)
    assert sample.base_price == sample.base_price.to_integral_value()  # whole rupiah

    call_command("seed_demo", "--products", "40", stdout=StringIO())  # idempotent
    assert products.count() == 40

    assert client.login(username="admin", password="demo-pass-123")
    response = client.get(reverse("admin:catalog_masterproduct_changelist"))
    assert response.status_code == 200
    assert (
        sample.sku.encode()
        in client.get(reverse("admin:catalog_masterproduct_changelist"), {"q": sample.sku}).content
    )

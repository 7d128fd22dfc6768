"""Nothing of another organization is reachable: every endpoint x their ids and filters."""

import pytest

from imports.models import ChannelConnection, ImportJob
from tests.factories import MasterProductFactory, PlatformMappingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(other_organization):
    product = MasterProductFactory(organization=other_organization, sku="RAHASIA")
    mapping = PlatformMappingFactory(master_product=product, review_status="needs_review")
    connection = ChannelConnection.objects.create(
        organization=other_organization,
        platform="shopee",
        name="Their shop",
        base_url="https://partner.example",
        partner_id=1,
        partner_key="k",
        status="active",
        access_token="their-token",
    )
    job = ImportJob.objects.create(
        organization=other_organization, connection=connection, platform="shopee"
    )
    return {"product": product, "mapping": mapping, "connection": connection, "job": job}


def test_their_objects_are_404_for_every_method(api, theirs):
    checks = [
        ("get", f"/api/v1/products/{theirs['product'].pk}/"),
        ("patch", f"/api/v1/products/{theirs['product'].pk}/"),
        ("delete", f"/api/v1/products/{theirs['product'].pk}/"),
        ("get", f"/api/v1/mappings/{theirs['mapping'].pk}/"),
        ("post", f"/api/v1/mappings/{theirs['mapping'].pk}/confirm/"),
        ("post", f"/api/v1/mappings/{theirs['mapping'].pk}/reject/"),
        ("post", f"/api/v1/mappings/{theirs['mapping'].pk}/relink/"),
        ("get", f"/api/v1/connections/{theirs['connection'].pk}/"),
        ("post", f"/api/v1/connections/{theirs['connection'].pk}/test/"),
        ("get", f"/api/v1/import-jobs/{theirs['job'].pk}/"),
        ("post", f"/api/v1/import-jobs/{theirs['job'].pk}/cancel/"),
    ]
    for method, url in checks:
        response = getattr(api, method)(url, {"name": "x"}, format="json")
        assert response.status_code == 404, (method, url, response.status_code)
        assert response.json()["error"]["code"] == "not_found"
    theirs["product"].refresh_from_db()
    assert theirs["product"].name != "x" and theirs["product"].status == "active"
    assert theirs["job"].status == "queued"


def test_their_rows_never_appear_in_lists_or_filters(api, theirs, other_organization):
    lists = [
        "/api/v1/products/",
        "/api/v1/mappings/",
        "/api/v1/connections/",
        "/api/v1/import-jobs/",
    ]
    for url in lists:
        for params in (
            {},
            {"organization": other_organization.pk},
            {"q": "RAHASIA"},
            {"review_status": "needs_review"},
        ):
            body = api.get(url, params).content.decode()
            assert "RAHASIA" not in body and "Their shop" not in body, (url, params)
    summary = api.get("/api/v1/quality/summary/").json()
    assert summary["tiers"] == {}
    started = api.post(
        "/api/v1/import-jobs/", {"connection": theirs["connection"].pk}, format="json"
    )
    assert started.status_code == 400
    created = api.post(
        "/api/v1/products/",
        {"organization": other_organization.pk, "sku": "X", "name": "X", "base_price": "1"},
        format="json",
    )
    assert created.status_code == 400 and "organization" in created.json()["error"]["fields"]

"""Products over the REST API: reads, filters, writes, errors, query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import MasterProduct
from tests.factories import MasterProductFactory, PlatformMappingFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/products/"


def _results(response):
    assert response.status_code == 200, response.content
    return [row["sku"] for row in response.json()["results"]]


def test_token_is_required(client):
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_list_nests_mappings_with_price_seo_and_status(api, organization):
    product = MasterProductFactory(
        organization=organization, sku="KAOS-1", base_price=Decimal("99000"), quality_score=90
    )
    PlatformMappingFactory(
        master_product=product,
        platform_price=Decimal("110000"),
        seo_title="Erigo Kaos",
        review_status="auto",
    )
    row = api.get(URL).json()["results"][0]
    assert row["sku"] == "KAOS-1" and row["base_price"] == "99000.00"  # money as a string
    assert row["quality_tier"] == "good"
    mapping = row["mappings"][0]
    assert mapping["platform_price"] == "110000.00" and mapping["seo_title"] == "Erigo Kaos"
    assert {"sync_status", "review_status", "fee_percentage"} <= set(mapping)


def test_list_query_count_does_not_grow_with_the_page(
    api, organization, django_assert_max_num_queries
):
    def make(n):
        for _ in range(n):
            PlatformMappingFactory(master_product=MasterProductFactory(organization=organization))

    make(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        api.get(URL, {"page_size": 3})
    make(60)
    with CaptureQueriesContext(connection) as large:
        assert len(api.get(URL, {"page_size": 60}).json()["results"]) == 60
    assert len(large) == len(small) <= 6


def test_page_size_is_bounded_and_pages_follow_cursors(api, organization):
    for _ in range(5):
        MasterProductFactory(organization=organization)
    first = api.get(URL, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = api.get(first["next"]).json()
    assert not set(_r["sku"] for _r in first["results"]) & {r["sku"] for r in second["results"]}
    assert len(api.get(URL, {"page_size": 5000}).json()["results"]) == 5  # capped at 200


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": ["active", "inactive"]}, {"A", "B"}),
        ({"category": "Audio"}, {"B"}),
        ({"tags": "kaos,sale"}, {"A", "C"}),
        ({"tags_all": "kaos,pria"}, {"A"}),
        ({"platform": "tiktokshop"}, {"B"}),
        ({"review_status": "needs_review"}, {"B"}),
        ({"sync_status": "error"}, {"B"}),
        ({"quality_tier": "poor"}, {"C"}),
        ({"quality_min": 60, "quality_max": 95}, {"B"}),
        ({"price_min": 100000, "price_max": 500000}, {"B"}),
        ({"q": "berlari"}, {"B"}),
        ({"q": "C"}, {"C"}),
    ],
)
def test_filters(api, organization, params, expected):
    a = MasterProductFactory(
        organization=organization,
        sku="A",
        tags=["kaos", "pria"],
        quality_score=97,
        base_price=Decimal("50000"),
    )
    b = MasterProductFactory(
        organization=organization,
        sku="B",
        category="Audio",
        status="inactive",
        quality_score=70,
        base_price=Decimal("250000"),
        name="Earphone untuk lari pagi",
    )
    MasterProductFactory(
        organization=organization, sku="C", tags=["sale"], quality_score=20, status="archived"
    )
    PlatformMappingFactory(master_product=a)
    PlatformMappingFactory(
        master_product=b, platform="tiktokshop", review_status="needs_review", sync_status="error"
    )
    assert set(_results(api.get(URL, params))) == expected


def test_updated_since_serves_incremental_sync(api, organization):
    old = MasterProductFactory(organization=organization, sku="OLD")
    MasterProduct.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=3))
    MasterProductFactory(organization=organization, sku="NEW")
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert _results(api.get(URL, {"updated_since": since})) == ["NEW"]


def test_ordering(api, organization):
    for sku, price in (("X", "3"), ("Y", "1"), ("Z", "2")):
        MasterProductFactory(organization=organization, sku=sku, base_price=Decimal(price))
    assert _results(api.get(URL, {"ordering": "base_price"})) == ["Y", "Z", "X"]


def test_create_defaults_to_the_callers_organization_and_validates(api, organization):
    created = api.post(
        URL,
        {
            "sku": "NEW-1",
            "name": "Topi Rajut",
            "base_price": "45000",
            "variants": [{"sku": "NEW-1-M", "name": "M", "price": "45000"}],
            "images": [{"url": "https://img.example/1.jpg", "primary": True}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    product = MasterProduct.objects.get(sku="NEW-1")
    assert product.organization == organization and product.sku_normalized == "new-1"
    assert product.quality_score is not None  # scored on save, like an admin edit
    duplicate = api.post(URL, {"sku": "NEW-1", "name": "Lagi", "base_price": "1"}, format="json")
    assert duplicate.status_code == 400
    body = duplicate.json()["error"]
    assert body["code"] == "invalid" and "sku" in body["fields"]
    bad = api.post(
        URL,
        {
            "sku": "BAD",
            "name": "X",
            "base_price": "-5",
            "variants": [{"name": "no sku"}],
            "images": [{"url": "not a url"}],
        },
        format="json",
    ).json()["error"]
    assert set(bad["fields"]) == {"base_price", "variants", "images"}
    assert "Variant 1 has no sku." in bad["fields"]["variants"]


def test_update_locks_edited_fields_and_delete_archives(api, organization):
    product = MasterProductFactory(organization=organization)
    url = f"{URL}{product.pk}/"
    assert api.patch(url, {"name": "Nama Baru"}, format="json").status_code == 200
    product.refresh_from_db()
    assert product.name == "Nama Baru" and product.locked_fields == ["name"]
    assert api.delete(url).status_code == 204
    product.refresh_from_db()
    assert product.status == "archived"


def test_viewers_read_but_cannot_write(viewer_api, organization):
    product = MasterProductFactory(organization=organization)
    assert viewer_api.get(f"{URL}{product.pk}/").status_code == 200
    response = viewer_api.patch(f"{URL}{product.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert (
        viewer_api.post(
            URL, {"sku": "V", "name": "V", "base_price": "1"}, format="json"
        ).status_code
        == 403
    )


def test_wrongly_typed_json_fields_are_a_400_not_a_500(api):
    response = api.post(
        URL,
        {"sku": "T", "name": "T", "base_price": "1", "images": True, "variants": {"sku": "x"}},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"images", "variants"}


@pytest.mark.parametrize("url", [URL, "/api/v1/mappings/"])
def test_impossible_time_zones_are_a_400(api, url):
    # Found by schemathesis: PostgreSQL refuses offsets beyond ±14:00 with a server error.
    response = api.get(url, {"updated_since": "0492-04-27T17:13:19.747-19:04"})
    assert response.status_code == 400
    assert "updated_since" in response.json()["error"]["fields"]

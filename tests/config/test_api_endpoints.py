"""Mappings, import jobs, connections, pricing quotes, quality summary, schema and docs."""

from decimal import Decimal

import pytest
from django_q.models import OrmQ

from imports.models import ImportJob
from tests.factories import MasterProductFactory, PlatformMappingFactory
from tests.sandbox_fixtures import connect_sandbox

pytestmark = pytest.mark.django_db


def _suggestion(organization):
    product = MasterProductFactory(organization=organization)
    return PlatformMappingFactory(
        master_product=product,
        platform="tiktokshop",
        match_method="similarity",
        review_status="needs_review",
        match_confidence=Decimal("0.7"),
        platform_data={"listing": {"name": "Topi", "sku": "TP-1", "base_price": "20000"}},
    )


def test_mapping_review_actions(api, organization, other_organization):
    mapping = _suggestion(organization)
    url = f"/api/v1/mappings/{mapping.pk}/"
    assert api.get(url).json()["review_status"] == "needs_review"
    assert api.post(f"{url}confirm/").json()["review_status"] == "confirmed"
    rejected = api.post(f"{url}reject/").json()
    assert rejected["review_status"] == "rejected" and rejected["master_product_sku"] == "TP-1"
    target = MasterProductFactory(organization=organization)
    relinked = api.post(f"{url}relink/", {"master_product": str(target.pk)}, format="json")
    assert relinked.json()["master_product"] == str(target.pk)
    foreign = MasterProductFactory(organization=other_organization)
    refused = api.post(f"{url}relink/", {"master_product": str(foreign.pk)}, format="json")
    assert refused.status_code == 400 and "master_product" in refused.json()["error"]["fields"]


def test_an_automatic_link_says_how_it_was_made_and_can_be_split(api, viewer_api, organization):
    product = MasterProductFactory(organization=organization, sku="KAOS-K12")
    PlatformMappingFactory(master_product=product, platform="shopee", is_source=True)
    auto = PlatformMappingFactory(
        master_product=product,
        platform="tiktokshop",
        match_method="similarity",
        review_status="auto",
        match_confidence=Decimal("0.912"),
        match_candidates=[{"product": str(product.pk), "confidence": "0.912"}],
        platform_data={
            "listing": {"name": "Kaos K12", "sku": "1", "base_price": "99000"},
            "sku_note": {"reason": "placeholder", "template": "", "params": {}},
        },
    )
    url = f"/api/v1/mappings/{auto.pk}/"
    shown = api.get(url).json()
    assert (shown["match_method"], shown["match_confidence"], shown["review_status"]) == (
        "similarity",
        "0.912",
        "auto",
    )
    assert shown["match_candidates"][0]["product"] == str(product.pk)
    assert viewer_api.post(f"{url}split/").status_code == 403
    split = api.post(f"{url}split/").json()
    assert split["master_product"] != str(product.pk) and split["review_status"] == "rejected"
    # Its own product does not take the placeholder SKU `1`.
    assert split["master_product_sku"] == f"TTS-{auto.platform_product_id}"
    # A listing alone on its product stays where it is.
    again = api.post(f"{url}split/").json()
    assert again["master_product"] == split["master_product"]
    only = api.get("/api/v1/mappings/", {"review_reason": "ambiguous"}).json()["results"]
    assert only == []


def test_mapping_filters(api, organization):
    _suggestion(organization)
    PlatformMappingFactory(master_product__organization=organization, platform="shopee")
    rows = api.get("/api/v1/mappings/", {"review_status": "needs_review"}).json()["results"]
    assert [r["platform"] for r in rows] == ["tiktokshop"]
    assert (
        len(api.get("/api/v1/mappings/", {"platform": ["shopee", "tiktokshop"]}).json()["results"])
        == 2
    )


@pytest.mark.django_db(transaction=True)
def test_start_follow_and_cancel_an_import(api, viewer_api, sandbox, organization):
    connection = connect_sandbox(sandbox, organization, "shopee")
    started = api.post("/api/v1/import-jobs/", {"connection": connection.pk}, format="json")
    assert started.status_code == 201, started.content
    job = started.json()
    assert job["status"] == "queued" and job["progress"]["percent"] is None
    assert OrmQ.objects.count() == 1  # queued for the worker after commit
    again = api.post("/api/v1/import-jobs/", {"connection": connection.pk}, format="json")
    assert again.status_code == 409 and "already has an import" in again.json()["error"]["message"]
    assert (
        viewer_api.post(
            "/api/v1/import-jobs/", {"connection": connection.pk}, format="json"
        ).status_code
        == 403
    )
    cancelled = api.post(f"/api/v1/import-jobs/{job['id']}/cancel/").json()
    assert cancelled["status"] == "cancelled"
    assert ImportJob.objects.get(pk=job["id"]).status == "cancelled"


@pytest.mark.django_db(transaction=True)
def test_connections_never_show_secrets(owner_api, api, viewer_api, sandbox, organization):
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    body = owner_api.get(f"/api/v1/connections/{connection.pk}/").content.decode()
    for secret in (connection.app_secret, connection.access_token, connection.refresh_token):
        assert secret not in body
    data = owner_api.get(f"/api/v1/connections/{connection.pk}/").json()
    assert data["has_access_token"] is True and "access_token" not in data
    tested = owner_api.post(f"/api/v1/connections/{connection.pk}/test/").json()
    assert tested == {"ok": True, "shop": "Toko Sandbox TikTok (ID)"}
    # Merchandisers test connections too (as in the admin); viewers only read.
    assert api.post(f"/api/v1/connections/{connection.pk}/test/").status_code == 200
    assert viewer_api.post(f"/api/v1/connections/{connection.pk}/test/").status_code == 403


def test_pricing_quote_reverse_and_forward(api):
    reverse = api.post(
        "/api/v1/pricing/quote/",
        {
            "platform": "tiktokshop",
            "cost": "50000",
            "target_margin": "20",
            "affiliate_percent": "10",
            "on": "2026-03-01",
        },
        format="json",
    ).json()
    breakdown = reverse["quotes"]["tiktokshop"]["breakdown"]
    assert breakdown["list_price"] == "82000.00" and breakdown["profit"] == "16425.00"
    assert "6.97" in reverse["quotes"]["tiktokshop"]["fee_rule"]
    both = api.post(
        "/api/v1/pricing/quote/", {"price": "100000", "cost": "60000"}, format="json"
    ).json()["quotes"]
    assert set(both) == {"shopee", "tiktokshop"}
    unreachable = api.post(
        "/api/v1/pricing/quote/",
        {"platform": "tiktokshop", "cost": "50000", "target_margin": "99"},
        format="json",
    ).json()
    assert "cannot be reached" in unreachable["quotes"]["tiktokshop"]["error"]
    invalid = api.post("/api/v1/pricing/quote/", {"cost": "1"}, format="json")
    assert invalid.status_code == 400 and invalid.json()["error"]["message"]


def test_quality_summary(api, organization):
    PlatformMappingFactory(
        master_product__organization=organization,
        quality_score=90,
        quality_issues=[{"recommendation": "Add images"}],
    )
    PlatformMappingFactory(
        master_product__organization=organization,
        quality_score=30,
        quality_issues=[{"recommendation": "Add images"}],
    )
    summary = api.get("/api/v1/quality/summary/").json()
    assert summary["tiers"]["shopee"] == {"good": 1, "fair": 0, "poor": 1, "unscored": 0}
    assert summary["common_findings"] == [{"finding": "Add images", "count": 2}]


def test_schema_is_valid_openapi_and_docs_are_served_locally(api, client, merchandiser):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/products/" in schema["paths"]
    client.force_login(merchandiser)
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/" in docs

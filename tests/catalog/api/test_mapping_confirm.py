"""POST /api/v1/mappings/{id}/confirm/ follows the admin's rule: a listing kept apart on a
product of its own (its SKU is also on another product) has no match to confirm."""

from decimal import Decimal

import pytest

from tests.factories import MasterProductFactory, PlatformMappingFactory

pytestmark = pytest.mark.django_db

MAPPINGS = "/api/v1/mappings/"


def _kept_apart(organization):
    first = MasterProductFactory(organization=organization, sku="KAOS-1", name="Kaos Pertama")
    PlatformMappingFactory(master_product=first, platform_sku="KAOS-1", is_source=True)
    own = MasterProductFactory(organization=organization, sku="KAOS-1-555")
    kept = PlatformMappingFactory(
        master_product=own,
        platform="tiktokshop",
        platform_sku="KAOS-1",
        match_method="new",
        review_status="needs_review",
        review_reason="duplicate_sku",
        is_source=True,
    )
    return kept, first


def test_confirming_a_duplicate_sku_listing_is_a_400_that_says_what_to_do(api, organization):
    kept, first = _kept_apart(organization)
    response = api.post(f"{MAPPINGS}{kept.pk}/confirm/")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["status"], error["code"], error["fields"]) == (400, "invalid", {})
    assert "SKU is also on another product" in error["message"]
    assert "relink" in error["message"] and "split" in error["message"]
    own = kept.master_product_id
    kept.refresh_from_db()
    assert (kept.review_status, kept.master_product_id) == ("needs_review", own)
    # What the message points to works: relink puts it on the product with the SKU.
    relinked = api.post(f"{MAPPINGS}{kept.pk}/relink/", {"master_product": str(first.pk)})
    assert relinked.status_code == 200 and relinked.json()["master_product"] == str(first.pk)


def test_a_listing_on_a_product_of_its_own_has_nothing_to_confirm(api, organization):
    alone = PlatformMappingFactory(master_product__organization=organization)  # "new", auto
    response = api.post(f"{MAPPINGS}{alone.pk}/confirm/")
    assert response.status_code == 400
    assert "product of its own" in response.json()["error"]["message"]
    alone.refresh_from_db()
    assert alone.review_status == "auto"


def test_a_suggested_match_is_still_confirmed(api, organization):
    suggestion = PlatformMappingFactory(
        master_product__organization=organization,
        match_method="similarity",
        review_status="needs_review",
        match_confidence=Decimal("0.8"),
    )
    response = api.post(f"{MAPPINGS}{suggestion.pk}/confirm/")
    assert response.status_code == 200 and response.json()["review_status"] == "confirmed"


def test_another_organizations_listing_stays_a_404(api, other_organization):
    kept, _first = _kept_apart(other_organization)
    assert api.post(f"{MAPPINGS}{kept.pk}/confirm/").status_code == 404

"""Issue #19 follow-ups in the catalog admin: the listing list's merged Match column, filter
titles, the product page's listings table, the review queue's names and messages, and one
percent format for every match confidence."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from catalog.admin_mappings import PlatformMappingAdmin
from catalog.admin_quality import bar_chart
from catalog.models import PlatformMapping
from catalog.services import (
    MappingNotConfirmable,
    mapping_confirm,
    mappings_split_for_bulk_confirm,
)
from tests.factories import MasterProductFactory, PlatformMappingFactory

pytestmark = pytest.mark.django_db

LISTINGS = reverse("admin:catalog_platformmapping_changelist")
PRODUCTS = reverse("admin:catalog_masterproduct_changelist")
QUEUE = reverse("admin:catalog_matchreview_changelist")


def _text(response) -> str:
    """The page with its whitespace collapsed, as a person reads it."""
    return re.sub(r"\s+", " ", response.content.decode())


def _suggestion(organization, confidence: str, **extra) -> PlatformMapping:
    master = MasterProductFactory(organization=organization, name="Kaos Polos K12")
    PlatformMappingFactory(master_product=master, platform="shopee", is_source=True)
    return PlatformMappingFactory(
        master_product=master,
        platform="tiktokshop",
        platform_title="Kaos Polos K12 Pria",
        match_method="similarity",
        review_status="needs_review",
        match_confidence=Decimal(confidence),
        platform_data={"listing": {"name": "Kaos Polos K12 Pria", "sku": "TT1"}},
        **extra,
    )


def _kept_apart(organization) -> PlatformMapping:
    """A listing whose SKU is already on another product, kept apart on its own copy."""
    first = MasterProductFactory(organization=organization, sku="KAOS-1", name="Kaos Pertama")
    PlatformMappingFactory(master_product=first, platform_sku="KAOS-1", is_source=True)
    own = MasterProductFactory(organization=organization, sku="KAOS-1-555")
    return PlatformMappingFactory(
        master_product=own,
        platform_product_id="555",
        platform_sku="KAOS-1",
        match_method="new",
        review_status="needs_review",
        review_reason="duplicate_sku",
        is_source=True,
        platform_data={"listing": {"name": "Kaos", "sku": "KAOS-1", "base_price": "99000"}},
    )


# --- 1. the listing list: one Match column, no SEO score ---------------------------------
def _column(name: str) -> int:
    # The changelist's `o` counts the action checkbox Django puts first.
    return 1 + list(PlatformMappingAdmin.list_display).index(name)


def test_listing_list_merges_the_match_columns_and_drops_the_seo_score(
    merchandiser_client, organization
):
    _suggestion(organization, "0.725")
    content = _text(merchandiser_client.get(LISTINGS))
    # 0.725 rounds half up, as every percentage in the admin does (an f-string said 72%).
    assert "Similar title · 73% / Needs review" in content
    assert "column-seo_quality_score" not in content
    for gone in ("column-match_method", "column-review_status", "column-confidence"):
        assert gone not in content
    assert 'class="sortable column-match' in content


def test_the_match_column_sorts_by_confidence_and_the_filters_still_narrow(
    merchandiser_client, organization
):
    low = _suggestion(organization, "0.60", platform_product_id="111")
    high = _suggestion(organization, "0.95", platform_product_id="999")
    high.review_status = "confirmed"
    high.save(update_fields=["review_status"])
    rising = merchandiser_client.get(LISTINGS, {"o": str(_column("match"))}).content.decode()
    assert rising.index(">111<") < rising.index(">999<")
    falling = merchandiser_client.get(LISTINGS, {"o": f"-{_column('match')}"}).content.decode()
    assert falling.index(">999<") < falling.index(">111<")
    confirmed = merchandiser_client.get(LISTINGS, {"review_status__exact": "confirmed"})
    assert ">999<" in confirmed.content.decode() and ">111<" not in confirmed.content.decode()
    low.match_method = "sku"
    low.save(update_fields=["match_method"])
    by_sku = merchandiser_client.get(LISTINGS, {"match_method__exact": "sku"}).content.decode()
    assert ">111<" in by_sku and ">999<" not in by_sku


def test_a_listing_without_confidence_shows_method_and_status(merchandiser_client, organization):
    PlatformMappingFactory(
        master_product__organization=organization, match_method="sku", review_status="auto"
    )
    assert "Same SKU / Automatic" in _text(merchandiser_client.get(LISTINGS))


def test_the_listing_page_still_shows_the_seo_score(merchandiser_client, organization):
    mapping = PlatformMappingFactory(
        master_product__organization=organization, seo_quality_score=64
    )
    page = merchandiser_client.get(
        reverse("admin:catalog_platformmapping_change", args=[mapping.pk])
    ).content.decode()
    assert 'name="seo_quality_score"' in page and 'value="64"' in page


# --- 2. the product page's listings table ------------------------------------------------
def test_product_listings_table_has_no_shop_id_and_a_rounded_match(
    merchandiser_client, organization
):
    suggestion = _suggestion(organization, "0.125")
    page = merchandiser_client.get(
        reverse("admin:catalog_masterproduct_change", args=[suggestion.master_product_id])
    ).content.decode()
    assert "platform_shop_id" not in page
    assert "Similar title · 13%" in page  # half up: the old f-string wrote 12%


# --- 4. filter titles -------------------------------------------------------------------
def test_product_filters_are_titled_platform_and_platform_listings(merchandiser_client):
    content = _text(merchandiser_client.get(PRODUCTS))
    assert "By platform " in content and "By platform listings" in content
    assert "listed on" not in content and "has platform mappings" not in content


# --- 3. the review queue's names and messages -------------------------------------------
def test_review_queue_names_read_as_sentences(merchandiser_client, organization):
    _suggestion(organization, "0.72")
    _suggestion(organization, "0.81")
    content = _text(merchandiser_client.get(QUEUE))
    assert "Select match to change" in content
    assert "2 matches to review" in content
    assert "match to review" not in content.replace("matches to review", "")
    assert "review queue" not in content.lower()


def test_bulk_reject_counts_the_matches(merchandiser_client, organization):
    one = _suggestion(organization, "0.72")
    response = merchandiser_client.post(
        QUEUE, {"action": "reject", "_selected_action": [one.pk]}, follow=True
    )
    assert "1 match rejected." in response.content.decode()
    two = [_suggestion(organization, "0.7").pk, _suggestion(organization, "0.71").pk]
    response = merchandiser_client.post(
        QUEUE, {"action": "reject", "_selected_action": two}, follow=True
    )
    assert "2 matches rejected." in response.content.decode()
    rejected = PlatformMapping.objects.filter(pk__in=[one.pk, *two], review_status="rejected")
    assert rejected.count() == 3


# --- 5. one percent format for confidences ------------------------------------------------
def test_queue_and_match_page_round_confidence_half_up(merchandiser_client, organization):
    suggestion = _suggestion(organization, "0.725")
    other = MasterProductFactory(organization=organization, sku="KAOS-K13")
    suggestion.match_candidates = [
        {"product": str(suggestion.master_product_id), "confidence": "0.725"},
        {"product": str(other.pk), "confidence": "0.645"},
    ]
    suggestion.save(update_fields=["match_candidates"])
    assert "73% · Similar title" in _text(merchandiser_client.get(QUEUE))
    page = _text(
        merchandiser_client.get(reverse("admin:catalog_matchreview_change", args=[suggestion.pk]))
    )
    # widthratio rounded half to even: 72% and 64%.
    assert "confidence 73%" in page
    assert "<td>65%</td>" in page.replace(" <td>", "<td>")
    indonesian = _text(
        merchandiser_client.get(
            reverse("admin:catalog_matchreview_change", args=[suggestion.pk]),
            HTTP_ACCEPT_LANGUAGE="id",
        )
    )
    assert "keyakinan 73%" in indonesian


def test_quality_chart_shares_are_rounded_like_every_percentage():
    svg = bar_chart({"good": 2, "fair": 1, "poor": 0, "unscored": 0}, "Shopee")
    # Two of three listings: 67%, where the floor division wrote 66%.
    assert "2 (67%)" in svg and "1 (33%)" in svg and "0 (0%)" in svg


# --- 6. no confirming a listing kept apart, wherever it is asked -------------------------
def test_the_service_refuses_to_confirm_a_listing_kept_apart(organization):
    kept = _kept_apart(organization)
    with translation.override("en"), pytest.raises(MappingNotConfirmable, match="relink"):
        mapping_confirm(mapping=kept)
    kept.refresh_from_db()
    assert kept.review_status == "needs_review"
    suggestion = _suggestion(organization, "0.8")
    confirmable, refused = mappings_split_for_bulk_confirm([kept, suggestion])
    assert (confirmable, refused) == ([suggestion], [kept])
    assert mapping_confirm(mapping=suggestion).review_status == "confirmed"


def test_the_match_page_refuses_a_confirm_for_a_listing_kept_apart(
    merchandiser_client, organization
):
    kept = _kept_apart(organization)
    response = merchandiser_client.post(
        reverse("admin:catalog_matchreview_confirm", args=[kept.pk]), follow=True
    )
    kept.refresh_from_db()
    assert kept.review_status == "needs_review"
    content = _text(response)
    assert "Its SKU is also on another product" in content and 'id="keep-apart"' in content


def test_a_listing_on_its_own_product_offers_no_confirm_button(merchandiser_client, organization):
    suggestion = _suggestion(organization, "0.7")
    merchandiser_client.post(reverse("admin:catalog_matchreview_reject", args=[suggestion.pk]))
    page = merchandiser_client.get(
        reverse("admin:catalog_matchreview_change", args=[suggestion.pk])
    ).content.decode()
    assert 'id="confirm-match"' not in page and 'id="keep-apart"' in page

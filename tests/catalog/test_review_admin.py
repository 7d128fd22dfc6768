"""The review queue, SKU rule preview and product differences in the admin."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import MasterProduct, PlatformMapping, SkuRule
from tests.factories import MasterProductFactory, PlatformMappingFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:catalog_matchreview_changelist")


def _suggestion(organization, confidence="0.72", title="Kaos Polos K12 Pria"):
    master = MasterProductFactory(
        organization=organization, name="Kaos Polos K12", base_price=Decimal("99000")
    )
    PlatformMappingFactory(
        master_product=master, platform="shopee", is_source=True, match_method="new"
    )
    return PlatformMappingFactory(
        master_product=master,
        platform="tiktokshop",
        platform_title=title,
        match_method="similarity",
        review_status="needs_review",
        match_confidence=Decimal(confidence),
        platform_data={
            "listing": {
                "name": title,
                "base_price": "99000",
                "sku": "TT1",
                "weight_kg": "0.200",
                "variants": [],
            }
        },
    )


def test_queue_lists_suggestions_side_by_side_with_bounded_queries(
    merchandiser_client, organization, django_assert_max_num_queries
):
    for _ in range(3):
        _suggestion(organization)
    PlatformMappingFactory(master_product__organization=organization, review_status="auto")
    with django_assert_max_num_queries(12):
        page = merchandiser_client.get(QUEUE)
    content = page.content.decode()
    assert content.count("Kaos Polos K12 Pria") == 3
    assert "Rp 99.000" in content and "72% · Similar title" in content


def test_confirm_and_reject_from_the_match_page(merchandiser_client, organization):
    suggestion = _suggestion(organization)
    page = merchandiser_client.get(
        reverse("admin:catalog_matchreview_change", args=[suggestion.pk])
    ).content.decode()
    assert 'id="side-by-side"' in page and "Kaos Polos K12 Pria" in page
    merchandiser_client.post(reverse("admin:catalog_matchreview_confirm", args=[suggestion.pk]))
    suggestion.refresh_from_db()
    assert suggestion.review_status == "confirmed"

    other = _suggestion(organization, title="Kaos Polos K99 Wanita")
    old_master = other.master_product_id
    merchandiser_client.post(reverse("admin:catalog_matchreview_reject", args=[other.pk]))
    other.refresh_from_db()
    assert other.review_status == "rejected" and other.master_product_id != old_master
    assert other.master_product.name == "Kaos Polos K99 Wanita"
    assert other.master_product.sku == "TT1"
    assert other.is_source


def test_relink_to_another_product(merchandiser_client, organization):
    suggestion = _suggestion(organization)
    target = MasterProductFactory(organization=organization, sku="KAOS-OTHER")
    url = reverse("admin:catalog_matchreview_change", args=[suggestion.pk])
    response = merchandiser_client.post(url, {"master_product": str(target.pk)})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.master_product_id == target.pk
    assert (suggestion.match_method, suggestion.review_status) == ("manual", "confirmed")


def test_bulk_confirm_above_a_confidence(merchandiser_client, organization):
    high = _suggestion(organization, confidence="0.93")
    low = _suggestion(organization, confidence="0.65")
    merchandiser_client.post(
        QUEUE, {"action": "confirm_above_90", "_selected_action": [high.pk, low.pk]}
    )
    high.refresh_from_db()
    low.refresh_from_db()
    assert (high.review_status, low.review_status) == ("confirmed", "needs_review")


def test_viewers_cannot_decide_matches(client, viewer, organization):
    suggestion = _suggestion(organization)
    client.force_login(viewer)
    response = client.post(reverse("admin:catalog_matchreview_confirm", args=[suggestion.pk]))
    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.review_status == "needs_review"


def test_other_organizations_matches_are_invisible(merchandiser_client, other_organization):
    foreign = _suggestion(other_organization, title="Rahasia Toko Lain")
    assert "Rahasia Toko Lain" not in merchandiser_client.get(QUEUE).content.decode()
    response = merchandiser_client.post(
        reverse("admin:catalog_matchreview_confirm", args=[foreign.pk])
    )
    assert response.status_code == 404


def test_sku_rule_preview_and_saving_renormalizes(merchandiser_client, owner, client, organization):
    product = MasterProductFactory(organization=organization, sku="TT-KAOS-01")
    client.force_login(owner)
    response = client.post(
        reverse("admin:catalog_skurule_add"),
        {
            "organization": organization.pk,
            "position": 0,
            "action": "strip_prefix",
            "value": "TT-",
            "replacement": "",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.sku_normalized == "kaos-01"
    preview = client.post(
        reverse("admin:catalog_skurule_test"),
        {"organization": organization.pk, "skus": "TT-Sepatu 42\nkaos-01"},
    ).content.decode()
    assert "<code>sepatu42</code>" in preview and "<code>kaos-01</code>" in preview
    assert SkuRule.objects.count() == 1


def test_product_page_shows_locked_fields_where_the_platform_differs(
    merchandiser_client, organization
):
    product = MasterProductFactory(
        organization=organization, name="Nama Saya", locked_fields=["name"]
    )
    PlatformMappingFactory(
        master_product=product,
        platform_data={"listing": {"name": "Nama Di Shopee", "base_price": "104500.00"}},
    )
    page = merchandiser_client.get(
        reverse("admin:catalog_masterproduct_change", args=[product.pk]),
        HTTP_ACCEPT_LANGUAGE="id",
    ).content.decode()
    assert "Nama Di Shopee" in page and "nama 🔒" in page  # the field's name, in Indonesian
    assert "Rp 99.000" in page and "Rp 104.500" in page  # both prices, in rupiah
    helptext = page[page.index('class="help" id="id_base_price_helptext"') :][:120]
    assert "Rp 99.000" in helptext  # the amount being edited, read the rupiah way
    assert 'data-locked="true"' in page
    assert MasterProduct.objects.get(pk=product.pk).name == "Nama Saya"
    assert PlatformMapping.objects.count() == 1


def test_rejecting_a_duplicate_sku_kept_apart_keeps_its_own_product(
    merchandiser_client, organization
):
    # The importer already gave the duplicate its own product ("SKU-<listing id>").
    own = MasterProductFactory(organization=organization, sku="KAOS-1-555")
    duplicate = PlatformMappingFactory(
        master_product=own,
        platform_product_id="555",
        match_method="new",
        review_status="needs_review",
        platform_data={"listing": {"name": "Kaos", "base_price": "99000", "sku": "KAOS-1"}},
    )
    MasterProductFactory(organization=organization, sku="KAOS-1", name="Kaos Yang Pertama")
    products = MasterProduct.objects.filter(organization=organization).count()
    page = merchandiser_client.get(
        reverse("admin:catalog_matchreview_change", args=[duplicate.pk])
    ).content.decode()
    # Compared with the product that already has the SKU, not with its own copy.
    assert "Another listing already uses SKU KAOS-1" in page and "Kaos Yang Pertama" in page
    assert 'id="keep-apart"' in page and 'id="confirm-match"' not in page
    merchandiser_client.post(reverse("admin:catalog_matchreview_reject", args=[duplicate.pk]))
    duplicate.refresh_from_db()
    assert duplicate.review_status == "rejected"
    assert duplicate.master_product_id == own.pk
    assert MasterProduct.objects.filter(organization=organization).count() == products


def test_a_rejected_suggestion_gets_a_free_sku_when_its_own_is_taken(
    merchandiser_client, organization
):
    suggestion = _suggestion(organization)
    MasterProductFactory(organization=organization, sku="TT1")
    MasterProductFactory(organization=organization, sku=f"TT1-{suggestion.platform_product_id}")
    merchandiser_client.post(reverse("admin:catalog_matchreview_reject", args=[suggestion.pk]))
    suggestion.refresh_from_db()
    assert suggestion.review_status == "rejected"
    assert suggestion.master_product.sku == f"TTS-{suggestion.platform_product_id}"


def _kept_apart(organization, rival, listing_id="777", reason="duplicate_sku"):
    """A listing matching kept apart on its own product, conflicting with `rival`."""
    own = MasterProductFactory(organization=organization, sku=f"SKUHT0038-{listing_id}")
    return PlatformMappingFactory(
        master_product=own,
        platform="shopee",
        platform_product_id=listing_id,
        platform_title="Pupuk Cair Kyokan 2L",
        platform_sku="SKUHT0038",
        match_method="new",
        review_status="needs_review",
        review_reason=reason,
        is_source=True,
        match_candidates=[
            {"product": str(rival.pk), "sku": rival.sku, "name": rival.name, "confidence": "0.4"}
        ],
        platform_data={"listing": {"name": "Pupuk Cair Kyokan 2L", "base_price": "90000"}},
    )


def test_the_queue_shows_the_conflicting_product_not_the_listings_own(
    merchandiser_client, organization
):
    rival = MasterProductFactory(organization=organization, sku="SKUHT0038", name="Kyokan 1L Asli")
    kept = _kept_apart(organization, rival)
    suggestion = _suggestion(organization, confidence="0.75")
    content = merchandiser_client.get(QUEUE).content.decode()
    assert "Kyokan 1L Asli" in content  # the candidate column names the rival product
    assert "SKU already used by another listing" in content
    assert f"SKUHT0038-{kept.platform_product_id}" not in content  # not its own copy
    # Ranked by confidence: the suggestion first, the row with none last.
    assert content.index("Kaos Polos K12 Pria") < content.index("Pupuk Cair Kyokan 2L")
    assert suggestion.pk


def test_bulk_confirm_leaves_rows_kept_apart_alone(merchandiser_client, organization):
    rival = MasterProductFactory(organization=organization, sku="SKUHT0038")
    kept = _kept_apart(organization, rival)
    suggestion = _suggestion(organization, confidence="0.95")
    response = merchandiser_client.post(
        QUEUE,
        {"action": "confirm_above_90", "_selected_action": [kept.pk, suggestion.pk]},
        follow=True,
    )
    kept.refresh_from_db()
    suggestion.refresh_from_db()
    assert (suggestion.review_status, kept.review_status) == ("confirmed", "needs_review")
    assert "1 row(s) left for you to open" in response.content.decode()
    merchandiser_client.post(QUEUE, {"action": "confirm", "_selected_action": [kept.pk]})
    kept.refresh_from_db()
    assert kept.review_status == "needs_review"


def test_a_review_row_offers_its_other_candidates(merchandiser_client, organization):
    suggestion = _suggestion(organization)
    other = MasterProductFactory(organization=organization, sku="KAOS-K12-B", name="Kaos K12 B")
    suggestion.match_candidates = [
        {"product": str(suggestion.master_product_id), "confidence": "0.72"},
        {"product": str(other.pk), "confidence": "0.70"},
    ]
    suggestion.save(update_fields=["match_candidates"])
    page = merchandiser_client.get(
        reverse("admin:catalog_matchreview_change", args=[suggestion.pk])
    ).content.decode()
    assert 'id="other-candidates"' in page and "Kaos K12 B" in page and "70%" in page
    merchandiser_client.post(
        reverse("admin:catalog_matchreview_link", args=[suggestion.pk, other.pk])
    )
    suggestion.refresh_from_db()
    assert suggestion.master_product_id == other.pk
    assert (suggestion.match_method, suggestion.review_status) == ("manual", "confirmed")


def test_automatic_links_can_be_audited_and_split(merchandiser_client, organization):
    master = MasterProductFactory(organization=organization, name="Kaos Polos K12")
    PlatformMappingFactory(master_product=master, platform="shopee", is_source=True)
    auto = PlatformMappingFactory(
        master_product=master,
        platform="tiktokshop",
        platform_title="Kaos Polos K12 Hitam",
        match_method="similarity",
        match_confidence=Decimal("0.91"),
        review_status="auto",
        platform_data={"listing": {"name": "Kaos Polos K12 Hitam", "base_price": "99000"}},
    )
    content = merchandiser_client.get(QUEUE, {"review": "automatic"}).content.decode()
    assert "Kaos Polos K12 Hitam" in content and "91% · Similar title" in content
    merchandiser_client.post(
        QUEUE + "?review=automatic", {"action": "reject", "_selected_action": [auto.pk]}
    )
    auto.refresh_from_db()
    assert auto.master_product_id != master.pk and auto.review_status == "rejected"
    assert auto.master_product.name == "Kaos Polos K12 Hitam"

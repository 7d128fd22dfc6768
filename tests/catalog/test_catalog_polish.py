"""Issue #19: saving untouched values locks nothing (admin form, API), rejected suggestions
get a quality score, and the review queue shows a kept-apart listing's real conflict."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from catalog.models import MasterProduct, PlatformMapping
from catalog.services import product_changed_fields, product_save_edit
from imports.services import import_job_run, import_job_start
from tests.api_clients import token_client
from tests.factories import MasterProductFactory, PlatformMappingFactory
from tests.sandbox_fixtures import connect_sandbox

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products/"
MAPPINGS = "/api/v1/mappings/"
QUEUE = reverse("admin:catalog_matchreview_changelist")
DESCRIPTION = "Meja lipat kayu jati.\nUkuran 60 x 40 cm.\n\nMudah dirakit, tanpa alat."


@pytest.fixture
def api(merchandiser):
    return token_client(merchandiser)


def _product(organization, **values) -> MasterProduct:
    defaults = {
        "organization": organization,
        "name": "Meja Lipat Kayu Jati",
        "full_description": DESCRIPTION,
        "short_description": "Meja lipat\nkayu jati",
        "base_price": Decimal("250000.00"),
        "weight_kg": Decimal("2.500"),
        "tags": ["meja", "lipat"],
        "images": [{"url": "https://img.example/meja.jpg"}],  # no alt, no primary mark
        "variants": [{"sku": "MEJA-60", "name": "60 cm", "price": "250000"}],
    }
    return MasterProductFactory(**(defaults | values))


# --- 1. only a real change locks a field ----------------------------------------------------
def test_values_typed_another_way_are_not_changes(organization):
    product = _product(organization)
    product.full_description = DESCRIPTION.replace("\n", "\r\n") + "  \r\n"
    product.short_description = "  Meja lipat\r\nkayu jati"
    product.base_price = Decimal("250000")  # 250000 is 250000.00
    product.weight_kg = Decimal("2.5")
    product.images = [{"url": "https://img.example/meja.jpg", "alt": "", "primary": True}]
    fields = ["full_description", "short_description", "base_price", "weight_kg", "images"]
    assert product_changed_fields(product=product, fields=fields) == []
    product.full_description = DESCRIPTION + "\nGaransi 1 tahun."
    assert product_changed_fields(product=product, fields=fields) == ["full_description"]


def test_saving_text_with_crlf_stores_one_newline_style_and_locks_nothing(organization):
    product = _product(organization)
    product.full_description = DESCRIPTION.replace("\n", "\r\n")
    product_save_edit(product=product, edited_fields=["full_description", "name"])
    product.refresh_from_db()
    assert product.locked_fields == []
    assert product.full_description == DESCRIPTION


def test_api_put_of_the_same_values_locks_nothing(api, organization):
    product = _product(organization)
    body = api.get(f"{PRODUCTS}{product.pk}/").json()
    writable = {
        key: value
        for key, value in body.items()
        if key
        not in {"id", "quality_score", "quality_tier", "quality_issues", "locked_fields"}
        | {"mappings", "created_at", "updated_at"}
    }
    # What a client built on a browser form would send back: CRLF line breaks.
    writable["full_description"] = writable["full_description"].replace("\n", "\r\n")
    response = api.put(f"{PRODUCTS}{product.pk}/", writable, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["locked_fields"] == []
    response = api.patch(
        f"{PRODUCTS}{product.pk}/",
        {"name": product.name, "base_price": "250000", "tags": ["meja", "lipat"]},
        format="json",
    )
    assert response.json()["locked_fields"] == []
    product.refresh_from_db()
    assert product.locked_fields == [] and product.full_description == DESCRIPTION


def test_api_patch_of_a_real_change_locks_that_field_only(api, organization):
    product = _product(organization)
    response = api.patch(
        f"{PRODUCTS}{product.pk}/",
        {"name": product.name, "full_description": DESCRIPTION + "\r\nGaransi 1 tahun."},
        format="json",
    )
    assert response.json()["locked_fields"] == ["full_description"]


def _admin_form_data(client, product: MasterProduct) -> dict:
    """The change form's fields as the page renders them, with a browser's CRLF newlines."""
    page = client.get(reverse("admin:catalog_masterproduct_change", args=[product.pk]))
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = field.prepare_value(form[name].value())
        if isinstance(value, list):
            data[name] = [str(v) for v in value] if name == "locked_fields" else ",".join(value)
        elif value is None:
            data[name] = ""
        else:
            data[name] = str(value).replace("\r\n", "\n").replace("\n", "\r\n")
    inline = "mappings"
    data |= {
        f"{inline}-TOTAL_FORMS": "0",
        f"{inline}-INITIAL_FORMS": "0",
        f"{inline}-MIN_NUM_FORMS": "0",
        f"{inline}-MAX_NUM_FORMS": "1000",
        "_continue": "Save and continue editing",
    }
    return data


def test_admin_save_without_changes_locks_nothing_and_history_says_so(
    merchandiser_client, organization
):
    product = _product(organization)
    url = reverse("admin:catalog_masterproduct_change", args=[product.pk])
    response = merchandiser_client.post(url, _admin_form_data(merchandiser_client, product))
    assert response.status_code == 302, response.context["adminform"].form.errors
    product.refresh_from_db()
    assert product.locked_fields == []
    assert product.full_description == DESCRIPTION
    entry = LogEntry.objects.get(object_id=str(product.pk))
    assert entry.get_change_message() == "No fields changed."


def test_admin_real_edit_still_locks_and_is_in_history(merchandiser_client, organization):
    product = _product(organization)
    url = reverse("admin:catalog_masterproduct_change", args=[product.pk])
    data = _admin_form_data(merchandiser_client, product)
    data["full_description"] += "\r\nGaransi 1 tahun."
    assert merchandiser_client.post(url, data).status_code == 302
    product.refresh_from_db()
    assert product.locked_fields == ["full_description"]
    assert product.full_description == DESCRIPTION + "\nGaransi 1 tahun."
    message = LogEntry.objects.get(object_id=str(product.pk)).get_change_message()
    assert "Full description" in message


# --- 5. a rejected suggestion's product is scored -------------------------------------------
def _suggestion(organization) -> PlatformMapping:
    master = MasterProductFactory(organization=organization, name="Kaos Polos K12")
    PlatformMappingFactory(master_product=master, platform="shopee", is_source=True)
    return PlatformMappingFactory(
        master_product=master,
        platform="tiktokshop",
        platform_title="Kaos Polos K12 Oversize Pria",
        match_method="similarity",
        review_status="needs_review",
        match_confidence=Decimal("0.72"),
        platform_data={
            "listing": {
                "name": "Kaos Polos K12 Oversize Pria",
                "sku": "TT-K12",
                "base_price": "99000",
                "full_description": "Kaos katun combed 30s, adem dipakai seharian. " * 4,
                "images": [{"url": "https://img.example/k12.jpg", "primary": True}],
            }
        },
    )


def test_rejecting_in_the_admin_scores_the_new_product(merchandiser_client, organization, api):
    suggestion = _suggestion(organization)
    merchandiser_client.post(reverse("admin:catalog_matchreview_reject", args=[suggestion.pk]))
    suggestion.refresh_from_db()
    product = suggestion.master_product
    assert product.name == "Kaos Polos K12 Oversize Pria"
    assert product.quality_score is not None and product.quality_issues
    assert suggestion.quality_score is not None  # the listing scored against its product
    assert api.get(f"{PRODUCTS}{product.pk}/").json()["quality_score"] == product.quality_score


def test_rejecting_through_the_api_scores_the_new_product(api, organization):
    suggestion = _suggestion(organization)
    assert api.post(f"{MAPPINGS}{suggestion.pk}/reject/").status_code == 200
    suggestion.refresh_from_db()
    body = api.get(f"{PRODUCTS}{suggestion.master_product_id}/").json()
    assert isinstance(body["quality_score"], int) and body["quality_tier"]


# --- 3. the queue shows a kept-apart listing's conflict; bulk confirm leaves it -------------
def _kept_apart_without_candidates(organization) -> tuple[PlatformMapping, MasterProduct]:
    """Two listings with one SKU in one import: the second kept apart on its own copy, with no
    candidate recorded (as imports made them before matching recorded one)."""
    first = MasterProductFactory(
        organization=organization,
        sku="RSS-000037",
        name="Fantech Mouse Wireless A994",
        base_price=Decimal("330900"),
        weight_kg=Decimal("0.086"),
    )
    PlatformMappingFactory(master_product=first, platform_sku="RSS-000037", is_source=True)
    own = MasterProductFactory(
        organization=organization,
        sku="RSS-000037-800000038",
        name="Fantech Mouse Wireless A994",
        base_price=Decimal("310000"),
    )
    kept = PlatformMappingFactory(
        master_product=own,
        platform_product_id="800000038",
        platform_title="Fantech Mouse Wireless A994",
        platform_sku="RSS-000037",
        match_method="new",
        review_status="needs_review",
        review_reason="duplicate_sku",
        is_source=True,
        platform_data={"listing": {"name": "Fantech Mouse Wireless A994", "base_price": "310000"}},
    )
    return kept, first


def test_a_kept_apart_row_names_the_product_sharing_its_sku(merchandiser_client, organization):
    kept, _first = _kept_apart_without_candidates(organization)
    content = merchandiser_client.get(QUEUE).content.decode()
    row = content[content.index(f'value="{kept.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Duplicate SKU: also on RSS-000037" in row
    assert "RSS-000037-800000038" not in row  # not its own copy
    assert "its own product" not in row and "⇄" not in row and "≠" in row
    assert "Rp 330.900" in row  # the other product's price, not its own copy's
    assert "0.086 kg" in row


def test_bulk_confirm_refuses_kept_apart_rows_and_says_why(merchandiser_client, organization):
    kept, _first = _kept_apart_without_candidates(organization)
    suggestion = _suggestion(organization)
    response = merchandiser_client.post(
        QUEUE,
        {"action": "confirm", "_selected_action": [kept.pk, suggestion.pk]},
        follow=True,
    )
    kept.refresh_from_db()
    suggestion.refresh_from_db()
    assert (kept.review_status, suggestion.review_status) == ("needs_review", "confirmed")
    content = response.content.decode()
    assert "1 row(s) left for you to open: its SKU is also on another product" in content
    assert "decide on its page" in content and "1 match confirmed." in content


def test_an_import_records_the_product_a_same_batch_duplicate_conflicts_with(
    make_sandbox, organization, merchandiser_client, seeded_fee_rules
):
    sandbox = make_sandbox(products=300)
    connection = connect_sandbox(sandbox, organization, "shopee")
    import_job_run(job_id=import_job_start(connection=connection, queue=False).pk)
    kept = list(PlatformMapping.objects.filter(review_reason="duplicate_sku"))
    assert kept
    for mapping in kept:
        rival_id = mapping.match_candidates[0]["product"]
        rival = MasterProduct.objects.get(pk=rival_id)
        assert rival.pk != mapping.master_product_id
        assert rival.mappings.filter(platform_sku=mapping.platform_sku).exists()


def test_a_rejected_title_suggestion_is_not_shown_as_a_sku_conflict(
    merchandiser_client, organization
):
    suggestion = _suggestion(organization)
    merchandiser_client.post(reverse("admin:catalog_matchreview_reject", args=[suggestion.pk]))
    content = merchandiser_client.get(QUEUE, {"review": "rejected"}).content.decode()
    row = content[content.index(f'value="{suggestion.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "its own product" in row and "Duplicate SKU" not in row and "≠" not in row

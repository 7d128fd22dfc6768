"""Catalog curation in the admin: rendering, scoping, search, filters, actions, edits."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import MasterProduct
from core.platforms import Platform
from tests.factories import (
    MasterProductFactory,
    PlatformMappingFactory,
    RawImportRecordFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:catalog_masterproduct_changelist")


def _catalog(organization, size):
    for _ in range(size):
        product = MasterProductFactory(
            organization=organization,
            images=[{"url": "https://cf.shopee.co.id/file/a", "alt": "", "primary": True}],
        )
        PlatformMappingFactory(master_product=product)
        PlatformMappingFactory(master_product=product, platform=Platform.TIKTOKSHOP)


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return captured


def test_changelist_shows_columns_with_rupiah_and_mapping_counts(merchandiser_client, organization):
    product = MasterProductFactory(
        organization=organization, sku="KAOS-77", base_price=Decimal("150000")
    )
    PlatformMappingFactory(master_product=product)
    PlatformMappingFactory(master_product=product, platform=Platform.TIKTOKSHOP)
    content = merchandiser_client.get(CHANGELIST).content.decode()
    assert "KAOS-77" in content
    assert "Rp 150.000" in content
    assert '<td class="field-mapping_count">2</td>' in content


def test_changelist_query_count_does_not_grow_with_rows(merchandiser_client, organization):
    _catalog(organization, 3)
    small = len(_queries_for(merchandiser_client, CHANGELIST))
    _catalog(organization, 30)
    large = len(_queries_for(merchandiser_client, CHANGELIST))
    assert large == small
    assert large <= 12


def test_changelist_never_counts_a_large_table_in_full(merchandiser_client, organization, settings):
    settings.ADMIN_EXACT_COUNT_LIMIT = 5
    _catalog(organization, 12)
    captured = _queries_for(merchandiser_client, CHANGELIST)
    counts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    assert counts, "the paginator should count (bounded)"
    for sql in counts:
        assert "LIMIT 6" in sql, sql
    assert any(q["sql"].startswith("EXPLAIN") for q in captured.captured_queries)


def test_staff_see_only_their_organization(merchandiser_client, organization, other_organization):
    mine = MasterProductFactory(organization=organization, sku="MINE-1")
    theirs = MasterProductFactory(organization=other_organization, sku="THEIRS-1")
    content = merchandiser_client.get(CHANGELIST).content.decode()
    assert "MINE-1" in content
    assert "THEIRS-1" not in content

    other_url = reverse("admin:catalog_masterproduct_change", args=[theirs.pk])
    response = merchandiser_client.get(other_url)
    assert response.status_code == 302  # "does not exist", never the other org's data
    response = merchandiser_client.post(other_url, {"name": "hijacked"})
    theirs.refresh_from_db()
    assert theirs.name != "hijacked"
    assert (
        merchandiser_client.get(
            reverse("admin:catalog_masterproduct_change", args=[mine.pk])
        ).status_code
        == 200
    )


def test_scoping_applies_to_mappings_and_raw_records(
    merchandiser_client, organization, other_organization
):
    PlatformMappingFactory(
        master_product__organization=organization, platform_product_id="MINE111111"
    )
    PlatformMappingFactory(
        master_product__organization=other_organization, platform_product_id="THEIRS99999"
    )
    RawImportRecordFactory(import_job__organization=organization, platform_product_id="2222233333")
    RawImportRecordFactory(
        import_job__organization=other_organization, platform_product_id="8888877777"
    )
    mappings = merchandiser_client.get(
        reverse("admin:catalog_platformmapping_changelist")
    ).content.decode()
    assert "MINE111111" in mappings and "THEIRS99999" not in mappings
    raw = merchandiser_client.get(
        reverse("admin:imports_rawimportrecord_changelist")
    ).content.decode()
    assert "2222233333" in raw and "8888877777" not in raw


def test_superuser_sees_every_organization(client, organization, other_organization):
    MasterProductFactory(organization=organization, sku="MINE-1")
    MasterProductFactory(organization=other_organization, sku="THEIRS-1")
    client.force_login(UserFactory(username="root", is_superuser=True))
    content = client.get(CHANGELIST).content.decode()
    assert "MINE-1" in content and "THEIRS-1" in content
    assert "By organization" in content


def test_viewer_can_read_but_not_change(client, viewer, organization):
    product = MasterProductFactory(organization=organization, name="Asli")
    client.force_login(viewer)
    url = reverse("admin:catalog_masterproduct_change", args=[product.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="name"' not in response.content  # read-only form
    assert client.post(url, {"name": "Diubah"}).status_code == 403
    product.refresh_from_db()
    assert product.name == "Asli"


def test_user_without_membership_sees_nothing(client):
    client.force_login(UserFactory(username="stranger"))
    assert client.get(CHANGELIST).status_code == 403


def test_full_text_search_in_indonesian_and_by_sku(merchandiser_client, organization):
    MasterProductFactory(organization=organization, sku="RUN-1", name="Sepatu Lari Pria")
    MasterProductFactory(
        organization=organization,
        sku="FLN-2",
        name="Kemeja Flanel",
        short_description="Bahan katun untuk berlari pagi",
    )
    MasterProductFactory(organization=organization, sku="TAS-3", name="Tas Ransel")
    content = merchandiser_client.get(CHANGELIST, {"q": "berlari"}).content.decode()
    assert "RUN-1" in content and "FLN-2" in content and "TAS-3" not in content
    content = merchandiser_client.get(CHANGELIST, {"q": "tas-3"}).content.decode()
    assert "TAS-3" in content and "RUN-1" not in content


@pytest.mark.parametrize(
    ("params", "expected", "absent"),
    [
        ({"platform": "tiktokshop"}, "BOTH", "NONE"),
        ({"has_mappings": "no"}, "NONE", "BOTH"),
        ({"has_mappings": "yes"}, "SHOPEE", "NONE"),
        ({"status__exact": "archived"}, "NONE", "BOTH"),
        ({"quality": "good"}, "BOTH", "SHOPEE"),
        ({"category": "Audio"}, "SHOPEE", "BOTH"),
    ],
)
def test_filters(merchandiser_client, organization, params, expected, absent):
    both = MasterProductFactory(organization=organization, sku="BOTH", quality_score=90)
    PlatformMappingFactory(master_product=both)
    PlatformMappingFactory(master_product=both, platform=Platform.TIKTOKSHOP)
    shopee = MasterProductFactory(
        organization=organization, sku="SHOPEE", quality_score=40, category="Audio"
    )
    PlatformMappingFactory(master_product=shopee)
    MasterProductFactory(
        organization=organization, sku="NONE", status=MasterProduct.Status.ARCHIVED
    )
    content = merchandiser_client.get(CHANGELIST, params).content.decode()
    assert f">{expected}<" in content
    assert f">{absent}<" not in content


def test_bulk_archive_changes_status_locks_it_and_logs_history(
    merchandiser_client, organization, merchandiser
):
    products = [MasterProductFactory(organization=organization) for _ in range(3)]
    response = merchandiser_client.post(
        CHANGELIST,
        {
            "action": "mark_archived",
            "_selected_action": [str(p.pk) for p in products[:2]],
        },
        follow=True,
    )
    assert "2 products marked Archived." in response.content.decode()
    statuses = {p.pk: MasterProduct.objects.get(pk=p.pk) for p in products}
    assert statuses[products[0].pk].status == "archived"
    assert "status" in statuses[products[0].pk].locked_fields
    assert statuses[products[2].pk].status == "active"
    assert LogEntry.objects.filter(user=merchandiser).count() == 2


def test_viewer_cannot_run_bulk_actions(client, viewer, organization):
    product = MasterProductFactory(organization=organization)
    client.force_login(viewer)
    client.post(CHANGELIST, {"action": "mark_archived", "_selected_action": [str(product.pk)]})
    product.refresh_from_db()
    assert product.status == "active"


def _form_data(product, **changes):
    data = {
        "organization": product.organization_id,
        "sku": product.sku,
        "name": product.name,
        "brand": "",
        "status": product.status,
        "base_price": str(product.base_price),
        "cost_price": "",
        "currency": "IDR",
        "short_description": "",
        "full_description": "",
        "category": "",
        "subcategory": "",
        "tags": "",
        "weight_kg": "",
        "length_cm": "",
        "width_cm": "",
        "height_cm": "",
        "images": "",
        "variants": "[]",
        "mappings-TOTAL_FORMS": "0",
        "mappings-INITIAL_FORMS": "0",
        "mappings-MIN_NUM_FORMS": "0",
        "mappings-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_editing_a_product_locks_the_edited_fields(merchandiser_client, organization):
    product = MasterProductFactory(organization=organization, name="Kaos Lama")
    url = reverse("admin:catalog_masterproduct_change", args=[product.pk])
    response = merchandiser_client.post(
        url,
        _form_data(
            product,
            name="Kaos Baru Premium",
            tags="kaos, katun",
            images="https://img.example/a.jpg | depan\n*https://img.example/b.jpg | belakang",
            variants='[{"sku": "KAOS-M", "name": "M", "price": "99000"}]',
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    product.refresh_from_db()
    assert product.name == "Kaos Baru Premium"
    assert product.tags == ["kaos", "katun"]
    assert product.images == [
        {"url": "https://img.example/a.jpg", "alt": "depan", "primary": False},
        {"url": "https://img.example/b.jpg", "alt": "belakang", "primary": True},
    ]
    assert product.variants == [{"sku": "KAOS-M", "name": "M", "price": "99000"}]
    assert set(product.locked_fields) == {"name", "tags", "images", "variants"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("images", "not a url", "Line 1: not a url is not a valid http(s) URL."),
        ("images", "*https://a.example/1.jpg\n*https://a.example/2.jpg", "Only one image"),
        ("variants", '[{"name": "M"}]', "Variant 1 has no sku."),
        ("variants", '[{"sku": "A", "price": "murah"}]', "price murah is not a number"),
        ("variants", '{"sku": "A"}', "Variants must be a list"),
        ("base_price", "-5", "greater than or equal to 0"),
        # Hostile input (issue #18): a form error, never a 500.
        ("variants", '[{"sku": "v\\u0000"}]', "found in variants[0].sku"),
        ("variants", '[{"sku": "A", "s\\u0000": 1}]', "found in variants[0].s\\u0000"),
        ("variants", "[" * 2000 + "]" * 2000, "JSON nested deeper than 32 levels."),
        ("variants", '[{"sku": "A", "x": ' + "{}" * 3 + "]", "Enter a valid JSON."),
        ("images", "https://img.example/a.jpg | dep\x00an", "NUL (\\u0000) characters"),
    ],
)
def test_bad_edits_get_a_clear_error_and_change_nothing(
    merchandiser_client, organization, field, value, message
):
    product = MasterProductFactory(organization=organization, name="Tetap")
    url = reverse("admin:catalog_masterproduct_change", args=[product.pk])
    response = merchandiser_client.post(url, _form_data(product, name="Baru", **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    product.refresh_from_db()
    assert product.name == "Tetap"
    assert product.locked_fields == []


def test_mapping_and_raw_record_pages_render(merchandiser_client, organization):
    mapping = PlatformMappingFactory(
        master_product__organization=organization,
        platform_data={"item_name": "Kaos <b>Polos</b>"},
        platform_price=Decimal("76000"),
    )
    record = RawImportRecordFactory(
        import_job__organization=organization, raw_data={"item_name": "Sepatu"}
    )
    listing = merchandiser_client.get(reverse("admin:catalog_platformmapping_changelist"))
    assert "Rp 76.000" in listing.content.decode()
    page = merchandiser_client.get(
        reverse("admin:catalog_platformmapping_change", args=[mapping.pk])
    ).content.decode()
    assert "Kaos &lt;b&gt;Polos&lt;/b&gt;" in page  # payload text is escaped
    raw_url = reverse("admin:imports_rawimportrecord_change", args=[record.pk])
    raw_page = merchandiser_client.get(raw_url).content.decode()
    assert "&quot;item_name&quot;: &quot;Sepatu&quot;" in raw_page
    assert merchandiser_client.post(raw_url, {"processed": "on"}).status_code == 403


def test_product_change_page_shows_image_previews_and_inline_mappings(
    merchandiser_client, organization
):
    product = MasterProductFactory(
        organization=organization,
        images=[{"url": "https://cf.shopee.co.id/file/x1", "alt": "depan", "primary": True}],
    )
    PlatformMappingFactory(master_product=product, platform_product_id="777000")
    url = reverse("admin:catalog_masterproduct_change", args=[product.pk])
    with CaptureQueriesContext(connection) as captured:
        content = merchandiser_client.get(url).content.decode()
    assert 'src="https://cf.shopee.co.id/file/x1"' in content
    assert "777000" in content
    assert "*https://cf.shopee.co.id/file/x1 | depan" in content
    assert len(captured) <= 15

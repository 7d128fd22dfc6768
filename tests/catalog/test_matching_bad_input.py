"""Listings whose SKU or title cannot identify anything: a clear finding, never a crash, never
a merge."""

import pytest

from catalog.models import MasterProduct, PlatformMapping
from imports.models import ImportJob, RawImportRecord
from imports.pipeline.catalog_build import catalog_populate

pytestmark = pytest.mark.django_db


def _shopee(organization, job, item_id, name, sku, price):
    RawImportRecord.objects.create(
        import_job=job,
        organization=organization,
        platform="shopee",
        platform_product_id=str(item_id),
        content_hash=f"s{item_id}",
        raw_data={
            "base_info": {
                "item_id": item_id,
                "item_name": name,
                "item_sku": sku,
                "item_status": "NORMAL",
                "price_info": [{"original_price": price}],
            },
            "models": None,
        },
    )


def _tiktok(organization, job, product_id, title, sku, price):
    RawImportRecord.objects.create(
        import_job=job,
        organization=organization,
        platform="tiktokshop",
        platform_product_id=product_id,
        content_hash=f"t{product_id}",
        raw_data={
            "id": product_id,
            "title": title,
            "status": "ACTIVATE",
            "skus": [{"id": "1", "seller_sku": sku, "price": {"tax_exclusive_price": price}}],
        },
    )


def _problems(product_id: str) -> list[str]:
    raw = RawImportRecord.objects.get(platform_product_id=product_id)
    return [f"{issue['field']}: {issue['problem']}" for issue in raw.processing_errors]


@pytest.mark.parametrize(
    ("sku", "expected"),
    [
        ("", "sku: No SKU: matched by title"),
        ("    ", "sku: No SKU: matched by title"),
        ("X" * 300, "sku: SKU longer than 100 characters: not used to match"),
        ("N/A", "sku: SKU 'N/A' is a placeholder: not used to match"),
        ("-", "sku: SKU '-' is a placeholder: not used to match"),
        ("tidak ada", "sku: SKU 'tidak ada' is a placeholder: not used to match"),
    ],
)
def test_an_unusable_sku_is_named_and_never_links(organization, sku, expected):
    shopee = ImportJob.objects.create(organization=organization, platform="shopee")
    tiktok = ImportJob.objects.create(organization=organization, platform="tiktokshop")
    _shopee(organization, shopee, 1, "Topi Rajut Hitam", sku, 20000)
    # Another product, on the other platform, with the very same unusable SKU.
    _tiktok(organization, tiktok, "9", "Sepatu Lari Putih 42", sku, "350000")
    catalog_populate(organization_id=organization.pk, records=RawImportRecord.objects.all())
    assert any(problem.startswith(expected) for problem in _problems("1")), _problems("1")
    assert MasterProduct.objects.filter(organization=organization).count() == 2
    assert not PlatformMapping.objects.exclude(match_method="new").exists()
    for product in MasterProduct.objects.all():
        assert product.sku.startswith(("SHP-", "TTS-"))  # a generated SKU, not the placeholder


def test_a_title_of_only_emoji_or_escapes_is_named_and_never_merged(organization):
    shopee = ImportJob.objects.create(organization=organization, platform="shopee")
    tiktok = ImportJob.objects.create(organization=organization, platform="tiktokshop")
    _shopee(organization, shopee, 1, "🔥🔥🔥✨", "", 20000)
    _tiktok(organization, tiktok, "9", "\\xe2\\x9d\\xa4\\xe2\\x9d\\xa4", "", "20000")
    report = catalog_populate(
        organization_id=organization.pk, records=RawImportRecord.objects.all()
    )
    assert report.created == 2 and report.title_linked == report.suggested == 0
    for product_id in ("1", "9"):
        assert "name: the title has no words to match on" in _problems(product_id)
    assert not PlatformMapping.objects.exclude(match_method="new").exists()


def test_a_price_of_zero_is_reported_and_never_merged(organization):
    shopee = ImportJob.objects.create(organization=organization, platform="shopee")
    tiktok = ImportJob.objects.create(organization=organization, platform="tiktokshop")
    _shopee(organization, shopee, 1, "Pupuk Cair Kyokan 1L Organik Tanaman", "", 45000)
    _tiktok(organization, tiktok, "9", "Pupuk Cair Kyokan 1L Organik Tanaman", "", "0")
    report = catalog_populate(
        organization_id=organization.pk, records=RawImportRecord.objects.all()
    )
    assert (report.created, report.invalid, report.title_linked, report.suggested) == (1, 1, 0, 0)
    assert "base_price: must be more than zero" in _problems("9")
    zero = RawImportRecord.objects.get(platform_product_id="9")
    assert zero.processed and zero.master_product is None  # kept raw, linked to nothing
    assert zero.raw_data["skus"][0]["price"]["tax_exclusive_price"] == "0"

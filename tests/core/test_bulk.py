"""COPY writes store exactly what the ORM stores."""

import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import MasterProduct
from catalog.populate import MASTER_COPY_FIELDS
from core.bulk import copy_insert

pytestmark = pytest.mark.django_db


def _product(organization, sku):
    now = timezone.now()
    return MasterProduct(
        id=uuid.uuid4(),
        organization=organization,
        sku=sku,
        sku_normalized=sku.casefold(),
        variant_skus=["a-1", "a-2"],
        name="Kemeja Batik Pria Lengan Panjang",
        short_description="Batik tulis asli",
        base_price=Decimal("185000.50"),
        cost_price=Decimal("99000"),
        weight_kg=Decimal("0.350"),
        tags=["batik", "pria"],
        images=[{"url": "https://cdn.example/a.jpg", "primary": True}],
        variants=[{"sku": "A-1", "price": "185000.50", "name": "M"}],
        quality_score=87,
        quality_issues=[{"code": "few_images", "message": "Tambah foto"}],
        created_at=now,
        updated_at=now,
    )


def test_copy_insert_round_trips_like_bulk_create(organization):
    copied, created = _product(organization, "COPY-1"), _product(organization, "ORM-1")
    assert copy_insert(MasterProduct, [copied], MASTER_COPY_FIELDS) == 1
    MasterProduct.objects.bulk_create([created])
    a, b = MasterProduct.objects.get(pk=copied.pk), MasterProduct.objects.get(pk=created.pk)
    for name in MASTER_COPY_FIELDS:
        if name in ("id", "sku", "sku_normalized", "created_at", "updated_at"):
            continue
        assert getattr(a, name) == getattr(b, name), name
    assert a.base_price == Decimal("185000.50") and a.images[0]["primary"] is True
    # The generated full-text column is computed by the database for copied rows too.
    assert MasterProduct.objects.filter(pk=copied.pk, search_vector="batik").exists()


def test_copy_insert_enforces_the_same_constraints(organization):
    from django.db import IntegrityError, transaction

    copy_insert(MasterProduct, [_product(organization, "DUP-1")], MASTER_COPY_FIELDS)
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_insert(MasterProduct, [_product(organization, "DUP-1")], MASTER_COPY_FIELDS)


def test_odd_values_are_stored_as_bulk_create_stores_them(organization):
    """JSON goes through orjson and plain values skip Django's preparation: the stored rows
    must not tell."""
    from django.db import connection

    odd_json = {
        "tiny": [1e-05, 1.5e-07, 0.00001234, -2.5e-9, 1e16, 1e-320],
        "text": 'é 😀 \u2028 \x01 "quoted" \\ / tab\t',
        1: "an int key",
        "nested": [[{"deep": [None, True, False, 0, -0.0, 3.25]}]],
    }
    rows = []
    for sku in ("COPY-ODD", "ORM-ODD"):
        product = _product(organization, sku)
        product.images = odd_json
        product.variants = [{"huge": 2**70}]  # beyond orjson: json.dumps writes it
        product.quality_issues = "a JSON string"
        product.base_price = Decimal("123.456789")
        product.cost_price = None
        product.archived_at = timezone.now().replace(tzinfo=None)  # naive: Django's own way
        rows.append(product)
    with pytest.warns(RuntimeWarning):
        copy_insert(MasterProduct, [rows[0]], MASTER_COPY_FIELDS)
    with pytest.warns(RuntimeWarning):
        MasterProduct.objects.bulk_create([rows[1]])
    skipped = ("id", "sku", "sku_normalized", "created_at", "updated_at")  # bulk_create: now
    columns = [f for f in MASTER_COPY_FIELDS if f not in skipped]
    with connection.cursor() as cursor:
        stored = []
        for row in rows:
            cursor.execute(
                "SELECT "  # noqa: S608 - column names from the model
                + ", ".join(f"{MasterProduct._meta.get_field(f).column}::text" for f in columns)
                + " FROM master_products WHERE id = %s",
                [row.pk],
            )
            stored.append(dict(zip(columns, cursor.fetchone(), strict=True)))
    assert stored[0] == stored[1]
    assert '"1": "an int key"' in stored[0]["images"]

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

"""COPY writes store exactly what the ORM stores."""

import enum
import json
import uuid
from collections import OrderedDict, namedtuple
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import MasterProduct
from catalog.populate import MASTER_COPY_FIELDS
from core.bulk import copy_insert, json_text
from pricing.models import SellerTier

Point = namedtuple("Point", "x y")


class Size(enum.IntEnum):
    L = 3


class Ratio(float):
    pass


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
        "subclasses": [SellerTier.STAR, Size.L, Point(1, 2), Ratio(0.5)],
        "dict subclass": OrderedDict(b=1, a=[SellerTier.MALL]),
    }
    rows = []
    for sku in ("COPY-ODD", "ORM-ODD"):
        product = _product(organization, sku)
        product.images = odd_json
        product.variants = [{"huge": 2**70}]  # beyond orjson: json.dumps writes it
        product.quality_issues = "a JSON string"
        product.tags = ['a "quoted", {braced}', "back\\slash\\", "NULL", "", " spaced ", "é\t\n😀"]
        product.variant_skus = []
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
    assert MasterProduct.objects.get(pk=rows[0].pk).tags == rows[0].tags


def test_json_text_writes_subclasses_as_json_dumps_does():
    """orjson is told to pass subclasses on, so each is written as json.dumps writes it (a
    price breakdown's seller tier is a TextChoices member)."""
    values = [
        {"tier": SellerTier.STAR, "size": Size.L, "at": Point(1, [SellerTier.MALL])},
        [Ratio(0.25), OrderedDict(z=1, a=2)],
        {"not finite": Ratio("inf")},
    ]
    for value in values:
        assert json.loads(json_text(value)) == json.loads(json.dumps(value))
    assert json_text(values[0]) == '{"tier":"star","size":3,"at":[1,["mall"]]}'
    assert json_text(values[2]) == json.dumps(values[2])  # Infinity: json.dumps wrote it


def _same_instance(built, expected):
    """Two unsaved instances alike: every attribute and the state Django keeps."""
    ours = {k: v for k, v in built.__dict__.items() if k != "_state"}
    theirs = {k: v for k, v in expected.__dict__.items() if k != "_state"}
    assert ours == theirs
    assert type(built) is type(expected)
    assert (built._state.adding, built._state.db) == (expected._state.adding, expected._state.db)
    assert built._state.fields_cache.keys() == expected._state.fields_cache.keys()


def test_new_instances_are_the_instances_model_init_builds(organization):
    from catalog.models import PlatformMapping
    from core.bulk import NewInstances
    from imports.models import ImportJob, RawImportRecord

    master = _product(organization, "NEW-1")
    values = {
        "organization_id": organization.pk,
        "master_product": master,
        "platform": "shopee",
        "platform_product_id": "123",
        "match_method": PlatformMapping.MatchMethod.SIMILARITY,
        "seo_keywords": ["batik"],
    }
    built, expected = NewInstances(PlatformMapping)(**values), PlatformMapping(**values)
    _same_instance(built, expected)
    assert built.master_product is master and built.master_product_id == master.pk
    assert built.platform_data == {} and built.platform_data is not expected.platform_data

    product_values = {"organization_id": organization.pk, "sku": "S", "name": "Kaos"}
    one, two = NewInstances(MasterProduct)(**product_values), MasterProduct(**product_values)
    assert isinstance(one.pk, uuid.UUID) and one.pk != two.pk  # a default made for each
    two.id = one.id
    _same_instance(one, two)

    job = ImportJob(pk=7, organization=organization, platform="shopee")
    raw = {"pk": 41, "import_job_id": job.pk, "platform_product_id": "9", "raw_data": {"a": 1}}
    _same_instance(NewInstances(RawImportRecord)(**raw), RawImportRecord(**raw))

    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        NewInstances(PlatformMapping)(colour="red")
    with pytest.raises(ValueError):  # the descriptor's own type check
        NewInstances(PlatformMapping)(master_product=job)
    with pytest.raises(TypeError, match="both 'master_product' and 'master_product_id'"):
        NewInstances(PlatformMapping)(master_product=master, master_product_id=master.pk)
    with pytest.raises(TypeError, match="both 'pk' and 'id'"):
        NewInstances(MasterProduct)(id=uuid.uuid4(), pk=uuid.uuid4())

    from django.db.models import DEFERRED

    deferred = {"organization_id": organization.pk, "platform_title": DEFERRED}
    deferred["master_product"] = DEFERRED
    one, two = NewInstances(PlatformMapping)(**deferred), PlatformMapping(**deferred)
    _same_instance(one, two)
    assert one.get_deferred_fields() == two.get_deferred_fields()
    assert {"master_product_id", "platform_title"} <= one.get_deferred_fields()


def test_new_instances_leave_signalled_models_to_django(organization):
    from django.db.models.signals import post_init

    from core.bulk import NewInstances

    seen = []

    def note(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(note, sender=MasterProduct)
    try:
        product = NewInstances(MasterProduct)(organization_id=organization.pk, sku="S")
    finally:
        post_init.disconnect(note, sender=MasterProduct)
    assert seen == [product]

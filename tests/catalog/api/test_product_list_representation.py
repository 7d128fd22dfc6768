"""The products list is compiled (core.api.representation) and rendered by orjson
(core.api.renderers) for speed: its bytes must stay those of DRF's own serializer and
renderer, which the rest of the API uses."""

import decimal
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Prefetch
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from catalog.api.serializers import MAPPING_FIELDS, ProductSerializer
from catalog.api.views import ProductViewSet
from catalog.models import MasterProduct, PlatformMapping
from core.api.renderers import FastJSONRenderer
from core.api.representation import (
    CompiledListSerializer,
    compiled_representation,
    representation_columns,
)
from core.platforms import Platform
from tests.factories import MasterProductFactory, PlatformMappingFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/products/"


def _drf_page(products: list[MasterProduct]) -> list[dict]:
    """What the list served before: DRF's ListSerializer over model instances, listings
    prefetched as model instances."""
    mappings = PlatformMapping.objects.only("master_product_id", *MAPPING_FIELDS).order_by(
        "platform", "platform_product_id"
    )
    fetched = MasterProduct.objects.filter(pk__in=[p.pk for p in products]).prefetch_related(
        Prefetch("mappings", queryset=mappings, to_attr="listed_mappings")
    )
    by_pk = {product.pk: product for product in fetched}
    return serializers.ListSerializer(
        [by_pk[p.pk] for p in products], child=ProductSerializer()
    ).data


def _catalog(organization) -> None:
    now = timezone.now()
    rich = MasterProductFactory(
        organization=organization,
        name="Kemeja Batik Pria \u2013 motif \u201cparang\u201d\u2028baris baru",
        brand="Batik Keris",
        base_price=Decimal("125000.5"),
        cost_price=Decimal("80000"),
        weight_kg=Decimal("0.25"),
        length_cm=Decimal("30"),
        tags=["batik", "pria"],
        images=[{"url": "https://cdn.example/1.jpg", "alt": "depan", "primary": True}],
        variants=[{"sku": "KB-M", "price": "125000", "stock": 3, "ratio": 0.125}],
        quality_score=72,
        quality_issues=[{"code": "short_title", "weight": 1.5}],
        locked_fields=["name"],
    )
    PlatformMappingFactory(
        master_product=rich,
        platform=Platform.TIKTOKSHOP,
        platform_price=Decimal("140000"),
        fee_percentage=Decimal("11.5"),
        margin_percentage=Decimal("20.07"),
        calculated_at=now - timedelta(hours=1),
        last_synced_at=now,
        seo_title="Kemeja Batik Pria Lengan Panjang",
        seo_keywords=["kemeja", "batik"],
        seo_quality_score=88,
        quality_score=65,
        match_confidence=Decimal("0.912"),
        match_candidates=[{"id": "x", "score": 0.5}],
        listing_platforms=["tiktokshop"],
    )
    PlatformMappingFactory(master_product=rich, platform=Platform.SHOPEE)  # nulls and defaults
    MasterProductFactory(organization=organization, quality_score=None)  # no listings
    for _ in range(3):
        PlatformMappingFactory(master_product=MasterProductFactory(organization=organization))


@pytest.mark.parametrize(
    "ordering",
    [None, *(f"-{name}" for name in ProductViewSet.ordering_fields), "name", "quality_score"],
)
def test_the_list_serves_drfs_own_bytes(api, organization, ordering):
    """Pages are read as `.values()` rows: every page, in any order, cursor included."""
    _catalog(organization)
    response = api.get(URL, {"page_size": 3, **({"ordering": ordering} if ordering else {})})
    assert response.status_code == 200
    rows, bodies = [], b""
    while response is not None:  # every page, later ones by their cursor
        body = response.json()
        products = [MasterProduct.objects.get(pk=row["id"]) for row in body["results"]]
        assert response.content == JSONRenderer().render({**body, "results": _drf_page(products)})
        rows += body["results"]
        bodies += response.content
        response = api.get(body["next"]) if body["next"] else None
    assert sorted(len(row["mappings"]) for row in rows) == [0, 1, 1, 1, 2]
    assert b"\\u2028" in bodies and "\u2028".encode() not in bodies  # escaped, as DRF does


def test_compiled_rows_equal_the_serializers_for_instances_and_values_rows(organization):
    _catalog(organization)
    represent = compiled_representation(ProductSerializer)
    for product in _drf_page(list(MasterProduct.objects.all())):
        instance = MasterProduct.objects.get(pk=product["id"])
        listings = list(
            PlatformMapping.objects.filter(master_product=instance)
            .order_by("platform", "platform_product_id")
            .values(*MAPPING_FIELDS)
        )
        instance.listed_mappings = listings
        row = MasterProduct.objects.values(*representation_columns(ProductSerializer)).get(
            pk=instance.pk
        )
        row["listed_mappings"] = listings
        assert represent(instance) == product
        assert represent(row) == product  # organization read as its id column
        assert ProductSerializer(instance).data == product  # one product: the usual way


class _Amounts(serializers.Serializer):
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, rounding="ROUND_HALF_UP")
    plain = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    whole = serializers.DecimalField(max_digits=None, decimal_places=0)


@pytest.mark.parametrize(
    "amount",
    ["125000.50", "125000.5", "0.00", "-0.00", "-3.10", "1E+2", "123.456", "999.995", "0.1E-7"],
)
def test_compiled_decimals_read_as_drfs(amount):
    """As PostgreSQL sends them (the field's places) and otherwise (DRF quantizes)."""
    represent = compiled_representation(_Amounts)
    row = {name: Decimal(amount) for name in ("price", "rate", "plain", "whole")}
    try:
        expected = _Amounts(row).data
    except decimal.InvalidOperation:  # more digits than the field holds: DRF's own error
        with pytest.raises(decimal.InvalidOperation):
            represent(row)
        return
    assert represent(row) == expected
    compiled = represent(row)
    assert [type(value) for value in compiled.values()] == [type(v) for v in expected.values()]


@pytest.mark.parametrize(
    "data",
    [
        {"text": "a\u2028b\u2029c \u2013 \u00e9", "n": 1, "x": 1.5, "none": None},
        {"list": [True, False, [], {}], "nested": {"a": [1, "b"]}},
        {"when": timezone.now(), "day": timezone.now().date(), "price": Decimal("1.10")},
        {1: "a non-string key"},
        {"big": 2**70},
    ],
)
def test_the_fast_renderer_writes_what_drfs_writes(data):
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_the_fast_renderer_indents_for_the_browsable_api_as_drf_does():
    data = {"a": [1, {"b": "c"}]}
    context = {"indent": 4}
    assert FastJSONRenderer().render(data, None, context) == JSONRenderer().render(
        data, None, context
    )


class _Stamps(serializers.Serializer):
    at = serializers.DateTimeField()
    local = serializers.DateTimeField(default_timezone=timezone.get_fixed_timezone(120))
    day_first = serializers.DateTimeField(format="%d/%m/%Y %H:%M")


@pytest.mark.parametrize("zone", ["UTC", "Asia/Jakarta", "America/St_Johns"])
def test_compiled_timestamps_read_as_drfs_in_any_current_time_zone(zone, settings):
    settings.TIME_ZONE = zone
    represent = compiled_representation(_Stamps)
    moments = [
        timezone.now(),
        timezone.now().replace(microsecond=0),
        timezone.now() - timedelta(days=200),  # the other side of a summer-time change
        timezone.make_naive(timezone.now()),  # a naive value: DRF's own handling
    ]
    rows = [{"at": moment, "local": moment, "day_first": moment} for moment in moments]
    with timezone.override(zone):
        for row in rows:
            assert represent(row) == _Stamps(row).data
        # a list reads the zone once, for all its rows
        listed = CompiledListSerializer(child=_Stamps()).to_representation(rows)
        assert listed == [_Stamps(row).data for row in rows]


class _ListingWithOrganization(serializers.ModelSerializer):
    """Ids DRF must read itself (through a relation): served as ids, as DRF serves them."""

    organization_of_product = serializers.PrimaryKeyRelatedField(
        source="master_product.organization", read_only=True
    )

    class Meta:
        model = PlatformMapping
        fields = ["id", "organization", "master_product", "organization_of_product"]


def test_ids_read_through_a_relation_are_served_as_drf_serves_them(organization):
    _catalog(organization)
    represent = compiled_representation(_ListingWithOrganization)
    for mapping in PlatformMapping.objects.all():
        assert represent(mapping) == _ListingWithOrganization(mapping).data
        assert represent(mapping)["organization_of_product"] == organization.pk

"""Catalog API serializers; writes go through the same services and checks as the admin."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models.manager import BaseManager
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.forms import ImageListField, VariantListField
from catalog.models import MasterProduct, PlatformMapping
from catalog.quality import tier_for
from core.api.representation import CompiledListSerializer
from core.models import Organization
from core.selectors import organizations_for_user

MAPPING_FIELDS = [
    "id",
    "platform",
    "platform_product_id",
    "platform_shop_id",
    "platform_title",
    "platform_sku",
    "listing_status",
    "listing_platforms",
    "platform_price",
    "fee_percentage",
    "margin_percentage",
    "calculated_at",
    "seo_title",
    "seo_keywords",
    "seo_quality_score",
    "quality_score",
    "sync_enabled",
    "sync_status",
    "last_synced_at",
    "match_method",
    "match_confidence",
    "review_status",
    "review_reason",
    "match_candidates",
    "updated_at",
]
LISTED = "listed_mappings"  # the attribute a product's listings are fetched into

HUNDRED = Decimal("100")
# Every rate the API serves or takes is in percent ("20" = 20 %), as sellers write it.
PERCENT_HELP = {
    "fee_percentage": {"help_text": "Fees as a share of what the buyer pays, in percent."},
    "margin_percentage": {
        "help_text": "Profit over what the buyer pays, in percent (20.07 = 20.07 %)."
    },
    "match_confidence": {
        "help_text": "Deprecated: the same confidence as a fraction (0.912); read "
        "match_confidence_percent."
    },
}


class FractionAsPercentField(serializers.DecimalField):
    """A fraction stored 0..1 served in percent like every other rate: 0.912 -> "91.2"."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(max_digits=4, decimal_places=1, **kwargs)

    def to_representation(self, value):
        return super().to_representation(Decimal(value) * HUNDRED)


def _confidence_percent() -> FractionAsPercentField:
    return FractionAsPercentField(
        source="match_confidence",
        allow_null=True,
        help_text="How sure the automatic match was, in percent (91.2 = 91.2 %).",
    )


class BreakdownField(serializers.JSONField):
    """The stored price breakdown with its margin in percent: rows priced before the
    breakdown carried margin_percentage hold only the fraction `margin`."""

    def to_representation(self, value):
        breakdown = dict(value or {})
        margin = breakdown.pop("margin", None)
        if "margin_percentage" not in breakdown and breakdown:
            breakdown["margin_percentage"] = (
                None
                if margin in (None, "")
                else str((Decimal(str(margin)) * HUNDRED).quantize(Decimal("0.01")))
            )
        return super().to_representation(breakdown)


def attach_listed_mappings(products: Sequence[MasterProduct | dict]) -> None:
    """Each product's listings as the API shows them, into `listed_mappings`, in one query:
    only the columns the summary shows (platform_data is large JSON), as plain rows (no
    model instance per listing). Products may be instances or `.values()` rows (the list's)."""
    unfetched: dict = {}
    for product in products:
        if isinstance(product, dict):
            if LISTED not in product:
                unfetched[product["id"]] = product
        elif not hasattr(product, LISTED):
            unfetched[product.pk] = product
    if not unfetched:
        return
    listings = (
        PlatformMapping.objects.filter(master_product_id__in=list(unfetched))
        .order_by("platform", "platform_product_id")
        .values("master_product_id", *MAPPING_FIELDS)
    )
    listed: dict = {pk: [] for pk in unfetched}
    for listing in listings:
        listed[listing["master_product_id"]].append(listing)
    for pk, product in unfetched.items():
        if isinstance(product, dict):
            product[LISTED] = listed[pk]
        else:
            setattr(product, LISTED, listed[pk])


class ProductMappingSerializer(serializers.ModelSerializer):
    match_confidence_percent = _confidence_percent()

    class Meta:
        model = PlatformMapping
        fields = [*MAPPING_FIELDS, "match_confidence_percent"]
        read_only_fields = fields
        extra_kwargs = PERCENT_HELP


class CallerOrganizationField(serializers.PrimaryKeyRelatedField):
    """Only the caller's organizations exist for them: another organization's id and an id
    nobody has get the same answer, so the API is no oracle for which organizations exist."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "does_not_exist": _("No such organization."),
    }

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Organization.objects.none()
        return organizations_for_user(user=request.user)


class ProductListSerializer(CompiledListSerializer):
    """A page of products: the ProductSerializer's fields, compiled (core.api.representation)."""

    def to_representation(self, data) -> list[dict]:
        products = list(data.all() if isinstance(data, BaseManager) else data)
        attach_listed_mappings(products)
        return super().to_representation(products)


class ProductSerializer(serializers.ModelSerializer):
    organization = CallerOrganizationField(required=False)
    mappings = ProductMappingSerializer(many=True, read_only=True, source=LISTED)
    quality_tier = serializers.SerializerMethodField()

    def to_representation(self, instance: MasterProduct) -> dict:
        attach_listed_mappings([instance])
        return super().to_representation(instance)

    class Meta:
        model = MasterProduct
        list_serializer_class = ProductListSerializer
        fields = [
            "id",
            "organization",
            "sku",
            "name",
            "short_description",
            "full_description",
            "brand",
            "base_price",
            "cost_price",
            "currency",
            "weight_kg",
            "length_cm",
            "width_cm",
            "height_cm",
            "category",
            "subcategory",
            "tags",
            "images",
            "variants",
            "status",
            "quality_score",
            "quality_tier",
            "quality_issues",
            "locked_fields",
            "mappings",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "quality_score",
            "quality_issues",
            "locked_fields",
            "created_at",
            "updated_at",
        ]
        # SKU uniqueness per organization is checked in validate(), where the organization
        # may come from the caller's single membership.
        validators: list = []

    @extend_schema_field(serializers.ChoiceField(choices=["good", "fair", "poor", ""]))
    def get_quality_tier(self, obj: MasterProduct | dict) -> str:
        return tier_for(obj["quality_score"] if isinstance(obj, dict) else obj.quality_score)

    def validate_organization(self, organization: Organization) -> Organization:
        allowed = self.context["writable_organizations"]
        if organization.pk not in allowed:
            raise serializers.ValidationError(_("You cannot add products to this organization."))
        if self.instance is not None and organization.pk != self.instance.organization_id:
            raise serializers.ValidationError(_("A product cannot move to another organization."))
        return organization

    def validate_images(self, value):
        return self._django_check(ImageListField(required=False), value)

    def validate_variants(self, value):
        return self._django_check(VariantListField(required=False), value)

    @staticmethod
    def _django_check(field, value):
        # The admin's own field checks, so the API accepts exactly what the admin does.
        try:
            if isinstance(field, ImageListField):
                if value is not None and not isinstance(value, list):
                    raise DjangoValidationError(_("Images must be a list of {url, alt, primary}."))
                for image in value or []:
                    if not isinstance(image, dict) or not image.get("url"):
                        raise DjangoValidationError(_("Each image needs a url."))
                text = "\n".join(
                    ("*" if image.get("primary") else "")
                    + str(image["url"])
                    + (f" | {image['alt']}" if image.get("alt") else "")
                    for image in value or []
                )
                return field.clean(text)
            field.validate(value)
            return value or []
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error

    def validate(self, attrs):
        if self.instance is None and "organization" not in attrs:
            writable = self.context["writable_organizations"]
            if len(writable) != 1:
                raise serializers.ValidationError(
                    {"organization": [_("Say which organization the product belongs to.")]}
                )
            attrs["organization"] = Organization.objects.get(pk=next(iter(writable)))
        organization = attrs.get("organization") or self.instance.organization
        sku = attrs.get("sku", self.instance.sku if self.instance else None)
        clash = MasterProduct.objects.filter(organization=organization, sku=sku)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(
                {"sku": [_("This SKU is already used in the organization.")]}
            )
        return attrs


class MappingSerializer(serializers.ModelSerializer):
    master_product_sku = serializers.CharField(source="master_product.sku", read_only=True)
    match_confidence_percent = _confidence_percent()
    price_breakdown = BreakdownField(
        read_only=True,
        help_text="The fees behind platform_price; its rates (fee_percentage, "
        "margin_percentage) in percent.",
    )

    class Meta:
        model = PlatformMapping
        extra_kwargs = PERCENT_HELP
        fields = [
            *MAPPING_FIELDS,
            "match_confidence_percent",
            "organization",
            "master_product",
            "master_product_sku",
            "variant_links",
            "price_breakdown",
            "seo_findings",
            "quality_issues",
            "created_at",
        ]
        read_only_fields = fields


class RelinkSerializer(serializers.Serializer):
    master_product = serializers.UUIDField()


class QualitySummarySerializer(serializers.Serializer):
    tiers = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    common_findings = serializers.ListField(child=serializers.DictField())

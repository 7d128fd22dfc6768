"""One FilterSet per model, shared by every API list."""

from __future__ import annotations

import django_filters as filters
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Abs
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from catalog.models import SEARCH_CONFIG, MasterProduct, PlatformMapping, PublishKind
from catalog.selectors import quality_tier_q
from core.api.params import MAX_UTC_OFFSET
from core.platforms import Platform

TIER_CHOICES = [("good", "Good"), ("fair", "Fair"), ("poor", "Poor")]


class SaneIsoDateTimeField(IsoDateTimeField):
    def clean(self, value):
        moment = super().clean(value)
        offset = moment.utcoffset() if moment is not None else None
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise ValidationError(_("The time zone offset must be within ±14:00."))
        return moment


class SaneIsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = SaneIsoDateTimeField


def _tier(queryset, field: str, value: str):
    tiers = {tier for tier, _label in TIER_CHOICES}
    return queryset.filter(quality_tier_q(value, field)) if value in tiers else queryset


class ProductFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("Full-text search (Bahasa Indonesia) or SKU"))
    # DRF's conventional name: without it `?search=` was an unknown parameter.
    search = filters.CharFilter(method="filter_q", label=_("The same as q"))
    status = filters.MultipleChoiceFilter(choices=MasterProduct.Status.choices)
    category = filters.CharFilter()
    subcategory = filters.CharFilter()
    brand = filters.CharFilter()
    sku = filters.CharFilter()
    tags = filters.BaseInFilter(
        field_name="tags", method="filter_tags_any", label=_("Any of these tags (comma-separated)")
    )
    tags_all = filters.BaseInFilter(
        field_name="tags", method="filter_tags_all", label=_("All of these tags (comma-separated)")
    )
    platform = filters.ChoiceFilter(
        choices=Platform.choices, method="filter_platform", label=_("Listed on")
    )
    sync_status = filters.ChoiceFilter(
        choices=PlatformMapping.SyncStatus.choices,
        method="filter_mapping",
        label=_("A listing's sync status"),
    )
    review_status = filters.ChoiceFilter(
        choices=PlatformMapping.ReviewStatus.choices,
        method="filter_mapping",
        label=_("A listing's review status"),
    )
    quality_tier = filters.ChoiceFilter(choices=TIER_CHOICES, method="filter_tier")
    quality_min = filters.NumberFilter(field_name="quality_score", lookup_expr="gte")
    quality_max = filters.NumberFilter(field_name="quality_score", lookup_expr="lte")
    price_min = filters.NumberFilter(field_name="base_price", lookup_expr="gte")
    price_max = filters.NumberFilter(field_name="base_price", lookup_expr="lte")
    updated_since = SaneIsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Changed at or after (incremental sync)"),
    )
    organization = filters.NumberFilter(field_name="organization_id")

    class Meta:
        model = MasterProduct
        fields = []

    def filter_q(self, queryset, name, value):
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(
            Q(search_vector=SearchQuery(term, config=SEARCH_CONFIG, search_type="websearch"))
            | Q(sku=term)
            | Q(sku=term.upper())
        )

    def filter_tags_any(self, queryset, name, value):
        return queryset.filter(tags__overlap=list(value)) if value else queryset

    def filter_tags_all(self, queryset, name, value):
        return queryset.filter(tags__contains=list(value)) if value else queryset

    def filter_platform(self, queryset, name, value):
        return queryset.filter(
            Exists(PlatformMapping.objects.filter(master_product=OuterRef("pk"), platform=value))
        )

    def filter_mapping(self, queryset, name, value):
        return queryset.filter(
            Exists(PlatformMapping.objects.filter(master_product=OuterRef("pk"), **{name: value}))
        )

    def filter_tier(self, queryset, name, value):
        return _tier(queryset, "quality_score", value)


class MappingFilterSet(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q", label=_("Listing id, platform SKU, product SKU or words of the title")
    )
    search = filters.CharFilter(method="filter_q", label=_("The same as q"))
    platform = filters.MultipleChoiceFilter(choices=Platform.choices)
    listing_status = filters.MultipleChoiceFilter(
        choices=PlatformMapping._meta.get_field("listing_status").choices
    )
    sync_status = filters.MultipleChoiceFilter(choices=PlatformMapping.SyncStatus.choices)
    review_status = filters.MultipleChoiceFilter(choices=PlatformMapping.ReviewStatus.choices)
    match_method = filters.MultipleChoiceFilter(choices=PlatformMapping.MatchMethod.choices)
    review_reason = filters.MultipleChoiceFilter(
        choices=[c for c in PlatformMapping.ReviewReason.choices if c[0]]
    )
    master_product = filters.UUIDFilter(field_name="master_product_id")
    platform_product_id = filters.CharFilter()
    quality_tier = filters.ChoiceFilter(choices=TIER_CHOICES, method="filter_tier")
    price_min = filters.NumberFilter(field_name="platform_price", lookup_expr="gte")
    price_max = filters.NumberFilter(field_name="platform_price", lookup_expr="lte")
    margin_max = filters.NumberFilter(
        field_name="margin_percentage", lookup_expr="lt", label=_("Margin below (percent)")
    )
    updated_since = SaneIsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    shop = filters.CharFilter(field_name="platform_shop_id", label=_("Shop id"))
    pending = filters.MultipleChoiceFilter(
        choices=PublishKind.choices,
        method="filter_pending",
        label=_("Changes waiting to be published"),
    )
    change_min = filters.NumberFilter(
        method="filter_change_min", label=_("Price change at least (percent, either way)")
    )
    change_max = filters.NumberFilter(
        method="filter_change_max", label=_("Price change at most (percent, either way)")
    )

    class Meta:
        model = PlatformMapping
        fields = []

    def filter_tier(self, queryset, name, value):
        return _tier(queryset, "quality_score", value)

    def filter_pending(self, queryset, name, value):
        return queryset.filter(pending_kinds__overlap=list(value)) if value else queryset

    def filter_change_min(self, queryset, name, value):
        return queryset.annotate(change=Abs("price_change_percent")).filter(change__gte=value)

    def filter_change_max(self, queryset, name, value):
        return queryset.annotate(change=Abs("price_change_percent")).filter(change__lte=value)

    def filter_q(self, queryset, name, value):
        term = value.strip()
        if not term:
            return queryset
        return queryset.filter(
            Q(platform_product_id=term)
            | Q(platform_sku__iexact=term)
            | Q(master_product__sku__iexact=term)
            | Q(platform_title__icontains=term)
            | Q(seo_title__icontains=term)
        )

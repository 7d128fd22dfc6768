"""Catalog endpoints: products, mappings (with review actions), quality summary."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from catalog.api.filters import MappingFilterSet, ProductFilterSet
from catalog.api.serializers import (
    MappingSerializer,
    ProductSerializer,
    QualitySummarySerializer,
    RelinkSerializer,
)
from catalog.findings import finding_text
from catalog.models import MasterProduct, PlatformMapping
from catalog.selectors import common_findings, tier_counts
from catalog.services import (
    MappingNotConfirmable,
    mapping_confirm,
    mapping_reject,
    mapping_relink,
    mapping_split_off,
    product_save_edit,
    products_set_status,
)
from core.api.base import OrganizationScopedMixin, bad_request
from core.api.params import StrictOrderingFilter
from core.api.renderers import FastJSONRenderer
from core.api.representation import representation_columns
from core.roles import Capability


class ProductViewSet(OrganizationScopedMixin, viewsets.ModelViewSet):
    """Master products with their platform listings. DELETE archives (history is kept)."""

    serializer_class = ProductSerializer
    filterset_class = ProductFilterSet
    filter_backends = [*OrganizationScopedMixin.filter_backends, StrictOrderingFilter]
    ordering_fields = ["updated_at", "created_at", "sku", "name", "base_price", "quality_score"]
    lookup_value_regex = "[0-9a-f-]{36}"

    # Pages of products are long: rendered by orjson (the same JSON as DRF's renderer).
    renderer_classes = [
        FastJSONRenderer if renderer is JSONRenderer else renderer
        for renderer in api_settings.DEFAULT_RENDERER_CLASSES
    ]

    def get_queryset(self):
        # The serializers fetch the listings of a page (or a product) in one query.
        return self.scope(MasterProduct.objects.all()).defer("search_vector")

    def paginate_queryset(self, queryset):
        # A page of the list is read as rows of the columns it serves, not model instances
        # (a tenth of the request's time went to building 50 of them); the sort annotations
        # go along for the cursor.
        if self.action == "list":
            columns = representation_columns(ProductSerializer)
            queryset = queryset.values(*columns, *queryset.query.annotation_select)
        return super().paginate_queryset(queryset)

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "writable_organizations": self.writable_organization_ids(),
        }

    def perform_create(self, serializer):
        product = MasterProduct(**serializer.validated_data)
        serializer.instance = product_save_edit(product=product, edited_fields=[], lock=False)

    def perform_update(self, serializer):
        product = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(product, name, value)
        serializer.instance = product_save_edit(
            product=product, edited_fields=list(serializer.validated_data)
        )

    def destroy(self, request, *args, **kwargs):
        product = self.get_object()
        products_set_status(
            products=MasterProduct.objects.filter(pk=product.pk),
            status=MasterProduct.Status.ARCHIVED,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MappingViewSet(
    OrganizationScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Platform listings; confirm, reject or re-link a suggested match; split an automatic
    link."""

    serializer_class = MappingSerializer
    write_capability = Capability.REVIEW_MATCHES  # confirm, reject, split, relink
    filterset_class = MappingFilterSet
    filter_backends = [*OrganizationScopedMixin.filter_backends, StrictOrderingFilter]
    ordering_fields = ["updated_at", "platform_price", "match_confidence", "quality_score"]

    def get_queryset(self):
        return self.scope(
            PlatformMapping.objects.select_related("master_product").defer(
                "platform_data", "master_product__search_vector"
            )
        )

    @extend_schema(
        request=None,
        responses=MappingSerializer,
        description="Agree with the suggested match. A listing kept apart on a product of its "
        "own (its SKU is also on another product) has none: 400, relink or split it instead.",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        try:
            mapping = mapping_confirm(mapping=self.get_object())
        except MappingNotConfirmable as error:
            return bad_request(str(error))
        return Response(self.get_serializer(mapping).data)

    @extend_schema(request=None, responses=MappingSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        mapping = self.get_object()
        mapping_reject(mapping=PlatformMapping.objects.get(pk=mapping.pk))
        return Response(self.get_serializer(self.get_queryset().get(pk=mapping.pk)).data)

    @extend_schema(
        request=None,
        responses=MappingSerializer,
        description="Undo a link (automatic or not): the listing gets a product of its own, "
        "and later imports and re-matching leave it there.",
    )
    @action(detail=True, methods=["post"])
    def split(self, request, pk=None):
        mapping = self.get_object()
        mapping_split_off(mapping=PlatformMapping.objects.get(pk=mapping.pk))
        return Response(self.get_serializer(self.get_queryset().get(pk=mapping.pk)).data)

    @extend_schema(request=RelinkSerializer, responses=MappingSerializer)
    @action(detail=True, methods=["post"])
    def relink(self, request, pk=None):
        mapping = self.get_object()
        body = RelinkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        target = (
            self.scope(MasterProduct.objects.all())
            .filter(pk=body.validated_data["master_product"])
            .first()
        )
        if target is None:
            return bad_request("No such product.", master_product="No such product.")
        try:
            mapping_relink(
                mapping=PlatformMapping.objects.get(pk=mapping.pk), master_product=target
            )
        except ValueError as error:
            return bad_request(str(error), master_product=str(error))
        return Response(self.get_serializer(self.get_queryset().get(pk=mapping.pk)).data)


class QualitySummaryView(OrganizationScopedMixin, APIView):
    """Listings per quality tier and platform, and the most common findings."""

    @extend_schema(responses=QualitySummarySerializer)
    def get(self, request):
        mappings = self.scope(PlatformMapping.objects.all())
        return Response(
            {
                "tiers": tier_counts(mappings),
                "common_findings": [
                    {"finding": finding_text(finding), "count": count}
                    for finding, count in common_findings(mappings)
                ],
            }
        )

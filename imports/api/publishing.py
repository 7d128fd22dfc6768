"""POST /api/v1/mappings/publish/ (preview or publish) and the publish jobs (follow, cancel,
resume). The catalog serves the mappings; publishing writes to the marketplaces, so its
endpoints live with the other marketplace jobs."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.filters import MappingFilterSet
from catalog.models import PlatformMapping, PublishKind
from core.api.base import OrganizationRolePermission, OrganizationScopedMixin, StablePagination
from core.roles import Capability
from imports.publishing import reasons
from imports.publishing.models import PublishItem, PublishJob
from imports.publishing.services import (
    PublishRefused,
    publication_start,
    publish_job_cancel,
    publish_job_resume,
)

MAX_IDS = 10_000
MAX_ROWS_SHOWN = 5_000


class PublishRequestSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=MAX_IDS,
        help_text="Mapping ids to publish (or give `filter`).",
    )
    filter = serializers.DictField(
        required=False,
        help_text='The mapping list\'s filters, e.g. {"platform": ["shopee"], '
        '"pending": ["price"], "change_max": 20}.',
    )
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=PublishKind.choices),
        required=False,
        default=[PublishKind.PRICE, PublishKind.TITLE],
        min_length=1,
    )
    dry_run = serializers.BooleanField(default=False, help_text="Preview only: nothing is sent.")
    overrides = serializers.ListField(
        child=serializers.ChoiceField(choices=list(reasons.OVERRIDABLE)),
        required=False,
        default=list,
        help_text="Guards confirmed past: below_cost, large_change, title_lint.",
    )
    max_change_percent = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, max_value=100_000, required=False
    )

    def validate(self, attrs):
        if bool(attrs.get("ids")) == bool(attrs.get("filter")):
            raise serializers.ValidationError("Give either ids or filter, not both or neither.")
        return attrs


class PublishItemSerializer(serializers.ModelSerializer):
    reason_text = serializers.SerializerMethodField()

    class Meta:
        model = PublishItem
        fields = [
            "id",
            "mapping",
            "platform_product_id",
            "kind",
            "variant",
            "old_value",
            "new_value",
            "change_percent",
            "margin_percent",
            "state",
            "reason",
            "reason_text",
            "code",
            "message",
            "platform_value",
            "blocked_until",
            "attempts",
            "finished_at",
        ]

    def get_reason_text(self, item: PublishItem) -> str:
        return reasons.reason_text(item.reason) if item.reason else ""


class PublishJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublishJob
        fields = [
            "id",
            "organization",
            "connection",
            "platform",
            "status",
            "kinds",
            "overrides",
            "total_count",
            "applied_count",
            "in_review_count",
            "blocked_count",
            "conflict_count",
            "failed_count",
            "skipped_count",
            "api_calls",
            "cancel_requested",
            "resume_at",
            "error_message",
            "created_at",
            "started_at",
            "finished_at",
        ]


class PublishView(OrganizationScopedMixin, APIView):
    """Preview (dry_run) or publish the chosen listings' prices and titles."""

    permission_classes = [OrganizationRolePermission]
    write_capability = Capability.PUBLISH

    @extend_schema(request=PublishRequestSerializer, responses={200: dict, 202: dict})
    def post(self, request):
        body = PublishRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        writable = self.writable_organization_ids()
        mappings = PlatformMapping.objects.filter(organization_id__in=writable)
        if data.get("ids"):
            mappings = mappings.filter(pk__in=data["ids"])
        else:
            unknown = sorted(set(data["filter"]) - set(MappingFilterSet.base_filters))
            if unknown:
                # A misspelt filter must not widen a publication to every listing.
                raise serializers.ValidationError(
                    {"filter": [f"Unknown filter: {name}." for name in unknown]}
                )
            filterset = MappingFilterSet(data=_query(data["filter"]), queryset=mappings)
            if not filterset.is_valid():
                raise serializers.ValidationError({"filter": filterset.errors})
            mappings = filterset.qs
        plan, jobs = publication_start(
            mappings=mappings,
            user=request.user,
            kinds=data["kinds"],
            overrides=data["overrides"],
            max_change_percent=data.get("max_change_percent"),
            dry_run=data["dry_run"],
        )
        answer = {
            "dry_run": data["dry_run"],
            "summary": plan.summary(),
            # The first rows; the summary counts them all (and each job lists its own).
            "changes": [row.as_dict() for row in plan.rows[:MAX_ROWS_SHOWN]],
            "changes_truncated": len(plan.rows) > MAX_ROWS_SHOWN,
            "jobs": PublishJobSerializer(jobs, many=True).data,
        }
        code = status.HTTP_200_OK if data["dry_run"] else status.HTTP_202_ACCEPTED
        return Response(answer, status=code)


def _query(values: dict) -> dict:
    """A JSON filter as the list's query string would give it (lists stay lists)."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for name, value in values.items():
        query.setlist(name, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return query


class PublishItemPagination(StablePagination):
    """A job's changes in the order they were planned (items have no updated_at)."""

    ordering = "id"


class PublishJobViewSet(
    OrganizationScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Publications: follow them, their changes, cancel and resume."""

    serializer_class = PublishJobSerializer
    write_capability = Capability.PUBLISH

    def get_queryset(self):
        return self.scope(PublishJob.objects.order_by("-pk"))

    @extend_schema(responses=PublishItemSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=PublishItemPagination)
    def changes(self, request, pk=None):
        job = self.get_object()
        page = self.paginate_queryset(job.items.all())
        return self.get_paginated_response(PublishItemSerializer(page, many=True).data)

    @extend_schema(request=None, responses=PublishJobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return Response(PublishJobSerializer(publish_job_cancel(job=self.get_object())).data)

    @extend_schema(request=None, responses=PublishJobSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        try:
            job = publish_job_resume(job=self.get_object())
        except PublishRefused as refusal:
            return Response(
                {
                    "error": {
                        "status": 409,
                        "code": "conflict",
                        "message": str(refusal),
                        "fields": {},
                    }
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(PublishJobSerializer(job).data)

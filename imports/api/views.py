"""Import endpoints: connections (no secrets) and import jobs (start, follow, cancel)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.base import OrganizationScopedMixin, bad_request, roles_of
from core.roles import Capability, role_allows
from imports.api.serializers import (
    ConnectionSerializer,
    ImportJobSerializer,
    ImportStartSerializer,
)
from imports.clients.errors import MarketplaceError
from imports.explain import connection_test_failure_message
from imports.models import ChannelConnection, ImportJob
from imports.services import ImportRefused, connection_test, import_job_cancel, import_job_start


class ConnectionViewSet(
    OrganizationScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Shop connections, without secrets; paged by cursor like every list."""

    serializer_class = ConnectionSerializer
    write_capability = Capability.MANAGE_CONNECTIONS
    action_capabilities = {"test": Capability.TEST_CONNECTIONS}

    def get_queryset(self):
        return self.scope(ChannelConnection.objects.order_by("pk"))

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        connection = self.get_object()
        try:
            result = connection_test(connection=connection)
        except MarketplaceError as error:
            # The API's one error body (plus "ok"): what failed, in words.
            return Response(
                {
                    "ok": False,
                    "error": {
                        "status": 502,
                        "code": "marketplace_error",
                        "message": connection_test_failure_message(
                            error, platform=connection.platform
                        ),
                        "fields": {},
                    },
                },
                status=status.HTTP_502_BAD_GATEWAY,
            )
        return Response({"ok": True, "shop": result})


class ImportJobViewSet(
    OrganizationScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ImportJobSerializer
    write_capability = Capability.RUN_IMPORTS  # start and cancel

    def get_queryset(self):
        return self.scope(ImportJob.objects.all())

    def get_serializer_class(self):
        return ImportStartSerializer if self.action == "create" else ImportJobSerializer

    @extend_schema(request=ImportStartSerializer, responses={201: ImportJobSerializer})
    def create(self, request, *args, **kwargs):
        body = ImportStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        connection = (
            self.scope(ChannelConnection.objects.all())
            .filter(pk=body.validated_data["connection"])
            .first()
        )
        if connection is None:
            return bad_request("No such connection.", connection="No such connection.")
        if not request.user.is_superuser and not role_allows(
            roles_of(request).get(connection.organization_id), Capability.RUN_IMPORTS
        ):
            return Response(
                {
                    "error": {
                        "status": 403,
                        "code": "permission_denied",
                        "message": "Your role cannot start imports.",
                        "fields": {},
                    }
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        try:
            job = import_job_start(
                connection=connection,
                mode=body.validated_data["mode"],
                dry_run=body.validated_data["dry_run"],
                user=request.user,
            )
        except ImportRefused as refusal:
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
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        job = import_job_cancel(job=self.get_object())
        return Response(ImportJobSerializer(job).data)

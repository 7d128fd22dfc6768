"""What every SyncStore API view shares: organization scoping, roles, paging, error bodies."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, permissions, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler

from catalog.models import Membership
from catalog.selectors import roles_by_organization

Role = Membership.Role
WRITE_ROLES = (Role.OWNER, Role.MERCHANDISER)


roles_of = roles_by_organization


class OrganizationRolePermission(permissions.BasePermission):
    """Members read; `write_roles` (per view) write; checked per object's organization."""

    message = "Your role in this organization does not allow this."

    def _write_roles(self, view) -> tuple[str, ...]:
        return getattr(view, "write_roles", WRITE_ROLES)

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if request.user.is_superuser:
            return True
        roles = roles_of(request)
        if request.method in permissions.SAFE_METHODS:
            return bool(roles)
        if view.kwargs.get(getattr(view, "lookup_url_kwarg", None) or "pk"):
            # One object: find it first (another organization's is a 404, not a 403), then
            # has_object_permission checks the role in its organization.
            return bool(roles)
        return any(role in self._write_roles(view) for role in roles.values())

    def has_object_permission(self, request, view, obj) -> bool:
        if request.user.is_superuser or request.method in permissions.SAFE_METHODS:
            return True
        organization_id = getattr(obj, "organization_id", None)
        return roles_of(request).get(organization_id) in self._write_roles(view)


class OrganizationScopedMixin:
    """Every queryset is limited to the caller's organizations: others' rows are a 404."""

    organization_field = "organization"
    write_roles: tuple[str, ...] = WRITE_ROLES
    permission_classes = [OrganizationRolePermission]

    def scope(self, queryset):
        if getattr(self, "swagger_fake_view", False):  # OpenAPI generation reads no rows
            return queryset.none()
        user = self.request.user
        if user.is_superuser:
            return queryset
        return queryset.filter(
            # The ids themselves (read once per request), not a subquery: with a constant
            # PostgreSQL can walk the (organization, updated) index instead of sorting.
            **{f"{self.organization_field}_id__in": list(roles_of(self.request))}
        )

    def writable_organization_ids(self) -> set[int]:
        if self.request.user.is_superuser:
            from catalog.models import Organization

            return set(Organization.objects.values_list("pk", flat=True))
        return {org for org, role in roles_of(self.request).items() if role in self.write_roles}


class StablePagination(CursorPagination):
    """Cursor paging (no OFFSET, no COUNT) with a bounded page size."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-updated_at"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """One error body for every 4xx: {"error": {"status", "code", "message", "fields"}}."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    fields: dict[str, Any] = {}
    message = ""
    if isinstance(detail, dict):
        message = str(detail.pop("detail", "")) if "detail" in detail else ""
        non_field = detail.pop("non_field_errors", None)
        fields = {
            name: [str(item) for item in (errors if isinstance(errors, list) else [errors])]
            for name, errors in detail.items()
        }
        if non_field:
            message = " ".join(str(item) for item in non_field)
        if not message:
            message = "The request has invalid fields." if fields else "The request failed."
    elif isinstance(detail, list):
        message = " ".join(str(item) for item in detail)
    else:
        message = str(detail)
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
    response.data = {
        "error": {
            "status": response.status_code,
            "code": code,
            "message": message,
            "fields": fields,
        }
    }
    return response


def bad_request(message: str, **fields: str) -> Response:
    return Response(
        {
            "error": {
                "status": 400,
                "code": "invalid",
                "message": message,
                "fields": {k: [v] for k, v in fields.items()},
            }
        },
        status=status.HTTP_400_BAD_REQUEST,
    )

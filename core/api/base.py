"""What every SyncStore API view shares: organization scoping, roles, paging, error bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, status
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.api.params import MAX_UTC_OFFSET, FilterSetBackend, KnownParametersFilter
from core.models import Membership
from core.roles import Capability, role_allows, roles_for
from core.selectors import roles_by_organization

Role = Membership.Role
WRITE_ROLES = roles_for(Capability.EDIT_CATALOG)


roles_of = roles_by_organization


def required_capability(request, view) -> Capability:
    """What the request needs, from the role table: reads VIEW; writes the view's
    `action_capabilities[action]`, else its `write_capability`."""
    if request.method in permissions.SAFE_METHODS:
        return Capability.VIEW
    by_action = getattr(view, "action_capabilities", {})
    default = getattr(view, "write_capability", Capability.EDIT_CATALOG)
    return by_action.get(getattr(view, "action", None), default)


class OrganizationRolePermission(permissions.BasePermission):
    """The role table of core/roles.py (the admin's own), checked per object's
    organization."""

    message = "Your role in this organization does not allow this."

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
        capability = required_capability(request, view)
        return any(role_allows(role, capability) for role in roles.values())

    def has_object_permission(self, request, view, obj) -> bool:
        if request.user.is_superuser or request.method in permissions.SAFE_METHODS:
            return True
        organization_id = getattr(obj, "organization_id", None)
        role = roles_of(request).get(organization_id)
        return role_allows(role, required_capability(request, view))


class InvalidCursor(exceptions.ValidationError):
    """A cursor we did not issue (tampered, truncated, or from another ordering): a 400."""

    def __init__(self) -> None:
        message = _("The cursor is invalid: use the next or previous link of a page.")
        super().__init__({"detail": message, "cursor": [message]})


class StablePagination(CursorPagination):
    """Cursor paging (no OFFSET, no COUNT) with a bounded page size."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-updated_at"

    def paginate_queryset(self, queryset, request, view=None):
        # decode_cursor checks the position against its field (or annotation, for an
        # ordering by a nullable field: catalog.api.params.annotate_sorts).
        self._model = queryset.model
        self._annotations = dict(queryset.query.annotations)
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request) -> Cursor | None:
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound as exc:  # DRF answers a bad cursor with a 404
            raise InvalidCursor() from exc
        if cursor is not None and cursor.position is not None:
            self._check_position(cursor.position)
        return cursor

    def _check_position(self, position: str) -> None:
        """The position goes into a WHERE on the ordering field: it must be a value of that
        field, or the query fails (a date that is not a date, a NUL in text) with a 500."""
        name = self.ordering[0].lstrip("-")  # DRF always makes it a tuple or list
        if "\x00" in position:
            raise InvalidCursor()
        annotation = self._annotations.get(name)
        if annotation is not None:
            field = annotation.output_field
        else:
            try:
                field = self._model._meta.get_field(name)
            except FieldDoesNotExist:
                return
        try:
            value = field.to_python(position)
            field.run_validators(value)
        except DjangoValidationError as exc:
            raise InvalidCursor() from exc
        offset = value.utcoffset() if isinstance(value, datetime) else None
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:  # PostgreSQL refuses these
            raise InvalidCursor()


class OrganizationScopedMixin:
    """Every queryset is limited to the caller's organizations: others' rows are a 404."""

    organization_field = "organization"
    write_capability: Capability = Capability.EDIT_CATALOG
    # Per-action needs where they differ from write_capability (e.g. {"test": ...}).
    action_capabilities: dict[str, Capability] = {}
    permission_classes = [OrganizationRolePermission]
    # Every list pages the same way and refuses query parameters it does not know; a list
    # that can be ordered adds catalog.api.params.StrictOrderingFilter.
    pagination_class = StablePagination
    filter_backends = [KnownParametersFilter, FilterSetBackend]

    @property
    def write_roles(self) -> tuple[str, ...]:
        return roles_for(self.write_capability)

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
            from core.models import Organization

            return set(Organization.objects.values_list("pk", flat=True))
        return {
            org
            for org, role in roles_of(self.request).items()
            if role_allows(role, self.write_capability)
        }


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

"""What every SyncStore admin shares: organization scoping, role checks, cheap counts."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalog.models import Organization
from catalog.selectors import (
    ALL_ROLES,
    WRITE_ROLES,
    Role,
    organizations_for_user,
    roles_by_organization,
)


def planner_row_estimate(queryset: QuerySet) -> int:
    """PostgreSQL's own estimate of how many rows `queryset` returns (no scan)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Counts exactly up to a limit, then trusts the planner: no full count on big tables."""

    @cached_property
    def count(self) -> int:
        limit = settings.ADMIN_EXACT_COUNT_LIMIT
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return len(queryset)
        bounded = queryset.order_by()[: limit + 1].count()
        if bounded <= limit:
            return bounded
        return max(limit + 1, planner_row_estimate(queryset))


class OrganizationListFilter(admin.SimpleListFilter):
    """Organization filter listing only the caller's organizations (no DISTINCT scan)."""

    title = _("organization")
    parameter_name = "organization"

    def __init__(self, request, params, model, model_admin):
        self.organization_field = model_admin.organization_field
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [(str(org.pk), org.name) for org in organizations_for_user(user=request.user)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.organization_field}_id": self.value()})
        return queryset


class OrganizationScopedAdmin(admin.ModelAdmin):
    """Staff see and change only their organizations' rows; superusers see everything.

    Access follows the membership role: viewers read, merchandisers edit, owners also delete.
    """

    organization_field = "organization"
    write_roles: tuple[str, ...] = WRITE_ROLES
    delete_roles: tuple[str, ...] = (Role.OWNER,)
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    change_list_template = "admin/syncstore/change_list.html"
    # What to do when the list is empty (no search or filter): a next step, not a blank page.
    empty_state: Any = None

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # The model's own actions (Import now, Recalculate...) first, bulk delete last.
        actions = super().get_actions(request)
        delete = actions.pop("delete_selected", None)
        if delete is not None:
            actions["delete_selected"] = delete
        return actions

    def get_empty_state(self, request: HttpRequest) -> Any:
        return self.empty_state

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {**(extra_context or {}), "empty_state": self.get_empty_state(request)}
        return super().changelist_view(request, extra_context)

    # --- scoping ---------------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # The ids themselves (read once per request), not a subquery: with a constant
        # PostgreSQL can walk the (organization, updated) index instead of sorting.
        return queryset.filter(
            **{f"{self.organization_field}_id__in": list(roles_by_organization(request))}
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.remote_field.model is Organization:
            kwargs["queryset"] = organizations_for_user(user=request.user, roles=self.write_roles)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_filter(self, request: HttpRequest):
        filters = list(super().get_list_filter(request))
        if request.user.is_superuser or len(roles_by_organization(request)) > 1:
            filters.insert(0, OrganizationListFilter)
        return filters

    # --- permissions by role ---------------------------------------------------------------
    def _organization_id_of(self, obj: Any) -> int | None:
        if obj is None:
            return None
        target = obj
        for part in self.organization_field.split("__")[:-1]:
            target = getattr(target, part)
        return getattr(target, f"{self.organization_field.split('__')[-1]}_id")

    def _has_role(self, request: HttpRequest, roles: tuple[str, ...], obj: Any = None) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser:
            return True
        held = roles_by_organization(request)
        organization_id = self._organization_id_of(obj)
        if organization_id is None:
            return any(role in roles for role in held.values())
        return held.get(organization_id) in roles

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._has_role(request, ALL_ROLES)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._has_role(request, ALL_ROLES, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._has_role(request, self.write_roles)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._has_role(request, self.write_roles, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._has_role(request, self.delete_roles, obj)


class ReadOnlyScopedAdmin(OrganizationScopedAdmin):
    """System records (jobs, raw payloads): visible to members, written only by the system."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def pretty_json(value: Any) -> str:
    """Indented JSON in a <pre>, escaped, for read-only admin fields."""
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)
    return format_html('<pre class="syncstore-json">{}</pre>', text)

"""What every SyncStore admin shares: organization scoping, role checks, cheap counts."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import display_for_field, lookup_field
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.models import Organization
from core.roles import Capability, roles_for, who_may
from core.selectors import organization_ids_for_user, organizations_for_user, roles_by_organization


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


def organization_owned(model: type) -> bool:
    """Whether `model`'s rows each belong to one organization (a foreign key named so)."""
    try:
        field = model._meta.get_field("organization")
    except FieldDoesNotExist:
        return False
    return getattr(field.remote_field, "model", None) is Organization


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


REFUSED_EXAMPLES = 3  # rows named in a refused action's message


def role_action(
    capability: Capability, *, description: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """An admin action allowed only if the caller's role allows `capability` in the
    organization of EVERY selected row: otherwise the whole action is refused, with how many
    rows were not allowed (never a partial run: a preview and its confirmation then agree)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def checked(modeladmin: OrganizationScopedAdmin, request: HttpRequest, queryset):
            refused_rows = modeladmin.refused_rows(request, capability, queryset)
            refused = refused_rows.count()
            if refused:
                # Name a few, so the merchandiser knows which ticks to remove.
                examples = ", ".join(str(row) for row in refused_rows[:REFUSED_EXAMPLES])
                if refused > REFUSED_EXAMPLES:
                    examples += ", …"
                modeladmin.message_user(
                    request,
                    ngettext(
                        "%(count)d selected item (%(examples)s) belongs to an organization "
                        "where your role does not allow this: nothing was changed. Untick it "
                        "and try again.",
                        "%(count)d selected items (%(examples)s) belong to organizations "
                        "where your role does not allow this: nothing was changed. Untick "
                        "them and try again.",
                        refused,
                    )
                    % {"count": refused, "examples": examples}
                    + " "
                    + who_may(capability),
                    messages.ERROR,
                )
                return None
            return func(modeladmin, request, queryset)

        checked.capability = Capability(capability)
        return admin.action(description=description)(checked)

    return decorate


# Django's bulk delete, checked per row like every other action.
checked_delete_selected = role_action(
    Capability.DELETE, description=delete_selected.short_description
)(delete_selected)
checked_delete_selected.allowed_permissions = ("delete",)


class OrganizationScopedAdmin(admin.ModelAdmin):
    """Staff see and change only their organizations' rows; superusers see everything.

    What a role may do is core/roles.py's table, asked per object's organization: adding
    and changing need `write_capability`, deleting `delete_capability`, and every action is a
    `role_action` naming its own capability.
    """

    organization_field = "organization"
    write_capability: Capability = Capability.EDIT_CATALOG
    delete_capability: Capability = Capability.DELETE
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    change_list_template = "admin/syncstore/change_list.html"
    # What to do when the list is empty (no search or filter): a next step, not a blank page.
    empty_state: Any = None

    @property
    def write_roles(self) -> tuple[str, ...]:
        return roles_for(self.write_capability)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # The model's own actions (Import now, Recalculate...) first, bulk delete last.
        actions = super().get_actions(request)
        delete = actions.pop("delete_selected", None)
        if delete is not None:
            actions["delete_selected"] = (checked_delete_selected, *delete[1:])
        for name, (func, *_rest) in list(actions.items()):
            capability = getattr(func, "capability", None)
            if capability is None:
                # Loud on purpose: an action without a per-row role check must not ship.
                raise ImproperlyConfigured(
                    f"{type(self).__name__}.{name} is not a role_action: wrap it in "
                    "core.admin_base.role_action(capability, ...)."
                )
            if not self.may(request, capability):
                del actions[name]  # no organization where the role allows it: not offered
        return actions

    def _refused_action(self, request: HttpRequest) -> Capability | None:
        name = request.POST.get("action") if request.method == "POST" else None
        if not name or name in self.get_actions(request):
            return None
        declared = {action_name: func for func, action_name, _d in self._get_base_actions()}
        return getattr(declared.get(name), "capability", None)

    def get_empty_state(self, request: HttpRequest) -> Any:
        return self.empty_state

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        refused = self._refused_action(request)
        if refused is not None:
            # An action the role may not run anywhere is not offered; say so when posted
            # anyway (Django would only say "no action selected", or nothing at all).
            self.message_user(request, who_may(refused), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
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
        # An organization, or a row of one (a product...), is offered only where the user
        # may write.
        related = db_field.remote_field.model
        if related is Organization:
            kwargs["queryset"] = organizations_for_user(user=request.user, roles=self.write_roles)
        elif organization_owned(related) and not request.user.is_superuser:
            kwargs["queryset"] = related._default_manager.filter(
                organization_id__in=organization_ids_for_user(
                    user=request.user, roles=self.write_roles
                )
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_filter(self, request: HttpRequest):
        filters = list(super().get_list_filter(request))
        if request.user.is_superuser or len(roles_by_organization(request)) > 1:
            filters.insert(0, OrganizationListFilter)
        return filters

    # --- permissions by role ---------------------------------------------------------------
    def _organization_lookup(self) -> str:
        """The row's organization id as a queryset lookup."""
        if self.organization_field in ("id", "pk"):
            return "pk"
        return f"{self.organization_field}_id"

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
        if obj is None:
            return any(role in roles for role in held.values())
        return held.get(self._organization_id_of(obj)) in roles

    def may(self, request: HttpRequest, capability: Capability, obj: Any = None) -> bool:
        """Whether the caller may do `capability` on `obj` (its organization), or, without an
        object, in at least one of their organizations."""
        return self._has_role(request, roles_for(capability), obj)

    def refused_rows(self, request: HttpRequest, capability: Capability, queryset):
        """The rows of `queryset` in organizations where `capability` is refused."""
        user = request.user
        if user.is_active and user.is_staff and user.is_superuser:
            return queryset.none()
        if not (user.is_active and user.is_staff):
            return queryset
        roles = roles_for(capability)
        allowed = [org for org, role in roles_by_organization(request).items() if role in roles]
        # exclude() keeps rows with no organization (shared defaults): those are refused too.
        return queryset.exclude(**{f"{self._organization_lookup()}__in": allowed})

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.may(request, Capability.VIEW)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may(request, Capability.VIEW, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.may(request, self.write_capability)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may(request, self.write_capability, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may(request, self.delete_capability, obj)


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


def displayed_values(
    model_admin: admin.ModelAdmin, obj: Any, names: Iterable[str]
) -> dict[str, str]:
    """Fields and display methods of `obj` as its change form shows them (same formatting,
    same time zone): what a page's script needs to keep its figures current."""
    empty = model_admin.get_empty_value_display()
    shown = {}
    for name in names:
        field, _attr, value = lookup_field(name, obj, model_admin)
        if field is None:
            shown[name] = str(value)
        else:
            shown[name] = str(display_for_field(value, field, empty)) if value != "" else ""
    return shown

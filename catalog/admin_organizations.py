"""Organizations (with their members and the catalog re-match action) and their SKU
normalization rules (with the rule test page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from catalog.admin_rematch import rematch_catalog_action
from catalog.matching import normalize_sku
from catalog.models import SkuRule
from catalog.selectors import sku_rules_for
from catalog.services import sku_rules_apply
from core.admin_base import OrganizationScopedAdmin
from core.models import Membership, Organization
from core.roles import Capability, roles_for
from core.selectors import Role, organizations_for_user

MEMBER_CHOICES_PER_PAGE = 20


def member_choices(request: HttpRequest) -> QuerySet:
    """The users an owner may pick for a membership: active staff users (a membership never
    changes is_staff: a superuser makes someone staff first), and those already members of an
    organization the caller owns (so their rows stay valid)."""
    users = get_user_model().objects.all()
    if request.user.is_superuser:
        return users
    owned = organizations_for_user(user=request.user, roles=roles_for(Capability.MANAGE_MEMBERS))
    members = Membership.objects.filter(organization__in=owned).values("user_id")
    return users.filter(Q(is_active=True, is_staff=True) | Q(pk__in=members))


class MemberAutocomplete(AutocompleteSelect):
    """The admin's autocomplete widget, asking OrganizationAdmin's own view (usernames only)
    instead of the User admin (which owners may not see)."""

    url_name = "%s:core_organization_member_autocomplete"


class MembershipFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if self.instance.pk is None or getattr(self, "allow_no_owner", False):
            return
        # An owner must not leave the organization with nobody to manage it.
        owners = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == Role.OWNER
        ]
        if not owners:
            raise ValidationError(_("An organization needs at least one owner."))


class MembershipInline(admin.TabularInline):
    """Members and their roles, managed by the organization's owners."""

    model = Membership
    formset = MembershipFormSet
    fields = ("user", "role")
    extra = 0

    def _organization_admin(self) -> OrganizationAdmin:
        return self.admin_site.get_model_admin(Organization)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._organization_admin().may(request, Capability.VIEW, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._organization_admin().may(request, Capability.MANAGE_MEMBERS, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._organization_admin().may(request, Capability.MANAGE_MEMBERS, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._organization_admin().may(request, Capability.MANAGE_MEMBERS, obj)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any):
        formset = super().get_formset(request, obj, **kwargs)
        formset.allow_no_owner = request.user.is_superuser
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = member_choices(request)
            kwargs["widget"] = MemberAutocomplete(db_field, self.admin_site)
            kwargs["help_text"] = _(
                "Members are found by any part of their name; to add someone new, type their "
                "exact username (a superuser makes them staff first)."
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organization)
class OrganizationAdmin(OrganizationScopedAdmin):
    organization_field = "id"
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]
    write_capability = Capability.MANAGE_MEMBERS  # renaming too: the owners' page
    actions = [rematch_catalog_action]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(memberships__user=request.user)

    def _organization_id_of(self, obj):
        return None if obj is None else obj.pk

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def get_list_filter(self, request):
        return ()

    def get_urls(self):
        return [
            path(
                "member-autocomplete/",
                self.admin_site.admin_view(self.member_autocomplete_view),
                name="core_organization_member_autocomplete",
            ),
            *super().get_urls(),
        ]

    def member_autocomplete_view(self, request: HttpRequest) -> JsonResponse:
        """Usernames for the membership inline. Owners find current members by any part of
        the name and other staff users only by their exact username: no browsing through
        other organizations' people, and nothing but the username is shown."""
        if not self.may(request, Capability.MANAGE_MEMBERS):
            raise PermissionDenied
        term = request.GET.get("term", "").strip()
        users = member_choices(request)
        if not request.user.is_superuser:
            owned = organizations_for_user(
                user=request.user, roles=roles_for(Capability.MANAGE_MEMBERS)
            )
            members = Membership.objects.filter(organization__in=owned).values("user_id")
            users = users.filter(Q(pk__in=members) | Q(username__iexact=term))
        if term:
            users = users.filter(username__icontains=term)
        try:
            page = max(1, int(request.GET.get("page", 1)))
        except ValueError:
            page = 1
        start = (page - 1) * MEMBER_CHOICES_PER_PAGE
        rows = list(
            users.order_by("username").values_list("pk", "username")[
                start : start + MEMBER_CHOICES_PER_PAGE + 1
            ]
        )
        return JsonResponse(
            {
                "results": [
                    {"id": str(pk), "text": name} for pk, name in rows[:MEMBER_CHOICES_PER_PAGE]
                ],
                "pagination": {"more": len(rows) > MEMBER_CHOICES_PER_PAGE},
            }
        )


class SkuRuleTestForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none())
    skus = forms.CharField(
        label=_("SKUs to try"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 40}),
        help_text=_("One per line, as they appear on your listings."),
    )


@admin.register(SkuRule)
class SkuRuleAdmin(OrganizationScopedAdmin):
    list_display = ("organization", "position", "action", "value", "replacement", "enabled")
    list_editable = ("position", "enabled")
    list_filter = ("action", "enabled")
    list_select_related = ("organization",)
    change_list_template = "admin/catalog/skurule/change_list.html"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = sku_rules_apply(organization_id=obj.organization_id)
        self.message_user(
            request, _("SKUs re-normalized: %(n)d product(s) changed.") % {"n": changed}
        )

    def delete_model(self, request, obj):
        organization_id = obj.organization_id
        super().delete_model(request, obj)
        sku_rules_apply(organization_id=organization_id)

    def get_urls(self):
        return [
            path("test/", self.admin_site.admin_view(self.test_view), name="catalog_skurule_test"),
            *super().get_urls(),
        ]

    def test_view(self, request: HttpRequest):
        """Preview what the organization's rules make of sample SKUs (writes nothing)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = SkuRuleTestForm(request.POST or None)
        form.fields["organization"].queryset = organizations_for_user(user=request.user)
        results = []
        if request.method == "POST" and form.is_valid():
            rules = sku_rules_for(form.cleaned_data["organization"].pk)
            results = [
                (line.strip(), normalize_sku(line, rules))
                for line in form.cleaned_data["skus"].splitlines()
                if line.strip()
            ]
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "results": results,
            "title": _("Test SKU rules"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/catalog/skurule/test.html", context)

"""Organizations (with their members and the catalog re-match action) and their SKU
normalization rules (with the rule test page)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from catalog.admin_base import OrganizationScopedAdmin
from catalog.admin_rematch import rematch_catalog_action
from catalog.matching import normalize_sku
from catalog.models import Membership, Organization, SkuRule
from catalog.selectors import Role, organizations_for_user, sku_rules_for
from catalog.services import sku_rules_apply


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(OrganizationScopedAdmin):
    organization_field = "id"
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]
    write_roles = (Role.OWNER,)
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

"""What the product and listing admins share: their list filters and the platform price
recalculation action (a preview first, then the write)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from catalog.models import Platform, PlatformMapping
from catalog.selectors import product_has_mappings, product_listed_on
from pricing.services import mapping_prices_recalculate

QUALITY_TIERS = {
    "good": (85, 100),
    "fair": (60, 84),
    "poor": (0, 59),
}


class PlatformListFilter(admin.SimpleListFilter):
    title = _("platform")
    parameter_name = "platform"

    def lookups(self, request, model_admin):
        return Platform.choices

    def queryset(self, request, queryset):
        if self.value() in Platform.values:
            return queryset.filter(product_listed_on(self.value()))
        return queryset


class HasMappingsFilter(admin.SimpleListFilter):
    title = _("platform listings")
    parameter_name = "has_mappings"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(product_has_mappings())
        if self.value() == "no":
            return queryset.filter(~product_has_mappings())
        return queryset


class QualityTierFilter(admin.SimpleListFilter):
    title = _("quality")
    parameter_name = "quality"

    def lookups(self, request, model_admin):
        return [
            ("good", _("Good (85-100)")),
            ("fair", _("Fair (60-84)")),
            ("poor", _("Poor (0-59)")),
            ("unscored", _("Not scored")),
        ]

    def queryset(self, request, queryset):
        if self.value() in QUALITY_TIERS:
            low, high = QUALITY_TIERS[self.value()]
            return queryset.filter(quality_score__gte=low, quality_score__lte=high)
        if self.value() == "unscored":
            return queryset.filter(quality_score__isnull=True)
        return queryset


class MarginFilter(admin.SimpleListFilter):
    title = _("margin")
    parameter_name = "margin"

    def lookups(self, request, model_admin):
        return [
            ("negative", _("Negative")),
            ("thin", _("Thin (below %(n)s%%)") % {"n": settings.PRICING_THIN_MARGIN_PERCENT}),
            ("healthy", _("Healthy")),
            ("unknown", _("Unknown (no cost)")),
        ]

    def queryset(self, request, queryset):
        thin = settings.PRICING_THIN_MARGIN_PERCENT
        if self.value() == "negative":
            return queryset.filter(margin_percentage__lt=0)
        if self.value() == "thin":
            return queryset.filter(margin_percentage__gte=0, margin_percentage__lt=thin)
        if self.value() == "healthy":
            return queryset.filter(margin_percentage__gte=thin)
        if self.value() == "unknown":
            return queryset.filter(margin_percentage__isnull=True)
        return queryset


def recalculate_prices_action(
    modeladmin, request: HttpRequest, queryset: QuerySet, mappings: QuerySet
) -> TemplateResponse | None:
    """Preview the new platform prices first; write them only when confirmed."""
    allowed = [
        m
        for m in mappings.select_related("master_product")
        if modeladmin.has_change_permission(request, m.master_product)
        or modeladmin.has_change_permission(request, m)
    ]
    mappings = PlatformMapping.objects.filter(pk__in=[m.pk for m in allowed])
    if request.POST.get("confirm") == "yes":
        changes = mapping_prices_recalculate(mappings=mappings)
        failed = [c for c in changes if c.error]
        modeladmin.message_user(
            request,
            _("%(n)d platform price(s) recalculated.") % {"n": len(changes) - len(failed)},
            messages.SUCCESS,
        )
        for change in failed[:5]:
            modeladmin.message_user(request, f"{change.mapping}: {change.error}", messages.WARNING)
        return None
    changes = mapping_prices_recalculate(mappings=mappings, dry_run=True)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Recalculate platform prices"),
        "changes": changes,
        "queryset": queryset,
        "opts": modeladmin.model._meta,
        "action_name": request.POST.get("action"),
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/catalog/recalculate_prices.html", context)

"""What the product and listing admins share: their list filters and the platform price
recalculation action (a preview first, then the write)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from catalog.listing_prices import mapping_prices_recalculate, mappings_by_margin
from catalog.models import PlatformMapping
from catalog.publication import change_percent, price_changes, title_change
from catalog.quality import TIER_NAMES, tier_range_text
from catalog.selectors import product_has_mappings, product_listed_on, quality_tier_q
from core.money import format_rupiah
from core.platforms import Platform
from core.selectors import organization_ids_for_user
from core.templatetags.percent import format_percent
from pricing.selectors import thin_margin_percents

MARGINS = ("negative", "thin", "healthy", "unknown")


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
        # "Good (85-100)": the translated name, and the range from the one definition.
        return [
            (tier, f"{name} ({tier_range_text(tier)})") for tier, name in TIER_NAMES.items()
        ] + [("unscored", _("Not scored"))]

    def queryset(self, request, queryset):
        if self.value() in TIER_NAMES:
            return queryset.filter(quality_tier_q(self.value()))
        if self.value() == "unscored":
            return queryset.filter(quality_score__isnull=True)
        return queryset


class MarginFilter(admin.SimpleListFilter):
    title = _("margin")
    parameter_name = "margin"

    def lookups(self, request, model_admin):
        return [
            ("negative", _("Negative")),
            ("thin", _("Thin (below %(n)s%%)") % {"n": self._thresholds(request)}),
            ("healthy", _("Healthy")),
            ("unknown", _("Unknown (no cost)")),
        ]

    @staticmethod
    def _thresholds(request: HttpRequest) -> str:
        """The pricing profiles' thresholds of the organizations shown: "10", or "10-15"
        when they differ (each listing is filtered by its own profile's)."""
        user = request.user
        organizations = (
            None
            if user.is_superuser
            else organization_ids_for_user(user=user).values_list("organization_id", flat=True)
        )
        values = sorted(thin_margin_percents(organization_ids=organizations))
        shown = [format_percent(value).removesuffix("%") for value in values]
        return shown[0] if len(shown) == 1 else f"{shown[0]}-{shown[-1]}"

    def queryset(self, request, queryset):
        if self.value() in MARGINS:
            return mappings_by_margin(queryset, self.value())
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


def publication_summary_html(mapping: PlatformMapping) -> str:
    """What publishing would change on this listing, in a line or two: each variant's price
    (old → new, the change in %) and the new title; or the sync status when nothing would."""
    lines = []
    names = {
        str(v.get("platform_variant_id", "")): v.get("name") or ""
        for v in ((mapping.platform_data or {}).get("listing") or {}).get("variants") or []
    }
    prices = price_changes(mapping) if "price" in (mapping.pending_kinds or []) else {}
    for variant, (old, new) in sorted(prices.items())[:3]:
        percent = change_percent(old, new)
        lines.append(
            format_html(
                "{}{} → <b>{}</b>{}",
                f"{names.get(variant)}: " if names.get(variant) else "",
                format_rupiah(old),
                format_rupiah(new),
                f" ({'+' if percent > 0 else ''}{format_percent(percent)})" if percent else "",
            )
        )
    if len(prices) > 3:
        lines.append(_("and %(n)d more variants") % {"n": len(prices) - 3})
    if "title" in (mapping.pending_kinds or []) and (change := title_change(mapping)):
        lines.append(format_html("{} <i>{}</i>", _("Title:"), Truncator(change[1]).chars(60)))
    status = format_html(
        "<span class='sync-{}'>{}</span>", mapping.sync_status, mapping.get_sync_status_display()
    )
    return format_html_join(mark_safe("<br>"), "{}", [(status,), *((line,) for line in lines)])

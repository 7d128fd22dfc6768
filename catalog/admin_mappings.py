"""The platform mapping (listing) admin: prices, margins, SEO and quality findings, raw data."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalog.admin_quality import regenerate_seo_action
from catalog.admin_shared import (
    MarginFilter,
    QualityTierFilter,
    publication_summary_html,
    recalculate_prices_action,
)
from catalog.findings import findings_html
from catalog.models import PlatformMapping
from catalog.publication import publication_refresh
from core.admin_base import OrganizationScopedAdmin, pretty_json, role_action
from core.money import format_rupiah
from core.roles import Capability
from core.templatetags.percent import CONFIDENCE_PLACES, format_percent
from pricing.calculator import margin_flag
from pricing.models import default_thin_margin_percent
from pricing.selectors import thin_margin_percent_of


@admin.register(PlatformMapping)
class PlatformMappingAdmin(OrganizationScopedAdmin):
    empty_state = _("No listings yet: each import brings the shop's listings here.")
    list_display = (
        "platform_product_id",
        "platform",
        "product_sku",
        "price",
        "fee",
        "margin",
        # seo_quality_score is on the listing's page: one column fewer so the list fits 1366 px.
        "quality_score",
        "sync_status",
        "match",
        "updated_at",
    )
    list_filter = (
        "platform",
        QualityTierFilter,
        MarginFilter,
        "listing_status",
        "sync_status",
        "review_status",
        "match_method",
        "sync_enabled",
    )
    actions = ["recalculate_prices", "regenerate_seo_titles"]

    @role_action(Capability.EDIT_CATALOG, description=_("Regenerate SEO titles"))
    def regenerate_seo_titles(self, request, queryset):
        return regenerate_seo_action(self, request, queryset, queryset)

    @role_action(Capability.RECALCULATE_PRICES, description=_("Recalculate platform prices"))
    def recalculate_prices(self, request, queryset):
        return recalculate_prices_action(self, request, queryset, queryset)

    list_select_related = ("master_product",)
    search_fields = ("platform_product_id", "master_product__sku", "seo_title")
    autocomplete_fields = ("master_product",)
    readonly_fields = (
        "platform_data_pretty",
        "price_breakdown_pretty",
        "seo_findings_pretty",
        "quality_report",
        "margin",
        "confidence",
        "calculated_at",
        "last_synced_at",
        "sync_status",
        "publication",
        "sync_blocked_until",
        "sync_errors_pretty",
        "created_at",
        "updated_at",
    )
    # match_confidence is the matcher's: shown as a percent (confidence), never typed in.
    exclude = (
        "platform_data",
        "sync_errors",
        "price_breakdown",
        "seo_findings",
        "quality_issues",
        "match_confidence",
        # Publishing's bookkeeping: shown as "To publish", kept by the catalog and the jobs.
        "desired_prices",
        "remote_prices",
        "pending_kinds",
        "price_change_percent",
        "sync_conflict",
        "publish_ignored",
    )

    @admin.display(description=_("To publish"))
    def publication(self, obj: PlatformMapping) -> str:
        return publication_summary_html(obj)

    @admin.display(description=_("SEO findings"))
    def seo_findings_pretty(self, obj: PlatformMapping) -> str:
        return findings_html(obj.seo_findings) if obj.seo_findings else "—"

    @admin.display(description=_("Quality findings"))
    def quality_report(self, obj: PlatformMapping) -> str:
        return findings_html(obj.quality_issues) if obj.quality_issues else "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Each row's thin-margin threshold (its organization's profile), as the filter uses it.
        return (
            super()
            .get_queryset(request)
            .defer("platform_data")
            .annotate(thin_below=thin_margin_percent_of())
        )

    def save_model(self, request, obj, form, change):
        obj.organization_id = obj.master_product.organization_id
        publication_refresh(obj)  # an edited SEO title or sync switch changes what is pending
        super().save_model(request, obj, form, change)

    @admin.display(description=_("SKU"), ordering="master_product__sku")
    def product_sku(self, obj: PlatformMapping) -> str:
        return obj.master_product.sku

    @admin.display(description=_("Platform price"), ordering="platform_price")
    def price(self, obj: PlatformMapping) -> str:
        return format_rupiah(obj.platform_price)

    @admin.display(description=_("Margin"), ordering="margin_percentage")
    def margin(self, obj: PlatformMapping) -> str:
        if obj.margin_percentage is None:
            return "—"
        thin = getattr(obj, "thin_below", None)
        flag = margin_flag(
            obj.margin_percentage, default_thin_margin_percent() if thin is None else thin
        )
        colour = {"negative": "#ba2121", "thin": "#b8860b"}.get(flag, "inherit")
        return format_html(
            '<span style="color:{}">{}</span>', colour, format_percent(obj.margin_percentage)
        )

    @admin.display(description=_("fee %"), ordering="fee_percentage")
    def fee(self, obj: PlatformMapping) -> str:
        return format_percent(obj.fee_percentage)

    @admin.display(description=_("match confidence"), ordering="match_confidence")
    def confidence(self, obj: PlatformMapping) -> str:
        return format_percent(obj.match_confidence, places=CONFIDENCE_PLACES, fraction=True)

    @admin.display(description=_("Match"), ordering="match_confidence")
    def match(self, obj: PlatformMapping) -> str:
        """How the listing got its product, how sure matching was, and whether a person
        decided: three columns' worth in one ("Similar title · 80% / Needs review"), so the
        list fits a laptop screen; the method and status filters still narrow it down."""
        method = obj.get_match_method_display()
        if obj.match_confidence is not None:
            method = f"{method} · {self.confidence(obj)}"
        return f"{method} / {obj.get_review_status_display()}"

    @admin.display(description=_("Price breakdown"))
    def price_breakdown_pretty(self, obj: PlatformMapping) -> str:
        if not obj.price_breakdown:
            return "—"
        return render_to_string("admin/pricing/includes/breakdown.html", {"b": obj.price_breakdown})

    @admin.display(description=_("Platform data"))
    def platform_data_pretty(self, obj: PlatformMapping) -> str:
        return pretty_json(obj.platform_data)

    @admin.display(description=_("Sync errors"))
    def sync_errors_pretty(self, obj: PlatformMapping) -> str:
        return pretty_json(obj.sync_errors) if obj.sync_errors else "—"

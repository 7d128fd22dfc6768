"""The master product admin: its list, change form, platform mapping inline, bulk status and
price/SEO actions, and the quality dashboard URL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog.admin_quality import quality_dashboard_view, regenerate_seo_action
from catalog.admin_shared import (
    HasMappingsFilter,
    PlatformListFilter,
    QualityTierFilter,
    publication_summary_html,
    recalculate_prices_action,
)
from catalog.findings import findings_html
from catalog.forms import MasterProductAdminForm
from catalog.models import SEARCH_CONFIG, MasterProduct, PlatformMapping
from catalog.selectors import product_platform_differences
from catalog.services import product_save_edit, products_set_status
from core.admin_base import OrganizationScopedAdmin, role_action
from core.money import format_rupiah
from core.roles import Capability
from core.templatetags.percent import fraction_percent


def _money_or_value(field: str, value: Any) -> Any:
    if field in ("base_price", "cost_price") and value not in (None, ""):
        return format_rupiah(Decimal(str(value)))
    return value


class PlatformMappingInline(admin.TabularInline):
    model = PlatformMapping
    extra = 0
    show_change_link = True
    # No platform_shop_id: the listings table must fit the page without scrolling; the shop
    # shows on the listing's own page (the change link).
    fields = (
        "platform",
        "platform_product_id",
        "platform_price",
        "seo_title",
        "sync_enabled",
        "publication",
        "match",
        "review_status",
    )
    readonly_fields = ("match", "publication")

    @admin.display(description=_("To publish"))
    def publication(self, obj: PlatformMapping) -> str:
        return publication_summary_html(obj) if obj.pk else "—"

    @admin.display(description=_("Match"))
    def match(self, obj: PlatformMapping) -> str:
        if obj.match_confidence is None:
            return obj.get_match_method_display()
        return f"{obj.get_match_method_display()} · {fraction_percent(obj.match_confidence)}"

    def has_add_permission(self, request, obj=None):
        return self.admin_site._registry[MasterProduct].has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.admin_site._registry[MasterProduct].has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.admin_site._registry[MasterProduct].has_delete_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return self.admin_site._registry[MasterProduct].has_view_permission(request, obj)


def _status_action(status: str, description: str):
    def action(modeladmin: MasterProductAdmin, request: HttpRequest, queryset: QuerySet):
        changed_ids = products_set_status(products=queryset, status=status)
        if changed_ids:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=MasterProduct.objects.filter(pk__in=changed_ids),
                action_flag=CHANGE,
                change_message=[{"changed": {"fields": ["Status"]}}],
            )
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d product marked %(status)s.",
                "%(count)d products marked %(status)s.",
                len(changed_ids),
            )
            % {"count": len(changed_ids), "status": MasterProduct.Status(status).label},
            messages.SUCCESS,
        )

    action.__name__ = f"mark_{status}"
    return role_action(Capability.EDIT_CATALOG, description=description)(action)


@admin.register(MasterProduct)
class MasterProductAdmin(OrganizationScopedAdmin):
    form = MasterProductAdminForm
    inlines = [PlatformMappingInline]
    list_display = (
        "thumbnail",
        "sku",
        "name",
        "price",
        "status",
        "category",
        "quality",
        "mapping_count",
        "updated_at",
    )
    list_display_links = ("sku", "name")
    list_filter = (
        "status",
        PlatformListFilter,
        HasMappingsFilter,
        QualityTierFilter,
        "category",
    )
    search_fields = ("sku",)  # plus Indonesian full text, see get_search_results
    search_help_text = _("Search name and description (Bahasa Indonesia), or an exact SKU.")
    readonly_fields = (
        "image_previews",
        "quality_score",
        "quality_report",
        "platform_differences",
        "created_at",
        "updated_at",
    )
    change_list_template = "admin/catalog/masterproduct/change_list.html"
    actions = [
        "recalculate_prices",
        "regenerate_seo_titles",
        _status_action(MasterProduct.Status.ACTIVE, _("Activate selected products")),
        _status_action(MasterProduct.Status.INACTIVE, _("Deactivate selected products")),
        _status_action(MasterProduct.Status.ARCHIVED, _("Archive selected products")),
    ]
    fieldsets = (
        (None, {"fields": ("organization", "sku", "name", "brand", "status")}),
        (_("Price"), {"fields": ("base_price", "cost_price", "currency")}),
        (_("Description"), {"fields": ("short_description", "full_description")}),
        (_("Category and tags"), {"fields": ("category", "subcategory", "tags")}),
        (_("Shipping"), {"fields": ("weight_kg", "length_cm", "width_cm", "height_cm")}),
        (_("Images"), {"fields": ("images", "image_previews")}),
        (_("Variants"), {"fields": ("variants",)}),
        (_("Quality"), {"fields": ("quality_score", "quality_report")}),
        (
            _("Imports"),
            {"fields": ("locked_fields", "platform_differences", "created_at", "updated_at")},
        ),
    )

    def get_empty_state(self, request: HttpRequest) -> str:
        return format_html(
            '{} <a href="{}">{}</a>',
            _(
                "No products yet. The catalog builds itself from your shops' listings: "
                "select a shop and choose “Import now (full)”."
            ),
            reverse("admin:imports_channelconnection_changelist"),
            _("Go to the channel connections"),
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Correlated subquery, evaluated only for the rows on the page (no GROUP BY scan).
        mapping_count = (
            PlatformMapping.objects.filter(master_product=OuterRef("pk"))
            .order_by()
            .values("master_product")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                mappings_total=Coalesce(
                    Subquery(mapping_count, output_field=IntegerField()), Value(0)
                )
            )
            .defer("full_description", "search_vector")
        )

    @role_action(Capability.RECALCULATE_PRICES, description=_("Recalculate platform prices"))
    def recalculate_prices(self, request, queryset):
        mappings = PlatformMapping.objects.filter(master_product__in=queryset)
        return recalculate_prices_action(self, request, queryset, mappings)

    @role_action(Capability.EDIT_CATALOG, description=_("Regenerate SEO titles"))
    def regenerate_seo_titles(self, request, queryset):
        mappings = PlatformMapping.objects.filter(master_product__in=queryset)
        return regenerate_seo_action(self, request, queryset, mappings)

    def get_urls(self):
        return [
            path(
                "quality/",
                self.admin_site.admin_view(self.quality_view),
                name="catalog_quality_dashboard",
            ),
            *super().get_urls(),
        ]

    def quality_view(self, request: HttpRequest):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return quality_dashboard_view(self, request)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = Q(search_vector=SearchQuery(term, config=SEARCH_CONFIG, search_type="websearch"))
        matches |= Q(sku=term) | Q(sku=term.upper())
        return queryset.filter(matches), False

    def save_model(self, request, obj, form, change):
        product_save_edit(
            product=obj, edited_fields=form.changed_data if change else [], lock=change
        )

    def save_formset(self, request, form, formset, change):
        # Listings always belong to their product's organization.
        for mapping_form in formset.forms:
            if mapping_form.instance.master_product_id is None or not mapping_form.instance.pk:
                mapping_form.instance.organization_id = form.instance.organization_id
        super().save_formset(request, form, formset, change)

    @admin.display(description="", empty_value="")
    def thumbnail(self, obj: MasterProduct) -> str:
        url = obj.primary_image_url
        if not url:
            return ""
        return format_html(
            '<img src="{}" alt="" width="40" height="40" loading="lazy" '
            'style="object-fit:cover;border-radius:4px">',
            url,
        )

    @admin.display(description=_("Price"), ordering="base_price")
    def price(self, obj: MasterProduct) -> str:
        return format_html(
            '<span style="white-space:nowrap">{}</span>', format_rupiah(obj.base_price)
        )

    @admin.display(description=_("Quality"), ordering="quality_score")
    def quality(self, obj: MasterProduct) -> str:
        return "—" if obj.quality_score is None else str(obj.quality_score)

    @admin.display(description=_("Mappings"), ordering="mappings_total")
    def mapping_count(self, obj: MasterProduct) -> int:
        return obj.mappings_total

    @admin.display(description=_("Preview"))
    def image_previews(self, obj: MasterProduct) -> str:
        images = [image for image in obj.images or [] if isinstance(image, dict)]
        if not images:
            return _("No images")
        return format_html_join(
            "",
            '<img src="{}" alt="{}" title="{}" width="96" height="96" loading="lazy" '
            'style="object-fit:cover;margin:0 6px 6px 0;border:{}">',
            (
                (
                    image.get("url", ""),
                    image.get("alt", ""),
                    image.get("alt", ""),
                    "2px solid #417690" if image.get("primary") else "1px solid #ccc",
                )
                for image in images
            ),
        )

    @admin.display(description=_("Where the platforms now differ"))
    def platform_differences(self, obj: MasterProduct) -> str:
        rows = product_platform_differences(obj)
        if not rows:
            return _("No differences: the product matches its listings.")
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("Field"),
            _("Here"),
            _("On the platform"),
            _("Listing"),
            format_html_join(
                "",
                "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        MasterProduct._meta.get_field(row["field"]).verbose_name,
                        " 🔒" if row["locked"] else "",
                        _money_or_value(row["field"], row["master"]),
                        _money_or_value(row["field"], row["platform"]),
                        row["listing"],
                    )
                    for row in rows
                ),
            ),
        )

    @admin.display(description=_("Quality findings"))
    def quality_report(self, obj: MasterProduct) -> str:
        return findings_html(obj.quality_issues) if obj.quality_issues else "—"

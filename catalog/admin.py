"""Catalog curation in the Django admin."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog.admin_base import OrganizationScopedAdmin, pretty_json
from catalog.admin_quality import quality_dashboard_view, regenerate_seo_action
from catalog.admin_rematch import rematch_catalog_action
from catalog.findings import findings_html
from catalog.forms import MasterProductAdminForm
from catalog.matching import normalize_sku
from catalog.models import (
    SEARCH_CONFIG,
    MasterProduct,
    Membership,
    Organization,
    Platform,
    PlatformMapping,
    SkuRule,
)
from catalog.money import format_rupiah
from catalog.selectors import (
    Role,
    organization_ids_for_user,
    organizations_for_user,
    product_has_mappings,
    product_listed_on,
    product_platform_differences,
    sku_rules_for,
)
from catalog.services import product_save_edit, products_set_status, sku_rules_apply
from pricing.services import mapping_prices_recalculate

QUALITY_TIERS = {
    "good": (85, 100),
    "fair": (60, 84),
    "poor": (0, 59),
}


class PlatformListFilter(admin.SimpleListFilter):
    title = _("listed on")
    parameter_name = "platform"

    def lookups(self, request, model_admin):
        return Platform.choices

    def queryset(self, request, queryset):
        if self.value() in Platform.values:
            return queryset.filter(product_listed_on(self.value()))
        return queryset


class HasMappingsFilter(admin.SimpleListFilter):
    title = _("has platform mappings")
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


def _money_or_value(field: str, value: Any) -> Any:
    if field in ("base_price", "cost_price") and value not in (None, ""):
        return format_rupiah(Decimal(str(value)))
    return value


class PlatformMappingInline(admin.TabularInline):
    model = PlatformMapping
    extra = 0
    show_change_link = True
    fields = (
        "platform",
        "platform_product_id",
        "platform_shop_id",
        "platform_price",
        "seo_title",
        "sync_enabled",
        "sync_status",
        "match",
        "review_status",
    )
    readonly_fields = ("match",)

    @admin.display(description=_("Match"))
    def match(self, obj: PlatformMapping) -> str:
        if obj.match_confidence is None:
            return obj.get_match_method_display()
        return f"{obj.get_match_method_display()} · {obj.match_confidence * 100:.0f}%"

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
        allowed = [
            product
            for product in queryset.only("pk", "organization_id", "sku", "name")
            if modeladmin.has_change_permission(request, product)
        ]
        if len(allowed) < queryset.count():
            modeladmin.message_user(
                request,
                _("You may not change some of the selected products."),
                messages.ERROR,
            )
            return
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
    return admin.action(description=description, permissions=["change"])(action)


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

    @admin.action(description=_("Recalculate platform prices"), permissions=["change"])
    def recalculate_prices(self, request, queryset):
        mappings = PlatformMapping.objects.filter(master_product__in=queryset)
        return recalculate_prices_action(self, request, queryset, mappings)

    @admin.action(description=_("Regenerate SEO titles"), permissions=["change"])
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


@admin.register(PlatformMapping)
class PlatformMappingAdmin(OrganizationScopedAdmin):
    empty_state = _("No listings yet: each import brings the shop's listings here.")
    list_display = (
        "platform_product_id",
        "platform",
        "product_sku",
        "price",
        "fee_percentage",
        "margin",
        "seo_quality_score",
        "quality_score",
        "sync_status",
        "match_method",
        "match_confidence",
        "review_status",
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

    @admin.action(description=_("Regenerate SEO titles"), permissions=["change"])
    def regenerate_seo_titles(self, request, queryset):
        return regenerate_seo_action(self, request, queryset, queryset)

    @admin.action(description=_("Recalculate platform prices"), permissions=["change"])
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
        "margin_percentage",
        "calculated_at",
        "last_synced_at",
        "sync_errors_pretty",
        "created_at",
        "updated_at",
    )
    exclude = ("platform_data", "sync_errors", "price_breakdown", "seo_findings", "quality_issues")

    @admin.display(description=_("SEO findings"))
    def seo_findings_pretty(self, obj: PlatformMapping) -> str:
        return findings_html(obj.seo_findings) if obj.seo_findings else "—"

    @admin.display(description=_("Quality findings"))
    def quality_report(self, obj: PlatformMapping) -> str:
        return findings_html(obj.quality_issues) if obj.quality_issues else "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).defer("platform_data")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "master_product" and not request.user.is_superuser:
            kwargs["queryset"] = MasterProduct.objects.filter(
                organization_id__in=organization_ids_for_user(
                    user=request.user, roles=self.write_roles
                )
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.organization_id = obj.master_product.organization_id
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
        thin = settings.PRICING_THIN_MARGIN_PERCENT
        colour = (
            "#ba2121"
            if obj.margin_percentage < 0
            else ("#b8860b" if obj.margin_percentage < thin else "inherit")
        )
        return format_html('<span style="color:{}">{}%</span>', colour, obj.margin_percentage)

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


from catalog.admin_review import MatchReviewAdmin  # noqa: E402,F401 - registers the queue

"""Fee rules, pricing profiles and the price simulator in the admin."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_base import OrganizationScopedAdmin
from core.money import format_rupiah
from core.platforms import Platform
from core.roles import Capability
from core.selectors import organization_ids_for_user
from core.templatetags.percent import format_percent
from pricing.fee_notes import source_note
from pricing.forms import SimulatorForm
from pricing.models import PlatformFeeConfig, PricingProfile
from pricing.services import price_quote

HUNDRED = Decimal("100")
FEE_RATES = (
    "commission_percent",
    "payment_fee_percent",
    "program_fee_percent",
    "affiliate_percent",
    "pph22_percent",
)


class PercentInput(forms.NumberInput):
    """A rate's input without the four stored decimals: 10.2, not 10.2000. A number input
    takes a dot in every language, so this is not localized (the browser shows it so)."""

    def format_value(self, value: object) -> str | None:
        if isinstance(value, Decimal) and value.is_finite():
            text = f"{value:f}"
            return text.rstrip("0").rstrip(".") if "." in text else text
        return super().format_value(value)


def percent_column(name: str) -> Callable[[admin.ModelAdmin, object], str]:
    """A list or read-only column showing the rate `name` through the one percent format."""
    field = PlatformFeeConfig._meta.get_field(name) if name in FEE_RATES else None
    if field is None:
        field = PricingProfile._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(self: admin.ModelAdmin, obj: object) -> str:
        return format_percent(getattr(obj, name))

    return column


class PercentAdminMixin:
    """Rates shown as "10,2%" in lists and read-only pages, typed as 10.2 in forms."""

    percent_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.percent_fields:
            kwargs["widget"] = PercentInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fields(self, request: HttpRequest, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only, the admin would print the stored Decimal ("10,2000"): the columns
            # below show it as the lists do. Nothing is excluded from a form here, as a
            # view-only page has no form fields.
            return [f"{name}_shown" if name in self.percent_fields else name for name in fields]
        return fields


@admin.register(PlatformFeeConfig)
class PlatformFeeConfigAdmin(PercentAdminMixin, OrganizationScopedAdmin):
    percent_fields = FEE_RATES
    list_display = (
        "platform",
        "seller_tier",
        "category_group",
        "commission_percent_shown",
        "payment_fee_percent_shown",
        "fixed_fee",
        "effective_from",
        "effective_to",
        "owner",
        "verified",
    )
    list_filter = ("platform", "seller_tier", "category_group", "verified")
    list_select_related = ("organization",)
    search_fields = ("source",)
    change_list_template = "admin/pricing/platformfeeconfig/change_list.html"
    commission_percent_shown = percent_column("commission_percent")
    payment_fee_percent_shown = percent_column("payment_fee_percent")
    program_fee_percent_shown = percent_column("program_fee_percent")
    affiliate_percent_shown = percent_column("affiliate_percent")
    pph22_percent_shown = percent_column("pph22_percent")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Everyone sees the defaults; organizations see their own overrides.
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            Q(organization__isnull=True)
            | Q(organization_id__in=organization_ids_for_user(user=request.user))
        )

    def _organization_id_of(self, obj):
        return None if obj is None else obj.organization_id

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.organization_id is None:
            return request.user.is_superuser  # defaults are SyncStore's; override them instead
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.organization_id is None:
            return request.user.is_superuser
        return super().has_delete_permission(request, obj)

    def get_fields(self, request: HttpRequest, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only, the stored English note would show: its translation shows instead.
            return ["source_shown" if name == "source" else name for name in fields]
        return fields

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "source" in form.base_fields:
            shown = source_note(obj.source)
            if shown != obj.source:
                # Editable, the box holds the stored English note (what is saved); the
                # reader's translation goes under it. The form class is made for this
                # request, so changing its field does not leak into other pages.
                field = form.base_fields["source"]
                field.help_text = format_html("{}<br>{}", field.help_text, shown)
        return form

    @admin.display(description=PlatformFeeConfig._meta.get_field("source").verbose_name)
    def source_shown(self, obj: PlatformFeeConfig) -> str:
        return source_note(obj.source)

    @admin.display(description=_("Fixed fee per order"), ordering="fixed_fee_per_order")
    def fixed_fee(self, obj: PlatformFeeConfig) -> str:
        return format_rupiah(obj.fixed_fee_per_order)

    @admin.display(description=_("Applies to"), ordering="organization__name")
    def owner(self, obj: PlatformFeeConfig) -> str:
        return obj.organization.name if obj.organization else _("Default")

    def get_urls(self):
        return [
            path(
                "simulator/",
                self.admin_site.admin_view(self.simulator_view),
                name="pricing_simulator",
            ),
            *super().get_urls(),
        ]

    def simulator_view(self, request: HttpRequest):
        """Both platforms' breakdowns side by side, for a cost or a price (writes nothing)."""
        if not self.may(request, Capability.QUOTE_PRICES):
            raise PermissionDenied
        form = SimulatorForm(request.GET or None)
        results = []
        if form.is_valid():
            data = form.cleaned_data
            memberships = list(
                organization_ids_for_user(user=request.user).values_list(
                    "organization_id", flat=True
                )
            )
            organization_id = memberships[0] if memberships else None
            for platform, label in Platform.choices:
                results.append(self._simulate(platform, label, data, organization_id))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "results": results,
            "title": _("Price simulator"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/pricing/simulator.html", context)

    def _simulate(self, platform: str, label: str, data: dict, organization_id) -> dict:
        quote = price_quote(
            organization_id=organization_id,
            platform=platform,
            seller_tier=data["seller_tier"],
            category_group=data["category_group"],
            on=data["on"],
            cost=data.get("cost"),
            target_margin_percent=data.get("target_margin"),
            price=data.get("price"),
            discount_percent=data["discount"],
            shipping=data["shipping"],
            program_percent=data["program_percent"],
            program_cap=data.get("program_cap"),
            affiliate_percent=data["affiliate_percent"],
            pph22=data["pph22"],
        )
        return {
            "platform": label,
            "rule": quote.rule,
            "breakdown": quote.breakdown,
            "error": quote.error,
        }


@admin.register(PricingProfile)
class PricingProfileAdmin(PercentAdminMixin, OrganizationScopedAdmin):
    percent_fields = ("thin_margin_percent",)
    list_display = (
        "organization",
        "platform",
        "seller_tier",
        "pph22_applies",
        "units_per_order",
        "thin_margin_percent_shown",
    )
    thin_margin_percent_shown = percent_column("thin_margin_percent")
    list_filter = ("platform", "seller_tier")
    list_select_related = ("organization",)

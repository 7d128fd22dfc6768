"""Fee rules, pricing profiles and the price simulator in the admin."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from catalog.admin_base import OrganizationScopedAdmin
from catalog.models import Platform
from catalog.money import format_rupiah
from catalog.roles import Capability
from catalog.selectors import organization_ids_for_user
from pricing.forms import SimulatorForm
from pricing.models import PlatformFeeConfig, PricingProfile
from pricing.services import price_quote

HUNDRED = Decimal("100")


@admin.register(PlatformFeeConfig)
class PlatformFeeConfigAdmin(OrganizationScopedAdmin):
    list_display = (
        "platform",
        "seller_tier",
        "category_group",
        "commission_percent",
        "payment_fee_percent",
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
class PricingProfileAdmin(OrganizationScopedAdmin):
    list_display = (
        "organization",
        "platform",
        "seller_tier",
        "pph22_applies",
        "units_per_order",
        "thin_margin_percent",
    )
    list_filter = ("platform", "seller_tier")
    list_select_related = ("organization",)

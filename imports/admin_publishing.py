"""*Pending publication*: the listings whose computed price or SEO title differs from what the
marketplace shows, filtered and published from here (a preview first, then a background job),
and conflicts settled side by side."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.db.models.functions import Abs
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog.admin_shared import MarginFilter, publication_summary_html
from catalog.models import PlatformMapping, PublishKind, SyncStatus
from core.admin_base import ReadOnlyScopedAdmin, role_action
from core.money import format_rupiah
from core.roles import Capability
from core.templatetags.percent import format_percent
from imports.models import ChannelConnection
from imports.publishing import reasons
from imports.publishing.models import PendingPublication, PublishItem
from imports.publishing.plan import max_change_percent_default
from imports.publishing.services import PublishRefused, conflict_settle, publication_start

PREVIEW_ROWS = 500
# Listings that have something to publish, or a publication someone should look at.
NEEDS_ATTENTION = Q(pending_kinds__overlap=list(PublishKind.values)) | Q(
    sync_status__in=(
        SyncStatus.CONFLICT,
        SyncStatus.BLOCKED,
        SyncStatus.IN_REVIEW,
        SyncStatus.REJECTED,
        SyncStatus.ERROR,
    )
)


class ChangeKindFilter(admin.SimpleListFilter):
    title = _("kind of change")
    parameter_name = "change"

    def lookups(self, request, model_admin):
        return [*PublishKind.choices, ("both", _("Price and title"))]

    def queryset(self, request, queryset):
        if self.value() == "both":
            return queryset.filter(pending_kinds__contains=list(PublishKind.values))
        if self.value() in PublishKind.values:
            return queryset.filter(pending_kinds__contains=[self.value()])
        return queryset


class PriceChangeFilter(admin.SimpleListFilter):
    title = _("size of the price change")
    parameter_name = "price_change"
    BANDS = {
        "small": (Decimal(0), Decimal(5)),
        "medium": (Decimal(5), Decimal(15)),
        "large": (Decimal(15), Decimal(30)),
        "huge": (Decimal(30), None),
    }

    def lookups(self, request, model_admin):
        return [
            ("small", _("Up to 5%")),
            ("medium", _("5% to 15%")),
            ("large", _("15% to 30%")),
            ("huge", _("Over 30%")),
            ("up", _("Price goes up")),
            ("down", _("Price goes down")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "up":
            return queryset.filter(price_change_percent__gt=0)
        if value == "down":
            return queryset.filter(price_change_percent__lt=0)
        if value in self.BANDS:
            low, high = self.BANDS[value]
            sized = queryset.annotate(size=Abs("price_change_percent")).filter(size__gt=low)
            return sized.filter(size__lte=high) if high is not None else sized
        return queryset


class ShopFilter(admin.SimpleListFilter):
    title = _("shop")
    parameter_name = "shop"

    def lookups(self, request, model_admin):
        # The shops as the merchandiser named their connections (a TikTok cipher means nothing
        # to a person).
        connections = ChannelConnection.objects.filter(
            organization_id__in=model_admin.get_queryset(request).values("organization_id")
        )
        named = {}
        for connection in connections.order_by("name"):
            shop = connection.shop_id or connection.shop_cipher
            if shop:
                named.setdefault(shop, connection.name)
        return list(named.items())

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        shops = {self.value()}
        for connection in ChannelConnection.objects.filter(
            Q(shop_id=self.value()) | Q(shop_cipher=self.value())
        ):
            shops |= {connection.shop_id, connection.shop_cipher} - {""}
        return queryset.filter(platform_shop_id__in=shops)


def _percent_limit(text: str | None) -> Decimal:
    """The preview's largest allowed change: a number from 0 to 100,000 (anything else, NaN
    and infinity included, is the configured default)."""
    try:
        value = Decimal(text or "")
    except InvalidOperation:
        return max_change_percent_default()
    if not value.is_finite() or not 0 <= value <= 100_000:
        return max_change_percent_default()
    return value


@admin.register(PendingPublication)
class PendingPublicationAdmin(ReadOnlyScopedAdmin):
    write_capability = Capability.PUBLISH
    empty_state = _(
        "Nothing to publish: every listing shows the price and title SyncStore computed."
    )
    list_display = (
        "listing",
        "platform",
        "changes",
        "price_change",
        "margin",
        "sync_status",
        "sync_blocked_until",
    )
    list_filter = (
        "platform",
        ShopFilter,
        ChangeKindFilter,
        PriceChangeFilter,
        MarginFilter,
        "sync_status",
    )
    list_select_related = ("master_product",)
    search_fields = ("platform_product_id", "platform_title", "seo_title", "master_product__sku")
    actions = ["publish_selected", "keep_platform_values", "keep_our_values"]
    change_form_template = "admin/imports/pendingpublication/change_form.html"
    fields = (
        "listing",
        "platform",
        "platform_shop_id",
        "sync_status",
        "to_publish",
        "sync_blocked_until",
        "errors",
        "last_synced_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(NEEDS_ATTENTION).defer("match_candidates")

    # --- columns ------------------------------------------------------------------------------
    @admin.display(description=_("Listing"), ordering="platform_product_id")
    def listing(self, obj: PlatformMapping) -> str:
        url = reverse("admin:catalog_platformmapping_change", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a><br><small>{}</small>',
            url,
            obj.platform_product_id,
            obj.platform_title[:60],
        )

    @admin.display(description=_("Changes"))
    def changes(self, obj: PlatformMapping) -> str:
        labels = dict(PublishKind.choices)
        return ", ".join(str(labels[kind]) for kind in obj.pending_kinds) or "—"

    @admin.display(description=_("Price change"), ordering="price_change_percent")
    def price_change(self, obj: PlatformMapping) -> str:
        if obj.price_change_percent is None:
            return "—"
        sign = "+" if obj.price_change_percent > 0 else ""
        return f"{sign}{format_percent(obj.price_change_percent)}"

    @admin.display(description=_("Margin after fees"), ordering="margin_percentage")
    def margin(self, obj: PlatformMapping) -> str:
        return format_percent(obj.margin_percentage)

    @admin.display(description=_("To publish"))
    def to_publish(self, obj: PlatformMapping) -> str:
        return publication_summary_html(obj)

    @admin.display(description=_("Why"))
    def errors(self, obj: PlatformMapping) -> str:
        if not obj.sync_errors:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}{}</li>",
                (
                    (
                        reasons.reason_text(error.get("reason", "")),
                        f" ({error['message']})" if error.get("message") else "",
                    )
                    for error in obj.sync_errors
                ),
            ),
        )

    # --- actions ------------------------------------------------------------------------------
    @role_action(Capability.PUBLISH, description=_("Preview and publish the selected listings"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet):
        kinds = [k for k in request.POST.getlist("kinds") if k in PublishKind.values]
        kinds = kinds or list(PublishKind.values)
        overrides = [o for o in request.POST.getlist("overrides") if o in reasons.OVERRIDE_TEXT]
        limit = _percent_limit(request.POST.get("max_change_percent"))
        mappings = PlatformMapping.objects.filter(pk__in=queryset.values("pk"))
        confirm = request.POST.get("confirm") == "yes"
        plan, jobs = publication_start(
            mappings=mappings,
            user=request.user,
            kinds=kinds,
            overrides=overrides,
            max_change_percent=limit,
            dry_run=not confirm,
        )
        if confirm:
            if not jobs:
                self.message_user(
                    request, _("Nothing was published: every change is held."), messages.WARNING
                )
                return None
            self.message_user(
                request,
                ngettext(
                    "%(changes)d change queued in %(jobs)d publication; follow it below.",
                    "%(changes)d changes queued in %(jobs)d publications; follow them below.",
                    len(jobs),
                )
                % {"changes": sum(job.total_count for job in jobs), "jobs": len(jobs)},
                messages.SUCCESS,
            )
            return redirect("admin:imports_publishjob_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview: publish to the marketplaces"),
            "plan": plan,
            # The first rows on the page; the summary counts them all.
            "rows": [self._row(row) for row in plan.rows[:PREVIEW_ROWS]],
            "rows_hidden": max(0, len(plan.rows) - PREVIEW_ROWS),
            "summary": plan.summary(),
            "queryset": queryset,
            "kinds": kinds,
            "kind_choices": PublishKind.choices,
            "overrides": overrides,
            "override_choices": list(reasons.OVERRIDE_TEXT.items()),
            "max_change_percent": limit,
            "opts": self.model._meta,
            "action_name": request.POST.get("action"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/imports/pendingpublication/preview.html", context)

    @staticmethod
    def _row(row) -> dict[str, object]:
        price = row.kind == PublishKind.PRICE

        def shown(value: str) -> str:
            if not price or value in ("", None):
                return value or "—"
            return format_rupiah(Decimal(value))

        percent = row.change_percent
        return {
            "listing": row.mapping,
            "kind": PublishKind(row.kind).label,
            "variant": row.variant_name or row.variant,
            "old": shown(row.old_value),
            "new": shown(row.new_value),
            "change": "—"
            if percent is None
            else f"{'+' if percent > 0 else ''}{format_percent(percent)}",
            "margin": format_percent(row.margin_percent) if price else "—",
            "held": [reasons.reason_text(code) for code in row.held],
            "overridden": [reasons.reason_text(code) for code in row.overridden],
        }

    def _settle(self, request: HttpRequest, queryset: QuerySet, keep: str) -> None:
        settled = 0
        for mapping in queryset:
            try:
                conflict_settle(mapping=mapping, keep=keep)
            except PublishRefused:
                continue
            settled += 1
        self.message_user(
            request,
            ngettext("%(n)d conflict settled.", "%(n)d conflicts settled.", settled)
            % {"n": settled},
            messages.SUCCESS if settled else messages.WARNING,
        )

    @role_action(Capability.PUBLISH, description=_("Conflicts: keep the platform's values"))
    def keep_platform_values(self, request: HttpRequest, queryset: QuerySet):
        self._settle(request, queryset, "platform")

    @role_action(Capability.PUBLISH, description=_("Conflicts: publish ours over them"))
    def keep_our_values(self, request: HttpRequest, queryset: QuerySet):
        self._settle(request, queryset, "ours")

    # --- the conflict, side by side, on the listing's page -----------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/settle/<str:keep>/",
                view(self.settle_view),
                name="imports_pendingpublication_settle",
            ),
            *super().get_urls(),
        ]

    def settle_view(self, request: HttpRequest, object_id: int, keep: str) -> HttpResponseRedirect:
        mapping = get_object_or_404(self.get_queryset(request), pk=object_id)
        if request.method != "POST" or keep not in ("platform", "ours"):
            raise PermissionDenied
        if not self.may(request, Capability.PUBLISH, mapping):
            raise PermissionDenied
        self._settle(request, PendingPublication.objects.filter(pk=mapping.pk), keep)
        return redirect("admin:imports_pendingpublication_change", mapping.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        mapping = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if mapping is not None:
            extra["conflict_rows"] = self._conflict_rows(mapping)
            extra["may_publish"] = self.may(request, Capability.PUBLISH, mapping)
            extra["recent_items"] = (
                PublishItem.objects.filter(mapping=mapping)
                .select_related("job")
                .order_by("-pk")[:10]
            )
        return super().change_view(request, object_id, form_url, extra)

    @staticmethod
    def _history_row(item: PublishItem) -> dict[str, object]:
        def shown(value: str) -> str:
            if item.kind != PublishKind.PRICE or not value:
                return value or "—"
            try:
                return format_rupiah(Decimal(value))
            except InvalidOperation:
                return value

        return {
            "job_id": item.job_id,
            "kind": item.get_kind_display(),
            "variant": item.variant or "—",
            "old": shown(item.old_value),
            "new": shown(item.new_value),
            "state": item.get_state_display(),
            "platform": shown(item.platform_value),
        }

    @staticmethod
    def _conflict_rows(mapping: PlatformMapping) -> list[dict[str, str]]:
        conflict = mapping.sync_conflict or {}
        rows = []
        if title := conflict.get("title"):
            rows.append({"what": _("Title"), **title})
        for variant, values in sorted((conflict.get("prices") or {}).items()):
            rows.append(
                {
                    "what": _("Price %(variant)s") % {"variant": variant}
                    if variant
                    else _("Price"),
                    **{
                        key: format_rupiah(Decimal(value)) if value else "—"
                        for key, value in values.items()
                    },
                }
            )
        return rows

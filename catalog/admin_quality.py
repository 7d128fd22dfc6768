"""The quality dashboard and the bulk SEO title regeneration (with a preview)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.findings import finding_text
from catalog.listing_seo import mappings_seo_apply
from catalog.models import MasterProduct, PlatformMapping
from catalog.quality import FAIR, GOOD, TIER_NAMES
from catalog.selectors import common_findings, tier_counts
from core.platforms import Platform
from core.selectors import organization_ids_for_user
from core.templatetags.percent import CONFIDENCE_PLACES, format_percent

TIER_COLOURS = {"good": "#3a7d44", "fair": "#c9a227", "poor": "#ba2121", "unscored": "#999"}
TIER_LABELS = {**TIER_NAMES, "unscored": gettext_lazy("Unscored")}


def _scoped(queryset: QuerySet, request: HttpRequest) -> QuerySet:
    if request.user.is_superuser:
        return queryset
    return queryset.filter(organization_id__in=organization_ids_for_user(user=request.user))


def _share(count: int, total: int) -> str:
    """A tier's share of the listings, written like every percentage in the admin: whole
    percents rounded half up (2 of 3 is 67%), the language's own decimal separator."""
    return format_percent(Decimal(count) / total, places=CONFIDENCE_PLACES, fraction=True)


def bar_chart(counts: dict[str, int], title: str) -> str:
    """A small horizontal bar chart as inline SVG: rendered here, no script, no internet."""
    total = sum(counts.values()) or 1
    width, bar, gap = 420, 22, 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{title}" '
        f'class="quality-chart" width="{width}" height="{len(counts) * (bar + gap) + 8}">'
    ]
    for row, (tier, count) in enumerate(counts.items()):
        y = 4 + row * (bar + gap)
        length = round((width - 200) * count / total)
        parts.append(
            f'<text x="0" y="{y + 16}" font-size="13" fill="currentColor">{TIER_LABELS[tier]}'
            f'</text><rect x="110" y="{y}" width="{length}" height="{bar}" rx="3" '
            f'fill="{TIER_COLOURS[tier]}"/><text x="{116 + length}" y="{y + 16}" font-size="13" '
            f'fill="currentColor">{count} ({_share(count, total)})</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def quality_dashboard_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> TemplateResponse:
    mappings = _scoped(PlatformMapping.objects.all(), request)
    counts = tier_counts(mappings)
    charts = []
    for platform, label in Platform.choices:
        row = counts.get(platform, {"good": 0, "fair": 0, "poor": 0, "unscored": 0})
        charts.append({"platform": label, "svg": bar_chart(row, label), "total": sum(row.values())})
    worst = (
        _scoped(MasterProduct.objects.filter(quality_score__isnull=False), request)
        .order_by("quality_score", "pk")
        .only("id", "sku", "name", "quality_score", "quality_issues")[:15]
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Catalog quality"),
        "opts": model_admin.model._meta,
        "charts": charts,
        "findings": [(finding_text(f), count) for f, count in common_findings(mappings)],
        "worst": worst,
        "good": GOOD,
        "fair": FAIR,
    }
    return TemplateResponse(request, "admin/catalog/quality_dashboard.html", context)


def regenerate_seo_action(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, mappings: QuerySet
):
    """Show old and new titles first; write only when confirmed."""
    if request.POST.get("confirm") == "yes":
        changes = mappings_seo_apply(mappings=mappings)
        model_admin.message_user(
            request,
            _("SEO titles regenerated for %(n)d listing(s).") % {"n": len(changes)},
            messages.SUCCESS,
        )
        return None
    changes = mappings_seo_apply(mappings=mappings, dry_run=True)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Regenerate SEO titles"),
        "changes": changes,
        "queryset": queryset,
        "opts": model_admin.model._meta,
        "action_name": request.POST.get("action"),
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/catalog/regenerate_seo.html", context)

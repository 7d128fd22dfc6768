"""Named reads for the catalog."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from catalog.models import MasterProduct, PlatformMapping
from catalog.quality import tier_bounds


def product_has_mappings() -> Exists:
    return Exists(PlatformMapping.objects.filter(master_product=OuterRef("pk")))


def product_listed_on(platform: str) -> Exists:
    return Exists(PlatformMapping.objects.filter(master_product=OuterRef("pk"), platform=platform))


def sku_rules_for(organization_id: int) -> tuple:
    """The organization's enabled SKU rules, in order, as pure values for matching."""
    from catalog.matching import SkuRule as Rule
    from catalog.models import SkuRule

    return tuple(
        Rule(action, value, replacement)
        for action, value, replacement in SkuRule.objects.filter(
            organization_id=organization_id, enabled=True
        ).values_list("action", "value", "replacement")
    )


COMPARED_FIELDS = (
    "name",
    "base_price",
    "brand",
    "weight_kg",
    "category",
    "subcategory",
    "short_description",
)


def product_platform_differences(product: MasterProduct) -> list[dict[str, Any]]:
    """Fields whose value on a listing (as last imported) differs from the product's."""
    from decimal import Decimal, InvalidOperation

    rows = []
    locked = set(product.locked_fields or [])
    for mapping in product.mappings.all():
        listing = (mapping.platform_data or {}).get("listing") or {}
        for name in COMPARED_FIELDS:
            if name not in listing:
                continue
            ours, theirs = getattr(product, name), listing[name]
            if isinstance(ours, Decimal) or name in ("base_price", "weight_kg"):
                try:
                    same = (
                        ours is not None
                        and theirs not in (None, "")
                        and (Decimal(str(ours)) == Decimal(str(theirs)))
                    )
                except InvalidOperation:
                    same = False
                if ours is None and theirs in (None, ""):
                    same = True
            else:
                same = (ours or "") == (theirs or "")
            if not same:
                rows.append(
                    {
                        "field": name,
                        "locked": name in locked,
                        "master": ours,
                        "platform": theirs,
                        "listing": f"{mapping.get_platform_display()} "
                        f"{mapping.platform_product_id}",
                    }
                )
    return rows


def quality_tier_q(tier: str, field: str = "quality_score") -> Q:
    """Rows whose `field` is in the quality tier ("good", "fair", "poor"; catalog.quality)."""
    low, above = tier_bounds(tier)
    condition = Q()
    if low is not None:
        condition &= Q(**{f"{field}__gte": low})
    if above is not None:
        condition &= Q(**{f"{field}__lt": above})
    return condition


def tier_counts(mappings: QuerySet) -> dict[str, dict[str, int]]:
    """Good / Fair / Poor / unscored listings per platform, in one query."""
    rows = mappings.values("platform").annotate(
        good=Count("pk", filter=quality_tier_q("good")),
        fair=Count("pk", filter=quality_tier_q("fair")),
        poor=Count("pk", filter=quality_tier_q("poor")),
        unscored=Count("pk", filter=Q(quality_score__isnull=True)),
    )
    return {row.pop("platform"): row for row in rows}


def common_findings(mappings: QuerySet, limit: int = 10) -> list[tuple[dict[str, Any], int]]:
    """The recommendations that come up most often across the listings: one of each, counted."""
    sql, params = mappings.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            # One row per advice (its template), however its values vary between listings.
            "SELECT (array_agg(finding))[1], count(*), "  # noqa: S608
            "count(DISTINCT coalesce(finding->'params', finding->'problems')) "
            "FROM platform_mappings pm, jsonb_array_elements(pm.quality_issues) AS finding "
            f"WHERE pm.id IN ({sql}) "
            "GROUP BY coalesce(finding->>'template', finding->>'recommendation') "
            "ORDER BY count(*) DESC, 1 LIMIT %s",
            [*params, limit],
        )
        findings = []
        for sample, count, variants in cursor:
            finding = json.loads(sample) if isinstance(sample, str) else sample
            if variants > 1:
                finding = {**finding, "params": None}  # the values differ: the advice alone
            findings.append((finding, count))
        return findings


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def kept_apart_conflicts(mappings: Iterable[PlatformMapping]) -> dict[int, MasterProduct]:
    """For listings matching kept apart on a product of their own (a SKU another listing
    already has), the product each one conflicts with, by mapping id.

    Matching records it as the first candidate; listings kept apart before it did (or when
    the other listing's product was made in the same batch) are resolved as a person would:
    the product another listing with the same SKU is on, else the product having the SKU.
    A few queries for a whole page of the review queue, none per row.
    """
    kept = [m for m in mappings if m.match_method == PlatformMapping.MatchMethod.NEW]
    if not kept:
        return {}
    organizations = {m.organization_id for m in kept}
    recorded = {
        m.pk: _uuid_or_none(((m.match_candidates or [{}])[0] or {}).get("product")) for m in kept
    }
    products = MasterProduct.objects.filter(organization_id__in=organizations).in_bulk(
        [pk for pk in recorded.values() if pk is not None]
    )
    found: dict[int, MasterProduct] = {}
    for mapping in kept:
        product = products.get(recorded[mapping.pk])
        if product is not None and product.pk != mapping.master_product_id:
            found[mapping.pk] = product
    missing = [m for m in kept if m.pk not in found and m.platform_sku.strip()]
    if not missing:
        return found
    skus = {m.platform_sku for m in missing}
    others = (
        PlatformMapping.objects.filter(organization_id__in=organizations, platform_sku__in=skus)
        .exclude(pk__in=[m.pk for m in missing])
        .select_related("master_product")
        .defer("platform_data", "master_product__search_vector", "master_product__full_description")
        .order_by("pk")
    )
    by_sku: dict[tuple[int, str], list[MasterProduct]] = {}
    for other in others:
        key = (other.organization_id, other.platform_sku)
        by_sku.setdefault(key, []).append(other.master_product)
    for product in MasterProduct.objects.filter(
        organization_id__in=organizations, sku__in=skus
    ).defer("search_vector", "full_description"):
        by_sku.setdefault((product.organization_id, product.sku), []).append(product)
    for mapping in missing:
        choices = by_sku.get((mapping.organization_id, mapping.platform_sku), [])
        other = next((p for p in choices if p.pk != mapping.master_product_id), None)
        if other is not None:
            found[mapping.pk] = other
    return found

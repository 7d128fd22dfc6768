"""Named reads for the catalog."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from catalog.models import MasterProduct, Membership, Organization, PlatformMapping
from catalog.quality import FAIR as QUALITY_FAIR
from catalog.quality import GOOD as QUALITY_GOOD

Role = Membership.Role
WRITE_ROLES = (Role.OWNER, Role.MERCHANDISER)
ALL_ROLES = tuple(Role)


def organization_ids_for_user(
    *, user: AbstractBaseUser | AnonymousUser, roles: Iterable[str] = ALL_ROLES
) -> QuerySet[Membership]:
    """The ids of the organizations `user` belongs to with one of `roles`, as a subquery."""
    if not user.is_authenticated:
        return Membership.objects.none().values("organization_id")
    return Membership.objects.filter(user=user, role__in=list(roles)).values("organization_id")


def organizations_for_user(
    *, user: AbstractBaseUser | AnonymousUser, roles: Iterable[str] = ALL_ROLES
) -> QuerySet[Organization]:
    if getattr(user, "is_superuser", False):
        return Organization.objects.all()
    return Organization.objects.filter(id__in=organization_ids_for_user(user=user, roles=roles))


def product_has_mappings() -> Exists:
    return Exists(PlatformMapping.objects.filter(master_product=OuterRef("pk")))


def product_listed_on(platform: str) -> Exists:
    return Exists(PlatformMapping.objects.filter(master_product=OuterRef("pk"), platform=platform))


def products_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[MasterProduct]:
    products = MasterProduct.objects.all()
    if getattr(user, "is_superuser", False):
        return products
    return products.filter(organization_id__in=organization_ids_for_user(user=user))


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


def tier_counts(mappings: QuerySet) -> dict[str, dict[str, int]]:
    """Good / Fair / Poor / unscored listings per platform, in one query."""
    rows = mappings.values("platform").annotate(
        good=Count("pk", filter=Q(quality_score__gte=QUALITY_GOOD)),
        fair=Count("pk", filter=Q(quality_score__gte=QUALITY_FAIR, quality_score__lt=QUALITY_GOOD)),
        poor=Count("pk", filter=Q(quality_score__lt=QUALITY_FAIR)),
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


def roles_by_organization(request: Any) -> dict[int, str]:
    """The caller's role per organization, read once per request (admin and API alike)."""
    cached = getattr(request, "_syncstore_roles", None)
    if cached is None:
        cached = dict(
            Membership.objects.filter(user_id=request.user.pk).values_list(
                "organization_id", "role"
            )
        )
        request._syncstore_roles = cached
    return cached

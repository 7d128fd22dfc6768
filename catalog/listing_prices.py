"""Platform prices of listings: the pricing calculator applied to platform mappings, and the
margin flags the admin filters by. Only the catalog writes a PlatformMapping; pricing knows
fee rules and arithmetic, not listings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, QuerySet
from django.utils import timezone

from catalog.models import PlatformMapping
from catalog.publication import (
    PUBLICATION_FIELDS,
    publication_refresh,
    publication_status_settle,
)
from core.bulk import bulk_update_rows
from core.money import quantize_rupiah
from pricing.calculator import (
    Breakdown,
    FeeRule,
    PricingError,
    forward,
    margin_flag,
)
from pricing.categories import category_group
from pricing.selectors import (
    PricingContext,
    select_fee_config,
    thin_margin_percent_of,
)

PRICE_FIELDS = (
    "platform_price",
    "fee_percentage",
    "margin_percentage",
    "price_breakdown",
    "calculated_at",
    "updated_at",
    *PUBLICATION_FIELDS,
)


def desired_prices(
    mapping: PlatformMapping,
    rule: FeeRule,
    list_price: Decimal,
    context: PricingContext | None = None,
) -> dict[str, str]:
    """The platform price of each variant of the listing ("" for a listing without).

    A variant linked to a master variant with its own price is priced from that price; any
    other keeps its place relative to the listing's price on the platform (a variant that
    cost 10% more than the cheapest still does), so the spread the seller set survives.
    """
    listing = (mapping.platform_data or {}).get("listing") or {}
    variants = listing.get("variants") or []
    if not variants:
        return {"": str(list_price)}
    master_prices = {
        variant.get("sku"): variant.get("price")
        for variant in mapping.master_product.variants or []
        if isinstance(variant, dict) and variant.get("sku")
    }
    linked = {
        link.get("platform_variant_id"): master_prices.get(link.get("master_sku"))
        for link in mapping.variant_links or []
        if link.get("master_sku")
    }
    shown = [Decimal(str(v["price"])) for v in variants if v.get("price") not in (None, "")]
    cheapest = min(shown, default=Decimal(0))
    prices = {}
    context = context or PricingContext()  # variants often share a price: worked out once
    for variant in variants:
        key = str(variant.get("platform_variant_id", ""))
        own = linked.get(key)
        try:
            if own not in (None, ""):
                prices[key] = str(context.gross_up(Decimal(str(own)), rule).list_price)
            elif cheapest > 0 and variant.get("price") not in (None, ""):
                ratio = Decimal(str(variant["price"])) / cheapest
                prices[key] = str(quantize_rupiah(list_price * ratio))
        except PricingError:
            continue  # that variant keeps its price; the listing's own error is reported
    return prices


@dataclass
class PriceChange:
    mapping: PlatformMapping
    old_price: Decimal | None
    new_price: Decimal | None = None
    fee_percentage: Decimal | None = None
    margin_percentage: Decimal | None = None
    flag: str = ""  # "negative", "thin" or ""
    error: str = ""

    @property
    def changed(self) -> bool:
        return not self.error and self.new_price != self.old_price


def _breakdown_json(breakdown: Breakdown) -> dict[str, str | bool | None]:
    """The stored breakdown, with its rates in percent like every other rate we show or
    serve ("20.07", not the fraction 0.2007 the calculator works with)."""
    stored: dict[str, str | bool | None] = {
        name: (str(value) if isinstance(value, Decimal) else value)
        for name, value in breakdown.__dict__.items()
        if name != "margin"
    }
    margin = breakdown.margin_percentage
    stored["fee_percentage"] = str(breakdown.fee_percentage)
    stored["margin_percentage"] = None if margin is None else str(margin)
    return stored


def _unpriced(mapping: PlatformMapping) -> None:
    """No price can be computed now: the one computed before is not published either."""
    mapping.desired_prices = {}
    publication_refresh(mapping)


def mapping_prices_compute(
    *,
    mappings: Iterable[PlatformMapping],
    on: date | None = None,
    context: PricingContext | None = None,
) -> list[PriceChange]:
    """Price each listing from its product's base price with the fee rule in force `on`."""
    on = on or timezone.localdate()
    context = context or PricingContext()
    changes = []
    # A fee rule's name (its choices' labels, translated) is the same for every listing.
    rule_names: dict[int, str] = {}
    for mapping in mappings:
        configs, profile = context.load(mapping.organization_id, mapping.platform)
        master = mapping.master_product
        change = PriceChange(mapping, mapping.platform_price)
        config = select_fee_config(
            configs,
            platform=mapping.platform,
            seller_tier=profile.seller_tier,
            category_group=category_group(master.category),
            on=on,
            organization_id=mapping.organization_id,
        )
        if config is None:
            change.error = f"no {mapping.get_platform_display()} fee rule in force on {on}"
            _unpriced(mapping)
            changes.append(change)
            continue
        rule = context.rule(config, profile)
        try:
            priced = context.gross_up(master.base_price, rule)
            # The same price, seen with the product's cost: profit and margin (if known).
            with_cost = forward(priced.list_price, rule, cost=master.cost_price)
        except PricingError as error:
            change.error = str(error)
            _unpriced(mapping)
            changes.append(change)
            continue
        change.new_price = priced.list_price
        change.fee_percentage = priced.fee_percentage
        change.margin_percentage = with_cost.margin_percentage
        change.flag = margin_flag(change.margin_percentage, profile.thin_margin_percent)
        mapping.platform_price = change.new_price
        mapping.fee_percentage = change.fee_percentage
        mapping.margin_percentage = change.margin_percentage
        mapping.desired_prices = desired_prices(mapping, rule, priced.list_price, context)
        publication_refresh(mapping)
        if id(config) not in rule_names:
            rule_names[id(config)] = str(config)
        mapping.price_breakdown = {
            **_breakdown_json(with_cost),
            "fee_rule_id": config.pk,
            "fee_rule": rule_names[id(config)],
            "fee_rule_source": config.source,
            "fee_rule_verified": config.verified,
            "seller_tier": profile.seller_tier,
            "priced_on": on.isoformat(),
            "flag": change.flag,
        }
        changes.append(change)
    return changes


def mapping_prices_recalculate(
    *, mappings: QuerySet[PlatformMapping], on: date | None = None, dry_run: bool = False
) -> list[PriceChange]:
    """Compute and (unless a dry run) store the platform prices of `mappings`."""
    changes = mapping_prices_compute(
        mappings=mappings.select_related("master_product").order_by("pk"), on=on
    )
    if not dry_run:
        now = timezone.now()
        priced = [change.mapping for change in changes if not change.error]
        for mapping in priced:
            mapping.calculated_at = mapping.updated_at = now
        bulk_update_rows(PlatformMapping, priced, PRICE_FIELDS)
        # A listing that cannot be priced now has no price to publish either.
        unpriced = [change.mapping for change in changes if change.error]
        bulk_update_rows(PlatformMapping, unpriced, PUBLICATION_FIELDS)
        publication_status_settle(change.mapping.pk for change in changes)
    return changes


def mappings_by_margin(
    mappings: QuerySet[PlatformMapping], margin: str
) -> QuerySet[PlatformMapping]:
    """The listings whose stored margin is "negative", "thin", "healthy" or "unknown" (no
    cost); thin and healthy against each listing's own pricing profile threshold."""
    if margin == "negative":
        return mappings.filter(margin_percentage__lt=0)
    if margin == "unknown":
        return mappings.filter(margin_percentage__isnull=True)
    threshold = mappings.annotate(thin_below=thin_margin_percent_of())
    if margin == "thin":
        return threshold.filter(margin_percentage__gte=0, margin_percentage__lt=F("thin_below"))
    if margin == "healthy":
        return threshold.filter(margin_percentage__gte=F("thin_below"))
    return mappings

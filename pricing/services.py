"""Applying the calculator to platform mappings: platform price, fees, margin, flags."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.bulk import bulk_update_rows
from catalog.models import PlatformMapping
from pricing.calculator import Breakdown, PricingError, forward, gross_up, reverse
from pricing.categories import category_group
from pricing.models import PlatformFeeConfig, PricingProfile
from pricing.selectors import fee_configs_for, fee_rule, profile_for, select_fee_config

PRICE_FIELDS = (
    "platform_price",
    "fee_percentage",
    "margin_percentage",
    "price_breakdown",
    "calculated_at",
    "updated_at",
)


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


class PricingContext:
    """Fee rules and pricing profiles, loaded once per organization and platform and kept
    (an import prices page after page with the same rules)."""

    def __init__(self) -> None:
        self.configs: dict[tuple[int, str], list[PlatformFeeConfig]] = {}
        self.profiles: dict[tuple[int, str], PricingProfile] = {}

    def load(self, organization_id: int, platform: str) -> tuple[list, PricingProfile]:
        key = (organization_id, platform)
        if key not in self.configs:
            self.configs[key] = fee_configs_for(organization_id=organization_id, platform=platform)
            self.profiles[key] = profile_for(organization_id=organization_id, platform=platform)
        return self.configs[key], self.profiles[key]


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
            changes.append(change)
            continue
        rule = fee_rule(config, profile)
        try:
            priced = gross_up(master.base_price, rule)
            # The same price, seen with the product's cost: profit and margin (if known).
            with_cost = forward(priced.list_price, rule, cost=master.cost_price)
        except PricingError as error:
            change.error = str(error)
            changes.append(change)
            continue
        change.new_price = priced.list_price
        change.fee_percentage = priced.fee_percentage
        if with_cost.margin is not None:
            change.margin_percentage = (with_cost.margin * 100).quantize(Decimal("0.01"))
            if change.margin_percentage < 0:
                change.flag = "negative"
            elif change.margin_percentage < profile.thin_margin_percent:
                change.flag = "thin"
        mapping.platform_price = change.new_price
        mapping.fee_percentage = change.fee_percentage
        mapping.margin_percentage = change.margin_percentage
        mapping.price_breakdown = {
            **_breakdown_json(with_cost),
            "fee_rule_id": config.pk,
            "fee_rule": str(config),
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
    return changes


@dataclass
class Quote:
    platform: str
    rule: PlatformFeeConfig | None = None
    breakdown: Breakdown | None = None
    error: str = ""


def price_quote(
    *,
    organization_id: int | None,
    platform: str,
    seller_tier: str,
    category_group: str,
    on: date,
    cost: Decimal | None = None,
    target_margin_percent: Decimal | None = None,
    price: Decimal | None = None,
    discount_percent: Decimal = Decimal("0"),
    shipping: Decimal = Decimal("0"),
    program_percent: Decimal = Decimal("0"),
    program_cap: Decimal | None = None,
    affiliate_percent: Decimal = Decimal("0"),
    pph22: bool = True,
) -> Quote:
    """Forward (a price) or reverse (a cost and margin) with the rule in force `on`."""
    config = select_fee_config(
        fee_configs_for(organization_id=organization_id, platform=platform),
        platform=platform,
        seller_tier=seller_tier,
        category_group=category_group,
        on=on,
        organization_id=organization_id,
    )
    if config is None:
        return Quote(platform, error=_("No fee rule in force on %(date)s.") % {"date": on})
    hundred = Decimal("100")
    rule = replace(
        fee_rule(config, PricingProfile(pph22_applies=pph22)),
        program=program_percent / hundred,
        program_cap=program_cap,
        affiliate=affiliate_percent / hundred,
    )
    try:
        if price is not None:
            breakdown = forward(
                price, rule, discount=discount_percent / hundred, shipping=shipping, cost=cost
            )
        else:
            if cost is None or target_margin_percent is None:
                return Quote(platform, config, error="Give a price, or a cost and a margin.")
            breakdown = reverse(
                cost,
                target_margin_percent / hundred,
                rule,
                discount=discount_percent / hundred,
                shipping=shipping,
            )
    except PricingError as error:
        return Quote(platform, config, error=str(error))
    return Quote(platform, config, breakdown)

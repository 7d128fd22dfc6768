"""Price quotes: the calculator with the fee rule in force (the simulator and the API).

Pricing listings is the catalog's (catalog.listing_prices): pricing knows no listing."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from pricing.calculator import Breakdown, PricingError, forward, reverse
from pricing.models import PlatformFeeConfig, PricingProfile
from pricing.selectors import fee_configs_for, fee_rule, select_fee_config


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

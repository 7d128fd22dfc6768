"""Reading fee rules and profiles, and choosing the rule in force."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Q

from pricing.calculator import FeeRule
from pricing.models import PlatformFeeConfig, PricingProfile

HUNDRED = Decimal("100")


def fee_configs_for(
    *, organization_id: int | None, platform: str | None = None
) -> list[PlatformFeeConfig]:
    configs = PlatformFeeConfig.objects.filter(
        Q(organization_id=organization_id) | Q(organization__isnull=True)
    )
    if platform:
        configs = configs.filter(platform=platform)
    return list(configs)


def select_fee_config(
    configs: Iterable[PlatformFeeConfig],
    *,
    platform: str,
    seller_tier: str,
    category_group: str,
    on: date,
    organization_id: int | None,
) -> PlatformFeeConfig | None:
    """The rule in force: the organization's own before defaults, a category group before
    "any", then the most recent start."""
    candidates = [
        c
        for c in configs
        if c.platform == platform
        and c.seller_tier == seller_tier
        and c.category_group in (category_group, "")
        and c.effective_from <= on
        and (c.effective_to is None or c.effective_to >= on)
        and c.organization_id in (organization_id, None)
    ]
    if not candidates:
        return None
    return max(
        candidates,
        key=lambda c: (c.organization_id is not None, c.category_group != "", c.effective_from),
    )


def profile_for(*, organization_id: int, platform: str) -> PricingProfile:
    """The organization's profile, or the conservative default (regular tier, PPh 22)."""
    profile = PricingProfile.objects.filter(
        organization_id=organization_id, platform=platform
    ).first()
    return profile or PricingProfile(organization_id=organization_id, platform=platform)


def fee_rule(config: PlatformFeeConfig, profile: PricingProfile) -> FeeRule:
    return FeeRule(
        commission=config.commission_percent / HUNDRED,
        payment=config.payment_fee_percent / HUNDRED,
        program=config.program_fee_percent / HUNDRED,
        program_cap=config.program_fee_cap,
        affiliate=config.affiliate_percent / HUNDRED,
        pph22=config.pph22_percent / HUNDRED if profile.pph22_applies else Decimal("0"),
        fixed_per_order=config.fixed_fee_per_order,
        units_per_order=profile.units_per_order,
        min_price=config.min_price,
        max_price=config.max_price,
        price_step=config.price_step,
    )

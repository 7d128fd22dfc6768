"""Reading fee rules and profiles, and choosing the rule in force."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from core.models import Organization
from core.platforms import Platform
from pricing.calculator import Breakdown, FeeRule, gross_up
from pricing.models import PlatformFeeConfig, PricingProfile, default_thin_margin_percent

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


GROSS_UPS_KEPT = 1_024  # about 2 KB each: a few MB at most


class PricingContext:
    """Fee rules and pricing profiles, loaded once per organization and platform and kept
    (an import prices page after page with the same rules)."""

    def __init__(self) -> None:
        self.configs: dict[tuple[int, str], list[PlatformFeeConfig]] = {}
        self.profiles: dict[tuple[int, str], PricingProfile] = {}
        self._rules: dict[tuple[int, int], tuple[PlatformFeeConfig, PricingProfile, FeeRule]] = {}
        self._grossed_up: dict[tuple[int, type, str], tuple[FeeRule, Breakdown]] = {}

    def load(
        self, organization_id: int, platform: str
    ) -> tuple[list[PlatformFeeConfig], PricingProfile]:
        key = (organization_id, platform)
        if key not in self.configs:
            self.configs[key] = fee_configs_for(organization_id=organization_id, platform=platform)
            self.profiles[key] = profile_for(organization_id=organization_id, platform=platform)
        return self.configs[key], self.profiles[key]

    def rule(self, config: PlatformFeeConfig, profile: PricingProfile) -> FeeRule:
        """fee_rule, once per rule and profile (both kept with it, so that their identities
        stand for them)."""
        key = (id(config), id(profile))
        kept = self._rules.get(key)
        if kept is not None and kept[0] is config and kept[1] is profile:
            return kept[2]
        rule = fee_rule(config, profile)
        self._rules[key] = (config, profile, rule)
        return rule

    def gross_up(self, amount: Decimal, rule: FeeRule) -> Breakdown:
        """calculator.gross_up, worked out once per amount and rule: a catalog's prices
        repeat (variants, products at the same price), and each takes a search of the price
        grid. The amount is told apart as written (125000 and 125000.00 stay two), so every
        result is exactly the calculator's."""
        key = (id(rule), type(amount), str(amount))
        kept = self._grossed_up.get(key)
        if kept is not None and kept[0] is rule:  # (the rule is kept too: no id reused)
            return kept[1]
        if len(self._grossed_up) >= GROSS_UPS_KEPT:
            self._grossed_up.clear()  # bounded: a long run works some out again
        breakdown = gross_up(amount, rule)
        self._grossed_up[key] = (rule, breakdown)
        return breakdown


def thin_margin_percent_of(
    *, organization: str = "organization_id", platform: str = "platform"
) -> Coalesce:
    """A query expression: the thin-margin threshold of the row's organization and platform
    (named by the outer query's `organization` and `platform` fields), the default when the
    organization has no profile there. See default_thin_margin_percent for why the profile."""
    profiles = PricingProfile.objects.filter(
        organization_id=OuterRef(organization), platform=OuterRef(platform)
    )
    field = PricingProfile._meta.get_field("thin_margin_percent")
    return Coalesce(
        Subquery(profiles.values("thin_margin_percent")[:1]),
        Value(default_thin_margin_percent()),
        output_field=DecimalField(max_digits=field.max_digits, decimal_places=field.decimal_places),
    )


def thin_margin_percents(*, organization_ids: Iterable[int] | None) -> set[Decimal]:
    """The distinct thresholds in force for these organizations (None: all of them), on
    every platform: their profiles', and the default where one has no profile."""
    if organization_ids is None:
        organization_ids = Organization.objects.values_list("pk", flat=True)
    organization_ids = list(organization_ids)
    rows = list(
        PricingProfile.objects.filter(organization_id__in=organization_ids).values_list(
            "thin_margin_percent", flat=True
        )
    )
    values = set(rows)
    if not values or len(rows) < len(organization_ids) * len(Platform.values):
        values.add(default_thin_margin_percent())  # someone (or no one yet) has the default
    return values


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

"""PricingContext: rules and gross-ups worked out once per import, each exactly the
calculator's."""

from decimal import Decimal

import pytest
from django.utils import timezone

from core.platforms import Platform
from pricing import selectors
from pricing.calculator import gross_up
from pricing.categories import category_group
from pricing.selectors import PricingContext, select_fee_config

pytestmark = pytest.mark.django_db
AMOUNTS = ["125000", "125000.00", "1E+5", "99999", "0", "7500000.50"]


def _rule(context: PricingContext, organization, platform: str):
    configs, profile = context.load(organization.pk, platform)
    config = select_fee_config(
        configs,
        platform=platform,
        seller_tier=profile.seller_tier,
        category_group=category_group(""),
        on=timezone.localdate(),
        organization_id=organization.pk,
    )
    return context.rule(config, profile)


@pytest.mark.parametrize("platform", [Platform.SHOPEE, Platform.TIKTOKSHOP])
def test_each_gross_up_is_the_calculators_as_written(organization, platform):
    context = PricingContext()
    rule = _rule(context, organization, platform)
    assert _rule(context, organization, platform) is rule  # one rule per config and profile
    for amount in AMOUNTS * 2:  # the second time from what was kept
        kept = context.gross_up(Decimal(amount), rule)
        assert kept == gross_up(Decimal(amount), rule)
        assert str(kept.list_price) == str(gross_up(Decimal(amount), rule).list_price)
        assert str(kept.cost) == amount  # 125000 and 125000.00 are not one entry
    assert context.gross_up(Decimal("125000"), rule) is context.gross_up(Decimal("125000"), rule)


def test_an_equal_rule_of_another_context_is_worked_out_for_itself(organization):
    first, second = PricingContext(), PricingContext()
    rule, other = _rule(first, organization, "shopee"), _rule(second, organization, "shopee")
    assert rule == other and rule is not other
    assert first.gross_up(Decimal("50000"), other) == gross_up(Decimal("50000"), other)


def test_past_its_bound_the_context_forgets_and_stays_right(organization, monkeypatch):
    monkeypatch.setattr(selectors, "GROSS_UPS_KEPT", 3)
    context = PricingContext()
    rule = _rule(context, organization, Platform.TIKTOKSHOP)
    for amount in [str(1000 * n) for n in range(1, 12)]:
        assert context.gross_up(Decimal(amount), rule) == gross_up(Decimal(amount), rule)
    assert len(context._grossed_up) <= 3

"""POST /api/v1/pricing/quote/: the calculator, forward (a price) or reverse (cost + margin)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.base import OrganizationScopedMixin, roles_of
from core.platforms import Platform
from core.roles import Capability
from pricing.calculator import Breakdown
from pricing.models import CategoryGroup, SellerTier
from pricing.services import price_quote

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}
PERCENT = {
    "max_digits": 6,
    "decimal_places": 3,
    "min_value": Decimal("0"),
    "max_value": Decimal("99.999"),
    "help_text": _("In percent: 10 for 10%."),
}


def _amount(value: object) -> object:
    """Money as strings with 2 decimals, like every amount in this API."""
    if not isinstance(value, Decimal):
        return value
    return str(value.quantize(Decimal("0.01")))


def breakdown_body(breakdown: Breakdown) -> dict[str, object]:
    """The amounts, and the rates in percent only: the calculator's fraction `margin`
    (0.2007) beside a target_margin of "20" read as a 0.2 % margin."""
    amounts = {k: _amount(v) for k, v in breakdown.__dict__.items() if k != "margin"}
    margin = breakdown.margin_percentage
    return {
        **amounts,
        "fee_percentage": str(breakdown.fee_percentage),
        "margin_percentage": None if margin is None else str(margin),
    }


class QuoteRequestSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(
        choices=Platform.choices, required=False, help_text=_("Omit for both platforms.")
    )
    price = serializers.DecimalField(required=False, **MONEY)
    cost = serializers.DecimalField(required=False, **MONEY)
    target_margin = serializers.DecimalField(
        required=False,
        max_digits=6,
        decimal_places=3,
        min_value=Decimal("-100"),
        max_value=Decimal("99.999"),
        help_text=_(
            "Profit over what the buyer pays, in percent: 20 for 20%. A value between 0 "
            "and 1 is refused, as it reads like a fraction."
        ),
    )
    seller_tier = serializers.ChoiceField(choices=SellerTier.choices, default="regular")
    category_group = serializers.ChoiceField(
        choices=[c for c in CategoryGroup.choices if c[0]], default="others"
    )
    discount_percent = serializers.DecimalField(default=Decimal("0"), **PERCENT)
    shipping = serializers.DecimalField(default=Decimal("0"), **MONEY)
    program_percent = serializers.DecimalField(default=Decimal("0"), **PERCENT)
    program_cap = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    affiliate_percent = serializers.DecimalField(default=Decimal("0"), **PERCENT)
    pph22 = serializers.BooleanField(default=True)
    on = serializers.DateField(required=False)

    def validate_target_margin(self, value: Decimal) -> Decimal:
        # Every rate of this API is in percent; 0.2 is almost surely 20 % meant as a fraction,
        # and quoting a 0.2 % margin instead would quietly under-price.
        if Decimal("0") < value < Decimal("1"):
            raise serializers.ValidationError(
                _("Use percent, e.g. 20 for 20%: a value between 0 and 1 looks like a fraction.")
            )
        return value

    def validate(self, attrs):
        if attrs.get("price") is None and (
            attrs.get("cost") is None or attrs.get("target_margin") is None
        ):
            raise serializers.ValidationError(_("Give a price, or a cost and a target_margin."))
        return attrs


class QuoteView(OrganizationScopedMixin, APIView):
    write_capability = Capability.QUOTE_PRICES  # a POST that computes and writes nothing

    @extend_schema(
        request=QuoteRequestSerializer,
        responses={200: dict},
        description="Quotes per platform: {platform: {fee_rule, fee_rule_source, error, "
        "breakdown}}. The breakdown's amounts are rupiah strings; its rates, like every "
        "rate of this API (target_margin, discount_percent, ...), are in percent: "
        "margin_percentage 20.07 is 20.07 %.",
    )
    def post(self, request):
        body = QuoteRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        organizations = sorted(roles_of(request))
        platforms = [data["platform"]] if data.get("platform") else list(Platform.values)
        quotes = {}
        for platform in platforms:
            quote = price_quote(
                organization_id=organizations[0] if organizations else None,
                platform=platform,
                seller_tier=data["seller_tier"],
                category_group=data["category_group"],
                on=data.get("on", timezone.localdate()),
                cost=data.get("cost"),
                target_margin_percent=data.get("target_margin"),
                price=data.get("price"),
                discount_percent=data["discount_percent"],
                shipping=data["shipping"],
                program_percent=data["program_percent"],
                program_cap=data.get("program_cap"),
                affiliate_percent=data["affiliate_percent"],
                pph22=data["pph22"],
            )
            breakdown = quote.breakdown
            quotes[platform] = {
                "fee_rule": str(quote.rule) if quote.rule else None,
                "fee_rule_source": quote.rule.source if quote.rule else None,
                "error": quote.error or None,
                "breakdown": None if breakdown is None else breakdown_body(breakdown),
            }
        return Response({"quotes": quotes})

"""Marketplace price arithmetic for Indonesia: pure functions over Decimal, no database.

Fees are charged on what the buyer pays (the net item price N = list price x (1 - seller
discount)), so a platform price must be grossed up until the payout covers the target. The
seed's "base price + fee % on top" under-charges: +10 % on top of Rp100.000 gives Rp110.000,
whose 10 % fee is Rp11.000, leaving Rp99.000.

    payout = N - c*N - min(g*N, G) - p*N - a*N - t*N - F/q - S
    profit = payout - C          margin = profit / N

Reverse (target margin m on N): N = (C + F/q + S) / (1 - c - g - p - a - t - m), or with the
program-fee cap binding N = (C + F/q + S + G) / (1 - c - p - a - t - m); then P = N / (1 - d),
rounded up to the price step and clamped to the bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from catalog.money import format_rupiah

ZERO = Decimal("0")
ONE = Decimal("1")
RUPIAH = Decimal("1")


class PricingError(ValueError):
    """A price that cannot be computed; the message says why."""


def _money(value: Decimal) -> Decimal:
    return value.quantize(RUPIAH, rounding=ROUND_HALF_UP)


def _require_decimal(**values: object) -> None:
    for name, value in values.items():
        if value is not None and not isinstance(value, Decimal):
            raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")


@dataclass(frozen=True)
class FeeRule:
    """The fees one listing pays; rates are fractions (0.08 = 8 %)."""

    commission: Decimal = ZERO
    payment: Decimal = ZERO
    program: Decimal = ZERO
    program_cap: Decimal | None = None  # per item, rupiah
    affiliate: Decimal = ZERO
    pph22: Decimal = ZERO
    fixed_per_order: Decimal = ZERO
    units_per_order: int = 1
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    price_step: Decimal = Decimal("100")

    def __post_init__(self) -> None:
        _require_decimal(
            commission=self.commission,
            payment=self.payment,
            program=self.program,
            program_cap=self.program_cap,
            affiliate=self.affiliate,
            pph22=self.pph22,
            fixed_per_order=self.fixed_per_order,
            min_price=self.min_price,
            max_price=self.max_price,
            price_step=self.price_step,
        )
        if self.units_per_order < 1:
            raise PricingError(_("Units per order must be at least 1."))
        if self.price_step <= 0:
            raise PricingError(_("The price step must be positive."))

    @property
    def fixed_per_item(self) -> Decimal:
        return self.fixed_per_order / self.units_per_order

    @property
    def rate_without_program(self) -> Decimal:
        return self.commission + self.payment + self.affiliate + self.pph22


@dataclass(frozen=True)
class Breakdown:
    list_price: Decimal
    net_price: Decimal
    commission: Decimal
    program_fee: Decimal
    payment_fee: Decimal
    affiliate_fee: Decimal
    pph22: Decimal
    fixed_fee: Decimal
    shipping: Decimal
    total_fees: Decimal
    payout: Decimal
    cost: Decimal | None
    profit: Decimal | None
    margin: Decimal | None  # profit / net price, as a fraction
    program_cap_binding: bool

    @property
    def margin_percentage(self) -> Decimal | None:
        return None if self.margin is None else (self.margin * 100).quantize(Decimal("0.01"))

    @property
    def fee_percentage(self) -> Decimal:
        """Fees as a share of what the buyer pays, in percent (2 decimals)."""
        if not self.net_price:
            return ZERO
        return (self.total_fees * 100 / self.net_price).quantize(Decimal("0.01"))


def forward(
    list_price: Decimal,
    rule: FeeRule,
    *,
    discount: Decimal = ZERO,
    shipping: Decimal = ZERO,
    cost: Decimal | None = None,
) -> Breakdown:
    """What a listing at `list_price` pays out, and earns at `cost`."""
    _require_decimal(list_price=list_price, discount=discount, shipping=shipping, cost=cost)
    if list_price < 0:
        raise PricingError(_("The price cannot be negative."))
    if not ZERO <= discount < ONE:
        raise PricingError(_("The seller discount must be at least 0 and below 100%."))
    net = _money(list_price * (ONE - discount))
    commission = _money(net * rule.commission)
    uncapped = net * rule.program
    capped = rule.program_cap is not None and uncapped > rule.program_cap
    program = _money(rule.program_cap if capped else uncapped)
    payment = _money(net * rule.payment)
    affiliate = _money(net * rule.affiliate)
    pph22 = _money(net * rule.pph22)
    fixed = _money(rule.fixed_per_item)
    shipping = _money(shipping)
    fees = commission + program + payment + affiliate + pph22 + fixed
    payout = net - fees - shipping
    profit = margin = None
    if cost is not None:
        profit = payout - cost
        margin = (profit / net).quantize(Decimal("0.0001")) if net else None
    return Breakdown(
        list_price,
        net,
        commission,
        program,
        payment,
        affiliate,
        pph22,
        fixed,
        shipping,
        fees,
        payout,
        cost,
        profit,
        margin,
        capped,
    )


def _round_up(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


def reverse(
    cost: Decimal,
    target_margin: Decimal,
    rule: FeeRule,
    *,
    discount: Decimal = ZERO,
    shipping: Decimal = ZERO,
) -> Breakdown:
    """The list price that earns `target_margin` (profit over net price) on `cost`."""
    _require_decimal(cost=cost, target_margin=target_margin, discount=discount, shipping=shipping)
    if cost < 0:
        raise PricingError(_("The cost cannot be negative."))
    if not ZERO <= discount < ONE:
        raise PricingError(_("The seller discount must be at least 0 and below 100%."))
    base = cost + rule.fixed_per_item + shipping
    denominator = ONE - rule.rate_without_program - rule.program - target_margin
    net = base / denominator if denominator > 0 else None
    if rule.program_cap is not None and (net is None or net * rule.program > rule.program_cap):
        # The capped program fee is a fixed amount per item.
        denominator = ONE - rule.rate_without_program - target_margin
        net = (base + rule.program_cap) / denominator if denominator > 0 else None
    if net is None:
        total = (rule.rate_without_program + rule.program) * 100
        raise PricingError(
            _(
                "A %(margin)s%% margin cannot be reached: fees take %(fees)s%% of the price "
                "before margin."
            )
            % {"margin": f"{target_margin * 100:.1f}", "fees": f"{total:.2f}"}
        )
    price = _round_up(net / (ONE - discount), rule.price_step)
    if rule.min_price is not None and price < rule.min_price:
        price = rule.min_price
    if rule.max_price is not None and price > rule.max_price:
        raise PricingError(
            _("The price for this margin (%(price)s) is above the platform's maximum (%(max)s).")
            % {"price": format_rupiah(price), "max": format_rupiah(rule.max_price)}
        )
    return forward(price, rule, discount=discount, shipping=shipping, cost=cost)


def gross_up(amount: Decimal, rule: FeeRule, *, discount: Decimal = ZERO) -> Breakdown:
    """The platform price whose payout covers `amount` (the master's base price)."""
    return reverse(amount, ZERO, rule, discount=discount)

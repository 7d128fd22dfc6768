"""Marketplace price arithmetic for Indonesia: pure functions over Decimal, no database.

Fees are charged on what the buyer pays (the net item price N = list price x (1 - seller
discount)), so a platform price must be grossed up until the payout covers the target. The
seed's "base price + fee % on top" under-charges: +10 % on top of Rp100.000 gives Rp110.000,
whose 10 % fee is Rp11.000, leaving Rp99.000.

    payout = N - c*N - min(g*N, G) - p*N - a*N - t*N - F/q - S
    profit = payout - C          margin = profit / N

Reverse (target margin m on N, i.e. profit >= m*N): N = (C + F/q + S) / (1 - c - g - p - a - t - m),
or with the program-fee cap binding N = (C + F/q + S + G) / (1 - c - p - a - t - m); then
P = N / (1 - d). That formula is exact only for unrounded fees. Forward rounds N and each fee to
the rupiah on its own (half up; F/q and S too), so the real payout at a price differs from the
formula by up to Rp0.50 per non-zero percentage fee, either way, and not monotonically: rounding
P up to the price step is not enough (three fees rounded up leave Rp100.000 at 0 % Rp1 short).
So the formula only brackets the answer: reverse solves it with C + F/q + S - E and + E
(E = Rp0.50 x the number of non-zero percentage fees), then walks that bracket and returns the
lowest price on the grid (the minimum price, or a multiple of the price step) whose forward
payout reaches C + m*N, every fee rounded as forward rounds it; above the maximum price it refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils.translation import gettext as _

from core.money import format_rupiah, quantize_rupiah

ZERO = Decimal("0")
ONE = Decimal("1")


class PricingError(ValueError):
    """A price that cannot be computed; the message says why."""


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


def _percentage_fees(
    net: Decimal, rule: FeeRule
) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal, bool]:
    """Commission, program, payment, affiliate and PPh 22 on `net`, each rounded on its own."""
    commission = quantize_rupiah(net * rule.commission)
    uncapped = net * rule.program
    capped = rule.program_cap is not None and uncapped > rule.program_cap
    program = quantize_rupiah(rule.program_cap if capped else uncapped)
    payment = quantize_rupiah(net * rule.payment)
    affiliate = quantize_rupiah(net * rule.affiliate)
    pph22 = quantize_rupiah(net * rule.pph22)
    return commission, program, payment, affiliate, pph22, capped


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
    net = quantize_rupiah(list_price * (ONE - discount))
    commission, program, payment, affiliate, pph22, capped = _percentage_fees(net, rule)
    fixed = quantize_rupiah(rule.fixed_per_item)
    shipping = quantize_rupiah(shipping)
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


def _round_down(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_FLOOR) * step


def _formula_net(base: Decimal, target_margin: Decimal, rule: FeeRule) -> Decimal | None:
    """The module docstring's N for `base` (= C + F/q + S), unrounded; None if unreachable."""
    denominator = ONE - rule.rate_without_program - rule.program - target_margin
    net = base / denominator if denominator > 0 else None
    if rule.program_cap is not None and (net is None or net * rule.program > rule.program_cap):
        # The capped program fee is a fixed amount per item.
        denominator = ONE - rule.rate_without_program - target_margin
        net = (base + rule.program_cap) / denominator if denominator > 0 else None
    return net


# Grid prices reverse tries before giving up on the smallest one (only a margin that leaves
# fees and margin within a hair of 100 % gets near it); it then returns the bracket's top price,
# which still reaches the target.
SEARCH_LIMIT = 10_000
HALF = Decimal("0.5")


def reverse(
    cost: Decimal,
    target_margin: Decimal,
    rule: FeeRule,
    *,
    discount: Decimal = ZERO,
    shipping: Decimal = ZERO,
) -> Breakdown:
    """The lowest list price that earns `target_margin` (profit over net price) on `cost`.

    Fed back through `forward`, the returned price pays out at least cost + target_margin x net
    price, and every lower price on the grid (one step down, ..., the minimum price) pays out
    less, unless the returned price is the minimum price itself. (With more than SEARCH_LIMIT
    candidates it settles for the bracket's top: still enough, maybe not the lowest.)
    """
    _require_decimal(cost=cost, target_margin=target_margin, discount=discount, shipping=shipping)
    if cost < 0:
        raise PricingError(_("The cost cannot be negative."))
    if not ZERO <= discount < ONE:
        raise PricingError(_("The seller discount must be at least 0 and below 100%."))
    # What forward deducts besides the percentage fees, rounded as forward rounds it.
    base = cost + quantize_rupiah(rule.fixed_per_item) + quantize_rupiah(shipping)
    # Each percentage fee rounded on its own moves the payout by at most Rp0.50 from the formula.
    rates = (rule.commission, rule.program, rule.payment, rule.affiliate, rule.pph22)
    slack = HALF * sum(1 for rate in rates if rate)
    lowest_net = _formula_net(base - slack, target_margin, rule)
    highest_net = _formula_net(base + slack, target_margin, rule)
    if lowest_net is None or highest_net is None:
        total = (rule.rate_without_program + rule.program) * 100
        raise PricingError(
            _(
                "A %(margin)s%% margin cannot be reached: fees take %(fees)s%% of the price "
                "before margin."
            )
            % {"margin": f"{target_margin * 100:.1f}", "fees": f"{total:.2f}"}
        )
    kept = ONE - discount  # net price = list price x kept, rounded to the rupiah
    step = rule.price_step
    # Below `lowest` no net price reaches the target; from `highest` on every one does.
    lowest = max(ZERO, _round_down((lowest_net - HALF) / kept, step))
    highest = _round_up((highest_net + HALF) / kept, step)

    def reaches_target(net_price: Decimal) -> bool:
        fees = sum(_percentage_fees(net_price, rule)[:5], ZERO)
        return net_price - fees - base >= target_margin * net_price  # payout - cost >= m x N

    price = lowest
    if rule.min_price is not None and rule.min_price > price:
        price = rule.min_price
    for _tried in range(SEARCH_LIMIT):
        net_price = quantize_rupiah(price * kept)
        if reaches_target(net_price):
            break
        # The next grid price above `price` whose net price is higher (same net, same payout).
        price = max(_round_down(price, step) + step, _round_up((net_price + HALF) / kept, step))
    else:
        # Too many candidates to try them all: the bracket's top reaches the target (the loop
        # only guards against the last digit of Decimal's division).
        price = max(price, highest)
        while not reaches_target(quantize_rupiah(price * kept)):
            price += step
    if rule.max_price is not None and price > rule.max_price:
        raise PricingError(
            _("The price for this margin (%(price)s) is above the platform's maximum (%(max)s).")
            % {"price": format_rupiah(price), "max": format_rupiah(rule.max_price)}
        )
    return forward(price, rule, discount=discount, shipping=shipping, cost=cost)


def gross_up(amount: Decimal, rule: FeeRule, *, discount: Decimal = ZERO) -> Breakdown:
    """The platform price whose payout covers `amount` (the master's base price)."""
    return reverse(amount, ZERO, rule, discount=discount)


def margin_flag(margin_percentage: Decimal | None, thin_margin_percent: Decimal) -> str:
    """The margin's flag: "negative", "thin" (below `thin_margin_percent`), or "" (healthy,
    or no cost known)."""
    if margin_percentage is None:
        return ""
    if margin_percentage < 0:
        return "negative"
    return "thin" if margin_percentage < thin_margin_percent else ""

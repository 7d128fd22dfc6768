"""The calculator: the facts file's worked examples, properties, caps, bounds, errors."""

from dataclasses import replace
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricing import calculator
from pricing.calculator import FeeRule, PricingError, forward, gross_up, margin_flag, reverse

SHOPEE_GOX = FeeRule(
    commission=D("0.08"),
    program=D("0.04"),
    program_cap=D("20000"),
    pph22=D("0.005"),
    fixed_per_order=D("1250"),
)
TIKTOK_AFFILIATE = FeeRule(
    commission=D("0.0697"), affiliate=D("0.10"), pph22=D("0.005"), fixed_per_order=D("1250")
)
TIKTOK = FeeRule(commission=D("0.08"), pph22=D("0.005"), fixed_per_order=D("1250"))


def test_worked_example_shopee_non_star_with_gratis_ongkir_xtra():
    quote = reverse(D("50000"), D("0.20"), SHOPEE_GOX)
    assert quote.list_price == D("76000")
    assert quote.total_fees == D("10750")
    assert quote.profit == D("15250")
    assert quote.margin_percentage == D("20.07")


def test_worked_example_tiktok_with_affiliate():
    quote = reverse(D("50000"), D("0.20"), TIKTOK_AFFILIATE)
    assert quote.list_price == D("82000")
    assert quote.profit == D("16425")
    assert quote.margin_percentage == D("20.03")


def test_worked_example_tiktok_with_a_ten_percent_seller_discount():
    quote = reverse(D("50000"), D("0.20"), TIKTOK, discount=D("0.10"))
    assert quote.list_price == D("79700")
    assert quote.net_price == D("71730")
    assert quote.profit == D("14383")
    assert quote.margin_percentage == D("20.05")


def test_gross_up_covers_the_base_price_unlike_adding_fees_on_top():
    priced = gross_up(D("100000"), TIKTOK)
    assert priced.payout >= D("100000")
    assert priced.payout - D("100000") < D("100")  # within one price step
    naive = forward(D("100000") * (1 + D("0.08") + D("0.005")) + D("1250"), TIKTOK)
    assert naive.payout < D("100000")  # the seed's arithmetic leaves money on the table


def pays_out_the_target(quote, cost, margin):
    """Profit >= margin x net price, exactly: payout >= cost + margin x net price."""
    return quote.payout >= cost + margin * quote.net_price


# Issue #17, item 7: commission, payment and affiliate fees each rounded up on their own.
THREE_FEES = FeeRule(
    commission=D("0.04"), payment=D("0.018"), affiliate=D("0.10"), price_step=D("1")
)


def test_reverse_never_pays_out_less_than_asked():
    quote = reverse(D("100000"), D("0"), THREE_FEES)
    assert quote.list_price == D("118766")
    assert quote.payout == D("100000") and quote.profit == D("0")
    # One step lower is short: the unrounded formula's price, 118,765, paid out Rp99,999
    # (fees 4,750.60 + 2,137.77 + 11,876.50 round to 4,751 + 2,138 + 11,877).
    lower = forward(quote.list_price - 1, THREE_FEES)
    assert lower.list_price == D("118765") and lower.payout == D("99999")
    assert gross_up(D("100000"), THREE_FEES) == quote


def test_a_margin_within_a_hair_of_the_fees_is_still_the_lowest_price():
    # Fees + margin = 99.999 %: the formula brackets ~200,000 net prices, each Rp0.00001 apart
    # in profit, and rounding noise of up to Rp1 decides which ones pay out.
    rule = FeeRule(commission=D("0.08"), payment=D("0.018"), price_step=D("1"))
    margin = D("0.90199")
    quote = reverse(D("50000"), margin, rule)
    assert pays_out_the_target(quote, D("50000"), margin)
    assert not pays_out_the_target(forward(quote.list_price - 1, rule), D("50000"), margin)


def test_too_many_candidates_falls_back_to_a_price_that_still_pays_out(monkeypatch):
    monkeypatch.setattr(calculator, "SEARCH_LIMIT", 1)
    quote = reverse(D("100000"), D("0"), THREE_FEES)
    assert quote.payout >= D("100000")
    assert quote.list_price == D("118768")  # the top of the formula's bracket


def test_program_fee_cap_binding_and_not():
    small = forward(D("100000"), SHOPEE_GOX)
    assert small.program_fee == D("4000") and not small.program_cap_binding
    large = forward(D("1000000"), SHOPEE_GOX)
    assert large.program_fee == D("20000") and large.program_cap_binding
    quote = reverse(D("900000"), D("0.20"), SHOPEE_GOX)
    assert quote.program_cap_binding and quote.program_fee == D("20000")
    assert quote.margin >= D("0.20")


def test_bounds_clamp_up_and_refuse_above():
    bounded = FeeRule(commission=D("0.05"), min_price=D("10000"), max_price=D("100000"))
    assert reverse(D("1000"), D("0.1"), bounded).list_price == D("10000")
    with pytest.raises(PricingError, match="above the platform's maximum"):
        reverse(D("200000"), D("0.1"), bounded)


def test_unreachable_margin_says_so():
    with pytest.raises(PricingError, match="cannot be reached"):
        reverse(D("50000"), D("0.85"), TIKTOK_AFFILIATE)


def test_inputs_are_checked():
    with pytest.raises(PricingError, match="discount"):
        forward(D("1000"), TIKTOK, discount=D("1"))
    with pytest.raises(PricingError, match="negative"):
        reverse(D("-1"), D("0.1"), TIKTOK)


def test_floats_are_refused_everywhere():
    with pytest.raises(TypeError, match="list_price must be a Decimal"):
        forward(76000.0, TIKTOK)
    with pytest.raises(TypeError, match="target_margin must be a Decimal"):
        reverse(D("50000"), 0.2, TIKTOK)
    with pytest.raises(TypeError, match="commission must be a Decimal"):
        FeeRule(commission=0.08)
    quote = reverse(D("50000"), D("0.20"), SHOPEE_GOX)
    assert all(
        isinstance(value, D)
        for value in (
            quote.list_price,
            quote.net_price,
            quote.total_fees,
            quote.payout,
            quote.profit,
            quote.margin,
        )
    )


rates = st.decimals(min_value=D("0"), max_value=D("0.12"), places=4)
money = st.decimals(min_value=D("0"), max_value=D("20000"), places=2)


@settings(max_examples=300, deadline=None)
@given(
    cost=st.decimals(min_value=D("0"), max_value=D("5000000"), places=2),
    margin=st.decimals(min_value=D("-0.1"), max_value=D("0.4"), places=3),
    commission=rates,
    payment=rates,
    program=rates,
    affiliate=rates,
    pph22=st.sampled_from([D("0"), D("0.005")]),
    cap=st.one_of(st.none(), st.decimals(min_value=D("0"), max_value=D("50000"), places=0)),
    discount=st.decimals(min_value=D("0"), max_value=D("0.5"), places=3),
    fixed=st.decimals(min_value=D("0"), max_value=D("5000"), places=0),
    units=st.integers(min_value=1, max_value=3),
    shipping=money,
    step=st.sampled_from([D("1"), D("100"), D("500"), D("1000")]),
    min_price=st.one_of(st.none(), st.decimals(min_value=D("1"), max_value=D("300000"), places=0)),
    max_price=st.one_of(st.none(), st.decimals(min_value=D("1"), max_value=D("9000000"), places=0)),
)
def test_reverse_is_the_lowest_price_that_pays_out_the_target(
    cost,
    margin,
    commission,
    payment,
    program,
    affiliate,
    pph22,
    cap,
    discount,
    fixed,
    units,
    shipping,
    step,
    min_price,
    max_price,
):
    """forward(reverse(...)) reaches the target exactly; lower grid prices do not. No tolerance."""
    rule = FeeRule(
        commission=commission,
        payment=payment,
        program=program,
        program_cap=cap,
        affiliate=affiliate,
        pph22=pph22,
        fixed_per_order=fixed,
        units_per_order=units,
        price_step=step,
        min_price=min_price,
    )
    try:
        quote = reverse(cost, margin, rule, discount=discount, shipping=shipping)
    except PricingError:
        # Only when fees and margin really leave nothing of the price.
        rate = commission + payment + affiliate + pph22 + (program if cap is None else 0)
        assert rate + margin >= 1
        return
    assert quote.list_price >= 0
    assert pays_out_the_target(quote, cost, margin)
    if min_price is not None:
        assert quote.list_price >= min_price
        if quote.list_price == min_price:
            return  # at the bound: lower prices are not allowed
    # The lowest: the grid prices just below it (down to the minimum price) all pay out less.
    lower = quote.list_price
    for _ in range(5):
        lower = (lower - step) if min_price is None else max(lower - step, min_price)
        if lower < 0 or lower == quote.list_price:
            break
        below = forward(lower, rule, discount=discount, shipping=shipping, cost=cost)
        assert not pays_out_the_target(below, cost, margin)
        if lower == min_price:
            break
    # A maximum price refuses exactly the prices above it.
    bounded = replace(rule, max_price=max_price)
    if max_price is not None and quote.list_price > max_price:
        with pytest.raises(PricingError, match="above the platform's maximum"):
            reverse(cost, margin, bounded, discount=discount, shipping=shipping)
    else:
        assert reverse(cost, margin, bounded, discount=discount, shipping=shipping) == quote


def test_margin_flags_against_the_threshold_given():
    assert margin_flag(D("-0.01"), D("10")) == "negative"
    assert margin_flag(D("0"), D("10")) == "thin"
    assert margin_flag(D("9.99"), D("10")) == "thin"
    assert margin_flag(D("10"), D("10")) == ""
    assert margin_flag(None, D("10")) == ""

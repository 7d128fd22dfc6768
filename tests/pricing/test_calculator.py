"""The calculator: the facts file's worked examples, properties, caps, bounds, errors."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricing.calculator import FeeRule, PricingError, forward, gross_up, reverse

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


@settings(max_examples=300, deadline=None)
@given(
    cost=st.decimals(min_value=D("1000"), max_value=D("5000000"), places=0),
    margin=st.decimals(min_value=D("0"), max_value=D("0.4"), places=3),
    commission=rates,
    program=rates,
    affiliate=rates,
    cap=st.one_of(st.none(), st.decimals(min_value=D("1000"), max_value=D("50000"), places=0)),
    discount=st.decimals(min_value=D("0"), max_value=D("0.5"), places=2),
    fixed=st.decimals(min_value=D("0"), max_value=D("5000"), places=0),
    step=st.sampled_from([D("1"), D("100"), D("500"), D("1000")]),
)
def test_reverse_then_forward_reaches_the_margin_within_one_step(
    cost, margin, commission, program, affiliate, cap, discount, fixed, step
):
    rule = FeeRule(
        commission=commission,
        program=program,
        program_cap=cap,
        affiliate=affiliate,
        pph22=D("0.005"),
        fixed_per_order=fixed,
        price_step=step,
    )
    try:
        quote = reverse(cost, margin, rule, discount=discount)
    except PricingError:
        # Only when fees and margin really leave nothing of the price.
        assert commission + affiliate + D("0.005") + margin + (program if cap is None else 0) >= 1
        return
    tolerance = D("6")  # each fee component is rounded to the rupiah once
    assert quote.profit >= margin * quote.net_price - tolerance
    lower = forward(quote.list_price - step, rule, discount=discount, cost=cost)
    assert lower.profit < margin * lower.net_price + tolerance

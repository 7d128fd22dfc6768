from decimal import Decimal

import pytest

from core.money import format_rupiah, quantize_rupiah


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("150000"), "Rp 150.000"),
        (Decimal("150000.00"), "Rp 150.000"),
        (Decimal("1250"), "Rp 1.250"),
        (Decimal("999"), "Rp 999"),
        (Decimal("12345678.5"), "Rp 12.345.678,50"),
        (Decimal("-76000"), "-Rp 76.000"),
        (0, "Rp 0"),
        (None, "—"),
    ],
)
def test_format_rupiah(amount, text):
    assert format_rupiah(amount) == text


def test_quantize_rupiah_rounds_half_up_to_whole_rupiah():
    assert quantize_rupiah(Decimal("76000.50")) == Decimal("76001")
    assert quantize_rupiah(Decimal("76000.49")) == Decimal("76000")

"""Rupiah amounts: parsing and display. Money is always Decimal, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

RUPIAH_STEP = Decimal("1")


def quantize_rupiah(amount: Decimal) -> Decimal:
    """Round to whole rupiah (IDR has no minor unit in practice)."""
    return amount.quantize(RUPIAH_STEP, rounding=ROUND_HALF_UP)


def format_rupiah(amount: Decimal | int | None) -> str:
    """`Decimal("150000")` -> `"Rp 150.000"`; cents, when present, after a comma."""
    if amount is None:
        return "—"
    value = Decimal(amount)
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole = int(value)
    fraction = value - whole
    grouped = f"{whole:,}".replace(",", ".")
    if fraction:
        cents = f"{fraction.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):.2f}"[2:]
        return f"{sign}Rp {grouped},{cents}"
    return f"{sign}Rp {grouped}"

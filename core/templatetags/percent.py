"""The one way the admin shows a percentage: `10,2%` in Bahasa Indonesia, `10.2%` in English.

Rates are stored with four decimals (fee rules) or as fractions (match confidence); shown
raw they read "10.2000" or "1.000" and mix separators with the localized numbers beside them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()

EMPTY = "—"
HUNDRED = Decimal("100")
CONFIDENCE_PLACES = 0  # the review queue shows whole percents; every confidence does the same


def format_percent(
    value: Decimal | int | float | str | None, *, places: int = 2, fraction: bool = False
) -> str:
    """`Decimal("10.2000")` -> `"10,2%"` (id) / `"10.2%"` (en); `fraction=True` reads 0.95 as
    95 %. Rounded half up to `places`, trailing zeros dropped; None or "" is a dash."""
    if value is None or value == "":
        return EMPTY
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    if fraction:
        number *= HUNDRED
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{number:f}"
    if "." in text:  # drop trailing zeros without normalize()'s exponent form (1E+2)
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    # number_format gives the active language's decimal separator (and no grouping).
    return f"{number_format(Decimal(text), use_l10n=True)}%"


@register.filter(name="percent")
def percent(value: Decimal | int | float | str | None, kind: str = "") -> str:
    """{{ rate|percent }} -> "10,2%" (value in percent); {{ margin|percent:"fraction" }} reads
    0.102 as 10,2% (price breakdowns stored before they carried the percent)."""
    return format_percent(value, fraction=kind == "fraction")


@register.filter(name="fraction_percent")
def fraction_percent(value: Decimal | int | float | str | None) -> str:
    """{{ confidence|fraction_percent }} -> "95%" (value is a fraction, 0.95)."""
    return format_percent(value, places=CONFIDENCE_PLACES, fraction=True)

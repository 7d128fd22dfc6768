"""What a product field's value means, apart from how it was typed or sent.

A browser sends a textarea with `\\r\\n` line breaks, a form strips surrounding spaces, an API
client may send `99000.0` for `99000.00` or an image without its empty alt text. None of these
is an edit: a field is locked against imports only when its meaning changed (see
`catalog.services.product_changed_fields`), and the admin's History says the same.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any


def text_normalized(value: str) -> str:
    """One newline style (`\\n`), one Unicode form (NFC), no surrounding whitespace."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).strip()


def newlines_normalized(value: str) -> str:
    """Only the newline style: what is stored, so a later comparison sees no false change."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _number(value: Any) -> Any:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return value


def _images(value: Any) -> Any:
    """Images as (url, alt, primary); the first is primary when none is marked, as the admin
    form's image list reads them."""
    if not isinstance(value, list):
        return _generic(value)
    images = [
        (
            text_normalized(str(image.get("url") or "")),
            text_normalized(str(image.get("alt") or "")),
            bool(image.get("primary")),
        )
        for image in value
        if isinstance(image, dict)
    ]
    if images and not any(primary for _url, _alt, primary in images):
        images[0] = (images[0][0], images[0][1], True)
    return images


def _generic(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return text_normalized(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return _number(value)
    if isinstance(value, dict):
        return {str(key): _generic(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_generic(item) for item in value]
    return value


NUMERIC_FIELDS = frozenset(
    {"base_price", "cost_price", "weight_kg", "length_cm", "width_cm", "height_cm"}
)


def comparable(field: str, value: Any) -> Any:
    """The value of `field` in a form that compares equal exactly when the meaning is equal."""
    if field == "images":
        return _images(value)
    if field in NUMERIC_FIELDS:
        return None if value in (None, "") else _number(value)
    return _generic(value)


def same_meaning(field: str, before: Any, after: Any) -> bool:
    return comparable(field, before) == comparable(field, after)

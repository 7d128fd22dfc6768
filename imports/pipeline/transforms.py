"""Value conversions for field mappings: money, units, text. Pure; no Django."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from html.parser import HTMLParser
from typing import Any

RUPIAH = Decimal("1")
KG = Decimal("0.001")
CM = Decimal("0.01")
WEIGHT_TO_KG = {"KILOGRAM": Decimal("1"), "GRAM": Decimal("0.001"), "POUND": Decimal("0.45359237")}
LENGTH_TO_CM = {"CENTIMETER": Decimal("1"), "INCH": Decimal("2.54")}
SHORT_DESCRIPTION_LENGTH = 300
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class TransformError(ValueError):
    """A value that cannot be converted; the message says what was expected."""


def decimal(value: Any) -> Decimal:
    """A number from an int, a numeric string or a float-typed JSON number, exactly."""
    if isinstance(value, bool) or value is None or value == "":
        raise TransformError("a number is required")
    try:
        # str() first: a JSON float like 150000.0 must not carry binary noise into Decimal.
        number = (
            Decimal(str(value).strip().replace(",", ""))
            if isinstance(value, str)
            else (Decimal(str(value)))
        )
    except InvalidOperation as exc:
        raise TransformError(f"{str(value)[:40]!r} is not a number") from exc
    if not number.is_finite():
        raise TransformError(f"{str(value)[:40]!r} is not a finite number")
    return number


def rupiah(value: Any) -> Decimal:
    amount = decimal(value)
    if amount < 0:
        raise TransformError("a price cannot be negative")
    return amount.quantize(RUPIAH, rounding=ROUND_HALF_UP)


def weight_kg(value: Any, unit: str = "KILOGRAM") -> Decimal:
    factor = WEIGHT_TO_KG.get((unit or "KILOGRAM").upper())
    if factor is None:
        raise TransformError(f"unknown weight unit {unit!r}")
    weight = decimal(value) * factor
    if weight < 0:
        raise TransformError("a weight cannot be negative")
    return weight.quantize(KG, rounding=ROUND_HALF_UP)


def length_cm(value: Any, unit: str = "CENTIMETER") -> Decimal:
    factor = LENGTH_TO_CM.get((unit or "CENTIMETER").upper())
    if factor is None:
        raise TransformError(f"unknown length unit {unit!r}")
    length = decimal(value) * factor
    if length < 0:
        raise TransformError("a length cannot be negative")
    return length.quantize(CM, rounding=ROUND_HALF_UP)


def clean_text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    # Most texts have nothing to collapse: three look-ups skip the expression's match a word.
    if "  " in text or "\t" in text or "\u00a0" in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


def clean_text_block(value: Any) -> str:
    """Multi-line text with tidy lines and at most one blank line between paragraphs."""
    lines = [clean_text(line) for line in str(value or "").splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_sku(value: Any) -> str:
    """The SKU as the seller typed it, tidied. Whether it identifies anything (`-`, `n/a`
    and `1` do not) is matching's judgement: catalog.matching.sku_verdict."""
    return clean_text(value)


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "tr", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


# Text and bare tags of everyday formatting only ("<p>", "</li>"): what TikTok's editor writes.
# Such HTML is read by splitting at its tags; anything else (attributes, comments, a lone "<",
# script) goes to the parser. Both give the same parts.
_PLAIN_TAG_NAMES = _TextExtractor.BLOCKS | {"b", "strong", "i", "em", "u", "span", "td", "th"}
_BARE_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)>")
_BARE_TAGS_ONLY = re.compile(r"(?:[^<]++|</?[a-zA-Z][a-zA-Z0-9]*+>)*+")  # never backtracks


def _html_parts(source: str) -> list[str]:
    if _BARE_TAGS_ONLY.fullmatch(source):
        pieces = _BARE_TAG.split(source)  # text, "/" or "", name, text, ..., text
        slashes, names = pieces[1::3], pieces[2::3]
        tags = [(slash == "/", name.lower()) for slash, name in zip(slashes, names, strict=True)]
        if all(name in _PLAIN_TAG_NAMES for _closing, name in tags):
            parts = []
            for text, (closing, name) in zip(pieces[0::3], [*tags, (False, "")], strict=True):
                if text:  # the parser converts character references a text at a time
                    parts.append(html.unescape(text) if "&" in text else text)
                if name in _TextExtractor.BLOCKS:
                    parts.append("\n")
                if name == "li" and not closing:
                    parts.append("- ")
            return parts
    parser = _TextExtractor()
    parser.feed(source)
    parser.close()
    return parser.parts


def html_to_text(value: Any) -> str:
    """Readable plain text from TikTok's HTML descriptions (images and tags dropped)."""
    if not value:
        return ""
    text = html.unescape("".join(_html_parts(str(value))))
    lines = [clean_text(line) for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def short_text(text: str, limit: int = SHORT_DESCRIPTION_LENGTH) -> str:
    """The first paragraph, cut at a word boundary within `limit` characters."""
    first = next((p.strip() for p in text.split("\n") if p.strip()), "")
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def timestamp(value: Any) -> datetime | None:
    if value in (None, "", 0):
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError) as exc:
        raise TransformError(f"{str(value)[:40]!r} is not a Unix timestamp") from exc


def common_prefix_sku(skus: list[str]) -> str:
    """The product SKU sellers put in front of their variant SKUs ("KAOS-01-RED" -> "KAOS-01")."""
    skus = [sku for sku in skus if sku]
    if len(skus) < 2:
        return skus[0] if skus else ""
    separators = "-_/. "
    prefix = skus[0]
    for sku in skus[1:]:
        while not sku.startswith(prefix):
            prefix = prefix[:-1]
    # Never cut inside a token: "SKU-12"/"SKU-13" share "SKU", not "SKU-1".
    if any(len(sku) > len(prefix) and sku[len(prefix)] not in separators for sku in skus):
        cut = max(prefix.rfind(separator) for separator in separators)
        prefix = prefix[:cut] if cut > 0 else ""
    prefix = prefix.rstrip(separators)
    return prefix if len(prefix) >= 3 else ""


def brand(name: Any) -> str:
    """A brand name; the placeholders sellers pick for "no brand" are no brand."""
    text = clean_text(name)
    return "" if text.lower() in ("nobrand", "no brand", "tidak ada merek") else text

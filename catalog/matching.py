"""Matching listings to master products: SKU normalization and match confidence (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

SKU_MAX_LENGTH = 100
SIMILARITY_FLOOR = 0.35  # pg_trgm similarity below this is never a candidate
SUGGEST_THRESHOLD = Decimal("0.60")
PRICE_BAND = Decimal("0.10")  # prices further apart than this are never the same product


@dataclass(frozen=True)
class SkuRule:
    action: str  # strip_prefix | strip_suffix | remove | replace
    value: str
    replacement: str = ""


def normalize_sku(sku: str, rules: Iterable[SkuRule] = ()) -> str:
    """Trim, apply the organization's rules in order, case-fold and drop inner spaces."""
    text = (sku or "").strip()
    for rule in rules:
        if not rule.value:
            continue
        if rule.action == "strip_prefix" and text.lower().startswith(rule.value.lower()):
            text = text[len(rule.value) :]
        elif rule.action == "strip_suffix" and text.lower().endswith(rule.value.lower()):
            text = text[: -len(rule.value)]
        elif rule.action == "remove":
            text = "".join(ch for ch in text if ch not in rule.value)
        elif rule.action == "replace":
            text = re.sub(re.escape(rule.value), rule.replacement, text, flags=re.IGNORECASE)
    return re.sub(r"\s+", "", text.strip()).casefold()[:SKU_MAX_LENGTH]


def _agreement(a: Decimal | None, b: Decimal | None, close: Decimal, near: Decimal) -> Decimal:
    """1 when within `close` (relative), 0.5 within `near`, else 0; 0.5 when unknown."""
    if a is None or b is None or max(a, b) <= 0:
        return Decimal("0.5")
    difference = abs(a - b) / max(a, b)
    if difference <= close:
        return Decimal("1")
    if difference <= near:
        return Decimal("0.5")
    return Decimal("0")


_TOKEN = re.compile(r"[0-9a-z]+(?:[.,][0-9]+[a-z]*)?", re.IGNORECASE)


def identifier_tokens(title: str) -> frozenset[str]:
    """Tokens with a digit ("X23", "10000mAh", "22.5W", "5ATM"): models, sizes, capacities."""
    return frozenset(
        token.casefold()
        for token in _TOKEN.findall(title or "")
        if any(ch.isdigit() for ch in token)
    )


def match_confidence(
    *,
    title_similarity: float,
    title_a: str = "",
    title_b: str = "",
    price_a: Decimal | None,
    price_b: Decimal | None,
    weight_a: Decimal | None,
    weight_b: Decimal | None,
    brand_a: str = "",
    brand_b: str = "",
) -> Decimal:
    """How sure we are that two listings are one product, from 0 to 1.

    The title carries most weight; price and weight must agree for a confident suggestion,
    since sellers list many similar titles (sizes, colours, bundles) at different prices.
    """
    price = _agreement(price_a, price_b, Decimal("0.02"), Decimal("0.10"))
    weight = _agreement(weight_a, weight_b, Decimal("0.05"), Decimal("0.20"))
    score = (
        Decimal(str(round(title_similarity, 3))) * Decimal("0.6")
        + price * Decimal("0.25")
        + weight * Decimal("0.15")
    )
    if price == 0:
        score = min(score, Decimal("0.5"))  # a different price is a different product
    if brand_a.strip() and brand_b.strip() and brand_a.casefold() != brand_b.casefold():
        score = min(score, Decimal("0.4"))  # another maker: another product
    ids_a, ids_b = identifier_tokens(title_a), identifier_tokens(title_b)
    if ids_a and ids_b and ids_a != ids_b:
        # Another model number or size: long titles stay similar, the product is not the same.
        score = min(score, Decimal("0.4"))
    return score.quantize(Decimal("0.001"))


def generated_sku(platform: str, platform_product_id: str) -> str:
    prefix = {"shopee": "SHP", "tiktokshop": "TTS"}.get(platform, platform[:3].upper())
    return f"{prefix}-{platform_product_id}"[:SKU_MAX_LENGTH]

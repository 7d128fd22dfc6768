"""Matching listings to master products: SKU normalization and match confidence (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_noop

from catalog.titles import TitleComparison
from core.platforms import GENERATED_SKU_PREFIXES

SKU_MAX_LENGTH = 100
SIMILARITY_FLOOR = 0.2  # pg_trgm similarity below this is never a candidate
SUGGEST_THRESHOLD = Decimal("0.60")  # a title match at least this sure goes to review
AUTO_LINK_THRESHOLD = Decimal("0.80")  # ... and at least this sure, and unique, links itself
UNIQUE_MARGIN = Decimal("0.08")  # a runner-up this close makes a match ambiguous
PRICE_BAND = Decimal("0.25")  # prices further apart than this are never the same product


_WHITESPACE = re.compile(r"\s+")


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
    text = text.strip()
    # Every whitespace character but the space is unprintable: most SKUs skip the expression.
    if " " in text or not text.isprintable():
        text = _WHITESPACE.sub("", text)
    return text.casefold()[:SKU_MAX_LENGTH]


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


def match_confidence(
    *,
    title: TitleComparison,
    price_a: Decimal | None,
    price_b: Decimal | None,
    weight_a: Decimal | None,
    weight_b: Decimal | None,
    brand_a: str = "",
    brand_b: str = "",
) -> Decimal:
    """How sure we are that two listings are one product, from 0 to 1.

    The title carries most weight. Price is a band, not equality (one pair in five is priced
    differently per platform, by up to 20%); weight is often missing. A size, count or model
    number that differs is the strongest evidence of all: near-identical titles that disagree
    on one are different products, and linking them is worse than missing a pair.
    """
    if title.conflict:
        return Decimal("0")
    priced = bool(price_a and price_b)  # a missing or zero price is no evidence
    price = _agreement(price_a, price_b, Decimal("0.02"), Decimal("0.25")) if priced else 0
    weight = _agreement(weight_a, weight_b, Decimal("0.01"), Decimal("0.20"))
    score = (
        Decimal(str(title.similarity)) * Decimal("0.75")
        + price * Decimal("0.15")
        + weight * Decimal("0.10")
    )
    if priced and price == 0:
        score = min(score, Decimal("0.5"))  # further apart than any platform's own pricing
    if not priced or (price < 1 and weight < 1) or weight == 0:
        # Only the title agrees, or the weights disagree: look-alikes (editions, bundles)
        # share whole titles too. A person decides.
        score = min(score, AUTO_LINK_THRESHOLD - Decimal("0.001"))
    if brand_a.strip() and brand_b.strip() and brand_a.casefold() != brand_b.casefold():
        score = min(score, Decimal("0.4"))  # another maker: another product
    return score.quantize(Decimal("0.001"))


def generated_sku(platform: str, platform_product_id: str) -> str:
    prefix = GENERATED_SKU_PREFIXES.get(platform, platform[:3].upper())
    return f"{prefix}-{platform_product_id}"[:SKU_MAX_LENGTH]


# --- is a SKU evidence? -------------------------------------------------------------------------
# Placeholders sellers type when a SKU is required (after normalize_sku: case-folded, no spaces).
PLACEHOLDER_SKUS = frozenset(
    {
        "0",
        "1",
        "00",
        "000",
        "01",
        "12",
        "123",
        "1234",
        "12345",
        "na",
        "n/a",
        "n.a",
        "none",
        "null",
        "nil",
        "sku",
        "nosku",
        "tidakada",
        "kosong",
        "belumada",
        "x",
        "xx",
        "xxx",
        "abc",
        "test",
    }
)
# A code on 4 listings of a shop is nobody's identifier, nor one on 3 listings that are a tenth
# of a small shop; a real-looking code on 2 or 3 listings is a genuine duplicate, for review.
SHARED_SKU_MIN_LISTINGS = 4
SHARED_SKU_SMALL_SHOP_LISTINGS = 3
SHARED_SKU_SHOP_SHARE = Decimal("0.10")
_NO_LETTER_OR_DIGIT = re.compile(r"^[\W_]*$")


@dataclass(frozen=True)
class SkuVerdict:
    """Whether a listing's SKU can identify its product, and if not, why."""

    sku: str  # as the listing has it
    reason: str = ""  # "" (usable) | empty | placeholder | shared | own_id | too_long
    listings: int = 0  # for "shared": how many listings of the shop carry it

    @property
    def usable(self) -> bool:
        return not self.reason

    def message(self) -> str:
        """The listing finding, in English (stored; the admin translates the template)."""
        return self.template() % self.params()

    def template(self) -> str:
        return SKU_VERDICT_TEMPLATES.get(self.reason, "")

    def params(self) -> dict[str, object]:
        return {"sku": self.sku.strip()[:40], "listings": self.listings, "max": SKU_MAX_LENGTH}

    def note(self) -> dict[str, object] | None:
        """What the listing keeps of this verdict (platform_data["sku_note"]), for its
        quality findings; None when the SKU is usable."""
        if self.usable:
            return None
        return {"reason": self.reason, "template": self.template(), "params": self.params()}


SKU_VERDICT_TEMPLATES = {
    "empty": gettext_noop("No SKU: matched by title; give each product its own SKU"),
    "placeholder": gettext_noop("SKU '%(sku)s' is a placeholder: not used to match"),
    "shared": gettext_noop(
        "SKU '%(sku)s' is on %(listings)d listings of this shop: not used to match"
    ),
    "own_id": gettext_noop("SKU '%(sku)s' is the listing's own id: not used to match"),
    "too_long": gettext_noop("SKU longer than %(max)d characters: not used to match"),
}


def shared_sku_threshold(shop_size: int) -> int:
    """How many listings of a shop must share a SKU before it stops being an identifier."""
    relative = int((SHARED_SKU_SHOP_SHARE * shop_size).to_integral_value(rounding="ROUND_CEILING"))
    return max(SHARED_SKU_SMALL_SHOP_LISTINGS, min(SHARED_SKU_MIN_LISTINGS, relative))


def sku_verdict(
    sku: str | None,
    normalized: str,
    *,
    platform_product_id: str = "",
    shop_listings: int = 0,
    shop_size: int = 0,
) -> SkuVerdict:
    """Is `sku` (normalized: `normalized`) evidence that two listings are one product?

    `shop_listings` is how many listings of the listing's shop carry the same normalized SKU
    (itself included), `shop_size` how many listings the shop has.
    """
    raw = sku or ""
    if not normalized or _NO_LETTER_OR_DIGIT.match(normalized):
        return SkuVerdict(raw, "empty" if not raw.strip() else "placeholder")
    if len(raw.strip()) > SKU_MAX_LENGTH:
        return SkuVerdict(raw, "too_long")
    if normalized in PLACEHOLDER_SKUS:
        return SkuVerdict(raw, "placeholder", shop_listings)
    if platform_product_id and normalized == platform_product_id.casefold():
        return SkuVerdict(raw, "own_id")
    if shop_listings >= shared_sku_threshold(max(shop_size, shop_listings)):
        return SkuVerdict(raw, "shared", shop_listings)
    return SkuVerdict(raw)

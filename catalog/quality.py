"""Listing quality: a transparent rubric per platform, 0-100, tier and recommendations (pure).

Blocks (shared/marketplaces/fees-and-listing-rules.md §2.4): title 25, images 25,
description 20, attributes 20, logistics and price 10. Tiers mirror TikTok's: Good >= 85,
Fair 60-84, Poor < 60. Shopee publishes no formula, so its score is our own heuristic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.utils.translation import gettext_lazy, gettext_noop

from core.platforms import TITLE_RULES, TitleRules, title_rules
from seo.lint import (
    MIN_DESCRIPTION_WORDS,
    lint_description,
    lint_title,
    text_with_params,
    words,
    words_up_to,
)

# The one definition of the tiers (catalog.selectors filters by them, the admin labels them).
GOOD, FAIR = 85, 60
MAX_SCORE = 100
TIER_NAMES = {
    "good": gettext_lazy("Good"),
    "fair": gettext_lazy("Fair"),
    "poor": gettext_lazy("Poor"),
}
# A master product is on no platform yet: any title that fits the most generous platform.
ANY_PLATFORM_TITLE_RULES = TitleRules(
    min_length=1, max_length=max(rules.max_length for rules in TITLE_RULES.values())
)


@dataclass
class QualityInput:
    platform: str
    title: str
    brand: str = ""
    description: str = ""
    image_count: int = 0
    attributes: dict[str, str] = field(default_factory=dict)
    category: str = ""
    weight_kg: Decimal | None = None
    dimensions: tuple[Decimal | None, Decimal | None, Decimal | None] = (None, None, None)
    price: Decimal | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    has_variants: bool = False
    title_max_length: int | None = None  # the shop's own limit, when it has one
    # Why the listing's SKU identifies nothing (catalog.matching.SkuVerdict), if it does not
    sku_note: dict[str, Any] | None = None


@dataclass
class QualityResult:
    score: int
    tier: str
    findings: list[dict[str, Any]]


def tier_for(score: int | None) -> str:
    if score is None:
        return ""
    return "good" if score >= GOOD else "fair" if score >= FAIR else "poor"


def tier_bounds(tier: str) -> tuple[int | None, int | None]:
    """(lowest score in, first score above) of "good", "fair" or "poor"; None: unbounded."""
    return {"good": (GOOD, None), "fair": (FAIR, GOOD), "poor": (None, FAIR)}[tier]


def tier_range_text(tier: str) -> str:
    """The tier's scores as people read them: "85-100", "60-84", "0-59"."""
    low, above = tier_bounds(tier)
    return f"{low or 0}-{MAX_SCORE if above is None else above - 1}"


# A failed check's recommendation, written only when the check fails (most pass).
Recommendation = Callable[[], dict[str, Any]]


def advice(template: str, **params: Any) -> Recommendation:
    return partial(text_with_params, "recommendation", template, **params)


def _title_rules(item: QualityInput) -> TitleRules:
    if item.platform not in TITLE_RULES:
        return ANY_PLATFORM_TITLE_RULES
    return title_rules(item.platform, item.title_max_length)


def assess(item: QualityInput) -> QualityResult:
    findings: list[dict[str, Any]] = []
    earned = 0

    def block(name: str, points: int, checks: list[tuple[bool, int, Recommendation]]) -> None:
        nonlocal earned
        got = points
        for passed, cost, recommendation in checks:
            if not passed:
                got -= cost
                findings.append({"block": name, "points": -cost, **recommendation()})
        earned += max(0, got)

    rules = _title_rules(item)
    title_errors = [
        f
        for f in lint_title(item.title, min_length=rules.min_length, max_length=rules.max_length)
        if f.severity == "error"
    ]
    block(
        "title",
        25,
        [
            (
                not title_errors,
                15,
                lambda: {
                    "recommendation": "Fix the title: "
                    + "; ".join(
                        f.message + (f" ({f.excerpt})" if f.excerpt else "") for f in title_errors
                    ),
                    "template": gettext_noop("Fix the title: %(problems)s"),
                    # The problems themselves, so each can be shown in the reader's language.
                    "problems": [f.as_dict() for f in title_errors],
                },
            ),
            (
                not item.brand or item.title.casefold().startswith(item.brand.casefold()),
                5,
                advice(
                    gettext_noop("Start the title with the brand (%(brand)s)"), brand=item.brand
                ),
            ),
            (
                item.has_variants
                or len([w for w in words(item.title) if any(map(str.isdigit, w))]) <= 2,
                5,
                advice(gettext_noop("Without variants, name at most two specs in the title")),
            ),
        ],
    )
    images = item.image_count
    block(
        "images",
        25,
        [
            (
                images >= 3,
                12,
                advice(gettext_noop("Add images: fewer than 3 makes buyers hesitate")),
            ),
            (
                images >= 5,
                13,
                advice(gettext_noop("Use at least 5 images (TikTok's Good tier asks for 5)")),
            ),
        ],
    )
    description_findings = lint_description(item.description, item.platform)
    word_count = words_up_to(item.description, MIN_DESCRIPTION_WORDS)  # exact below it
    block(
        "description",
        20,
        [
            (
                word_count >= MIN_DESCRIPTION_WORDS,
                10,
                advice(
                    gettext_noop("Write at least 30 words of description (now %(count)d)"),
                    count=word_count,
                ),
            ),
            (
                not [f for f in description_findings if f.severity == "error"],
                6,
                advice(
                    gettext_noop(
                        "Remove links, contacts, promo words or extra hashtags from the description"
                    )
                ),
            ),
            (
                any(
                    k in item.description.casefold()
                    for k in (
                        "isi paket",
                        "isi kemasan",
                        "dalam kotak",
                        "kelengkapan",
                        "berat",
                        "ukuran",
                    )
                ),
                4,
                advice(gettext_noop("Say what is in the box, and the size or weight")),
            ),
        ],
    )
    block(
        "attributes",
        20,
        [
            (
                len([v for v in item.attributes.values() if v]) >= 2,
                10,
                advice(gettext_noop("Fill in the category's attributes (material, size, specs)")),
            ),
            (
                not item.brand
                or any(item.brand.casefold() in str(v).casefold() for v in item.attributes.values())
                or not item.attributes,
                5,
                advice(gettext_noop("The brand attribute should match the brand in the title")),
            ),
            (bool(item.category), 5, advice(gettext_noop("Choose a category"))),
            *_sku_checks(item.sku_note),
        ],
    )
    in_bounds = (
        item.price is not None
        and item.price > 0
        and (item.min_price is None or item.price >= item.min_price)
        and (item.max_price is None or item.price <= item.max_price)
    )
    block(
        "logistics",
        10,
        [
            (
                item.weight_kg is not None and item.weight_kg > 0,
                4,
                advice(gettext_noop("Enter the package weight")),
            ),
            (
                all(d is not None and d > 0 for d in item.dimensions),
                3,
                advice(gettext_noop("Enter the package dimensions")),
            ),
            (
                in_bounds,
                3,
                advice(gettext_noop("The price is outside the platform's allowed range")),
            ),
        ],
    )
    return QualityResult(earned, tier_for(earned), findings)


def _sku_checks(note: dict[str, Any] | None) -> list[tuple[bool, int, Recommendation]]:
    """A SKU that cannot tell this product apart: say which and why (an empty one costs
    nothing, most small shops have none; a placeholder costs a little)."""
    if not note or not note.get("template"):
        return []
    cost = 0 if note.get("reason") == "empty" else 2
    return [(False, cost, advice(note["template"], **note["params"]))]

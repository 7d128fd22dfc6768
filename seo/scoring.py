"""The SEO quality score of a listing title, 0-100, with the reasons behind it (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

from seo.lint import Finding, lint_title, text_with_params, words

IDEAL_LENGTH = {"shopee": (40, 100), "tiktokshop": (50, 120)}


@dataclass
class Score:
    value: int
    reasons: list[dict[str, object]] = field(default_factory=list)


def seo_score(
    title: str,
    platform: str,
    *,
    brand: str = "",
    keywords: list[str] | None = None,
    min_length: int,
    max_length: int,
) -> Score:
    """Start from 100 and take points off for each weakness, saying why.

    `platform` picks the ideal length; the hard limits come from the caller
    (core.platforms.title_rules), which knows the shop's own maximum."""
    reasons: list[dict[str, object]] = []

    def deduct(points: int, code: str, template: str, excerpt: str = "", **params: Any) -> None:
        reason = {
            "code": code,
            "points": -points,
            **text_with_params("message", template, **params),
        }
        if excerpt:
            reason["message"] += f" ({excerpt})"
            reason["excerpt"] = excerpt
        reasons.append(reason)

    findings: list[Finding] = lint_title(title, min_length=min_length, max_length=max_length)
    for finding in findings:
        points = 45 if finding.severity == "error" else 5  # a broken rule: never above Poor
        deduct(points, finding.code, finding.template, finding.excerpt, **finding.params)
    low, high = IDEAL_LENGTH.get(platform, (40, 100))
    high = min(high, max_length)
    if len(title) < low:
        # Half the ideal length or less leaves buyers almost nothing to find the item by.
        points = 30 if len(title) <= low // 2 else 15
        deduct(
            points,
            "short",
            gettext_noop("Titles of %(low)d-%(high)d characters give buyers more to search on"),
            low=low,
            high=high,
        )
    if brand and not title.casefold().startswith(brand.casefold()):
        deduct(10, "brand_not_first", gettext_noop("Put the brand (%(brand)s) first"), brand=brand)
    if keywords:
        title_words = {w.casefold() for w in words(title)}
        top = [k for k in keywords[:5] if " " not in k]
        missing = [k for k in top if k not in title_words]
        if top and len(missing) > len(top) // 2:
            deduct(
                10,
                "keywords",
                gettext_noop("Key terms missing from the title: %(terms)s"),
                terms=", ".join(missing[:3]),
            )
    value = max(0, min(100, 100 + sum(int(r["points"]) for r in reasons)))
    return Score(value, reasons)

"""The SEO quality score of a listing title, 0-100, with the reasons behind it (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field

from seo.lint import TITLE_LIMITS, Finding, lint_title, words

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
    max_length: int | None = None,
) -> Score:
    """Start from 100 and take points off for each weakness, saying why."""
    reasons: list[dict[str, object]] = []

    def deduct(points: int, code: str, message: str) -> None:
        reasons.append({"code": code, "points": -points, "message": message})

    findings: list[Finding] = lint_title(title, platform, max_length)
    for finding in findings:
        points = 45 if finding.severity == "error" else 5  # a broken rule: never above Poor
        deduct(
            points,
            finding.code,
            f"{finding.message}" + (f" ({finding.excerpt})" if finding.excerpt else ""),
        )
    low, high = IDEAL_LENGTH.get(platform, (40, 100))
    high = min(high, max_length or TITLE_LIMITS.get(platform, (1, 255))[1])
    if len(title) < low:
        # Half the ideal length or less leaves buyers almost nothing to find the item by.
        points = 30 if len(title) <= low // 2 else 15
        deduct(points, "short", f"Titles of {low}-{high} characters give buyers more to search on")
    if brand and not title.casefold().startswith(brand.casefold()):
        deduct(10, "brand_not_first", f"Put the brand ({brand}) first")
    if keywords:
        title_words = {w.casefold() for w in words(title)}
        top = [k for k in keywords[:5] if " " not in k]
        missing = [k for k in top if k not in title_words]
        if top and len(missing) > len(top) // 2:
            deduct(10, "keywords", "Key terms missing from the title: " + ", ".join(missing[:3]))
    value = max(0, min(100, 100 + sum(int(r["points"]) for r in reasons)))
    return Score(value, reasons)

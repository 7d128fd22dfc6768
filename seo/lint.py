"""Policy lint for marketplace titles and descriptions (pure).

The rules come from the platforms' seller education pages (shared/marketplaces/
fees-and-listing-rules.md §2): no promotional text, no other platforms' names, no URLs or
contacts, no emoji or decorative symbols, no keyword stuffing, titles within the platform's
length, at most 18 hashtags in a Shopee description.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import islice
from typing import Any

# Messages are stored in English; gettext_noop marks them so the admin can translate them.
from django.utils.translation import gettext_noop

MAX_HASHTAGS = 18
MIN_DESCRIPTION_WORDS = 30

# Each promotional pattern, with the text (lower case) it cannot match without: a text is
# searched only with the patterns whose text it has.
PROMO_PATTERNS = (
    (r"promo", "promo"),
    (r"murah(?:\s*meriah)?", "murah"),
    (r"termurah", "murah"),
    (r"diskon", "diskon"),
    (r"disc(?:ount)?", "disc"),
    (r"sale", "sale"),
    (r"flash\s*sale", "sale"),
    (r"cuci\s*gudang", "cuci"),
    (r"obral", "obral"),
    (r"terlaris", "laris"),
    (r"best\s*seller", "best"),
    (r"laris", "laris"),
    (r"gratis\s*ongkir", "gratis"),
    (r"free\s*ongkir", "free"),
    (r"cashback", "cashback"),
    (r"cod", "cod"),
    (r"ready\s*stoc?k", "ready"),  # "ready stock", and "ready stok" as Indonesian spells it
    (r"limited(?:\s*edition)?", "limited"),
    (r"stok\s*terbatas", "stok"),
    (r"\d+\s*%\s*off", "%"),
    (r"beli\s*\d+\s*gratis\s*\d+", "beli"),
    (r"buy\s*\d+\s*get\s*\d+", "buy"),
    (r"bonus", "bonus"),
    (r"viral", "viral"),
    (r"original\s*100\s*%", "original"),
)
PLATFORM_NAMES = (
    "shopee",
    "tokopedia",
    "tiktok",
    "lazada",
    "bukalapak",
    "blibli",
    "zalora",
    "jd.id",
    "instagram",
    "whatsapp",
)


def _promo_expression(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + "|".join(patterns) + r")(?![\w])", re.IGNORECASE)


_PROMO = _promo_expression(pattern for pattern, _needs in PROMO_PATTERNS)
_PLATFORM = re.compile(
    r"(?<![\w])(?:" + "|".join(map(re.escape, PLATFORM_NAMES)) + r")(?![\w])", re.IGNORECASE
)
_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|co\.id|id|net|shop|link)\b", re.IGNORECASE
)
_PHONE = re.compile(r"(?:\+62|\b62|\b0)8\d{1,3}[-\s.]?\d{3,4}[-\s.]?\d{3,5}\b")
_HASHTAG = re.compile(r"#\w+")
_WORD = re.compile(r"[^\W_]+(?:[.,'/-][^\W_]+)*", re.UNICODE)
ALLOWED_SYMBOLS = set(" -/.,&()+%'\"'xX:")


@dataclass(frozen=True)
class Finding:
    code: str
    template: str  # English, with %(name)s placeholders filled from `params`
    excerpt: str = ""
    severity: str = "error"  # error: breaks a platform rule; warning: weakens the listing
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template % self.params if self.params else self.template

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "excerpt": self.excerpt,
            "severity": self.severity,
            "template": self.template,
            "params": self.params,
        }


def text_with_params(key: str, template: str, **params: Any) -> dict[str, Any]:
    """A stored message: English under `key`, plus its template and parameters to translate."""
    return {key: template % params if params else template, "template": template, "params": params}


@cache  # every title and name asks about each of its characters; there are only so many
def _is_symbol(ch: str) -> bool:
    if ch.isalnum() or ch in ALLOWED_SYMBOLS or ch.isspace():
        return False
    category = unicodedata.category(ch)
    return category.startswith(("S", "P", "C")) or category == "So"


# A new product and its listing are assessed one after the other on the same title and
# description: the latest texts' words and findings are kept.
TEXTS_REMEMBERED = 1024


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text))


def words(text: str) -> list[str]:
    return list(_words(text or ""))


@lru_cache(maxsize=TEXTS_REMEMBERED)
def words_up_to(text: str, limit: int) -> int:
    """How many words `text` has, counted no further than `limit`: a description checked for a
    minimum is often thousands of words (and is checked for the product and its listing)."""
    return len(list(islice(_WORD.finditer(text or ""), limit)))


def lint_text(text: str) -> list[Finding]:
    """What no title or description may contain."""
    return list(_text_findings(text))


# Text each pattern cannot match without, in lower case. A text that has none of a pattern's is
# not searched with it: the patterns take tens of microseconds on a description, the look-ups a
# few. Its case-insensitive matches of ASCII letters are its lower-case letters, unless it has
# one of the four other characters re.IGNORECASE takes for an ASCII letter (dotted capital I,
# dotless i, long s, Kelvin sign): such a text is always searched.
FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f\u212a")
_URL_HINTS = ("http", "www.", ".com", ".co.id", ".id", ".net", ".shop", ".link")
_PHONE_HINTS = ("628", "08")


def _has_any(text: str, hints: tuple[str, ...]) -> bool:
    return any(hint in text for hint in hints)


def _promo_in(lowered: str) -> re.Pattern[str] | None:
    """The promotional patterns `lowered` may match, in their order (so the same match wins at
    each place), or None: a long description searched with two patterns rather than 25."""
    present = tuple(i for i, (_pattern, needs) in enumerate(PROMO_PATTERNS) if needs in lowered)
    return _promo_subset(present) if present else None


# Texts share few combinations (27 in the sandbox's 40,000 titles and descriptions); a compiled
# subset is about a kilobyte.
@lru_cache(maxsize=4096)
def _promo_subset(present: tuple[int, ...]) -> re.Pattern[str]:
    return _promo_expression(PROMO_PATTERNS[i][0] for i in present)


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _text_findings(text: str) -> tuple[Finding, ...]:
    findings = []
    hinted = text.isascii() or FOLDS_TO_ASCII.isdisjoint(text)  # the look-ups apply
    lowered = text.lower() if hinted else ""
    promo = _promo_in(lowered) if hinted else _PROMO
    if promo is not None:
        for match in promo.finditer(text):
            findings.append(
                Finding("promo", gettext_noop("Promotional words are not allowed"), match.group(0))
            )
    if not hinted or _has_any(lowered, PLATFORM_NAMES):
        for match in _PLATFORM.finditer(text):
            findings.append(
                Finding(
                    "platform_name",
                    gettext_noop("Names of marketplaces or apps are not allowed"),
                    match.group(0),
                )
            )
    if not hinted or _has_any(lowered, _URL_HINTS):
        for match in _URL.finditer(text):
            findings.append(Finding("url", gettext_noop("Links are not allowed"), match.group(0)))
    if not hinted or _has_any(text, _PHONE_HINTS):
        for match in _PHONE.finditer(text):
            findings.append(
                Finding(
                    "phone",
                    gettext_noop("Phone numbers and contacts are not allowed"),
                    match.group(0),
                )
            )
    return tuple(findings)


def lint_title(title: str, *, min_length: int, max_length: int) -> list[Finding]:
    """What is wrong with `title` on a platform whose titles are `min_length`-`max_length`
    characters (core.platforms.title_rules: the caller knows the platform and the shop)."""
    findings = lint_text(title)
    minimum, maximum = min_length, max_length
    length = len(title)
    if length > maximum:
        findings.append(
            Finding(
                "too_long",
                gettext_noop("Title is %(length)d characters; the limit is %(maximum)d"),
                title[maximum - 10 : maximum + 10],
                params={"length": length, "maximum": maximum},
            )
        )
    if length < minimum:
        findings.append(
            Finding(
                "too_short",
                gettext_noop("Title is %(length)d characters; at least %(minimum)d are needed"),
                title,
                params={"length": length, "minimum": minimum},
            )
        )
    symbols = [ch for ch in dict.fromkeys(title) if _is_symbol(ch)]
    if symbols:
        findings.append(
            Finding(
                "symbols",
                gettext_noop("Emoji and decorative symbols are not allowed"),
                "".join(symbols),
            )
        )
    counts: dict[str, int] = {}
    for word in words(title.casefold()):
        if len(word) > 2:
            counts[word] = counts.get(word, 0) + 1
    stuffed = sorted(word for word, count in counts.items() if count > 2)
    if stuffed:
        findings.append(
            Finding(
                "stuffing",
                gettext_noop("A word repeated more than twice reads as keyword stuffing"),
                ", ".join(stuffed),
            )
        )
    repeated = sorted(word for word, count in counts.items() if count == 2)
    if repeated:
        findings.append(
            Finding(
                "repeated",
                gettext_noop("Repeated words waste title space"),
                ", ".join(repeated),
                "warning",
            )
        )
    if title != title.strip() or "  " in title:
        findings.append(Finding("spacing", gettext_noop("Extra spaces"), "", "warning"))
    if title.isupper() and len(title) > 10:
        findings.append(
            Finding(
                "all_caps", gettext_noop("A title in capitals reads as shouting"), "", "warning"
            )
        )
    return findings


def lint_description(text: str, platform: str) -> list[Finding]:
    findings = lint_text(text)
    hashtags = _HASHTAG.findall(text or "")
    if platform == "shopee" and len(hashtags) > MAX_HASHTAGS:
        findings.append(
            Finding(
                "hashtags",
                gettext_noop("%(count)d hashtags; Shopee allows at most %(maximum)d"),
                " ".join(hashtags[:3]),
                params={"count": len(hashtags), "maximum": MAX_HASHTAGS},
            )
        )
    count = words_up_to(text, MIN_DESCRIPTION_WORDS)
    if count < MIN_DESCRIPTION_WORDS:
        findings.append(
            Finding(
                "short_description",
                gettext_noop("The description has %(count)d words; write at least %(minimum)d"),
                "",
                "warning",
                params={"count": count, "minimum": MIN_DESCRIPTION_WORDS},
            )
        )
    return findings

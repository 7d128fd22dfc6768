"""Marketplace-ready titles (pure, deterministic).

Shopee's recommended form is Brand + Product + Model; TikTok wants brand, product type, key
features and quantity, 25-255 characters. Key terms go first (search results show the start),
the brand leads when there is one, words are not repeated, promo words and symbols are dropped,
units and brand spellings are kept, and the title is cut at a word boundary within the limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from seo.lint import _PROMO, PLATFORM_NAMES, TITLE_LIMITS, _is_symbol

DEFAULT_LIMITS = {"shopee": 100, "tiktokshop": 255}
UNIT = re.compile(r"^\d+(?:[.,]\d+)?(?:[a-zA-Z]{1,4})?$")  # 250ml, 22.5W, 10000mAh, 5ATM
SMALL_WORDS = {"dan", "untuk", "dengan", "di", "ke", "dari", "isi", "x"}


@dataclass(frozen=True)
class TitleInput:
    name: str
    brand: str = ""
    category: str = ""
    subcategory: str = ""
    attributes: tuple[str, ...] = ()  # extra key facts: material, size, colour, volume


def _clean(text: str) -> str:
    text = _PROMO.sub(" ", text or "")
    for name in PLATFORM_NAMES:
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", text, flags=re.IGNORECASE)
    text = "".join(" " if _is_symbol(ch) else ch for ch in text)
    return re.sub(r"\s+", " ", text).strip(" -/,.")


def _case(word: str, brand_words: dict[str, str]) -> str:
    if word.casefold() in brand_words:
        return brand_words[word.casefold()]  # the brand as the brand writes it
    if UNIT.match(word) or any(ch.isdigit() for ch in word):
        return word  # 22.5W, 10000mAh, X23 stay as written
    if word.isupper() and len(word) <= 4:
        return word  # acronyms: TWS, USB, LED, SD
    if word.casefold() in SMALL_WORDS:
        return word.casefold()
    return word[:1].upper() + word[1:].lower()


def generate_title(source: TitleInput, platform: str, max_length: int | None = None) -> str:
    limit = max_length or DEFAULT_LIMITS.get(platform, 100)
    minimum = TITLE_LIMITS.get(platform, (1, limit))[0]
    brand = _clean(source.brand)
    brand_words = {w.casefold(): w for w in brand.split()}
    name = _clean(source.name)
    parts = [brand] if brand else []
    parts.append(name)
    parts += [_clean(a) for a in source.attributes]
    words: list[str] = []
    seen: set[str] = set()
    for part in parts:
        for word in part.split():
            key = word.casefold()
            if key in seen:
                continue  # no repeated words (the brand inside the name, for one)
            seen.add(key)
            words.append(_case(word, brand_words))
    # TikTok needs 25 characters: a short title gets the product type from the category.
    for extra in (source.subcategory, source.category):
        if len(" ".join(words)) >= minimum:
            break
        for word in _clean(extra).split():
            if word.casefold() not in seen:
                seen.add(word.casefold())
                words.append(_case(word, brand_words))
    title = ""
    for word in words:
        candidate = f"{title} {word}".strip()
        if len(candidate) > limit:
            break
        title = candidate
    return title

"""Marketplace-ready titles (pure, deterministic).

Shopee's recommended form is Brand + Product + Model; TikTok wants brand, product type, key
features and quantity, 25-255 characters. Key terms go first (search results show the start),
the brand leads when there is one, words are not repeated, promo words and symbols are dropped,
units and brand spellings are kept, and the title is cut at a word boundary within the limit,
never ending on a connector or on a number whose noun was cut ("Mudah Dirakit 5").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from seo.lint import _PLATFORM, _PROMO, _is_symbol

UNIT = re.compile(r"^\d+(?:[.,]\d+)?(?:[a-zA-Z]{1,4})?$")  # 250ml, 22.5W, 10000mAh, 5ATM
SMALL_WORDS = {"dan", "untuk", "dengan", "di", "ke", "dari", "isi", "x"}
BARE_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")  # 5, 2.5: a count or size without its unit
_SPACES = re.compile(r"\s+")
CUT_TAIL = re.compile(r"\s*\S*(?:…|\.{3})\s*$")  # "Dira…", "Dira...", " …" at the very end


@dataclass(frozen=True)
class TitleInput:
    name: str
    brand: str = ""
    category: str = ""
    subcategory: str = ""
    attributes: tuple[str, ...] = ()  # extra key facts: material, size, colour, volume


def _clean(text: str) -> str:
    text = _PROMO.sub(" ", text or "")
    # One pass for all names: a removed name leaves a space where a word boundary was, so
    # removing them one after another finds no other match.
    text = _PLATFORM.sub(" ", text)
    symbols = [ch for ch in set(text) if _is_symbol(ch)]
    if symbols:
        text = text.translate(str.maketrans(dict.fromkeys(symbols, " ")))
    return _SPACES.sub(" ", text).strip(" -/,.")


def _case(word: str, brand_words: dict[str, str]) -> str:
    if word.casefold() in brand_words:
        return brand_words[word.casefold()]  # the brand as the brand writes it
    if UNIT.match(word) or any(map(str.isdigit, word)):
        return word  # 22.5W, 10000mAh, X23 stay as written
    if word.isupper() and len(word) <= 4:
        return word  # acronyms: TWS, USB, LED, SD
    if word.casefold() in SMALL_WORDS:
        return word.casefold()
    return word[:1].upper() + word[1:].lower()


def _without_cut_word(text: str) -> str:
    """A title a marketplace or an export cut short ("Rak Mudah Dira…") ends on a fragment:
    the word glued to the ellipsis goes, a lone ellipsis goes too."""
    text = text or ""
    if "…" not in text and "..." not in text:  # the expression tries every position
        return text
    return CUT_TAIL.sub("", text)


def _dangles(word: str, waits_for_next: bool) -> bool:
    """A word that cannot end a title: a connector ("dan", "untuk", "isi"), or a bare number
    whose noun or unit did not make it into the title ("5" of "5 Susun")."""
    return word.casefold() in SMALL_WORDS or waits_for_next


def generate_title(source: TitleInput, *, min_length: int, max_length: int) -> str:
    """A title of at most `max_length` characters, topped up from the category towards
    `min_length` (core.platforms.title_rules gives both)."""
    limit, minimum = max_length, min_length
    brand = _clean(source.brand)
    brand_words = {w.casefold(): w for w in brand.split()}
    name = _clean(_without_cut_word(source.name))
    parts = [brand] if brand else []
    parts.append(name)
    parts += [_clean(a) for a in source.attributes]
    # Each word with whether it is a bare number waiting for the word after it ("5 Susun").
    words: list[tuple[str, bool]] = []
    seen: set[str] = set()
    for part in parts:
        tokens = part.split()
        previous_kept = False
        for index, word in enumerate(tokens):
            key = word.casefold()
            if key in seen:
                # No repeated words (the brand inside the name, for one); a number kept just
                # before a dropped word meant that word ("4 Susun ... 5 Susun"): alone it
                # would dangle, so it goes as well.
                if previous_kept and words[-1][1]:
                    seen.discard(words.pop()[0].casefold())
                previous_kept = False
                continue
            seen.add(key)
            waits = bool(BARE_NUMBER.match(word)) and index + 1 < len(tokens)
            words.append((_case(word, brand_words), waits))
            previous_kept = True
    # TikTok needs 25 characters: a short title gets the product type from the category.
    for extra in (source.subcategory, source.category):
        if len(" ".join(word for word, _waits in words)) >= minimum:
            break
        for word in _clean(extra).split():
            if word.casefold() not in seen:
                seen.add(word.casefold())
                words.append((_case(word, brand_words), False))
    kept: list[tuple[str, bool]] = []
    length = 0
    for word, waits in words:
        added = len(word) + (1 if kept else 0)
        if length + added > limit:
            break  # cut at a word boundary within the limit
        kept.append((word, waits))
        length += added
    # Whatever cut the title (the limit, a dropped repeat), it must not end mid-phrase.
    while len(kept) > 1 and _dangles(*kept[-1]):
        kept.pop()
    return " ".join(word for word, _waits in kept)

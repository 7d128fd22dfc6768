"""Listing titles as matching compares them (pure): normalised, truncation-aware, unit-aware.

Real sellers' titles for one product differ in ways that say nothing about the product
(shared/marketplaces/real-catalogs.md): each platform cuts at its own length, often mid-word;
tools rewrite `+` as `&` and `/` as `Atau`; pack counts move to the front; promo words, shop
names in brackets, emoji and literal byte escapes (`\\xe2\\x9d\\xa4`) come and go; units are
spaced or not, with a decimal comma or point. What does say something are the numbers with
units: two titles that agree on everything but a size or a count are different products.

The stored title is never changed; `title_key` is only what comparison sees.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from sys import intern

# Words that tell nothing about the product: promotion, shop talk, joining words.
PROMO_WORDS = frozenset(
    {
        "cod",
        "murah",
        "termurah",
        "original",
        "ori",
        "asli",
        "ready",
        "readystock",
        "stock",
        "stok",
        "promo",
        "best",
        "seller",
        "bestseller",
        "terlaris",
        "laris",
        "diskon",
        "sale",
        "hot",
        "viral",
        "gratis",
        "ongkir",
        "free",
        "bisa",
        "grosir",
        "flash",
        "limited",
        "import",
    }
)
JOINING_WORDS = frozenset(
    {"dan", "atau", "and", "or", "the", "untuk", "for", "with", "dengan", "di", "ke", "yang", "isi"}
)
NOISE_WORDS = PROMO_WORDS | JOINING_WORDS

_BYTE_ESCAPES = re.compile(r"(?:\\x[0-9a-fA-F]{2})+")
_BRACKETED = re.compile(r"\[[^\]]*\]|【[^】]*】|\{[^}]*\}|「[^」]*」")
_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s*%")
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d.,]*\d)")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")

# unit spelling -> (canonical unit, factor, dimension)
_UNITS: dict[str, tuple[str, int, str]] = {}
for _names, _unit, _factor, _dimension in (
    ("ml", "ml", 1, "volume"),
    ("l liter litre ltr lt", "ml", 1000, "volume"),
    ("oz", "oz", 1, "volume"),
    ("mg", "mg", 1, "mass"),
    ("g gr grm gram", "g", 1, "mass"),
    ("kg kilo kilogram", "g", 1000, "mass"),
    ("mm", "mm", 1, "length"),
    ("cm", "cm", 1, "length"),
    ("m meter mtr", "m", 1, "length"),
    ("inch inci", "inch", 1, "length"),
    ("yard yd", "yard", 1, "length"),
    ("pcs pc lembar lbr sheet biji butir buah bh tablet tab kapsul caps", "pcs", 1, "count"),
    ("pack pak", "pack", 1, "pack"),
    ("box dus", "box", 1, "box"),
    ("set", "set", 1, "set"),
    ("pasang psg", "pasang", 1, "pair"),
    ("lusin", "lusin", 1, "dozen"),
    ("roll", "roll", 1, "roll"),
    ("botol btl", "botol", 1, "bottle"),
    ("sachet saset", "sachet", 1, "sachet"),
    ("rim", "rim", 1, "ream"),
    ("w watt", "w", 1, "power"),
    ("mah", "mah", 1, "charge"),
    ("v volt", "v", 1, "voltage"),
    ("gb", "gb", 1, "storage"),
    ("tb", "gb", 1000, "storage"),
):
    for _name in _names.split():
        _UNITS[_name] = (_unit, _factor, _dimension)

_UNIT_PATTERN = "|".join(sorted(_UNITS, key=len, reverse=True))
# A number with a unit ("7ml", "7 ml", "4.5 m"), not glued to a code before it ("GA4").
_QUANTITY = re.compile(rf"(?<![0-9a-z.\u2063])(\d+(?:\.\d+)?)\s*({_UNIT_PATTERN})(?![0-9a-z])")
# "isi 10", "isi10": a count.
_CONTENT_COUNT = re.compile(rf"(?<![0-9a-z])isi\s*(\d+)(?![0-9.])(?!\s*(?:{_UNIT_PATTERN})\b)")
_TOKEN = re.compile(r"[^\W_]+(?:\.\d+[^\W_]*)?")
QUANTITY_MARK = "\u2063"  # invisible separator: tags a token as a canonical quantity
# Platforms cut titles at 70 (Tokopedia/TikTok) or 100-120 (Shopee) characters: a title this
# long may end in half a word ("Break" for "Breaker", "24 m" for "24 mm x 4.5 m").
CUT_LENGTH = 60
_LEADING_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class TitleKey:
    """What matching compares of a title."""

    tokens: tuple[str, ...]  # in order; noise words dropped; quantities canonical ("1000ml")
    quantities: frozenset[tuple[str, str]]  # (dimension, "1000ml")
    codes: frozenset[str]  # model numbers and bare numbers ("x23", "ga4", "7")
    possibly_cut: bool = False  # long enough that a platform may have cut it mid-word

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def blocking_words(self) -> tuple[str, ...]:
        """Words and model codes to look candidates up by: not quantities (spelled per
        platform: "20ml" is "20 ml" elsewhere), not a last word that may be cut off."""
        quantities = {value for _, value in self.quantities}
        tokens = self.tokens[:-1] if self.possibly_cut and len(self.tokens) > 3 else self.tokens
        return tuple(t for t in tokens if t not in quantities)

    def __bool__(self) -> bool:
        return bool(self.tokens)


def _decode_escapes(text: str) -> str:
    def decoded(match: re.Match[str]) -> str:
        raw = bytes.fromhex(match.group(0).replace("\\x", ""))
        return " " + raw.decode("utf-8", errors="ignore") + " "

    return _BYTE_ESCAPES.sub(decoded, text)


def _number(text: str, factor: int) -> str:
    try:
        value = Decimal(text) * factor
    except InvalidOperation:
        return text
    normal = value.normalize()
    return f"{normal:f}"


# Matching keeps thousands of keys (`title_matching.TitleKeys`, which says what one costs):
# their words are interned, as a catalog repeats its words, and a title without quantities or
# codes gets this one empty set rather than its own.
_NOTHING: frozenset = frozenset()

# A batch asks for the same titles' keys again and again (matching, conflicts, new products);
# keys are immutable, so the latest ones are kept.
TITLES_REMEMBERED = 2048


@lru_cache(maxsize=TITLES_REMEMBERED)
def title_key(title: str) -> TitleKey:
    """Normalise a title for comparison: the same product's titles end up alike."""
    text = unicodedata.normalize("NFKC", _decode_escapes(title or "")).casefold()
    text = _BRACKETED.sub(" ", text)
    text = _PERCENT.sub(" ", text)
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _DECIMAL_COMMA.sub(".", text)
    quantities: set[tuple[str, str]] = set()

    def quantity(match: re.Match[str]) -> str:
        unit, factor, dimension = _UNITS[match.group(2)]
        canonical = f"{_number(match.group(1), factor)}{unit}"
        quantities.add((dimension, canonical))
        return f" {QUANTITY_MARK}{canonical} "

    def content_count(match: re.Match[str]) -> str:
        canonical = f"{_number(match.group(1), 1)}pcs"
        quantities.add(("count", canonical))
        return f" {QUANTITY_MARK}{canonical} "

    text = _CONTENT_COUNT.sub(content_count, text)
    text = _QUANTITY.sub(quantity, text)
    tokens: list[str] = []
    codes: set[str] = set()
    for part in text.split():
        if part.startswith(QUANTITY_MARK):
            if part[1:]:
                tokens.append(part[1:])
            continue
        for token in _TOKEN.findall(part):
            if token in NOISE_WORDS:
                continue
            tokens.append(token)
            if any(map(str.isdigit, token)):
                codes.add(token)
    cut = len((title or "").strip()) >= CUT_LENGTH
    return TitleKey(
        tuple(map(intern, tokens)),
        frozenset(quantities) if quantities else _NOTHING,
        frozenset(codes) if codes else _NOTHING,
        cut,
    )


@dataclass(frozen=True)
class TitleComparison:
    similarity: float  # 0..1, truncation-aware, weighted by how telling each word is
    prefix: bool  # the shorter title is the start of the longer one (a cut title)
    conflict: str  # "" or why these are different products ("size 1000ml / 2000ml")


def _weigher(frequency: Callable[[str], int] | None, documents: int) -> Callable[[str], float]:
    if frequency is None or documents <= 0:
        return lambda token: 1.0
    return lambda token: math.log((documents + 1) / (frequency(token) + 1)) + 1.0


def _cut_tail(key: TitleKey, other: TitleKey) -> str:
    """The last token of a possibly cut title, when it may be the start of one of `other`'s
    ("24m" of "24mm", "1" of "10x15", "garans" of "garansi"): no evidence either way."""
    if not key.possibly_cut or not key.tokens:
        return ""
    tail = key.tokens[-1]
    number = _LEADING_NUMBER.match(tail)
    stem = number.group(0) if number else tail
    if any(token != tail and token.startswith(stem) for token in other.tokens):
        return tail
    return ""


def _conflict(a: TitleKey, b: TitleKey) -> str:
    """Sizes, counts or model numbers that both titles name and that differ."""
    cut = {_cut_tail(a, b), _cut_tail(b, a)} - {""}
    by_dimension: dict[str, tuple[set[str], set[str]]] = {}
    for dimension, value in a.quantities:
        if value not in cut:
            by_dimension.setdefault(dimension, (set(), set()))[0].add(value)
    for dimension, value in b.quantities:
        if value not in cut:
            by_dimension.setdefault(dimension, (set(), set()))[1].add(value)
    for left, right in by_dimension.values():
        if left - right and right - left:  # one naming less (cut, dropped) is no conflict
            return f"{'/'.join(sorted(left))} ≠ {'/'.join(sorted(right))}"
    quantity_values = {value for _, value in a.quantities | b.quantities}
    only_a = {c for c in a.codes - b.codes if c not in quantity_values and c not in cut}
    only_b = {c for c in b.codes - a.codes if c not in quantity_values and c not in cut}
    if only_a and only_b:
        return f"{'/'.join(sorted(only_a))} ≠ {'/'.join(sorted(only_b))}"
    return ""


def compare_titles(
    a: TitleKey,
    b: TitleKey,
    *,
    frequency: Callable[[str], int] | None = None,
    documents: int = 0,
) -> TitleComparison:
    """How alike two normalised titles are, reading the shorter one as possibly cut.

    Similarity is the weighted share of the shorter title's words found in the longer one
    (its last word may be a cut-off start of one), blended with the share of the longer
    title covered; `frequency`/`documents` weight rare words above common ones.
    """
    if not a or not b:
        return TitleComparison(0.0, False, "")
    shorter, longer = (a, b) if len(a.text) <= len(b.text) else (b, a)
    weight = _weigher(frequency, documents)
    longer_set = set(longer.tokens)
    shorter_set = set(shorter.tokens)
    shared = shorter_set & longer_set
    tail = shorter.tokens[-1]
    cut_tail = ""
    if tail not in longer_set and len(tail) >= 2 and any(t.startswith(tail) for t in longer_set):
        cut_tail = tail
        shared = shared | {tail}
    conflict = _conflict(a, b)
    shorter_weight = sum(weight(t) for t in shorter_set)
    shared_weight = sum(weight(t) for t in shared)
    longer_weight = sum(weight(t) for t in longer_set) + (weight(cut_tail) if cut_tail else 0.0)
    containment = shared_weight / shorter_weight
    coverage = shared_weight / longer_weight
    prefix = longer.text.startswith(shorter.text) and len(shorter.tokens) >= 3
    similarity = 0.7 * containment + 0.3 * coverage
    if prefix:
        similarity = max(similarity, 0.97)
    return TitleComparison(round(similarity, 3), prefix, conflict)

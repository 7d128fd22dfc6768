"""The "dirty-seller" profile: one seller's Shopee and TikTok Shop (Tokopedia-merged) shops the way
real Indonesian catalogs look (shared/marketplaces/real-catalogs.md), with the ground truth.

Like the default profile, everything comes per index from seeded hashes and per-product random
streams, so a listing of a million-listing shop costs what one of a hundred costs.

Identity: Shopee listing i is product ("shared", i). TikTok listing i is that same product when
`paired(i)` (a share `overlap` of indices), otherwise product ("tiktok", i), which no Shopee
listing carries. Sibling families: indices come in blocks of three; a few blocks are families
whose first two or three members share everything but their size (volume, weight, length, pack
count or colour). A family's members are paired or not together, so when they are, every sibling
is on both platforms and Shopee sibling a with TikTok sibling b (a != b) is a distinct pair.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from imports.sandbox.dirty_vocabulary import (
    BYTE_ESCAPES,
    COLOUR_TRANSLATIONS,
    DIRTY_TYPES,
    EMOJI,
    FILLER_WORDS,
    LONG_UNITS,
    MODEL_LETTERS,
    PACK_UNITS,
    PLACEHOLDER_SKUS,
    PROMO_PREFIXES,
    PROMO_SUFFIXES,
    SHOP_NAMES,
    DirtyType,
    Size,
)
from imports.sandbox.products import ProductSpec, VariantSpec, variant_specs
from imports.sandbox.vocabulary import DESCRIPTION_CLOSERS, DESCRIPTION_OPENERS

PROFILE = "dirty-seller"
DEFAULT_OVERLAP = 0.65
TITLE_LIMITS = {"shopee": 100, "tiktokshop": 70}
TIKTOK_SKU = "1"  # the Tokopedia-merged shop's placeholder, on every SKU of every listing
PLATFORMS = ("shopee", "tiktokshop")

FAMILY_BLOCK = 3
FAMILY_RATE = 0.05  # blocks that are sibling families: about 4% of products are siblings
FAMILY_OF_TWO = 0.6
FAMILY_SIZE_EARLY = 0.85  # siblings whose size comes right after the name (survives the cut)
SIZE_EARLY = 0.5
DUPLICATE_BLOCK = 200  # each block of Shopee listings has one group of 2-3 sharing a code: ~1%
SHOPEE_EMPTY_SKU = 0.70
SHOPEE_OWN_SKU = 0.20  # the remaining 10% carry a placeholder
PROMO_RATE = 0.17  # plus "Best Seller " on one side: about 15% of titles in all
PROMO_PREFIX_SHARE = 0.7
EMOJI_RATE = 0.045
ESCAPE_SHARE = 0.6  # of those: literal byte escapes (about 2% of titles), the rest emoji
PRICE_DIFF_MAX = 0.2
WEIGHT_MISSING = 0.04
WEIGHT_ZERO = 0.02
EXTENDED_DESCRIPTION = 0.02
LONG_DESCRIPTION = 0.02
# Per product: the chance of each one-sided difference (the side is drawn with it).
SIDED_RATES = {
    "symbols": 0.7,  # + -> &, / -> Atau, ( ) -> - - (when the title has them)
    "pack_front": 0.5,  # "(20 lembar) Plastik ..." (when the size is a pack count)
    "drop": 0.25,  # one descriptive word left out, sometimes leaving a double space
    "swap": 0.25,  # two neighbouring descriptive words swapped
    "alias": 0.15,  # the noun in other words ("Eye Drops" / "Obat Tetes Mata")
    "best_seller": 0.04,  # "Best Seller " prefixed
    "price": 0.2,  # a price up to 20% off the other platform's
}
COLOUR_TRANSLATION_RATE = 0.5  # variant colours renamed on TikTok
FAMILY_TYPES = tuple(t for t in DIRTY_TYPES if len(t.sizes) >= 3)


def _unit(seed: int, index: int, salt: str) -> float:
    digest = hashlib.blake2b(f"dirty:{seed}:{index}:{salt}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _rng(seed: int, *key: object) -> random.Random:
    return random.Random(f"syncstore-dirty:{seed}:{key}")  # noqa: S311 - simulation only


def _shelf_price(value: float) -> int:
    step = 1000 if value >= 20_000 else 500
    return max(step, round(value / step) * step - (100 if value >= 50_000 else 0))


@dataclass(frozen=True)
class DirtySpec(ProductSpec):
    size: str = ""  # canonical size label ("1L", "20 lembar", "Hitam"): what sets siblings apart
    family: str = ""  # "shared:<block>" for siblings, "" otherwise


@dataclass(frozen=True)
class DirtyProduct:
    spec: DirtySpec
    kind: DirtyType
    size: Size
    tokens: tuple[tuple[str, str], ...]  # (role, text): brand, noun, model, size, word
    sides: dict[str, str]  # one-sided difference -> the platform it happens on ("" = none)
    drop_at: int
    drop_gap: bool
    translate_colours: bool


@dataclass(frozen=True)
class DirtyListing:
    spec: ProductSpec
    title: str
    full_title: str  # before the platform's length cut
    sku: str
    variant_skus: bool  # models carry their own codes (else the listing's SKU)
    price: int
    weight_missing: bool
    extended_description: bool
    long_description: bool


def family_of(seed: int, namespace: str, index: int) -> tuple[int, int, int] | None:
    """(block, position, members) when product (namespace, index) is a sibling."""
    if namespace not in ("shared", "tiktok"):
        return None
    block, position = divmod(index, FAMILY_BLOCK)
    if _unit(seed, block, f"{namespace}:family") >= FAMILY_RATE:
        return None
    members = 2 if _unit(seed, block, f"{namespace}:family-size") < FAMILY_OF_TWO else 3
    return (block, position, members) if position < members else None


@lru_cache(maxsize=8192)
def dirty_product(seed: int, namespace: str, index: int) -> DirtyProduct:
    family = family_of(seed, namespace, index)
    if family:
        block, position, members = family
        base = _rng(seed, namespace, "family", block)
        kind = base.choice(FAMILY_TYPES)
        size_numbers = sorted(base.sample(range(len(kind.sizes)), members))
        size = kind.sizes[size_numbers[position]]
        early = base.random() < FAMILY_SIZE_EARLY
    else:
        base = _rng(seed, namespace, index)
        kind = base.choice(DIRTY_TYPES)
        size = base.choice(kind.sizes)
        early = base.random() < SIZE_EARLY
    own = _rng(seed, namespace, index, "own")
    brand = base.choice(kind.brands)
    model = f"{base.choice(MODEL_LETTERS)}{base.randint(100, 9999)}"
    head = [("noun", kind.noun), ("brand", brand)]
    if base.random() < 0.5:
        head.reverse()
    tokens = [t for t in head if t[1] != "NoBrand"] + [("model", model)]
    if early:
        tokens.append(("size", size.label))
    band = base.random()
    target = base.randint(*((40, 65) if band < 0.3 else (66, 90) if band < 0.7 else (91, 140)))
    pool = base.sample(kind.words, len(kind.words)) + base.sample(FILLER_WORDS, len(FILLER_WORDS))
    words: list[str] = []
    length = len(" ".join(text for _role, text in tokens)) + (0 if early else len(size.label) + 1)
    while pool and length < target:
        words.append(pool.pop(0))
        length += len(words[-1]) + 1
    if kind.symbols and base.random() < 0.4:
        words.insert(base.randint(0, len(words)), base.choice(kind.symbols))
    tokens += [("word", word) for word in words]
    if not early:
        tokens.append(("size", size.label))

    low, high = kind.price_range
    price = _shelf_price(base.uniform(low, high) * size.factor)
    weight_g = int(base.randint(*kind.weight_range_g) * size.factor)
    letters = "".join(word[0] for word in kind.noun.split()[:3]) + brand[0]
    code = f"{letters.upper()}{'-' if own.random() < 0.5 else ''}{index:05d}"
    tiers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    variants: tuple[VariantSpec, ...] = ()
    if kind.tiers and own.random() < 0.6:
        tiers, variants = variant_specs(own, kind.tiers, code, price, _shelf_price)
    sides = {
        name: own.choice(PLATFORMS) if own.random() < rate else ""
        for name, rate in SIDED_RATES.items()
    }
    spec = DirtySpec(
        index=index,
        sku=code,
        brand=brand,
        noun=kind.noun,
        model=model,
        features=tuple(words),
        category=kind.category,
        subcategory=kind.subcategory,
        price=price,
        stock=sum(v.stock for v in variants) if variants else own.randint(0, 500),
        weight_g=weight_g,
        dimensions_cm=kind.dimensions_cm,
        description=(
            own.choice(DESCRIPTION_OPENERS),
            f"{brand} {kind.noun} {size.label} dengan keunggulan: {', '.join(kind.words)}.",
            f"Berat kemasan sekitar {weight_g} gram. Kategori {kind.subcategory}.",
            own.choice(DESCRIPTION_CLOSERS),
        ),
        image_count=own.randint(1, 9),
        tiers=tiers,
        variants=variants,
        size=size.label,
        family=f"{namespace}:{family[0]}" if family else "",
    )
    return DirtyProduct(
        spec=spec,
        kind=kind,
        size=size,
        tokens=tuple(tokens),
        sides=sides,
        drop_at=own.randrange(1000),
        drop_gap=own.random() < 0.5,
        translate_colours=own.random() < COLOUR_TRANSLATION_RATE,
    )


def render_size(size: Size, *, spaced: bool, comma: bool, long: bool) -> str:
    """One seller's way of writing a size: `7ml`/`7 ml`, `4,5 m`/`4.5m`, `1L`/`1 Liter`."""
    out = []
    for amount, unit in size.parts:
        if comma:
            amount = amount.replace(".", ",")
        if unit == "warna":
            out.append(amount)
        elif unit == "size":
            out.append(f"{'Uk' if long else 'Size'} {amount}")
        elif unit in PACK_UNITS:
            out.append(f"isi {amount}" if long else f"{amount} {unit.capitalize()}")
        else:
            written = LONG_UNITS.get(unit, unit) if long else unit
            gap = " " if spaced or len(written) > 3 else ""
            out.append(f"{amount}{gap}{written}")
    return " x ".join(out)


def rewrite_symbols(title: str) -> str:
    """What a platform's tool does to symbols: `+` -> `&`, `/` -> `Atau`, `( )` -> `- -`."""
    return title.replace("+", "&").replace("/", "Atau").replace("(", "- ").replace(")", " -")


class DirtySeller:
    """Both shops' listings under the dirty-seller profile (the catalog adds status and times)."""

    def __init__(self, seed: int, base_size: int, overlap: float) -> None:
        self.seed, self.base_size, self.overlap = seed, base_size, overlap

    # --- identity ----------------------------------------------------------------------------
    def paired(self, index: int) -> bool:
        """Whether TikTok listing `index` is the same product as Shopee listing `index`."""
        if not 0 <= index < self.base_size:
            return False
        family = family_of(self.seed, "shared", index)
        if family:
            return _unit(self.seed, family[0], "family-overlap") < self.overlap
        return _unit(self.seed, index, "overlap") < self.overlap

    def product(self, platform: str, index: int) -> DirtyProduct:
        if index >= self.base_size:
            return dirty_product(self.seed, f"created:{platform}", index)
        if platform == "shopee" or self.paired(index):
            return dirty_product(self.seed, "shared", index)
        return dirty_product(self.seed, "tiktok", index)

    # --- one listing -------------------------------------------------------------------------
    def listing(self, platform: str, index: int, version: int = 0) -> DirtyListing:
        product = self.product(platform, index)
        spec: ProductSpec = product.spec
        full = self.title(product, platform, index)
        if version % 2:
            full = f"{full} New Edition"
        title = full[: TITLE_LIMITS[platform]].rstrip()
        if platform == "tiktokshop":
            sku, variant_skus = TIKTOK_SKU, False
            if product.translate_colours and spec.tiers:
                spec = _translated(spec)
        else:
            sku, variant_skus = self.shopee_sku(index)
        price = spec.price
        if product.sides["price"] == platform:
            delta = PRICE_DIFF_MAX * (0.2 + 0.8 * self._roll(platform, index, "price"))
            sign = 1 if self._roll(platform, index, "price-sign") < 0.5 else -1
            price += sign * int(price * delta / 100) * 100
        weight_roll = self._roll(platform, index, "weight")
        if WEIGHT_MISSING <= weight_roll < WEIGHT_MISSING + WEIGHT_ZERO:
            spec = replace(spec, weight_g=0)
        return DirtyListing(
            spec=spec,
            title=title,
            full_title=full,
            sku=sku,
            variant_skus=variant_skus,
            price=price,
            weight_missing=weight_roll < WEIGHT_MISSING,
            extended_description=(
                platform == "shopee"
                and self._roll(platform, index, "extended") < EXTENDED_DESCRIPTION
            ),
            long_description=self._roll(platform, index, "long") < LONG_DESCRIPTION,
        )

    def _roll(self, platform: str, index: int, salt: str) -> float:
        return _unit(self.seed, index, f"{platform}:{salt}")

    def title(self, product: DirtyProduct, platform: str, index: int) -> str:
        """The listing's whole title on `platform`, before the platform's length cut."""
        sides = product.sides
        tokens = list(product.tokens)
        words = [number for number, (role, _text) in enumerate(tokens) if role == "word"]
        if sides["swap"] == platform and len(words) >= 2:
            first = words[product.drop_at % (len(words) - 1)]
            tokens[first], tokens[first + 1] = tokens[first + 1], tokens[first]
        if sides["drop"] == platform and len(words) >= 2:
            tokens[words[product.drop_at % len(words)]] = ("gap" if product.drop_gap else "", "")
        pack_front = sides["pack_front"] == platform and product.size.is_pack
        spaced, comma, long = (self._roll(platform, index, f"units-{n}") for n in range(3))
        parts = []
        for role, text in tokens:
            if role == "noun" and sides["alias"] == platform and product.kind.aliases:
                text = product.kind.aliases[product.drop_at % len(product.kind.aliases)]
            elif role == "size":
                if pack_front:
                    continue
                text = render_size(
                    product.size, spaced=spaced < 0.45, comma=comma < 0.5, long=long < 0.25
                )
            elif not role:
                continue
            parts.append(text)
        title = " ".join(parts)
        if pack_front:
            amount, unit = product.size.parts[0]
            title = f"({amount} {unit}) {title}"
        if sides["symbols"] == platform:
            title = rewrite_symbols(title)
        if sides["best_seller"] == platform:
            title = f"Best Seller {title}"
        if self._roll(platform, index, "promo") < PROMO_RATE:
            pick = self._roll(platform, index, "promo-word")
            shop = SHOP_NAMES[int(self._roll(platform, index, "shop") * len(SHOP_NAMES))]
            if pick < PROMO_PREFIX_SHARE:
                prefix = PROMO_PREFIXES[int(pick / PROMO_PREFIX_SHARE * len(PROMO_PREFIXES))]
                title = prefix.format(shop=shop) + title
            else:
                share = (pick - PROMO_PREFIX_SHARE) / (1 - PROMO_PREFIX_SHARE)
                title += PROMO_SUFFIXES[int(share * len(PROMO_SUFFIXES))].format(shop=shop)
        if self._roll(platform, index, "emoji") < EMOJI_RATE:
            pick = self._roll(platform, index, "emoji-kind")
            mark = (
                BYTE_ESCAPES[int(pick / ESCAPE_SHARE * len(BYTE_ESCAPES))]
                if pick < ESCAPE_SHARE
                else EMOJI[int((pick - ESCAPE_SHARE) / (1 - ESCAPE_SHARE) * len(EMOJI))]
            )
            before = self._roll(platform, index, "emoji-place") < 0.8
            title = f"{mark}{title}" if before else f"{title} {mark}"
        return title

    # --- SKUs --------------------------------------------------------------------------------
    def shopee_sku(self, index: int) -> tuple[str, bool]:
        """(item SKU, whether models carry their own codes) of Shopee listing `index`."""
        shared = self.duplicate_code(index)
        if shared:
            return shared, False
        roll = self._roll("shopee", index, "sku")
        if roll < SHOPEE_EMPTY_SKU:
            return "", False
        if roll < SHOPEE_EMPTY_SKU + SHOPEE_OWN_SKU:
            return self.product("shopee", index).spec.sku, True
        pick = self._roll("shopee", index, "placeholder")
        return PLACEHOLDER_SKUS[int(pick * len(PLACEHOLDER_SKUS))], False

    def duplicate_members(self, block: int) -> tuple[int, ...]:
        """The Shopee listings of index block `block` that share one real-looking code."""
        count = 2 if _unit(self.seed, block, "duplicate-size") < 0.7 else 3
        low = block * DUPLICATE_BLOCK
        high = min(low + DUPLICATE_BLOCK, self.base_size)
        if high - low < count:
            return ()
        return tuple(sorted(_rng(self.seed, "duplicate", block).sample(range(low, high), count)))

    def duplicate_code(self, index: int) -> str:
        if not 0 <= index < self.base_size:
            return ""
        block = index // DUPLICATE_BLOCK
        if index not in self.duplicate_members(block):
            return ""
        rng = _rng(self.seed, "duplicate-code", block)
        return f"SKU{rng.choice(MODEL_LETTERS)}{rng.choice(MODEL_LETTERS)}{block:04d}"

    # --- truth -------------------------------------------------------------------------------
    def duplicate_groups(self) -> Iterator[tuple[str, tuple[int, ...]]]:
        for block in range(-(-self.base_size // DUPLICATE_BLOCK)):
            members = self.duplicate_members(block)
            if members:
                yield self.duplicate_code(members[0]), members

    def distinct_pairs(self) -> Iterator[tuple[int, int]]:
        """(Shopee index, TikTok index) of siblings listed on both platforms: never one product."""
        for block in range(-(-self.base_size // FAMILY_BLOCK)):
            first = block * FAMILY_BLOCK
            family = family_of(self.seed, "shared", first)
            if not family or not self.paired(first):
                continue
            members = [first + n for n in range(family[2]) if first + n < self.base_size]
            yield from itertools.permutations(members, 2)


def _translated(spec: ProductSpec) -> ProductSpec:
    def name(option: str) -> str:
        return COLOUR_TRANSLATIONS.get(option, option)

    tiers = tuple((tier, tuple(map(name, options))) for tier, options in spec.tiers)
    variants = tuple(
        replace(variant, options=tuple(map(name, variant.options))) for variant in spec.variants
    )
    return replace(spec, tiers=tiers, variants=variants)

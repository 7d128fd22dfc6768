"""Deterministic, lazily generated seller catalog: the products behind both sandbox shops.

`product_spec(seed, index)` builds one product from its own random stream, so any product of a
million-product catalog can be produced on demand without generating the others.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from imports.sandbox.vocabulary import (
    DESCRIPTION_CLOSERS,
    DESCRIPTION_OPENERS,
    NOVEL_TITLES,
    PRODUCT_TYPES,
    ProductType,
)


@dataclass(frozen=True)
class VariantSpec:
    options: tuple[str, ...]  # one option per tier, e.g. ("Hitam", "L")
    sku: str
    price: int  # IDR
    stock: int


@dataclass(frozen=True)
class ProductSpec:
    index: int
    sku: str
    brand: str
    noun: str
    model: str  # the maker's model or series code, as sellers put it in titles
    features: tuple[str, ...]
    category: str
    subcategory: str
    price: int  # IDR, whole rupiah
    stock: int
    weight_g: int
    dimensions_cm: tuple[int, int, int]
    description: tuple[str, ...]  # paragraphs
    image_count: int
    tiers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    variants: tuple[VariantSpec, ...] = field(default=())

    @property
    def title(self) -> str:
        brand = "" if self.brand == "NoBrand" else f"{self.brand} "
        model = f" {self.model}" if self.model else ""
        return f"{brand}{self.noun}{model} {' '.join(self.features)}".strip()

    @property
    def weight_kg(self) -> str:
        return f"{self.weight_g / 1000:.3f}".rstrip("0").rstrip(".") or "0"

    def image_urls(self, host: str) -> list[str]:
        return [f"{host}/file/id-11134207-{self.index:07d}{n:02d}" for n in range(self.image_count)]


MODEL_LETTERS = "ABCDEGHKMNPRSTVXZ"


def _rng(seed: int, index: int, salt: str = "") -> random.Random:
    return random.Random(f"syncstore-sandbox:{seed}:{index}:{salt}")  # noqa: S311


def _round_price(value: float) -> int:
    # Indonesian shelf prices end in 000 or 900/500 steps.
    step = 1000 if value >= 20_000 else 500
    return max(step, round(value / step) * step - (100 if value >= 50_000 else 0))


def _sku(product_type: ProductType, index: int) -> str:
    prefix = "".join(word[0] for word in product_type.noun.split()[:3]).upper()
    return f"{prefix}-{index:06d}"


Tiers = tuple[tuple[str, tuple[str, ...]], ...]


def variant_specs(
    rng: random.Random,
    tier_options: Tiers,
    sku: str,
    price: int,
    round_price: Callable[[float], int],
) -> tuple[Tiers, tuple[VariantSpec, ...]]:
    """Some of each tier's options, and a variant (SKU, price, stock) per combination."""
    tiers = tuple(
        (name, tuple(rng.sample(options, rng.randint(min(2, len(options)), len(options)))))
        for name, options in tier_options
    )
    combos = list(itertools.product(*(options for _name, options in tiers)))[:50]
    variants = tuple(
        VariantSpec(
            options=combo,
            sku=f"{sku}-{'-'.join(option.upper().replace(' ', '') for option in combo)}",
            # Variant prices stay within the platforms' 7x spread rule.
            price=round_price(price * (1 + 0.1 * position / max(1, len(combos)))),
            stock=rng.randint(0, 200),
        )
        for position, combo in enumerate(combos)
    )
    return tiers, variants


def product_spec(seed: int, index: int) -> ProductSpec:
    rng = _rng(seed, index)
    product_type = PRODUCT_TYPES[rng.randrange(len(PRODUCT_TYPES))]
    brand = rng.choice(product_type.brands)
    feature_count = rng.randint(1, min(3, len(product_type.features)))
    features = tuple(rng.sample(product_type.features, feature_count))
    noun = product_type.noun
    model = f"{rng.choice(MODEL_LETTERS)}{rng.randint(10, 999)}"
    if product_type.subcategory == "Novel":
        noun = f"{noun} {rng.choice(NOVEL_TITLES)}"
        model = ""  # a novel's title is its identity
    low, high = product_type.price_range
    price = _round_price(rng.uniform(low, high))
    weight_g = rng.randint(*product_type.weight_range_g)
    sku = _sku(product_type, index)

    tiers: Tiers = ()
    variants: tuple[VariantSpec, ...] = ()
    if product_type.tiers and rng.random() < 0.7:
        tiers, variants = variant_specs(rng, product_type.tiers, sku, price, _round_price)

    paragraphs = (
        rng.choice(DESCRIPTION_OPENERS),
        f"{brand} {noun} dengan keunggulan: {', '.join(product_type.features)}.",
        f"Berat kemasan sekitar {weight_g} gram. Kategori {product_type.subcategory}.",
        rng.choice(DESCRIPTION_CLOSERS),
    )
    return ProductSpec(
        index=index,
        sku=sku,
        brand=brand,
        noun=noun,
        model=model,
        features=features,
        category=product_type.category,
        subcategory=product_type.subcategory,
        price=price,
        stock=sum(v.stock for v in variants) if variants else rng.randint(0, 500),
        weight_g=weight_g,
        dimensions_cm=product_type.dimensions_cm,
        description=paragraphs,
        image_count=rng.randint(1, 9),
        tiers=tiers,
        variants=variants,
    )

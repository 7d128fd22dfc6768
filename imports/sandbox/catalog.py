"""The two sandbox shops of one seller: which product each listing is, with its dirt.

Shopee listing i and TikTok listing j are generated on demand. A configurable share of TikTok
listings are the same products as Shopee listings (same seller SKU, or only a similar title with
the same price and weight); `ground_truth()` tells tests which.

Profiles: "default" (above, with `DirtRates`) and "dirty-seller" (imports.sandbox.dirty: SKUs
useless for matching, titles cut and rewritten per platform, sibling products that differ only
by size; `distinct_pairs()` lists the sibling pairs that must never be linked).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

from imports.sandbox import dirty as dirty_profile
from imports.sandbox.listings import Change, ListingSet, class_pattern
from imports.sandbox.products import ProductSpec, VariantSpec, product_spec
from imports.sandbox.vocabulary import EMOJI, PROMO_WORDS

SHOPEE_ITEM_ID_BASE = 800_000_000
TIKTOK_PRODUCT_ID_BASE = 1_729_500_000_000_000_000
TIKTOK_SPEC_OFFSET = 10_000_000  # TikTok-only products come from another part of the universe
CREATED_SPEC_OFFSET = {"shopee": 20_000_000, "tiktokshop": 30_000_000}
PROFILES = ("default", dirty_profile.PROFILE)
DEFAULT_OVERLAP = {"default": 0.3, dirty_profile.PROFILE: dirty_profile.DEFAULT_OVERLAP}

SHOPEE_STATUS_MIX = {
    "NORMAL": 0.86,
    "UNLIST": 0.06,
    "BANNED": 0.02,
    "REVIEWING": 0.01,
    "SELLER_DELETE": 0.04,
    "SHOPEE_DELETE": 0.01,
}
# TikTok classes: "<status>|<platforms>"; Tokopedia-only listings have no TikTok status.
TIKTOK_CLASS_MIX = {
    "ACTIVATE|T": 0.55,
    "ACTIVATE|TK": 0.22,
    "-|K": 0.06,
    "SELLER_DEACTIVATED|T": 0.06,
    "PLATFORM_DEACTIVATED|T": 0.02,
    "FREEZE|T": 0.01,
    "DRAFT|T": 0.02,
    "DELETED|T": 0.04,
    "DELETED|TK": 0.02,
}


@dataclass(frozen=True)
class DirtRates:
    empty_sku: float = 0.02
    dash_sku: float = 0.02
    duplicate_sku: float = 0.01
    missing_weight: float = 0.03
    promo_title: float = 0.05
    extended_description: float = 0.02
    long_description: float = 0.02

    @classmethod
    def clean(cls) -> DirtRates:
        return cls(0, 0, 0, 0, 0, 0, 0)


@dataclass(frozen=True)
class Listing:
    """One platform listing, platform-neutral; the platform modules render it."""

    platform: str
    index: int
    product_id: int
    spec: ProductSpec
    title: str
    sku: str
    status: str  # platform status, "-" for Tokopedia-only TikTok listings
    on_tokopedia: bool
    update_time: int
    create_time: int
    price: int
    weight_missing: bool
    extended_description: bool
    long_description: bool
    variant_skus: bool = True  # models/SKUs carry their own codes under a real parent SKU
    # Prices written since generation, by variant number (0: a listing without variants);
    # the payload builders show these instead of the generated ones.
    price_overrides: dict[int, int] = field(default_factory=dict)

    def variant_sku(self, variant: VariantSpec | None) -> str:
        """The seller SKU of one model (Shopee) or SKU (TikTok) of this listing."""
        if variant is None or not self.variant_skus or self.sku in ("", "-"):
            return self.sku
        return variant.sku


@dataclass(frozen=True)
class MatchTruth:
    shopee_item_id: int
    tiktok_product_id: int
    kind: str  # "sku" or "title" (dirty-seller: always "title", its SKUs are placeholders)


@dataclass(frozen=True)
class DistinctPair:
    """Near-identical siblings (differing only by size, volume, pack count or colour)."""

    shopee_item_id: int
    tiktok_product_id: int
    kind: str = "sibling"


def _unit(seed: int, index: int, salt: str) -> float:
    """A deterministic number in [0, 1) for (seed, index, salt): cheap, no Random object."""
    digest = hashlib.blake2b(f"{seed}:{index}:{salt}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass
class ShopCatalog:
    platform: str
    seed: int
    listings: ListingSet
    dirt: DirtRates
    overlap: float
    base_size: int
    created: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    dirty: dirty_profile.DirtySeller | None = None  # the dirty-seller profile; None: default

    # --- identity ----------------------------------------------------------------------------
    def product_id(self, index: int) -> int:
        if self.platform == "shopee":
            return SHOPEE_ITEM_ID_BASE + index
        return TIKTOK_PRODUCT_ID_BASE + index * 7 + 3

    def index_of(self, product_id: int | str) -> int | None:
        try:
            number = int(product_id)
        except (TypeError, ValueError):
            return None
        if self.platform == "shopee":
            index = number - SHOPEE_ITEM_ID_BASE
        else:
            index, rest = divmod(number - TIKTOK_PRODUCT_ID_BASE - 3, 7)
            if rest:
                return None
        return index if self.listings.exists(index) else None

    # --- overlap -----------------------------------------------------------------------------
    def overlap_kind(self, index: int) -> str | None:
        """ "sku"/"title" when Shopee listing `index` and TikTok listing `index` are one product."""
        if index >= self.base_size:
            return None
        if self.dirty:
            return "title" if self.dirty.paired(index) else None
        if _unit(self.seed, index, "overlap") >= self.overlap:
            return None
        return "sku" if _unit(self.seed, index, "overlap-kind") < 0.5 else "title"

    def spec_index(self, index: int) -> int:
        if index >= self.base_size:
            return CREATED_SPEC_OFFSET[self.platform] + index
        if self.platform == "shopee" or self.overlap_kind(index):
            return index
        return TIKTOK_SPEC_OFFSET + index

    # --- one listing -------------------------------------------------------------------------
    def listing(self, index: int) -> Listing:
        change = self.listings.changes.get(index)
        if self.dirty:
            return _build_dirty_listing(self, index, change.version if change else 0)
        return _build_listing(self, index, change.version if change else 0)

    def status_and_platforms(self, index: int) -> tuple[str, bool]:
        listing_class = self.listings.listing_class(index)
        if self.platform == "shopee":
            return listing_class, False
        status, platforms = listing_class.split("|")
        return status, "K" in platforms

    # --- changes between imports (the sandbox control endpoint) --------------------------
    def mutate(self, action: str, count: int, percent: int = 10) -> list[int]:
        """Update, create, delete or reprice `count` listings; returns their product ids."""
        with self.lock:
            now = int(time.time())
            if action == "create":
                first = self.listings.size + self.created
                indices = list(range(first, first + count))
                self.created += count
                default_class = "NORMAL" if self.platform == "shopee" else "ACTIVATE|T"
                for index in indices:
                    self.listings.changes[index] = Change(now, default_class)
                return [self.product_id(i) for i in indices]
            candidates = self._pick(count, action)
            for index in candidates:
                change = self.listings.changes.get(index) or Change(
                    now, self.listings.listing_class(index), version=0
                )
                change.update_time = now
                change.version += 1
                if action == "delete":
                    change.deleted = True
                    change.listing_class = (
                        "SELLER_DELETE" if self.platform == "shopee" else "DELETED|T"
                    )
                elif action == "price":
                    change.price_percent += percent
                elif action != "update":
                    raise ValueError(f"unknown action {action!r}")
                self.listings.changes[index] = change
            return [self.product_id(i) for i in candidates]

    def edit(
        self, index: int, *, title: str | None = None, prices: dict[int, int] | None = None
    ) -> None:
        """Change a listing's title or prices (a write endpoint, or the seller in Seller
        Center): reads show the new values from now on, with a new update time."""
        with self.lock:
            change = self.listings.changes.get(index) or Change(
                int(time.time()), self.listings.listing_class(index), version=0
            )
            change.update_time = max(int(time.time()), change.update_time + 1)
            if title is not None:
                change.title = title
            if prices:
                change.prices.update(prices)
            self.listings.changes[index] = change

    def _pick(self, count: int, salt: str) -> list[int]:
        live = {"NORMAL", "ACTIVATE|T", "ACTIVATE|TK", "UNLIST", "SELLER_DEACTIVATED|T"}
        picked: list[int] = []
        attempt = 0
        upper = self.listings.size
        while len(picked) < min(count, upper) and attempt < count * 50 + 100:
            index = int(
                _unit(self.seed, attempt, f"pick:{salt}:{len(self.listings.changes)}") * upper
            )
            attempt += 1
            if index in picked or self.listings.listing_class(index) not in live:
                continue
            change = self.listings.changes.get(index)
            if change and change.deleted:
                continue
            picked.append(index)
        return picked


@lru_cache(maxsize=4096)
def _cached_spec(seed: int, spec_index: int) -> ProductSpec:
    return product_spec(seed, spec_index)


def _build_listing(shop: ShopCatalog, index: int, version: int) -> Listing:
    seed = shop.seed
    spec = _cached_spec(seed, shop.spec_index(index))
    overlap = shop.overlap_kind(index)
    title = spec.title
    sku = spec.sku
    if overlap == "title" and shop.platform == "tiktokshop":
        # The same product listed separately: its own SKU, a reworded title.
        features = tuple(reversed(spec.features))
        spec = replace(spec, features=features)
        title = f"{spec.title} {spec.subcategory}"
        sku = f"TT{int(_unit(seed, index, 'tt-sku') * 10**8):08d}"
    if version:
        title = f"{title} New Edition" if version % 2 else title
    if shop.platform == "shopee" and len(title) > 100:
        title = title[:100].rstrip()
    if shop.platform == "tiktokshop" and len(title) < 25:
        title = f"{title} {spec.category} Original"
    dirt = shop.dirt
    roll = _unit(seed, index, f"{shop.platform}:dirt-sku")
    if overlap != "sku":  # matched pairs keep the SKU they share
        if roll < dirt.empty_sku:
            sku = ""
        elif roll < dirt.empty_sku + dirt.dash_sku:
            sku = "-"
        elif roll < dirt.empty_sku + dirt.dash_sku + dirt.duplicate_sku and index > 0:
            sku = _cached_spec(seed, shop.spec_index(index - 1)).sku
    if _unit(seed, index, f"{shop.platform}:promo") < dirt.promo_title:
        emoji = EMOJI[index % len(EMOJI)]
        promo = PROMO_WORDS[index % len(PROMO_WORDS)]
        title = f"{emoji}{promo}{emoji} {title}"[: 100 if shop.platform == "shopee" else 255]
    return _listing(
        shop,
        index,
        spec=spec,
        title=title,
        sku=sku,
        price=spec.price,
        weight_missing=_unit(seed, index, f"{shop.platform}:weight") < dirt.missing_weight,
        extended_description=(
            shop.platform == "shopee" and _unit(seed, index, "extended") < dirt.extended_description
        ),
        long_description=_unit(seed, index, f"{shop.platform}:long") < dirt.long_description,
    )


def _build_dirty_listing(shop: ShopCatalog, index: int, version: int) -> Listing:
    assert shop.dirty is not None
    fields = shop.dirty.listing(shop.platform, index, version)
    return _listing(
        shop,
        index,
        spec=fields.spec,
        title=fields.title,
        sku=fields.sku,
        price=fields.price,
        weight_missing=fields.weight_missing,
        extended_description=fields.extended_description,
        long_description=fields.long_description,
        variant_skus=fields.variant_skus,
    )


def _listing(shop: ShopCatalog, index: int, *, price: int, **fields) -> Listing:
    """A listing with its status, times and repricing from the shop's listing set."""
    change = shop.listings.changes.get(index)
    status, on_tokopedia = shop.status_and_platforms(index)
    if change and change.price_percent:
        price = int(round(price * (100 + change.price_percent) / 100 / 100) * 100)
    if change and change.title is not None:
        fields["title"] = change.title
    fields["price_overrides"] = dict(change.prices) if change else {}
    update_time = shop.listings.update_time(index)
    return Listing(
        platform=shop.platform,
        index=index,
        product_id=shop.product_id(index),
        status=status,
        on_tokopedia=on_tokopedia,
        update_time=update_time,
        create_time=min(update_time, shop.listings.base_update_time(index)) - 86_400,
        price=price,
        **fields,
    )


@dataclass
class SellerCatalog:
    """Both shops of the seller."""

    shopee: ShopCatalog
    tiktok: ShopCatalog

    @classmethod
    def generate(
        cls,
        *,
        seed: int = 1,
        products: int = 1000,
        overlap: float | None = None,
        dirt: DirtRates | None = None,
        base_time: int = 1_700_000_000,
        time_step: int = 37,
        profile: str = "default",
    ) -> SellerCatalog:
        """Both shops; `overlap` defaults to the profile's (default 0.3, dirty-seller 0.65)."""
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}: choose one of {', '.join(PROFILES)}")
        if not 1 <= products <= 1_000_000:
            raise ValueError("products must be between 1 and 1,000,000")
        overlap = DEFAULT_OVERLAP[profile] if overlap is None else overlap
        if not 0 <= overlap <= 1:
            raise ValueError("overlap must be between 0 and 1")
        if dirt is not None and profile != "default":
            raise ValueError(f"dirt rates apply to the default profile only, not to {profile}")
        dirt = dirt or DirtRates()
        dirty = None
        if profile == dirty_profile.PROFILE:
            dirty = dirty_profile.DirtySeller(seed, products, overlap)

        def shop(platform: str, mix: dict[str, float]) -> ShopCatalog:
            listings = ListingSet(
                size=products,
                pattern=class_pattern(seed, platform, mix),
                base_time=base_time,
                time_step=time_step,
            )
            return ShopCatalog(platform, seed, listings, dirt, overlap, products, dirty=dirty)

        return cls(
            shopee=shop("shopee", SHOPEE_STATUS_MIX),
            tiktok=shop("tiktokshop", TIKTOK_CLASS_MIX),
        )

    def shop(self, platform: str) -> ShopCatalog:
        return self.shopee if platform == "shopee" else self.tiktok

    def ground_truth(self) -> Iterator[MatchTruth]:
        """Every (Shopee item, TikTok product) pair that is the same product."""
        for index in range(self.tiktok.base_size):
            kind = self.tiktok.overlap_kind(index)
            if kind:
                yield MatchTruth(self.shopee.product_id(index), self.tiktok.product_id(index), kind)

    @property
    def profile(self) -> str:
        return dirty_profile.PROFILE if self.shopee.dirty else "default"

    def distinct_pairs(self) -> list[DistinctPair]:
        """Shopee/TikTok pairs that look alike but are different products (never link them)."""
        if not self.shopee.dirty:
            return []
        return [
            DistinctPair(self.shopee.product_id(a), self.tiktok.product_id(b))
            for a, b in self.shopee.dirty.distinct_pairs()
        ]

    def duplicate_sku_groups(self) -> dict[str, list[int]]:
        """Real-looking Shopee SKUs carried by several different products: SKU -> item ids.

        The dirty-seller profile's genuine duplicates (its placeholders are not listed); the
        default profile's come from `DirtRates.duplicate_sku` and are found by building the shop.
        """
        if self.shopee.dirty:
            return {
                code: [self.shopee.product_id(index) for index in members]
                for code, members in self.shopee.dirty.duplicate_groups()
            }
        by_sku: dict[str, list[int]] = {}
        for index in range(self.shopee.base_size):
            sku = self.shopee.listing(index).sku
            if sku not in ("", "-"):
                by_sku.setdefault(sku, []).append(self.shopee.product_id(index))
        return {sku: ids for sku, ids in by_sku.items() if len(ids) > 1}

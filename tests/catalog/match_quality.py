"""How well an imported catalog matched a sandbox's ground truth (tests and the benchmark)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from uuid import UUID

from catalog.models import PlatformMapping


@dataclass
class MatchQuality:
    true_pairs: int
    listings: int
    auto_links: int  # cross-platform pairs linked with no review (SKU or title)
    auto_correct: int
    reviews: int  # rows waiting in the review queue
    reviews_right_first: int  # review rows whose first candidate is the true pair
    found: int  # true pairs auto-linked or reviewed with the right candidate first
    sibling_links: int  # auto-linked pairs that the ground truth says are different products
    sibling_reviews: int  # review rows pairing such products

    @property
    def precision(self) -> float:
        return self.auto_correct / self.auto_links if self.auto_links else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.true_pairs if self.true_pairs else 1.0

    @property
    def auto_share(self) -> float:
        return self.auto_correct / self.true_pairs if self.true_pairs else 1.0

    @property
    def review_share(self) -> float:
        return self.reviews / self.listings if self.listings else 0.0

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "auto_share": round(self.auto_share, 4),
            "review_share": round(self.review_share, 4),
        }


def match_quality(organization, truth, distinct=()) -> MatchQuality:
    """`truth`: MatchTruth rows (Shopee item, TikTok product); `distinct`: pairs of different
    products that look alike (must never be linked)."""
    pairs = {(str(t.shopee_item_id), str(t.tiktok_product_id)) for t in truth}
    different = {(str(a), str(b)) for a, b in distinct}
    mappings = list(
        PlatformMapping.objects.filter(organization=organization).only(
            "platform",
            "platform_product_id",
            "master_product_id",
            "match_method",
            "review_status",
            "match_candidates",
            "is_source",
        )
    )
    by_master = defaultdict(dict)
    by_product = {}
    for mapping in mappings:
        by_master[mapping.master_product_id][mapping.platform] = mapping
        by_product[(mapping.platform, mapping.platform_product_id)] = mapping
    shopee_of = {
        master: listings["shopee"].platform_product_id
        for master, listings in by_master.items()
        if "shopee" in listings
    }
    tiktok_of = {
        master: listings["tiktokshop"].platform_product_id
        for master, listings in by_master.items()
        if "tiktokshop" in listings
    }
    auto, reviewed = set(), set()
    reviews = 0
    for mapping in mappings:
        if mapping.review_status == PlatformMapping.ReviewStatus.NEEDS_REVIEW:
            reviews += 1
            pair = _review_pair(mapping, shopee_of, tiktok_of)
            if pair:
                reviewed.add(pair)
        elif mapping.match_method in ("sku", "similarity") and not mapping.is_source:
            pair = _pair(mapping, shopee_of, tiktok_of, mapping.master_product_id)
            if pair:
                auto.add(pair)
    return MatchQuality(
        true_pairs=len(pairs),
        listings=len(mappings),
        auto_links=len(auto),
        auto_correct=len(auto & pairs),
        reviews=reviews,
        reviews_right_first=len(reviewed & pairs),
        found=len((auto | reviewed) & pairs),
        sibling_links=len(auto & different),
        sibling_reviews=len(reviewed & different),
    )


def _pair(mapping, shopee_of, tiktok_of, master_id):
    if mapping.platform == "tiktokshop" and master_id in shopee_of:
        return (shopee_of[master_id], mapping.platform_product_id)
    if mapping.platform == "shopee" and master_id in tiktok_of:
        return (mapping.platform_product_id, tiktok_of[master_id])
    return None


def _review_pair(mapping, shopee_of, tiktok_of):
    """The pair a review row proposes: its linked product, or (a listing kept apart) the
    first candidate."""
    if mapping.match_method != "new":
        return _pair(mapping, shopee_of, tiktok_of, mapping.master_product_id)
    for candidate in mapping.match_candidates or []:
        return _pair(mapping, shopee_of, tiktok_of, UUID(candidate["product"]))
    return None

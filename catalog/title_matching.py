"""Title matching for a batch of listings: candidates, scores, and one-to-one decisions.

Used by imports (new listings with no usable SKU match) and by re-matching an existing
catalog. Candidates come from the full-text index (`catalog.candidates`); each is scored on
the normalised, truncation-aware titles (`catalog.titles`), price band, weight and brand;
then the batch's listings are assigned to products best score first, so a product never
gets two listings of one shop and a listing never takes a product that a better-scoring
listing of the same shop took. A confident match with no close runner-up links itself;
anything less sure goes to review with its candidates ranked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from catalog.candidates import similar_products
from catalog.matching import (
    AUTO_LINK_THRESHOLD,
    SUGGEST_THRESHOLD,
    UNIQUE_MARGIN,
    match_confidence,
)
from catalog.models import MasterProduct
from catalog.titles import TitleKey, compare_titles, title_key

REVIEW_CANDIDATES = 3  # candidates kept on a review row, best first
# What scoring a candidate and showing it for review read of a product: the rest of its row
# (descriptions, images, its search vector) is read only for the product a listing is linked to.
CANDIDATE_FIELDS = ("id", "organization_id", "sku", "name", "base_price", "weight_kg", "brand")


@dataclass(frozen=True)
class TitleListing:
    """What title matching needs of a listing."""

    name: str
    price: Decimal | None
    weight_kg: Decimal | None = None
    brand: str = ""


@dataclass
class Candidate:
    master: MasterProduct
    confidence: Decimal
    conflict: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "product": str(self.master.pk),
            "sku": self.master.sku,
            "name": self.master.name[:120],
            "confidence": str(self.confidence),
            **({"conflict": self.conflict} if self.conflict else {}),
        }


@dataclass
class TitleDecision:
    """The outcome for one listing: link (auto or for review), or no match."""

    master: MasterProduct | None = None
    confidence: Decimal | None = None
    auto: bool = False
    reason: str = ""  # for review: "ambiguous" (a close runner-up) or "uncertain"
    candidates: list[Candidate] = field(default_factory=list)

    def candidates_json(self) -> list[dict[str, Any]]:
        return [c.as_dict() for c in self.candidates[:REVIEW_CANDIDATES]]


# About 0.67 KB a kept key with its entry here (1.25 KB before keys shared their words):
# 200,000 of them were most of a 100k import's memory growth.
TITLE_KEYS_KEPT = 20_000


class TitleKeys:
    """Normalised titles of products, computed once per run."""

    def __init__(self) -> None:
        self._keys: dict[tuple[Any, str], TitleKey] = {}

    def __call__(self, master: MasterProduct) -> TitleKey:
        key = (master.pk, master.name)
        if key not in self._keys:
            if len(self._keys) > TITLE_KEYS_KEPT:
                self._keys.clear()  # bounded: a long run re-normalises rather than grows
            self._keys[key] = title_key(master.name)
        return self._keys[key]


def title_decisions(
    *,
    organization_id: int,
    platform: str,
    shop_id: str,
    listings: list[TitleListing],
    frequency: Counter,
    documents: int,
    keys: TitleKeys,
    exclude: set[Any] | None = None,
    organization_size: int | None = None,
) -> dict[int, TitleDecision]:
    """For each listing (by position) with a candidate worth a look, the decision."""
    listing_keys = [title_key(listing.name) for listing in listings]
    usable = [i for i, key in enumerate(listing_keys) if key]
    found = similar_products(
        organization_id=organization_id,
        platform=platform,
        shop_id=shop_id,
        names=[listing_keys[i].text for i in usable],
        blocking_names=[" ".join(listing_keys[i].blocking_words) for i in usable],
        prices=[listings[i].price or Decimal("0") for i in usable],
        frequency=frequency,
        organization_size=organization_size,
        fields=CANDIDATE_FIELDS,
    )
    excluded = exclude or set()
    scored: dict[int, list[Candidate]] = {}
    for found_position, candidates in found.items():
        position = usable[found_position]
        listing, key = listings[position], listing_keys[position]
        ranked = []
        for master, _trigram in candidates:
            if master.pk in excluded:
                continue
            comparison = compare_titles(
                key,
                keys(master),
                frequency=lambda word: frequency.get(word, 0),
                documents=documents,
            )
            confidence = match_confidence(
                title=comparison,
                price_a=master.base_price,
                price_b=listing.price,
                weight_a=master.weight_kg,
                weight_b=listing.weight_kg,
                brand_a=master.brand,
                brand_b=listing.brand,
            )
            ranked.append(Candidate(master, confidence, comparison.conflict))
        ranked.sort(key=lambda c: (-c.confidence, str(c.master.pk)))
        if ranked and ranked[0].confidence >= SUGGEST_THRESHOLD:
            scored[position] = ranked
    return _with_whole_products(assign(scored))


def _with_whole_products(decisions: dict[int, TitleDecision]) -> dict[int, TitleDecision]:
    """Each decision's product read whole, in one query: the caller links the listing to it
    (variants, prices, SEO), while the other candidates only show their id, SKU and name."""
    chosen = {decision.master.pk for decision in decisions.values() if decision.master}
    whole = MasterProduct.objects.in_bulk(chosen) if chosen else {}
    for decision in decisions.values():
        if decision.master is not None and decision.master.pk in whole:
            decision.master = whole[decision.master.pk]
    return decisions


def assign(scored: dict[int, list[Candidate]]) -> dict[int, TitleDecision]:
    """One-to-one, best score first; a close runner-up (for the listing, or for the product
    among this batch's listings) makes a match ambiguous: review, not an automatic link."""
    pairs = sorted(
        (
            (candidate.confidence, position, candidate)
            for position, ranked in scored.items()
            for candidate in ranked
            if candidate.confidence >= SUGGEST_THRESHOLD
        ),
        key=lambda item: (-item[0], item[1], str(item[2].master.pk)),
    )
    by_master: dict[Any, list[tuple[Decimal, int]]] = {}
    for confidence, position, candidate in pairs:
        by_master.setdefault(candidate.master.pk, []).append((confidence, position))
    decisions: dict[int, TitleDecision] = {}
    taken: set[Any] = set()
    for confidence, position, candidate in pairs:
        if position in decisions or candidate.master.pk in taken:
            continue
        taken.add(candidate.master.pk)
        ranked = scored[position]
        runner_up = next((c.confidence for c in ranked if c is not candidate), Decimal("0"))
        rival = max(
            (score for score, other in by_master[candidate.master.pk] if other != position),
            default=Decimal("0"),
        )
        ambiguous = max(runner_up, rival) > confidence - UNIQUE_MARGIN
        auto = confidence >= AUTO_LINK_THRESHOLD and not ambiguous
        decisions[position] = TitleDecision(
            master=candidate.master,
            confidence=confidence,
            auto=auto,
            reason="" if auto else ("ambiguous" if ambiguous else "uncertain"),
            candidates=[candidate, *[c for c in ranked if c is not candidate]],
        )
    return decisions

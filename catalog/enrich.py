"""Prices, SEO titles and quality for listings about to be written, computed in memory.

An import enriches each page before it writes it, so every new row is written once, whole,
instead of inserted and then updated three times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from catalog.listing_prices import PriceChange, mapping_prices_compute
from catalog.listing_seo import SeoContext, mapping_seo_compute, seo_change_apply
from catalog.models import MasterProduct, PlatformMapping
from catalog.publication import PUBLICATION_FIELDS
from catalog.services import listing_quality_assess, product_quality_assess
from pricing.selectors import PricingContext

ENRICHED_MAPPING_FIELDS = (
    "platform_price",
    "fee_percentage",
    "margin_percentage",
    "price_breakdown",
    "calculated_at",
    "seo_title",
    "seo_keywords",
    "seo_quality_score",
    "seo_findings",
    "quality_score",
    "quality_issues",
    *PUBLICATION_FIELDS,
)


@dataclass
class EnrichTotals:
    priced: int = 0
    flagged: int = 0
    titled: int = 0
    scored_products: int = 0
    pricing_failures: list[PriceChange] = field(default_factory=list)  # the first few


class ListingEnricher:
    def __init__(self) -> None:
        self.pricing = PricingContext()
        self.seo = SeoContext()
        self.totals = EnrichTotals()

    def enrich(
        self,
        *,
        new_products: list[MasterProduct],
        mappings: list[PlatformMapping],
        now: datetime,
    ) -> None:
        """Set price, SEO and quality fields on `mappings` (each with its master_product
        loaded) and quality on `new_products`; nothing is saved here."""
        for product in new_products:
            self.seo.add_product(product)
            product_quality_assess(product)
        self.totals.scored_products += len(new_products)
        for change in mapping_prices_compute(mappings=mappings, context=self.pricing):
            if change.error:
                if len(self.totals.pricing_failures) < 10:
                    self.totals.pricing_failures.append(change)
                continue
            change.mapping.calculated_at = now
            self.totals.priced += 1
            self.totals.flagged += bool(change.flag)
        for change in mapping_seo_compute(mappings=mappings, context=self.seo):
            seo_change_apply(change, now)
        self.totals.titled += len(mappings)
        for mapping in mappings:
            listing_quality_assess(mapping, mapping.master_product)

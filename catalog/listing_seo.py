"""SEO titles, keywords and scores for listings (platform mappings): what seo computes, read
from and written to the catalog.

The title limits are the platform's (core.platforms.TITLE_RULES), except where an import
stored the shop's own maximum on the listing (`platform_data["listing"]["title_limit"]`,
Shopee's get_item_limit): that one wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from catalog.models import MasterProduct, PlatformMapping
from catalog.publication import (
    PUBLICATION_FIELDS,
    publication_refresh,
    publication_status_settle,
)
from core.bulk import bulk_update_rows
from core.platforms import TitleRules, title_rules
from seo.generator import TitleInput
from seo.keywords import document_terms
from seo.term_sketch import TermFrequencies
from seo.titles import seo_compute

SEO_FIELDS = (
    "seo_title",
    "seo_keywords",
    "seo_quality_score",
    "seo_findings",
    "updated_at",
    *PUBLICATION_FIELDS,
)


@dataclass
class SeoChange:
    mapping: PlatformMapping
    old_title: str
    new_title: str
    keywords: list[str] = field(default_factory=list)
    score: int = 0
    reasons: list[dict] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.old_title != self.new_title


def keyword_statistics(*, organization_id: int) -> tuple[TermFrequencies, int]:
    """How many of the organization's products use each term (for ranking keywords and
    matching titles), in bounded memory, and how many products there are."""
    frequency = TermFrequencies()
    documents = 0
    rows = MasterProduct.objects.filter(organization_id=organization_id).values_list(
        "name", "category", "subcategory", "brand"
    )
    for fields in rows.iterator(chunk_size=2000):
        frequency.update(document_terms(fields))
        documents += 1
    return frequency, documents


def listing_title_rules(mapping: PlatformMapping) -> TitleRules:
    """The listing's title limits: its shop's own maximum when the import stored one (absent
    for TikTok Shop and for listings imported before shops' limits were stored)."""
    listing = (mapping.platform_data or {}).get("listing") or {}
    try:
        shop_max = int(listing.get("title_limit") or 0)
    except (TypeError, ValueError):
        shop_max = 0  # a damaged value: the platform's own limit is always safe
    return title_rules(mapping.platform, shop_max if shop_max > 0 else None)


def _sources(mapping: PlatformMapping) -> tuple[TitleInput, list[str]]:
    master = mapping.master_product
    listing = (mapping.platform_data or {}).get("listing") or {}
    attributes = [
        str(v)
        for k, v in (listing.get("attributes") or {}).items()
        if v and k.casefold() not in ("merek", "brand")
    ][:2]
    texts = [
        master.name,
        master.category,
        master.subcategory,
        master.brand,
        *attributes,
        *[str(v.get("name", "")) for v in (master.variants or [])[:10]],
    ]
    return TitleInput(master.name, master.brand, master.category, master.subcategory), texts


class SeoContext:
    """The catalog's term statistics, read once and then kept up to date as products are
    added (an import writes titles page after page)."""

    def __init__(self) -> None:
        self.stats: dict[int, tuple[TermFrequencies, int]] = {}

    def statistics(self, organization_id: int) -> tuple[TermFrequencies, int]:
        if organization_id not in self.stats:
            self.stats[organization_id] = keyword_statistics(organization_id=organization_id)
        return self.stats[organization_id]

    def add_product(self, product: MasterProduct) -> None:
        frequency, documents = self.statistics(product.organization_id)
        frequency.update(
            document_terms((product.name, product.category, product.subcategory, product.brand))
        )
        self.stats[product.organization_id] = (frequency, documents + 1)


def mapping_seo_compute(
    *, mappings: Iterable[PlatformMapping], context: SeoContext | None = None
) -> list[SeoChange]:
    """Title, keywords and score of each listing (each with its master_product loaded)."""
    context = context or SeoContext()
    changes = []
    for mapping in mappings:
        rules = listing_title_rules(mapping)
        source, texts = _sources(mapping)
        frequency, documents = context.statistics(mapping.organization_id)
        result = seo_compute(
            source,
            platform=mapping.platform,
            texts=texts,
            document_frequency=frequency,
            documents=documents,
            min_length=rules.min_length,
            max_length=rules.max_length,
        )
        changes.append(
            SeoChange(
                mapping,
                mapping.seo_title,
                result.title,
                result.keywords,
                result.score,
                result.reasons,
            )
        )
    return changes


def seo_change_apply(change: SeoChange, now: datetime) -> None:
    """Put a computed title, keywords and score on the mapping (not saved)."""
    mapping = change.mapping
    mapping.seo_title = change.new_title
    mapping.seo_keywords = change.keywords
    mapping.seo_quality_score = change.score
    mapping.seo_findings = change.reasons
    mapping.updated_at = now
    publication_refresh(mapping)


def mappings_seo_apply(
    *, mappings: QuerySet[PlatformMapping], dry_run: bool = False
) -> list[SeoChange]:
    """Generate and (unless a dry run) store titles, keywords and SEO scores."""
    changes = mapping_seo_compute(mappings=mappings.select_related("master_product").order_by("pk"))
    if not dry_run:
        now = timezone.now()
        for change in changes:
            seo_change_apply(change, now)
        bulk_update_rows(PlatformMapping, [c.mapping for c in changes], SEO_FIELDS)
        publication_status_settle(c.mapping.pk for c in changes)
    return changes

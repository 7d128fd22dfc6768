"""SEO titles, keywords and scores for platform mappings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from catalog.bulk import bulk_update_rows
from catalog.models import MasterProduct, PlatformMapping
from imports.models import ImportJob
from seo.generator import DEFAULT_LIMITS, TitleInput, generate_title
from seo.keywords import document_terms, rank_keywords
from seo.scoring import seo_score

SEO_FIELDS = ("seo_title", "seo_keywords", "seo_quality_score", "seo_findings", "updated_at")


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


def keyword_statistics(*, organization_id: int) -> tuple[Counter, int]:
    """How many of the organization's products use each term (for ranking keywords)."""
    frequency: Counter = Counter()
    documents = 0
    rows = MasterProduct.objects.filter(organization_id=organization_id).values_list(
        "name", "category", "subcategory", "brand"
    )
    for fields in rows.iterator(chunk_size=2000):
        frequency.update(document_terms(fields))
        documents += 1
    return frequency, documents


def title_limit(*, organization_id: int, platform: str) -> int:
    """The shop's title limit from Shopee's get_item_limit when an import read it."""
    job = (
        ImportJob.objects.filter(organization_id=organization_id, platform=platform)
        .exclude(reference_data={})
        .order_by("-created_at")
        .only("reference_data")
        .first()
    )
    limit = (
        ((job.reference_data if job else {}).get("item_limit") or {})
        .get("item_name_length_limit", {})
        .get("max_limit")
    )
    return int(limit) if limit else DEFAULT_LIMITS.get(platform, 100)


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
    """The catalog's term statistics and the shops' title limits, read once and then kept
    up to date as products are added (an import writes titles page after page)."""

    def __init__(self) -> None:
        self.stats: dict[int, tuple[Counter, int]] = {}
        self.limits: dict[tuple[int, str], int] = {}

    def statistics(self, organization_id: int) -> tuple[Counter, int]:
        if organization_id not in self.stats:
            self.stats[organization_id] = keyword_statistics(organization_id=organization_id)
        return self.stats[organization_id]

    def limit(self, organization_id: int, platform: str) -> int:
        key = (organization_id, platform)
        if key not in self.limits:
            self.limits[key] = title_limit(organization_id=organization_id, platform=platform)
        return self.limits[key]

    def add_product(self, product: MasterProduct) -> None:
        frequency, documents = self.statistics(product.organization_id)
        frequency.update(
            document_terms((product.name, product.category, product.subcategory, product.brand))
        )
        self.stats[product.organization_id] = (frequency, documents + 1)


def mapping_seo_compute(
    *, mappings: Iterable[PlatformMapping], context: SeoContext | None = None
) -> list[SeoChange]:
    context = context or SeoContext()
    changes = []
    for mapping in mappings:
        org = mapping.organization_id
        limit = context.limit(org, mapping.platform)
        source, texts = _sources(mapping)
        frequency, documents = context.statistics(org)
        title = generate_title(source, mapping.platform, limit)
        keywords = rank_keywords(texts, frequency, documents)
        score = seo_score(
            title, mapping.platform, brand=source.brand, keywords=keywords, max_length=limit
        )
        changes.append(
            SeoChange(mapping, mapping.seo_title, title, keywords, score.value, score.reasons)
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
    return changes

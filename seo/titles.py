"""One listing's SEO in one call: its title, keywords and score (pure).

The caller gathers what it knows about the listing (a `TitleInput`, the texts keywords come
from, the catalog's term statistics) and the title limits of the platform and shop; nothing
here reads a database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from seo.generator import TitleInput, generate_title
from seo.keywords import rank_keywords
from seo.scoring import seo_score


@dataclass(frozen=True)
class SeoResult:
    title: str
    keywords: list[str] = field(default_factory=list)
    score: int = 0
    reasons: list[dict[str, object]] = field(default_factory=list)


def seo_compute(
    source: TitleInput,
    *,
    platform: str,
    texts: Sequence[str],
    document_frequency: Mapping[str, int],
    documents: int,
    min_length: int,
    max_length: int,
) -> SeoResult:
    """Generate the title, rank the keywords (tf-idf against the catalog) and score the title."""
    title = generate_title(source, min_length=min_length, max_length=max_length)
    keywords = rank_keywords(texts, document_frequency, documents)
    score = seo_score(
        title,
        platform,
        brand=source.brand,
        keywords=keywords,
        min_length=min_length,
        max_length=max_length,
    )
    return SeoResult(title, keywords, score.value, score.reasons)

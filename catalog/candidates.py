"""Title-similarity candidates for new listings, found through the full-text index.

Comparing a listing with every product priced like it grows with the catalog (at 100k
products, thousands of trigram comparisons per listing). Instead each listing is blocked on
its rarest title words that the catalog knows: a product must share the rarest (most often a
model code, which sellers keep on every platform) and one of the next three (a word one
platform dropped or renamed does not lose the pair), which the `search_vector` GIN index
answers directly. Only those few products are ranked with pg_trgm similarity within
the price band; `catalog.title_matching` then scores them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection

from catalog.matching import PRICE_BAND, SIMILARITY_FLOOR
from catalog.models import SEARCH_CONFIG, MasterProduct
from catalog.organization_keys import organization_key
from seo.term_sketch import TermFrequencies

BLOCKING_WORDS = 4
CANDIDATES_PER_LISTING = 5
_WORD = re.compile(r"[0-9a-z]{3,}")
# The catalog's document frequencies (keyword_statistics), or any exact counts.
TermCounts = TermFrequencies | Mapping[str, int]

SIMILAR_SQL = """
    SELECT r.position, m.id, m.score
    FROM unnest(%s::int[], %s::text[], %s::numeric[], %s::text[])
         AS r(position, name, price, words)
    CROSS JOIN LATERAL (
        SELECT p.id, p.score
        FROM (
            SELECT p.id, similarity(p.name, r.name) AS score
            FROM (
                -- OFFSET 0 keeps the other conditions out: only the (organization, words)
                -- GIN index answers this part (the words alone for a large organization),
                -- whatever the planner's statistics say.
                SELECT p.id, p.name, p.base_price FROM master_products p
                WHERE {organization}
                  AND p.search_vector @@ to_tsquery(%s::regconfig, r.words)
                OFFSET 0
            ) p
            WHERE p.base_price BETWEEN r.price * %s AND r.price * %s
            ORDER BY score DESC
            -- OFFSET 0: sorted before the conditions below, so the shop's listings are
            -- looked up for the best few products until enough pass, not for every one.
            OFFSET 0
        ) p
        WHERE p.score >= %s
          -- Not already listed by the shop. OFFSET 0 again: the product's own few listings
          -- are read by product id; early in an import the statistics say the platform has
          -- no listings yet, and PostgreSQL would scan all of them for every candidate.
          AND NOT EXISTS (SELECT 1 FROM (SELECT pm.platform, pm.platform_shop_id
                                         FROM platform_mappings pm
                                         WHERE pm.master_product_id = p.id OFFSET 0) pm
                          WHERE pm.platform = %s AND pm.platform_shop_id IN (%s, ''))
        LIMIT %s
    ) m
"""


# From this size on, reading the organization's part of an index costs more than checking
# the organization of the few products the words find (at 100k products the
# organization's index took 2 ms a listing to AND in, the check 0.1 ms); a small organization
# in a large database keeps its index condition (a word rare in it can be common elsewhere).
LARGE_ORGANIZATION = 10_000


def _organization_condition(organization_size: int | None) -> str:
    if organization_size is not None and organization_size >= LARGE_ORGANIZATION:
        return "p.organization_id + 0 = %s"  # "+ 0": a filter, not an index condition
    return "p.organization_id = %s"


def rarest_words(title: str, frequency: TermCounts) -> list[str]:
    """The title's words the catalog has, rarest first (at most BLOCKING_WORDS)."""
    known: dict[str, int] = {}
    for word in set(_WORD.findall(title.casefold())):
        count = frequency.get(word, 0)
        if count:
            known[word] = count
    return sorted(known, key=lambda word: (known[word], word))[:BLOCKING_WORDS]


def blocking_query(title: str, frequency: TermCounts) -> str:
    """A tsquery over the title's rarest words the catalog has: the rarest and any of the next
    three (the rarest word's short posting list keeps the index lookup cheap; three others
    leave room for words one platform dropped or renamed)."""
    rarest = rarest_words(title, frequency)
    if len(rarest) < 3:
        return " & ".join(rarest)
    return f"{rarest[0]} & ({' | '.join(rarest[1:])})"


def similar_products(
    *,
    organization_id: int,
    platform: str,
    names: list[str],
    prices: list[Decimal],
    frequency: TermCounts,
    shop_id: str = "",
    blocking_names: list[str] | None = None,
    limit: int = CANDIDATES_PER_LISTING,
    organization_size: int | None = None,
    fields: Sequence[str] = (),
) -> dict[int, list[tuple[MasterProduct, float]]]:
    """For each listing (by position), up to `limit` products not yet listed on `platform`
    by the shop `shop_id`, blocked on `blocking_names` (default: the names).
    `organization_size`: about how many products the organization has, when known.
    `fields`: only these of each product (the rest deferred); default all."""
    blocking = blocking_names or names
    queries = [blocking_query(name, frequency) for name in blocking]
    positions = [i for i, query in enumerate(queries) if query]
    if not positions:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            SIMILAR_SQL.format(organization=_organization_condition(organization_size)),
            [
                positions,
                [names[i] for i in positions],
                [prices[i] for i in positions],
                [queries[i] for i in positions],
                organization_id,
                SEARCH_CONFIG,
                1 - PRICE_BAND,
                1 + PRICE_BAND,
                SIMILARITY_FLOOR,
                platform,
                shop_id,
                limit,
            ],
        )
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    read = MasterProduct.objects.only(*fields) if fields else MasterProduct.objects.all()
    products = read.in_bulk({row[1] for row in rows})
    found: dict[int, list[tuple[MasterProduct, float]]] = defaultdict(list)
    for position, product_id, score in rows:
        found[position].append((products[product_id], float(score)))
    return found


# organization_keys(...) as VARIANT_KEYS_INDEX has it: one index entry a SKU.
VARIANT_SQL = """
    SELECT DISTINCT m.id
    FROM unnest(%s::text[]) AS s(key)
    CROSS JOIN LATERAL (
        SELECT p.id FROM master_products p
        WHERE organization_keys(p.organization_id, p.variant_skus) @> ARRAY[s.key]
        OFFSET 0  -- planned per SKU, so the index is used whatever the statistics say
    ) m
"""


def products_with_variant_skus(*, organization_id: int, skus: list[str]) -> list[Any]:
    """Ids of the organization's products having any of `skus` among their variant SKUs.

    One lookup per SKU (not one `&&` over the whole list, which PostgreSQL can estimate as
    matching most rows and answer with a scan).
    """
    if not skus:
        return []
    keys = [organization_key(organization_id, sku) for sku in skus]
    with connection.cursor() as cursor:
        cursor.execute(VARIANT_SQL, [keys])
        return [row[0] for row in cursor.fetchall()]

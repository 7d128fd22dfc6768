"""Title-similarity candidates for new listings, found through the full-text index.

Comparing a listing with every product priced like it grows with the catalog (at 100k
products, thousands of trigram comparisons per listing). Instead each listing is blocked on
its rarest title words that the catalog knows: a product must share the rarest and one of
the next two, which the `search_vector` GIN index answers directly.
Only those few products are scored with pg_trgm similarity and the price band.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.db import connection

from catalog.matching import PRICE_BAND, SIMILARITY_FLOOR
from catalog.models import SEARCH_CONFIG, MasterProduct

BLOCKING_WORDS = 3
_WORD = re.compile(r"[0-9a-z]{3,}")

SIMILAR_SQL = """
    SELECT r.position, m.id, m.score
    FROM unnest(%s::int[], %s::text[], %s::numeric[], %s::text[])
         AS r(position, name, price, words)
    CROSS JOIN LATERAL (
        SELECT p.id, similarity(p.name, r.name) AS score
        FROM (
            -- OFFSET 0 keeps the other conditions out: only the (organization, words) GIN
            -- index can answer this part, whatever the planner's statistics say.
            SELECT p.id, p.name, p.base_price FROM master_products p
            WHERE p.organization_id = %s
              AND p.search_vector @@ to_tsquery(%s::regconfig, r.words)
            OFFSET 0
        ) p
        WHERE p.base_price BETWEEN r.price * %s AND r.price * %s
          AND NOT EXISTS (SELECT 1 FROM platform_mappings pm
                          WHERE pm.master_product_id = p.id AND pm.platform = %s)
        ORDER BY score DESC
        LIMIT 3
    ) m
    WHERE m.score >= %s
"""


def blocking_query(title: str, frequency: Counter) -> str:
    """A tsquery over the title's rarest words the catalog has: the rarest one and either of
    the next two (the rarest word's short posting list keeps the index lookup cheap)."""
    words = {word for word in _WORD.findall(title.casefold()) if frequency.get(word, 0) > 0}
    rarest = sorted(words, key=lambda word: (frequency[word], word))[:BLOCKING_WORDS]
    if len(rarest) < 3:
        return " & ".join(rarest)
    return f"{rarest[0]} & ({rarest[1]} | {rarest[2]})"


def similar_products(
    *,
    organization_id: int,
    platform: str,
    names: list[str],
    prices: list[Decimal],
    frequency: Counter,
) -> dict[int, list[tuple[MasterProduct, float]]]:
    """For each listing (by position), up to three products not yet listed on `platform`."""
    queries = [blocking_query(name, frequency) for name in names]
    positions = [i for i, query in enumerate(queries) if query]
    if not positions:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            SIMILAR_SQL,
            [
                positions,
                [names[i] for i in positions],
                [prices[i] for i in positions],
                [queries[i] for i in positions],
                organization_id,
                SEARCH_CONFIG,
                1 - PRICE_BAND,
                1 + PRICE_BAND,
                platform,
                SIMILARITY_FLOOR,
            ],
        )
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    products = MasterProduct.objects.in_bulk({row[1] for row in rows})
    found: dict[int, list[tuple[MasterProduct, float]]] = defaultdict(list)
    for position, product_id, score in rows:
        found[position].append((products[product_id], float(score)))
    return found


VARIANT_SQL = """
    SELECT DISTINCT m.id
    FROM unnest(%s::varchar[]) AS s(sku)
    CROSS JOIN LATERAL (
        SELECT p.id FROM master_products p
        WHERE p.organization_id = %s AND p.variant_skus @> ARRAY[s.sku]::varchar[]
        OFFSET 0  -- planned per SKU, so the (organization, variant SKUs) GIN index is used
    ) m
"""


def products_with_variant_skus(*, organization_id: int, skus: list[str]) -> list[Any]:
    """Ids of products having any of `skus` among their variant SKUs.

    One lookup per SKU (not one `&&` over the whole list, which PostgreSQL estimates as
    matching most rows and answers by scanning the organization).
    """
    if not skus:
        return []
    with connection.cursor() as cursor:
        cursor.execute(VARIANT_SQL, [skus, organization_id])
        return [row[0] for row in cursor.fetchall()]

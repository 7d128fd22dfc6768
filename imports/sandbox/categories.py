"""Marketplace category ids for the sandbox vocabulary, shared by the Shopee and TikTok servers.

Both servers number the same (category, subcategory) tree, so a product sits in matching
categories on each platform; each platform only formats the numbers its own way.
"""

from __future__ import annotations

from imports.sandbox.vocabulary import PRODUCT_TYPES


def category_ids() -> dict[tuple[str, str], tuple[int, int]]:
    """(category, subcategory) -> (parent id, leaf id), stable for the vocabulary."""
    parents: dict[str, int] = {}
    ids: dict[tuple[str, str], tuple[int, int]] = {}
    for product_type in PRODUCT_TYPES:
        parent = parents.setdefault(product_type.category, 100_000 + len(parents) + 1)
        key = (product_type.category, product_type.subcategory)
        if key not in ids:
            ids[key] = (parent, 200_000 + len(ids) + 1)
    return ids


CATEGORY_IDS = category_ids()

"""How many listings of each shop carry each SKU: what tells a placeholder from an identifier.

A seller whose every Tokopedia listing says SKU `1` has no SKUs at all, as far as matching
goes. Counts start from the shop's listings already in the catalog and grow with each batch
of an import, before the batch is matched, so the first page of a placeholder-SKU shop is
already recognised.

Memory stays bounded by the shop's repeated SKUs, not its size: past `SKUS_KEPT` distinct
SKUs, those seen on one listing only are forgotten (the repeated ones are what placeholders
are made of). A code repeated on listings more than about 16,000 listings apart in one
import may then go unrecognised, as the codes on one listing of the catalog already are when
counts start.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_noop

from catalog.matching import (
    SKU_VERDICT_TEMPLATES,
    SkuRule,
    SkuVerdict,
    normalize_sku,
    sku_verdict,
)

SHOP_PLACEHOLDER_TEMPLATE = gettext_noop(
    "SKU '%(sku)s' is on %(listings)s listings of this shop: not used to match"
)

SHOP_SKUS_SQL = """
    SELECT sku, count(DISTINCT id) FROM (
        SELECT id, platform_sku AS sku FROM platform_mappings
        WHERE organization_id = %(org)s AND platform = %(platform)s
          AND platform_shop_id IN (%(shop)s, '') AND platform_sku <> ''
        UNION ALL
        SELECT id, link->>'platform_sku' FROM platform_mappings,
             jsonb_array_elements(variant_links) AS link
        WHERE organization_id = %(org)s AND platform = %(platform)s
          AND platform_shop_id IN (%(shop)s, '') AND variant_links <> '[]'::jsonb
    ) skus
    WHERE sku <> ''
    GROUP BY sku
    HAVING count(DISTINCT id) >= 2
"""
SHOP_SIZE_SQL = """
    SELECT count(*) FROM platform_mappings
    WHERE organization_id = %(org)s AND platform = %(platform)s
      AND platform_shop_id IN (%(shop)s, '')
"""


SKUS_KEPT = 65_536  # about 7 MB of counts a shop


class ShopSkus:
    """Per (platform, shop): listings per normalized SKU, and the shop's size."""

    def __init__(self, organization_id: int, rules: tuple[SkuRule, ...]) -> None:
        self.organization_id = organization_id
        self.rules = rules
        self._counts: dict[tuple[str, str], Counter] = {}
        self._sizes: dict[tuple[str, str], int] = {}
        self._prune_at: dict[tuple[str, str], int] = {}
        # Placeholders met in this run: (platform, shop, normalized) -> the verdict
        self.placeholders: dict[tuple[str, str, str], SkuVerdict] = {}

    def counts(self, platform: str, shop: str) -> Counter:
        """Listings per normalized SKU of the shop (loaded once, then kept current)."""
        key = (platform, shop)
        if key not in self._counts:
            counts: Counter = Counter()
            params = {"org": self.organization_id, "platform": platform, "shop": shop}
            with connection.cursor() as cursor:
                cursor.execute(SHOP_SKUS_SQL, params)
                for sku, listings in cursor.fetchall():
                    counts[normalize_sku(sku, self.rules)] += listings
                cursor.execute(SHOP_SIZE_SQL, params)
                self._sizes[key] = cursor.fetchone()[0]
            self._counts[key] = counts
        return self._counts[key]

    def forget_if_others_added(self) -> None:
        """Read a shop's counts again when its size in the database is not what this run
        knows: another task of the same import wrote listings meanwhile (call it under the
        organization's build lock, so what is read then stays current)."""
        for (platform, shop), size in list(self._sizes.items()):
            params = {"org": self.organization_id, "platform": platform, "shop": shop}
            with connection.cursor() as cursor:
                cursor.execute(SHOP_SIZE_SQL, params)
                if cursor.fetchone()[0] != size:
                    self._counts.pop((platform, shop), None)
                    self._sizes.pop((platform, shop), None)

    def size(self, platform: str, shop: str) -> int:
        self.counts(platform, shop)
        return self._sizes[(platform, shop)]

    def observe(self, platform: str, shop: str, listings: Iterable[Iterable[str]]) -> None:
        """Count new listings (each given as its normalized SKUs: product and variants)."""
        counts = self.counts(platform, shop)
        added = 0
        for skus in listings:
            counts.update({sku for sku in skus if sku})
            added += 1
        self._sizes[(platform, shop)] += added
        if len(counts) > self._prune_at.get((platform, shop), SKUS_KEPT):
            for sku in [sku for sku, listings in counts.items() if listings == 1]:
                del counts[sku]
            # Repeated SKUs alone past the limit: the next prune waits until they double.
            self._prune_at[(platform, shop)] = max(SKUS_KEPT, 2 * len(counts))

    def verdict(
        self, platform: str, shop: str, sku: str | None, normalized: str, platform_product_id: str
    ) -> SkuVerdict:
        counts = self.counts(platform, shop)
        verdict = sku_verdict(
            sku,
            normalized,
            platform_product_id=platform_product_id,
            shop_listings=counts.get(normalized, 0),
            shop_size=self._sizes[(platform, shop)],
        )
        if verdict.reason in ("placeholder", "shared"):
            self.placeholders[(platform, shop, normalized)] = verdict
        return verdict

    def summary(self) -> list[dict[str, object]]:
        """The placeholder SKUs of this run, most widespread first (for the import report)."""
        rows = []
        for (platform, shop, normalized), verdict in self.placeholders.items():
            listings = self._counts[(platform, shop)].get(normalized, verdict.listings)
            rows.append(
                {
                    "platform": platform,
                    "shop": shop,
                    "sku": verdict.sku.strip()[:40],
                    "listings": listings,
                    "reason": verdict.reason,
                }
            )
        return placeholder_skus_merge([], rows)


def placeholder_skus_merge(
    stored: list[dict[str, object]], new: list[dict[str, object]]
) -> list[dict[str, object]]:
    """A job's placeholder SKU report, updated with a later page's (a resumed run's too)."""
    rows = {(row["platform"], row["shop"], row["sku"]): row for row in stored or []}
    for row in new:
        key = (row["platform"], row["shop"], row["sku"])
        if key not in rows or int(row["listings"]) >= int(rows[key]["listings"]):
            rows[key] = row
    return sorted(rows.values(), key=lambda row: (-int(row["listings"]), str(row["sku"])))[:20]


def placeholder_sku_lines(rows: list[dict[str, object]]) -> list[str]:
    """Each placeholder SKU as a sentence in the reader's language."""
    lines = []
    for row in rows:
        listings = int(row["listings"])  # type: ignore[call-overload]
        params = {"sku": row["sku"], "listings": number_format(listings, force_grouping=True)}
        if listings >= 2:
            lines.append(gettext(SHOP_PLACEHOLDER_TEMPLATE) % params)
        else:
            lines.append(gettext(SKU_VERDICT_TEMPLATES["placeholder"]) % params)
    return lines


def shop_placeholder_skus(
    *, organization_id: int, platform: str, shop_id: str, rules: tuple[SkuRule, ...] = ()
) -> list[dict[str, object]]:
    """The SKUs of a shop's listings (in the catalog) that matching does not use, most
    widespread first."""
    skus = ShopSkus(organization_id, rules)
    counts = skus.counts(platform, shop_id)
    size = skus.size(platform, shop_id)
    for normalized, listings in counts.most_common(50):
        verdict = sku_verdict(normalized, normalized, shop_listings=listings, shop_size=size)
        if verdict.reason in ("placeholder", "shared"):
            skus.placeholders[(platform, shop_id, normalized)] = verdict
    return skus.summary()


def placeholder_skus_html(rows: list[dict[str, object]]) -> str:
    if not rows:
        return "—"
    return format_html(
        '<ul class="placeholder-skus" style="margin:0;padding:0;list-style:none">{}</ul>',
        format_html_join("", "<li>{}</li>", ((line,) for line in placeholder_sku_lines(rows))),
    )

"""Whether an organization has products a shop has not listed: title matching's shortcut.

A new listing is matched by title only against products its shop has not listed yet; when
every product is listed there (a shop's first import into a catalog of its own), there is
nothing to look for and the similarity query is skipped. Proving that reads every product
of the organization (about 150 ms a page at 100k products, most of a 100k import's database
time), so a run asks about the whole catalog once and then, page after page, only about the
products written since it last asked.

Exact for the writers that matter during an import: another import's products (another
platform's shop of the organization) are written under the organization's build lock, which
this run holds while it asks, so they carry a time after its last question; a listing moved
off a product (a claim, a split, a relink) moves the product's time too
(`catalog.services.product_left_behind`). Anything else that could leave a product without
the shop's listing unseen (a listing deleted in the database) is caught by asking about the
whole catalog again every `FULL_CHECK_EVERY` (a minute).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

FULL_CHECK_EVERY = timedelta(minutes=1)
# A product saved outside the build lock (the admin) commits a moment after its time.
WRITE_SLACK = timedelta(seconds=1)

UNLISTED_SQL = """
    SELECT EXISTS (
        SELECT 1 FROM master_products p
        WHERE p.organization_id = %s {since}
          -- OFFSET 0: each product's own few listings, read by product id (the statistics
          -- of a shop that grows during the run would plan a scan of all its listings for
          -- every product).
          AND NOT EXISTS (SELECT 1 FROM (SELECT pm.platform, pm.platform_shop_id
                                         FROM platform_mappings pm
                                         WHERE pm.master_product_id = p.id OFFSET 0) pm
                          WHERE pm.platform = %s AND pm.platform_shop_id IN (%s, ''))
    )
"""


def unlisted_products_exist(
    organization_id: int, platform: str, shop_id: str, *, written_since: datetime | None = None
) -> bool:
    """Any product of the organization not listed by the shop (`shop_id`) on `platform`, among
    those written since `written_since` (all of them without it)."""
    since = "" if written_since is None else "AND p.updated_at >= %s"
    params: list = [organization_id, *([written_since] if written_since else []), platform, shop_id]
    with connection.cursor() as cursor:
        cursor.execute(UNLISTED_SQL.format(since=since), params)
        return bool(cursor.fetchone()[0])


class UnlistedProducts:
    """One run's answers, per (platform, shop); ask while holding the organization's build
    lock (`CatalogSession.process` holds it). The times compared are Python's clock on each
    worker: workers on several machines keep their clocks together (NTP) well within the
    slack."""

    def __init__(
        self, organization_id: int, *, clock: Callable[[], datetime] = timezone.now
    ) -> None:
        self.organization_id = organization_id
        self.clock = clock
        # (platform, shop) -> (when no product was unlisted, when the whole catalog said so)
        self._none_unlisted: dict[tuple[str, str], tuple[datetime, datetime]] = {}

    def exist(
        self, platform: str, shop_id: str, *, batch_started_at: datetime | None = None
    ) -> bool:
        """`batch_started_at`: the time the asking batch stamps on the products it writes
        (earlier than the question when the batch matched another shop's listings first)."""
        key = (platform, shop_id)
        asked_at = self.clock()
        if batch_started_at is not None:
            asked_at = min(asked_at, batch_started_at)
        last = self._none_unlisted.get(key)
        if last is None or asked_at - last[1] >= FULL_CHECK_EVERY:
            found = unlisted_products_exist(self.organization_id, platform, shop_id)
            full_check_at = asked_at
        else:
            found = unlisted_products_exist(
                self.organization_id, platform, shop_id, written_since=last[0] - WRITE_SLACK
            )
            full_check_at = last[1]
        if found:
            # Matching links some of them: the next page asks about the whole catalog again.
            self._none_unlisted.pop(key, None)
        else:
            self._none_unlisted[key] = (asked_at, full_check_at)
        return found

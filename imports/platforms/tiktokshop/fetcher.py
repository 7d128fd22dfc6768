"""Paging a TikTok Shop shop: product search per update-time window, then each detail."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from imports.clients.errors import MarketplaceError
from imports.pipeline.fetch import (
    Fetcher,
    Page,
    PagingCapReached,
    Window,
    fetch_failure,
    optional_call,
    passes_on,
)
from imports.platforms.tiktokshop.client import TikTokShopClient
from imports.platforms.tiktokshop.rules import RESULT_CAP_CODE, RULES


class TikTokFetcher(Fetcher):
    """products/search (100 a page, page_token) -> product detail per id, in parallel."""

    cap = RULES.paging_cap
    page_size = RULES.page_size
    client: TikTokShopClient

    def count(self, time_from: int, time_to: int) -> int:
        data = self.client.search_products(
            page_size=1, update_time_ge=time_from, update_time_le=time_to
        )
        return int(data.get("total_count") or 0)

    def reference_data(self) -> dict[str, Any]:
        skipped: list[str] = []
        categories = optional_call(
            self.client.get_categories, [], "categories (category names left blank)", skipped
        )
        return {
            "categories": {
                str(c["id"]): {"name": c.get("local_name"), "parent_id": str(c.get("parent_id"))}
                for c in categories
            },
            "skipped": skipped,
        }

    def pages(self, window: Window, cursor: Any) -> Iterator[Page]:
        token = cursor or None
        reached = 0
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="tiktok-detail") as pool:
            while True:
                try:
                    data = self.client.search_products(
                        page_size=self.page_size,
                        page_token=token,
                        update_time_ge=window.time_from,
                        update_time_le=window.time_to,
                    )
                except MarketplaceError as error:
                    if error.code == RESULT_CAP_CODE:
                        # What this window actually got before the refusal: the cap in force
                        # (0 when it refused the first page), never more than was reached.
                        raise PagingCapReached(reached) from error
                    raise
                reached += len(data.get("products") or [])
                ids = [str(product["id"]) for product in data.get("products") or []]
                page = self._details(ids, pool)
                page.listed = len(ids)
                token = data.get("next_page_token") or None
                page.next_cursor = token if ids else None
                yield page
                if not page.next_cursor:
                    return

    def _details(self, ids: list[str], pool: ThreadPoolExecutor) -> Page:
        page = Page(records=[])
        details = self.call_each(self._detail_or_error, ids, pool)
        for product_id, detail in zip(ids, details, strict=True):
            if isinstance(detail, Exception):
                page.failures.append(fetch_failure(product_id, detail))
            else:
                page.records.append((product_id, detail))
        return page

    def _detail_or_error(self, product_id: str) -> dict[str, Any] | Exception:
        try:
            return self.client.get_product(product_id)
        except MarketplaceError as error:
            if passes_on(error):
                raise
            return error

    def fetch_ids(self, ids: list[str]) -> Page:
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="tiktok-detail") as pool:
            return self._details(ids, pool)

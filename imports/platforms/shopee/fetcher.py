"""Paging a Shopee shop: item lists per update-time window, then details in batches."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from imports.clients.errors import ErrorType, MarketplaceError
from imports.pipeline.fetch import (
    Fetcher,
    FetchFailure,
    Page,
    PagingCapReached,
    Window,
    fetch_failure,
    optional_call,
    passes_on,
)
from imports.platforms.shopee.client import ShopeeClient
from imports.platforms.shopee.rules import ITEM_STATUSES, OFFSET_OVER_LIMIT, RULES


class ShopeeFetcher(Fetcher):
    """get_item_list (100 a page) -> get_item_base_info (50 ids a call) -> get_model_list."""

    cap = RULES.paging_cap
    page_size = RULES.page_size
    client: ShopeeClient

    def count(self, time_from: int, time_to: int) -> int:
        page = self.client.get_item_list(
            offset=0, page_size=1, update_time_from=time_from, update_time_to=time_to
        )
        return int(page.get("total_count") or 0)

    def reference_data(self) -> dict[str, Any]:
        skipped: list[str] = []
        categories = optional_call(
            lambda: self.client.get_category(language="id"),
            [],
            "categories (category names left blank)",
            skipped,
        )
        return {
            "categories": {
                str(c["category_id"]): {
                    "name": c.get("original_category_name") or c.get("display_category_name"),
                    "parent_id": str(c.get("parent_category_id") or 0),
                }
                for c in categories
            },
            "item_limit": optional_call(
                self.client.get_item_limit,
                None,
                "get_item_limit (Shopee's documented title limit of 100 characters used)",
                skipped,
            ),
            "skipped": skipped,
        }

    def pages(self, window: Window, cursor: Any) -> Iterator[Page]:
        offset = int(cursor or 0)
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="shopee-models") as pool:
            while True:
                listing = self._list(window, offset)
                ids = [int(item["item_id"]) for item in listing.get("item") or []]
                page = self._details(ids, pool)
                page.listed = len(ids)
                more = bool(listing.get("has_next_page")) and bool(ids)
                offset = int(listing.get("next_offset") or offset + len(ids))
                page.next_cursor = offset if more else None
                yield page
                if not more:
                    return

    def _list(self, window: Window, offset: int) -> dict[str, Any]:
        try:
            return self.client.get_item_list(
                offset=offset,
                page_size=self.page_size,
                statuses=ITEM_STATUSES,
                update_time_from=window.time_from,
                update_time_to=window.time_to,
            )
        except MarketplaceError as error:
            if OFFSET_OVER_LIMIT in error.message:
                raise PagingCapReached(offset) from error
            raise

    def _details(self, ids: list[int], pool: ThreadPoolExecutor) -> Page:
        page = Page(records=[])
        items: list[dict[str, Any]] = []
        for start in range(0, len(ids), RULES.batch_size):
            chunk = ids[start : start + RULES.batch_size]
            try:
                found, missing = self.client.get_item_base_info(chunk)
            except MarketplaceError as error:
                if passes_on(error):
                    raise
                page.failures += [fetch_failure(str(item_id), error) for item_id in chunk]
                continue
            items += found
            page.failures += [
                FetchFailure(
                    str(item_id),
                    ErrorType.DATA_VALIDATION_ERROR,
                    "get_item_base_info did not return this item",
                )
                for item_id in missing
            ]
        with_models = [item["item_id"] for item in items if item.get("has_model")]
        models = dict(
            zip(with_models, self.call_each(self._models_or_error, with_models, pool), strict=True)
        )
        for item in items:
            product_id = str(item["item_id"])
            model_result = models.get(item["item_id"])
            if isinstance(model_result, Exception):
                page.failures.append(fetch_failure(product_id, model_result))
                continue
            page.records.append((product_id, {"base_info": item, "models": model_result}))
        return page

    def _models_or_error(self, item_id: int) -> dict[str, Any] | Exception:
        try:
            return self.client.get_model_list(item_id)
        except MarketplaceError as error:
            if passes_on(error):
                raise
            return error

    def fetch_ids(self, ids: list[str]) -> Page:
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="shopee-models") as pool:
            return self._details([int(item_id) for item_id in ids], pool)

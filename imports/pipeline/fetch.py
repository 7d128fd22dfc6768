"""Fetching a shop's listings page by page, in update-time windows the platforms can page.

Both platforms cap deep paging (Shopee refuses large offsets, TikTok stops at 10,000 search
results), so a run is planned as windows of update time, each small enough to page through:
counting is cheap (one call with a page size of 1), and a window over the cap is halved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from imports.clients.errors import ErrorType, MarketplaceError
from imports.clients.shopee import ITEM_STATUSES, MAX_IDS_PER_CALL, ShopeeClient
from imports.clients.tiktok import TikTokShopClient

logger = logging.getLogger("imports.pipeline")
T = TypeVar("T")

EARLIEST = 1_262_304_000  # 2010-01-01: before either marketplace's open API existed
SHOPEE_OFFSET_CAP = 10_000
TIKTOK_RESULT_CAP = 10_000
PAGE_SIZE = 100


class PagingStuck(Exception):
    """A window the platform will not page through and that cannot be split any further."""

    error_type = ErrorType.API_QUOTA_EXCEEDED


class PagingCapReached(Exception):
    """The platform refused to page this deep; the window must be split smaller."""

    def __init__(self, reached: int) -> None:
        super().__init__(f"paging cap reached at {reached}")
        self.reached = reached


@dataclass(frozen=True)
class Window:
    time_from: int
    time_to: int
    total: int

    def as_list(self) -> list[int]:
        return [self.time_from, self.time_to, self.total]


@dataclass
class FetchFailure:
    platform_product_id: str
    error_type: str
    message: str
    # A connection error, timeout, 429 or 5xx that outlasted the client's retries: the listing
    # goes on the job's retry list. Otherwise (not found, deleted, unreadable) it has failed.
    transient: bool = False


@dataclass
class Page:
    records: list[tuple[str, dict[str, Any]]]  # (platform_product_id, payload)
    failures: list[FetchFailure] = field(default_factory=list)
    next_cursor: Any = None  # None: the window is done
    listed: int = 0


class Fetcher:
    cap: int = 10_000

    def count(self, time_from: int, time_to: int) -> int:
        raise NotImplementedError

    def plan(self, time_from: int | None, time_to: int, cap: int | None = None) -> list[Window]:
        """Windows covering [time_from, time_to], each within the platform's paging cap."""
        cap = cap or self.cap
        pending = [(time_from if time_from is not None else EARLIEST, time_to)]
        windows: list[Window] = []
        while pending:
            start, end = pending.pop(0)
            total = self.count(start, end)
            if total <= cap or end - start < 2:
                if total:
                    windows.append(Window(start, end, total))
                continue
            middle = (start + end) // 2
            pending[:0] = [(start, middle), (middle + 1, end)]
        return windows

    def pages(self, window: Window, cursor: Any) -> Iterator[Page]:
        raise NotImplementedError

    def reference_data(self) -> dict[str, Any]:
        return {}

    def fetch_ids(self, ids: list[str]) -> Page:
        """The listings with these ids, read again (the retry list); `listed` stays 0."""
        raise NotImplementedError


def optional_call(read: Callable[[], T], default: T, what: str, skipped: list[str]) -> T:
    """Reference data an import can do without: when the platform will not give it (not found,
    a permission the shop's authorization lacks, still failing after retries), say so and go
    on with `default`. A refused access token is not the reference data's fault: it still
    stops the import (and a lacking authorization shows on the next product call anyway)."""
    try:
        return read()
    except MarketplaceError as error:
        if error.token_problem:
            raise
        skipped.append(f"Could not read {what}: {error.message}")
        return default


def window_split(fetcher: Fetcher, window: Window, reached: int) -> list[Window]:
    """Smaller windows for one the platform stopped paging after `reached` results.

    Every split makes progress: windows within the cap the platform enforced, or half the
    window when that is not smaller (a cap below the page size refuses the very first page).
    A window that cannot be split (a second of updates over the cap) is a resumable error
    naming it, never a loop.
    """
    cap = reached if 0 < reached < window.total else window.total // 2
    smaller = fetcher.plan(window.time_from, window.time_to, cap=max(1, cap))
    if [(w.time_from, w.time_to) for w in smaller] == [(window.time_from, window.time_to)]:
        raise PagingStuck(
            f"The platform stops paging after {reached} results, and the {window.total} "
            f"listings updated between {window.time_from} and {window.time_to} (Unix time) "
            "cannot be split into smaller windows. Resume the import to try again."
        )
    return smaller


def _failure(product_id: str, error: Exception) -> FetchFailure:
    if isinstance(error, MarketplaceError):
        transient = error.retryable and not error.not_found
        return FetchFailure(product_id, str(error.error_type), str(error), transient)
    return FetchFailure(product_id, ErrorType.DATA_PARSING_ERROR, repr(error))


def _passes_on(error: MarketplaceError) -> bool:
    """Errors a detail call hands to the run: a token or authorization problem stops the
    import; anything else is the listing's own failure."""
    return error.token_problem or error.reauthorize


class ShopeeFetcher(Fetcher):
    """get_item_list (100 a page) -> get_item_base_info (50 ids a call) -> get_model_list."""

    cap = SHOPEE_OFFSET_CAP

    def __init__(self, client: ShopeeClient, concurrency: int = 4) -> None:
        self.client = client
        self.concurrency = max(1, concurrency)

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
                page_size=PAGE_SIZE,
                statuses=ITEM_STATUSES,
                update_time_from=window.time_from,
                update_time_to=window.time_to,
            )
        except MarketplaceError as error:
            if "offset over limit" in error.message:
                raise PagingCapReached(offset) from error
            raise

    def _details(self, ids: list[int], pool: ThreadPoolExecutor) -> Page:
        page = Page(records=[])
        items: list[dict[str, Any]] = []
        for start in range(0, len(ids), MAX_IDS_PER_CALL):
            chunk = ids[start : start + MAX_IDS_PER_CALL]
            try:
                found, missing = self.client.get_item_base_info(chunk)
            except MarketplaceError as error:
                if _passes_on(error):
                    raise
                page.failures += [_failure(str(item_id), error) for item_id in chunk]
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
        with_models = [item for item in items if item.get("has_model")]
        models = dict(
            zip(
                (item["item_id"] for item in with_models),
                pool.map(self._models_or_error, (item["item_id"] for item in with_models)),
                strict=True,
            )
        )
        for item in items:
            product_id = str(item["item_id"])
            model_result = models.get(item["item_id"])
            if isinstance(model_result, Exception):
                page.failures.append(_failure(product_id, model_result))
                continue
            page.records.append((product_id, {"base_info": item, "models": model_result}))
        return page

    def _models_or_error(self, item_id: int) -> dict[str, Any] | Exception:
        try:
            return self.client.get_model_list(item_id)
        except MarketplaceError as error:
            if _passes_on(error):
                raise
            return error

    def fetch_ids(self, ids: list[str]) -> Page:
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="shopee-models") as pool:
            return self._details([int(item_id) for item_id in ids], pool)


class TikTokFetcher(Fetcher):
    """products/search (100 a page, page_token) -> product detail per id, in parallel."""

    cap = TIKTOK_RESULT_CAP

    def __init__(self, client: TikTokShopClient, concurrency: int = 4) -> None:
        self.client = client
        self.concurrency = max(1, concurrency)

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
                        page_size=PAGE_SIZE,
                        page_token=token,
                        update_time_ge=window.time_from,
                        update_time_le=window.time_to,
                    )
                except MarketplaceError as error:
                    if error.code == "12052180":  # the result cap (10,000 as documented)
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
        for product_id, detail in zip(ids, pool.map(self._detail_or_error, ids), strict=True):
            if isinstance(detail, Exception):
                page.failures.append(_failure(product_id, detail))
            else:
                page.records.append((product_id, detail))
        return page

    def _detail_or_error(self, product_id: str) -> dict[str, Any] | Exception:
        try:
            return self.client.get_product(product_id)
        except MarketplaceError as error:
            if _passes_on(error):
                raise
            return error

    def fetch_ids(self, ids: list[str]) -> Page:
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="tiktok-detail") as pool:
            return self._details(ids, pool)

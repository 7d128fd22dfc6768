"""Fetching a shop's listings page by page, in update-time windows the platforms can page.

The platforms cap deep paging (Shopee refuses large offsets, TikTok stops at 10,000 search
results), so a run is planned as windows of update time, each small enough to page through:
counting is cheap (one call with a page size of 1), and a window over the cap is halved.
This is the shared machinery; each platform's fetcher (imports/platforms/<name>/fetcher.py)
pages its own API, with the caps and sizes of its rules.py.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from imports.clients.errors import ErrorType, MarketplaceError

logger = logging.getLogger("imports.pipeline")
T = TypeVar("T")
R = TypeVar("R")

EARLIEST = 1_262_304_000  # 2010-01-01: before either marketplace's open API existed


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
    prepared: Any = None  # a `prepare.PreparedPage`, worked out on the fetching thread


class Fetcher:
    """Pages one shop's listings. Subclasses set both from their platform's rules."""

    cap: int  # the most results one window may hold (the platform's paging cap)
    page_size: int  # listings per page (the retry list is read again in pages this size)

    def __init__(self, client: Any, concurrency: int = 4) -> None:
        self.client = client  # the platform's own client (subclasses narrow the type)
        self.concurrency = max(1, concurrency)

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

    def call_each(
        self, call: Callable[[T], R], items: Sequence[T], pool: ThreadPoolExecutor
    ) -> list[R]:
        """`list(pool.map(call, items))` with one task for each of the pool's threads instead of
        one for each item (a task and its future cost more CPU than a detail call to a fast
        marketplace). Each thread takes the next item not yet taken, so a call waiting out its
        retries holds up only its own thread. After an error no thread takes another item;
        the calls under way end, and the error of the earliest item comes out, as from map."""
        results: list[Any] = [None] * len(items)
        errors: list[tuple[int, BaseException]] = []
        taken = iter(range(len(items)))
        lock = threading.Lock()

        def work() -> None:
            while not errors:
                with lock:
                    index = next(taken, None)
                if index is None:
                    return
                try:
                    results[index] = call(items[index])
                except BaseException as error:  # raised to the caller below
                    errors.append((index, error))

        threads = [pool.submit(work) for _ in range(min(self.concurrency, len(items)))]
        for thread in threads:
            thread.result()
        if errors:
            raise min(errors, key=lambda pair: pair[0])[1]
        return results

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


def fetch_failure(product_id: str, error: Exception) -> FetchFailure:
    """A detail call's error as the listing's failure (transient ones go on the retry list)."""
    if isinstance(error, MarketplaceError):
        transient = error.retryable and not error.not_found
        return FetchFailure(product_id, str(error.error_type), str(error), transient)
    return FetchFailure(product_id, ErrorType.DATA_PARSING_ERROR, repr(error))


def passes_on(error: MarketplaceError) -> bool:
    """Errors a detail call hands to the run: a token or authorization problem stops the
    import; anything else is the listing's own failure."""
    return error.token_problem or error.reauthorize

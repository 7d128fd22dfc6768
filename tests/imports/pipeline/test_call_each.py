"""Detail calls shared out among the fetch pool's threads: one task a thread, results in order."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from imports.pipeline.fetch import Fetcher


@pytest.mark.parametrize(("items", "concurrency"), [(list(range(23)), 4), ([7, 8], 4), ([], 3)])
def test_results_come_back_in_the_items_order(items, concurrency):
    fetcher = Fetcher(client=None, concurrency=concurrency)
    with ThreadPoolExecutor(concurrency) as pool:
        assert fetcher.call_each(lambda item: item * 10, items, pool) == [i * 10 for i in items]


def test_a_slow_call_holds_up_only_its_own_thread():
    """Item 0 waits until every other item has been called: the other thread must take them
    all (a thread given a fixed share would wait behind item 0 and the call would time out)."""
    fetcher = Fetcher(client=None, concurrency=2)
    items = list(range(12))
    others_called = threading.Event()
    called: set[int] = set()
    lock = threading.Lock()

    def call(item: int) -> int:
        if item == 0:
            assert others_called.wait(timeout=10), "the other items waited behind item 0"
        else:
            with lock:
                called.add(item)
                if called == set(items[1:]):
                    others_called.set()
        return item

    with ThreadPoolExecutor(2) as pool:
        assert fetcher.call_each(call, items, pool) == items


def test_the_earliest_items_error_comes_out_and_no_new_item_is_taken_after_it():
    fetcher = Fetcher(client=None, concurrency=2)
    called: list[int] = []
    lock = threading.Lock()

    def call(item: int) -> int:
        with lock:
            called.append(item)
        if item in (5, 7):
            raise RuntimeError(f"item {item} refused")
        return item

    with ThreadPoolExecutor(2) as pool, pytest.raises(RuntimeError, match="item 5 refused"):
        fetcher.call_each(call, list(range(100)), pool)
    # Items go out in order; after item 5's error the other thread ends the call it has.
    assert sorted(called)[:6] == [0, 1, 2, 3, 4, 5]
    assert max(called) <= 7

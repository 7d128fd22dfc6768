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


def test_each_item_is_called_once_and_the_threads_share_them():
    fetcher = Fetcher(client=None, concurrency=3)
    calls: list[tuple[int, str]] = []
    lock = threading.Lock()
    started = threading.Barrier(3, timeout=10)  # every share runs at the same time

    def call(item: int) -> int:
        if item < 3:
            started.wait()
        with lock:
            calls.append((item, threading.current_thread().name))
        return item

    with ThreadPoolExecutor(3, thread_name_prefix="detail") as pool:
        fetcher.call_each(call, list(range(10)), pool)
    assert sorted(item for item, _ in calls) == list(range(10))
    by_thread: dict[str, list[int]] = {}
    for item, thread in calls:
        by_thread.setdefault(thread, []).append(item)
    assert sorted(by_thread.values()) == [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]


def test_an_error_raised_by_a_call_comes_out_of_call_each():
    fetcher = Fetcher(client=None, concurrency=2)

    def call(item: int) -> int:
        if item == 5:
            raise RuntimeError("token refused")
        return item

    with ThreadPoolExecutor(2) as pool, pytest.raises(RuntimeError, match="token refused"):
        fetcher.call_each(call, list(range(8)), pool)

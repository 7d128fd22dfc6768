"""Where an import's time goes: wall time per stage, and database time split reads/writes.

The clock is also a Django execute wrapper, so every query of the job's own connection is
timed without touching the code that issues it.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "COPY")


class StageClock:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._lock = threading.Lock()

    def add(self, name: str, seconds: float) -> None:
        with self._lock:
            self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start)

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            verb = sql.lstrip()[:6].upper()
            self.add("db_write" if verb in WRITE_VERBS else "db_read", time.perf_counter() - start)

    def merge_into(self, stored: dict[str, float] | None) -> dict[str, float]:
        """Add what was timed since the last merge to a job's stored totals."""
        with self._lock:
            pending, self.seconds = self.seconds, {}
        merged = dict(stored or {})
        for name, seconds in pending.items():
            merged[name] = round(merged.get(name, 0.0) + seconds, 4)
        return merged

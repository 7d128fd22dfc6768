"""Counting a job's marketplace calls: totals, time, failures and retries per endpoint."""

from __future__ import annotations

import threading


class CallCounter:
    """Counts a job's marketplace calls, their time and retries per endpoint (for metrics)."""

    def __init__(self) -> None:
        self.count = 0
        self.stats: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()

    def __call__(self, endpoint: str) -> None:
        with self._lock:
            self.count += 1

    def _entry(self, endpoint: str) -> dict[str, float]:
        return self.stats.setdefault(
            endpoint, {"calls": 0, "seconds": 0.0, "failures": 0, "retries": 0}
        )

    def done(self, endpoint: str, seconds: float, failed: bool) -> None:
        with self._lock:
            entry = self._entry(endpoint)
            entry["calls"] += 1
            entry["seconds"] += seconds
            entry["failures"] += int(failed)

    def retry(self, endpoint: str) -> None:
        with self._lock:
            self._entry(endpoint)["retries"] += 1

    def take(self) -> int:
        with self._lock:
            taken, self.count = self.count, 0
        return taken

    def merge_into(self, stats: dict) -> dict:
        """Add what was counted since the last merge to a job's stored totals."""
        with self._lock:
            pending, self.stats = self.stats, {}
        merged = {k: dict(v) for k, v in (stats or {}).items()}
        for endpoint, entry in pending.items():
            total = merged.setdefault(
                endpoint, {"calls": 0, "seconds": 0.0, "failures": 0, "retries": 0}
            )
            for key, value in entry.items():
                total[key] = round(total.get(key, 0) + value, 4)
        return merged

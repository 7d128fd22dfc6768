"""Request counts for the API throttles, shared by every web process, one statement a check.

A sliding-window counter: each key keeps the hits of the current fixed window and of the one
before; the estimate weighs the previous window by how much of it still overlaps the last
`duration` seconds. One upsert counts a hit and returns both, so a throttle costs one query
(Django's database cache would take about seven: get, count, cull, set).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, models
from django.utils import timezone

RETENTION = timedelta(days=1)  # rows idle longer than this are pruned (hourly)


class RateCounter(models.Model):
    key = models.CharField(primary_key=True, max_length=200)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)
    previous_hits = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "api_rate_counters"
        indexes = [models.Index(fields=["window_start"], name="api_rate_counters_window")]

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"


@dataclass(frozen=True)
class RateWindow:
    """Where a key stands: the hits of this window and the last, `elapsed` seconds into it."""

    hits: int
    previous_hits: int
    elapsed: float
    duration: int

    @property
    def estimate(self) -> float:
        return self.previous_hits * (1 - self.elapsed / self.duration) + self.hits

    def allows(self, limit: int, more: int = 0) -> bool:
        """Whether the estimate, with `more` hits yet to come, stays within `limit`."""
        return self.estimate + more <= limit

    def seconds_until_allowed(self, limit: int) -> float:
        """Until one more hit would be allowed (at least a second: Retry-After is whole)."""
        room = limit - self.hits - 1  # what the previous window's share may still weigh
        if room >= 0:
            if not self.previous_hits:
                return 1.0
            # The previous window's share shrinks linearly as this one goes on.
            wait = self.duration * (1 - room / self.previous_hits) - self.elapsed
        else:
            # This window alone is over: it ends, then its share must shrink enough.
            weight = 1 - (limit - 1) / max(self.hits, 1)
            wait = (self.duration - self.elapsed) + self.duration * weight
        return max(1.0, wait)


def _window(now: float, duration: int) -> tuple[datetime, float]:
    start = math.floor(now / duration) * duration
    return datetime.fromtimestamp(start, UTC), now - start


_HIT = """
    INSERT INTO api_rate_counters AS c (key, window_start, hits, previous_hits)
    SELECT %(key)s, %(start)s, 1, 0 {commit}
    ON CONFLICT (key) DO UPDATE SET
        previous_hits = CASE
            WHEN c.window_start = EXCLUDED.window_start THEN c.previous_hits
            WHEN c.window_start = EXCLUDED.window_start - %(duration)s THEN c.hits
            ELSE 0 END,
        hits = CASE WHEN c.window_start = EXCLUDED.window_start THEN c.hits + 1 ELSE 1 END,
        window_start = EXCLUDED.window_start
    RETURNING hits, previous_hits
"""


_WITHOUT_WAITING = "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS commit_setting"


def rate_counter_hit(key: str, duration: int, now: float) -> RateWindow:
    """Count a hit of `key` in its `duration`-second window; where it stands afterwards."""
    start, elapsed = _window(now, duration)
    params = {"key": key, "start": start, "duration": timedelta(seconds=duration)}
    # Every API request counts a hit: waiting for the disk on each commit doubled a busy
    # server's latency, and a crash losing the last counts loses nothing real. Outside a
    # transaction the statement is its own, and its commit skips the wait (set_config's local
    # setting lasts until that commit): one round trip, not four. Inside the caller's
    # transaction, the caller decides how it commits.
    commit = "" if connection.in_atomic_block else _WITHOUT_WAITING
    with connection.cursor() as cursor:
        cursor.execute(_HIT.format(commit=commit), params)
        hits, previous = cursor.fetchone()
    return RateWindow(hits, previous, elapsed, duration)


def rate_counter_peek(key: str, duration: int, now: float) -> RateWindow:
    """Where `key` stands, without counting a hit."""
    start, elapsed = _window(now, duration)
    found = (
        RateCounter.objects.filter(key=key)
        .values_list("window_start", "hits", "previous_hits")
        .first()
    )
    if found is None:
        return RateWindow(0, 0, elapsed, duration)
    window_start, hits, previous = found
    if window_start == start:
        return RateWindow(hits, previous, elapsed, duration)
    if window_start == start - timedelta(seconds=duration):  # the row is last window's
        return RateWindow(0, hits, elapsed, duration)
    return RateWindow(0, 0, elapsed, duration)


def rate_counters_prune(now: datetime | None = None) -> int:
    """Forget keys idle for a day (an address that called once stays no longer than that)."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _ = RateCounter.objects.filter(window_start__lt=cutoff).delete()
    return deleted

"""django-q2 entry points of core."""

from __future__ import annotations

from core.ratelimits import rate_counters_prune


def prune_rate_counters() -> str:
    """Forget API throttle counts idle for a day (scheduled hourly)."""
    return f"pruned {rate_counters_prune()} rate counters"

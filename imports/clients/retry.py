"""Exponential backoff with full jitter, honouring Retry-After."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_seconds: float = 0.5
    cap_seconds: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt `attempt + 1` (attempt counts from 1)."""
        backoff = min(self.cap_seconds, self.base_seconds * 2 ** (attempt - 1))
        jittered = random.uniform(backoff / 2, backoff)  # noqa: S311 - jitter, not crypto
        return max(jittered, min(retry_after or 0.0, self.cap_seconds))

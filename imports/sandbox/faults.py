"""What can go wrong on the wire, on purpose: latency, rate limits and injected faults."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, fields

FAULT_KINDS = (
    "rate_limit",  # 429 with Retry-After and the platform's throttling error
    "server_error",  # HTTP 500 with the platform's internal-error envelope
    "busy",  # the platform's "system busy" error (Shopee: HTTP 200 + error_system_busy)
    "timeout",  # the response comes after `slow_seconds` (past a client's timeout)
    "drop",  # the connection closes without a response
    "truncate",  # the body stops half-way
    "malformed",  # a complete response whose body is not JSON
    "token_expiry",  # every access token issued so far expires now
)


@dataclass
class FaultConfig:
    latency_ms: float = 0.0
    qps: float = 0.0  # 0: no limit
    slow_seconds: float = 5.0
    retry_after: float = 1.0  # what an injected 429 tells the client to wait
    rate_limit: float = 0.0
    server_error: float = 0.0
    busy: float = 0.0
    timeout: float = 0.0
    drop: float = 0.0
    truncate: float = 0.0
    malformed: float = 0.0
    token_expiry: float = 0.0
    seed: int = 0

    @classmethod
    def spread(cls, fault_rate: float, **other: float) -> FaultConfig:
        """`fault_rate` shared evenly by every kind of fault."""
        share = fault_rate / len(FAULT_KINDS)
        return cls(**{kind: share for kind in FAULT_KINDS}, **other)

    def update(self, values: dict[str, float]) -> None:
        known = {f.name for f in fields(self)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        for name, value in values.items():
            if float(value) < 0:
                raise ValueError(f"{name} cannot be negative")
            setattr(self, name, type(getattr(self, name))(value))

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class RateLimiter:
    """A token bucket of `qps` calls per second with a one-second burst."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: float | None = None  # starts with a full bucket
        self._stamp = time.monotonic()

    def wait_seconds(self, qps: float) -> float:
        """0 when the call may go now (and takes a token), else how long until one is free."""
        if qps <= 0:
            return 0.0
        with self._lock:
            now = time.monotonic()
            if self._tokens is None:
                self._tokens = qps
            self._tokens = min(qps, self._tokens + (now - self._stamp) * qps)
            self._stamp = now
            if self._tokens >= 1:
                self._tokens -= 1
                return 0.0
            return (1 - self._tokens) / qps


@dataclass
class Counters:
    calls: Counter = field(default_factory=Counter)  # "platform endpoint" -> count
    faults: Counter = field(default_factory=Counter)  # "platform kind" -> count
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, platform: str, endpoint: str) -> None:
        with self.lock:
            self.calls[f"{platform} {endpoint}"] += 1

    def fault(self, platform: str, kind: str) -> None:
        with self.lock:
            self.faults[f"{platform} {kind}"] += 1

    def snapshot(self) -> dict[str, dict[str, int]]:
        with self.lock:
            return {"calls": dict(self.calls), "faults": dict(self.faults)}

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()
            self.faults.clear()


class FaultInjector:
    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._random = random.Random(config.seed)  # noqa: S311 - simulation only
        self._lock = threading.Lock()

    def draw(self) -> str | None:
        """The fault for this call, if any."""
        with self._lock:
            roll = self._random.random()
        threshold = 0.0
        for kind in FAULT_KINDS:
            threshold += getattr(self.config, kind)
            if roll < threshold:
                return kind
        return None


class Outage:
    """The marketplace going down for a while in the middle of a run (control API: /outage).

    After `after_calls` more calls it answers every call (or only those to `endpoints`) with a
    server error, or drops the connection, for `seconds` or for `failing_calls` calls, then
    comes back. Deterministic on purpose: a test knows which listings the outage hits.
    """

    KINDS = ("server_error", "drop")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.after_calls = 0
        self.seconds = 0.0
        self.failing_calls = 0
        self.endpoints: tuple[str, ...] = ()
        self.kind = "server_error"
        self.armed = False
        self.refused = 0
        self._seen = 0
        self._down_since: float | None = None

    def arm(self, settings: dict) -> None:
        unknown = set(settings) - {"after_calls", "seconds", "failing_calls", "endpoints", "kind"}
        if unknown:
            raise ValueError(f"unknown outage settings: {', '.join(sorted(unknown))}")
        kind = str(settings.get("kind", "server_error"))
        seconds = float(settings.get("seconds", 0))
        failing_calls = int(settings.get("failing_calls", 0))
        after_calls = int(settings.get("after_calls", 0))
        if kind not in self.KINDS:
            raise ValueError(f"an outage is one of {', '.join(self.KINDS)}")
        if min(seconds, failing_calls, after_calls) < 0 or not (seconds or failing_calls):
            raise ValueError("an outage lasts a positive number of seconds or failing_calls")
        with self._lock:
            self.clear()
            self.after_calls, self.seconds, self.failing_calls = after_calls, seconds, failing_calls
            self.endpoints = tuple(settings.get("endpoints") or ())
            self.kind = kind
            self.armed = True

    def draw(self, endpoint: str) -> str | None:
        """The outage's answer to this call, or None when the call goes through."""
        with self._lock:
            if not self.armed or (self.endpoints and endpoint not in self.endpoints):
                return None
            if self._down_since is None:
                self._seen += 1
                if self._seen <= self.after_calls:
                    return None
                self._down_since = time.monotonic()
            over = (
                time.monotonic() - self._down_since >= self.seconds
                if self.seconds
                else self.refused >= self.failing_calls
            )
            if over:
                self.armed = False
                return None
            self.refused += 1
            return self.kind

    def as_dict(self) -> dict:
        with self._lock:
            return {
                "armed": self.armed,
                "down": self.armed and self._down_since is not None,
                "after_calls": self.after_calls,
                "seconds": self.seconds,
                "failing_calls": self.failing_calls,
                "endpoints": list(self.endpoints),
                "kind": self.kind,
                "refused": self.refused,
            }

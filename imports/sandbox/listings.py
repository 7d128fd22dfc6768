"""Which listings a sandbox shop has, and which of them match a query, for up to 1M listings.

A shop has `size` base listings (index 0..size-1) whose update times grow with the index, and a
small set of changed listings (updated, created or deleted through the control endpoint). Each
listing falls in a class (its status, and for TikTok the platforms it is listed on) drawn from a
repeating pattern, so a query's total count is arithmetic and paging never scans the catalog.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

PATTERN_PERIOD = 1000


def class_pattern(seed: int, salt: str, mix: dict[str, float]) -> tuple[str, ...]:
    """A shuffled period of listing classes in the proportions of `mix`."""
    total = sum(mix.values())
    counts = {name: int(PATTERN_PERIOD * share / total) for name, share in mix.items()}
    first = next(iter(mix))
    counts[first] += PATTERN_PERIOD - sum(counts.values())
    pattern = [name for name, count in counts.items() for _ in range(count)]
    random.Random(f"{seed}:{salt}").shuffle(pattern)  # noqa: S311 - simulation only
    return tuple(pattern)


@dataclass
class Change:
    """A listing that differs from its generated base (kept in memory, few)."""

    update_time: int
    listing_class: str
    version: int = 1
    price_percent: int = 0
    deleted: bool = False
    # Written through the write endpoints or edited "in Seller Center" (the control API):
    # the title, and prices by variant number (0 for a listing without variants).
    title: str | None = None
    prices: dict[int, int] = field(default_factory=dict)


@dataclass
class ListingSet:
    size: int
    pattern: tuple[str, ...]
    base_time: int
    time_step: int
    changes: dict[int, Change] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # prefix[c][k]: how many of pattern[0:k] are class c.
        self._prefix: dict[str, list[int]] = {}
        for name in set(self.pattern):
            running, prefix = 0, [0]
            for item in self.pattern:
                running += item == name
                prefix.append(running)
            self._prefix[name] = prefix

    # --- one listing -------------------------------------------------------------------------
    def exists(self, index: int) -> bool:
        return 0 <= index < self.size or index in self.changes

    def base_update_time(self, index: int) -> int:
        return self.base_time + index * self.time_step

    def update_time(self, index: int) -> int:
        change = self.changes.get(index)
        return change.update_time if change else self.base_update_time(index)

    def listing_class(self, index: int) -> str:
        change = self.changes.get(index)
        return change.listing_class if change else self.pattern[index % PATTERN_PERIOD]

    # --- queries -----------------------------------------------------------------------------
    def _base_range(self, time_from: int | None, time_to: int | None) -> tuple[int, int]:
        low, high = 0, self.size
        if time_from is not None:
            low = max(low, -(-(time_from - self.base_time) // self.time_step))
        if time_to is not None:
            high = min(high, (time_to - self.base_time) // self.time_step + 1)
        return low, max(low, high)

    def _count_classes(self, low: int, high: int, classes: frozenset[str]) -> int:
        def upto(position: int) -> int:
            periods, rest = divmod(position, PATTERN_PERIOD)
            return sum(
                periods * self._prefix[c][PATTERN_PERIOD] + self._prefix[c][rest]
                for c in classes
                if c in self._prefix
            )

        return upto(high) - upto(low)

    def _changed_matches(
        self, time_from: int | None, time_to: int | None, classes: frozenset[str]
    ) -> list[int]:
        matches = [
            index
            for index, change in self.changes.items()
            if change.listing_class in classes
            and (time_from is None or change.update_time >= time_from)
            and (time_to is None or change.update_time <= time_to)
        ]
        return sorted(matches, key=lambda index: (self.changes[index].update_time, index))

    def count(self, *, time_from: int | None, time_to: int | None, classes: Iterable[str]) -> int:
        wanted = frozenset(classes)
        low, high = self._base_range(time_from, time_to)
        base = self._count_classes(low, high, wanted)
        # Changed base listings no longer count where their base lies.
        base -= sum(
            1
            for index in self.changes
            if low <= index < high and self.pattern[index % PATTERN_PERIOD] in wanted
        )
        return base + len(self._changed_matches(time_from, time_to, wanted))

    def page(
        self,
        *,
        time_from: int | None,
        time_to: int | None,
        classes: Iterable[str],
        offset: int,
        limit: int,
    ) -> list[int]:
        """Indices of matching listings in update-time order, `limit` from `offset`."""
        return list(self._iter_from(time_from, time_to, frozenset(classes), offset, limit))

    def _iter_from(
        self,
        time_from: int | None,
        time_to: int | None,
        classes: frozenset[str],
        offset: int,
        limit: int,
    ) -> Iterator[int]:
        low, high = self._base_range(time_from, time_to)
        changed_in_base = sorted(i for i in self.changes if low <= i < high)
        # Jump whole pattern periods first, then walk: cost is O(period), not O(offset).
        per_period = sum(self._prefix[c][PATTERN_PERIOD] for c in classes if c in self._prefix)
        position, skipped = low, 0
        if per_period:
            first_full = -(-low // PATTERN_PERIOD) * PATTERN_PERIOD
            head = self._count_classes(low, min(first_full, high), classes)
            if offset >= head and first_full < high:
                jump = (offset - head) // per_period
                candidate = first_full + jump * PATTERN_PERIOD
                if candidate <= high:
                    # Changed listings inside the jumped span were counted by the pattern.
                    lost = bisect.bisect_left(changed_in_base, candidate) - bisect.bisect_left(
                        changed_in_base, low
                    )
                    lost_matching = sum(
                        1
                        for i in changed_in_base[:lost]
                        if self.pattern[i % PATTERN_PERIOD] in classes
                    )
                    position = candidate
                    skipped = head + jump * per_period - lost_matching
        produced = 0
        changes = self.changes
        pattern = self.pattern
        while position < high and produced < limit:
            if position not in changes and pattern[position % PATTERN_PERIOD] in classes:
                if skipped >= offset:
                    yield position
                    produced += 1
                else:
                    skipped += 1
            position += 1
        if produced >= limit:
            return
        for index in self._changed_matches(time_from, time_to, classes):
            if produced >= limit:
                return
            if skipped >= offset:
                yield index
                produced += 1
            else:
                skipped += 1

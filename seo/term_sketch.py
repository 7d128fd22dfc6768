"""Document frequencies of terms in bounded memory (pure).

An organization's vocabulary grows with its catalog: every word pair is a new bigram, every
model code a new word. Counted exactly it was most of an import's memory growth (about 300k
terms at 100k products a shop). `TermFrequencies` keeps:

- words (terms without a space) exactly, up to `word_capacity` of them: matching blocks
  candidates on a title's rarest known words and weighs words by rarity, so a word it has
  never seen must read 0 - and a real catalog has far fewer words than pairs;
- word pairs, and words beyond the capacity, in a count-min sketch: three fixed rows of
  counters, each term adding one to a counter in every row and reading the smallest. A
  collision can only add, so a count is never under-estimated; an unseen term reads non-zero
  only when all three of its counters are taken, about (1 - e^(-terms/width))^3 of the time.

Counts only over-estimate, which for keyword ranking (idf) means a rare pair can look
slightly less rare; never the reverse.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections.abc import Iterable

WORD_CAPACITY = 65_536
# 2^21 counters a row, 3 rows: 24 MB. At 300k pairs an unseen one reads non-zero about 0.2% of
# the time (0.5% at 400k). Three rows of 21 bits use 63 of the 64 bits of one str hash.
WIDTH_BITS = 21
ROWS = 3
_COUNTER = "I"  # unsigned 32-bit: a count is at most the number of products


class TermFrequencies:
    """How many documents use each term; `get`, `[term]` and `update` as a Counter's."""

    __slots__ = ("_mask", "_rows", "_shift", "word_capacity", "words")

    def __init__(self, *, word_capacity: int = WORD_CAPACITY, width_bits: int = WIDTH_BITS):
        if not 1 <= width_bits <= 64 // ROWS:
            raise ValueError(f"width_bits must be between 1 and {64 // ROWS}")
        self.words: dict[str, int] = {}
        self.word_capacity = word_capacity
        size = 1 << width_bits
        self._rows = tuple(array(_COUNTER, [0]) * size for _ in range(ROWS))
        self._mask = size - 1
        self._shift = width_bits

    @property
    def width(self) -> int:
        return self._mask + 1

    @property
    def nbytes(self) -> int:
        """The sketch's counters (fixed) and the exact words' table (at most its capacity)."""
        counters = sum(len(row) * row.itemsize for row in self._rows)
        words = sys.getsizeof(self.words) + sum(sys.getsizeof(word) for word in self.words)
        return counters + words

    def update(self, terms: Iterable[str]) -> None:
        """Count each term once more (a document's distinct terms, once per document)."""
        words, capacity = self.words, self.word_capacity
        first, second, third = self._rows
        mask, shift = self._mask, self._shift
        for term in terms:
            if " " not in term:
                if term in words:
                    words[term] += 1
                    continue
                if len(words) < capacity:
                    words[term] = 1
                    continue
            # One hash (cached on the str), three slices of it: one counter a row.
            code = hash(term)
            first[code & mask] += 1
            second[(code >> shift) & mask] += 1
            third[(code >> (2 * shift)) & mask] += 1

    def get(self, term: str, default: int | None = None) -> int | None:
        """The term's count (a sketched one may be more, never less), or `default` for a
        term never counted (and, rarely, for a sketched one never counted: it may read more)."""
        count = self.words.get(term)
        if count is not None:
            return count
        if " " not in term and len(self.words) < self.word_capacity:
            return default  # every word counted so far is in `words`
        first, second, third = self._rows
        mask, shift = self._mask, self._shift
        code = hash(term)
        count = first[code & mask]
        if count:  # the smallest of the three counters (most unseen terms stop at the first)
            other = second[(code >> shift) & mask]
            if other < count:
                count = other
            other = third[(code >> (2 * shift)) & mask]
            if other < count:
                count = other
        return count or default

    def __getitem__(self, term: str) -> int:
        return self.get(term, 0) or 0

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and bool(self.get(term, 0))

    def expected_false_positive_rate(self, distinct_terms: int) -> float:
        """How often an unseen sketched term reads non-zero after `distinct_terms` were
        sketched (each row's share of taken counters, for all rows at once)."""
        taken = 1 - math.exp(-distinct_terms / self.width)
        return taken**ROWS

"""Term frequencies in bounded memory: words exact up to a capacity, the rest sketched."""

import random
import tracemalloc
from collections import Counter

from seo.term_sketch import TermFrequencies

# The intended load: ~100k products a shop, both shops, have ~17k words and ~300k word pairs.
PAIRS_AT_100K = 300_000


def _pair(number: int, salt: str = "") -> str:
    return f"kaos{salt}{number} polos{number % 97}"


def test_words_are_counted_exactly_and_unseen_words_read_zero():
    frequency = TermFrequencies(width_bits=8)
    frequency.update(["kaos", "polos", "kaos polos"])
    frequency.update(["kaos", "pria"])
    assert frequency.get("kaos", 0) == 2 and frequency["polos"] == 1
    assert frequency.words == {"kaos": 2, "polos": 1, "pria": 1}  # pairs are never kept exactly
    assert frequency.get("zzyzx", 0) == 0 and frequency.get("zzyzx") is None
    assert frequency["zzyzx"] == 0 and "zzyzx" not in frequency and "kaos" in frequency
    assert frequency["kaos polos"] >= 1


def test_counts_are_never_under_estimated():
    # A tiny sketch (64 counters a row) for ~2,000 terms: collisions everywhere.
    frequency = TermFrequencies(word_capacity=100, width_bits=6)
    truth: Counter = Counter()
    generator = random.Random(7)
    vocabulary = [f"w{n}" for n in range(1_000)] + [_pair(n) for n in range(1_000)]
    for _document in range(3_000):
        terms = set(generator.sample(vocabulary, 12))
        frequency.update(terms)
        truth.update(terms)
    assert all(frequency[term] >= count for term, count in truth.items())
    words = [term for term in truth if " " not in term]
    exact = [term for term in words if term in frequency.words]
    assert len(exact) == 100  # the first 100 words, counted exactly; the others sketched
    assert all(frequency[term] == truth[term] for term in exact)
    assert any(frequency[term] > truth[term] for term in truth if term not in frequency.words)


def test_unseen_terms_read_zero_at_the_intended_load():
    frequency = TermFrequencies()
    for number in range(PAIRS_AT_100K):
        frequency.update([_pair(number), f"w{number % 17_000}"])
    unseen = 200_000
    false_positives = sum(1 for n in range(unseen) if frequency.get(_pair(n, "x"), 0))
    expected = frequency.expected_false_positive_rate(PAIRS_AT_100K)
    print(f"unseen pairs read non-zero: {false_positives / unseen:.4%} (expected {expected:.4%})")
    assert expected < 0.005
    # Binomial mean ~470 (sd ~22) at 2^21 counters a row: twice that is far out of chance.
    assert false_positives <= 2 * expected * unseen
    # Words are exact below the capacity: an unseen word is never known.
    assert not any(frequency.get(f"x{n}", 0) for n in range(unseen))


def test_words_beyond_the_capacity_are_sketched_and_read_zero_when_unseen():
    frequency = TermFrequencies(word_capacity=1_000)
    frequency.update(f"w{n}" for n in range(50_000))
    assert len(frequency.words) == 1_000
    assert all(frequency[f"w{n}"] >= 1 for n in range(50_000))
    assert sum(1 for n in range(50_000) if frequency[f"x{n}"]) < 50


def test_memory_does_not_grow_after_a_million_updates():
    frequency = TermFrequencies(word_capacity=10_000, width_bits=16)
    frequency.update(f"w{n}" for n in range(10_000))  # the exact words are full
    size = frequency.nbytes
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for start in range(0, 1_000_000, 1_000):
            frequency.update(f"v{n}" if n % 2 else _pair(n) for n in range(start, start + 1_000))
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert frequency.nbytes == size
    assert grown < 4_096  # nothing kept per term (a few stray objects at most)
    assert frequency["v999999"] >= 1

"""Keywords in Bahasa Indonesia: normalization, stopwords, unigrams and bigrams, ranking (pure)."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

# Function words and listing filler that never help a buyer find a product.
STOPWORDS = frozenset(
    [
        "ada",
        "adalah",
        "agar",
        "akan",
        "aku",
        "anda",
        "atau",
        "bagi",
        "bahwa",
        "banyak",
        "baru",
        "bisa",
        "buat",
        "dalam",
        "dan",
        "dapat",
        "dari",
        "dengan",
        "di",
        "dia",
        "hanya",
        "harus",
        "ini",
        "itu",
        "jadi",
        "jika",
        "juga",
        "kami",
        "kamu",
        "karena",
        "ke",
        "kita",
        "lagi",
        "lain",
        "lebih",
        "maka",
        "mau",
        "masih",
        "mereka",
        "nya",
        "oleh",
        "pada",
        "para",
        "per",
        "pun",
        "saat",
        "saja",
        "sampai",
        "sangat",
        "satu",
        "sebagai",
        "sebelum",
        "sedang",
        "sehingga",
        "seperti",
        "serta",
        "setelah",
        "sudah",
        "supaya",
        "tanpa",
        "telah",
        "tentang",
        "tetapi",
        "tidak",
        "untuk",
        "yang",
        "yg",
        "dgn",
        "utk",
        "sdh",
        "tdk",
        "bgt",
        "banget",
        "aja",
        "kok",
        "deh",
        "dong",
        "sih",
        "nih",
        "tuh",
        "loh",
        "kah",
        "pun",
        "produk",
        "barang",
        "toko",
        "kami",
        "silakan",
        "terima",
        "kasih",
        "order",
        "pesan",
        "kirim",
        "pengiriman",
        "stok",
        "ready",
        "original",
        "asli",
        "kualitas",
        "terbaik",
        "bagus",
        "baik",
        "harga",
        "murah",
        "promo",
        "new",
        "baru",
        "the",
        "and",
        "for",
        "with",
        "of",
        "in",
        "on",
        "to",
        "a",
        "an",
        "by",
        "or",
        "is",
        "are",
    ]
)
_TOKEN = re.compile(r"[0-9a-z]+(?:[.,][0-9]+[a-z]*)?")
MAX_KEYWORDS = 12
# Categories, brands and variant names come back listing after listing: their terms are kept
# (a bounded number of texts, so an import's memory stays flat).
TEXTS_REMEMBERED = 4096


def normalize(text: str) -> list[str]:
    """Lower-cased tokens without stopwords or one-letter noise."""
    tokens = _TOKEN.findall((text or "").casefold())
    return [t for t in tokens if t not in STOPWORDS and (len(t) > 1 or t.isdigit())]


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _text_terms(text: str) -> tuple[str, ...]:
    """One text's unigrams, then its bigrams."""
    tokens = normalize(text)
    return (*tokens, *(f"{a} {b}" for a, b in itertools.pairwise(tokens)))


def candidates(fields: Iterable[str]) -> Counter:
    """Unigrams and bigrams from a product's texts, weighted by where they come from."""
    counts: Counter = Counter()
    for text in fields:
        counts.update(_text_terms(text))
    return counts


def rank_keywords(
    fields: Iterable[str],
    document_frequency: Mapping[str, int] | None = None,
    documents: int = 1,
    limit: int = MAX_KEYWORDS,
) -> list[str]:
    """The product's most telling terms: frequent here, rare across the catalog (tf-idf).

    Bigrams get a small bonus: "kaos polos" says more than "kaos" and "polos" apart.
    """
    counts = candidates(fields)
    frequency = document_frequency or {}
    scored = []  # (-score, term): highest first, ties alphabetical
    for term, count in counts.items():
        idf = math.log((1 + documents) / (1 + frequency.get(term, 0))) + 1
        bonus = 1.3 if " " in term else 1.0
        scored.append((-(count * idf * bonus), term))
    scored.sort()
    chosen: list[str] = []
    in_chosen_bigrams: set[str] = set()
    for _score, term in scored:
        if term in in_chosen_bigrams:
            continue  # a unigram already inside a chosen bigram adds nothing
        chosen.append(term)
        if " " in term:
            in_chosen_bigrams.update(term.split(" "))
        if len(chosen) == limit:
            break
    return chosen


def document_terms(fields: Iterable[str]) -> set[str]:
    return set().union(*map(_text_terms, fields))

"""Titles as matching compares them: the pairs are the ones real seller exports show
(shared/marketplaces/real-catalogs.md), not ones made up for the matcher."""

import pytest

from catalog.titles import compare_titles, title_key


def _compare(a: str, b: str):
    return compare_titles(title_key(a), title_key(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Cut at 70 characters on one platform, mid-word.
        (
            "Hormon GA4+7 Pembesar Buah dan Dorman Breaker",
            "Hormon GA4&7 Pembesar Buah dan Dorman Break",
        ),
        ("Moondrop / Sweet Saphire", "Moondrop Atau Sweet Saphire"),
        ("(20 lembar) Plastik Klip Obat", "Plastik Klip Obat 20 Lembar"),
        ("Rohto Eye Drops 7ml", "Rohto Eye Drops 7 ml"),
        ("Double Tape 3M VHB 12mm x 4,5m", "Double Tape 3M VHB 12 mm x 4.5 m"),
        (
            "Best Seller Terusi CuSO4 Copper Sulfate 100gr Fungisida",
            "Terusi CuSO4 Copper Sulfate 100gr Fungisida",
        ),
        (
            "\\xe2\\x9d\\xa4 [Toko Tani Jaya] PROMO Pupuk Cair Kyokan 1L",
            "Pupuk Cair Kyokan 1 Liter ❤",
        ),
    ],
)
def test_the_same_product_rewritten_by_a_platform_or_a_tool_still_compares_as_one(a, b):
    comparison = _compare(a, b)
    assert comparison.conflict == ""
    assert comparison.similarity >= 0.9, comparison


def test_a_title_cut_at_seventy_characters_is_a_prefix_of_the_whole_one():
    whole = (
        "Buku Novel Laskar Pelangi Andrea Hirata Edisi Revisi Cetakan Terbaru Soft Cover Original"
    )
    cut = whole[:70]
    assert not cut.endswith(" ")  # cut mid-word, as the platform does
    comparison = _compare(whole, cut)
    assert comparison.prefix
    assert comparison.similarity >= 0.95


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Pupuk Cair Kyokan 1L", "Pupuk Cair Kyokan 2L"),
        ("Serum Wajah Vitamin C 30ml", "Serum Wajah Vitamin C 50 ml"),
        ("Plastik Klip isi 10", "Plastik Klip isi 20"),
        ("(10 lembar) Masker Duckbill", "Masker Duckbill 20 Lembar"),
        ("Smartwatch X23 GPS", "Smartwatch X71 GPS"),
        ("Beras Pandan Wangi 5kg", "Beras Pandan Wangi 10 kg"),
    ],
)
def test_near_identical_titles_that_differ_in_a_size_count_or_model_conflict(a, b):
    comparison = _compare(a, b)
    assert comparison.conflict, comparison


def test_units_are_compared_by_value_not_spelling():
    assert title_key("Minyak 1 Liter").quantities == title_key("Minyak 1000ml").quantities
    assert title_key("Kopi 1,5 kg").quantities == title_key("Kopi 1500 gr").quantities
    assert title_key("Kopi 1.500 gr").quantities == title_key("Kopi 1,5kg").quantities


def test_noise_is_dropped_but_the_stored_title_is_not_touched():
    title = "🔥READY STOCK🔥 【PROMO】 COD Murah Kaos Polos \\xe2\\x9d\\xa4 Hitam"
    assert title_key(title).tokens == ("kaos", "polos", "hitam")
    assert title.startswith("🔥READY STOCK")


@pytest.mark.parametrize(
    "title", ["", "   ", "🔥🔥✨", "\\xe2\\x9d\\xa4\\xe2\\x9d\\xa4", "【PROMO】 COD"]
)
def test_a_title_of_only_emoji_escapes_or_promo_has_nothing_to_match_on(title):
    key = title_key(title)
    assert not key
    assert _compare(title, "Kaos Polos Hitam").similarity == 0


def test_different_products_sharing_common_words_score_low():
    comparison = _compare("Kaos Polos Cotton Combed Hitam", "Sepatu Sneakers Canvas Hitam")
    assert comparison.similarity < 0.4


def test_kept_keys_share_their_words_and_the_empty_sets():
    """Matching keeps thousands of keys: two titles' common words are one string, and titles
    without quantities or codes share one empty set."""
    first = title_key.__wrapped__("Kabel Data USB Type C Braided Nylon")
    second = title_key.__wrapped__("Charger USB Type C Fast Charging")
    assert first.tokens[2] == "usb" and second.tokens[1] == "usb"
    assert first.tokens[2] is second.tokens[1]
    assert not first.quantities and not second.quantities
    assert first.quantities is second.quantities
    assert first.codes is first.quantities  # neither has a model code
    with pytest.raises(AttributeError):
        first.__dict__  # noqa: B018  (slots: no dictionary a key)

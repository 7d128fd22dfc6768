from decimal import Decimal

import pytest

from catalog.matching import (
    AUTO_LINK_THRESHOLD,
    SUGGEST_THRESHOLD,
    SkuRule,
    generated_sku,
    match_confidence,
    normalize_sku,
    sku_verdict,
)
from catalog.titles import compare_titles, title_key


@pytest.mark.parametrize(
    ("sku", "rules", "expected"),
    [
        ("  KAOS-01 ", (), "kaos-01"),
        ("Kaos 01", (), "kaos01"),
        ("TT-KAOS-01", (SkuRule("strip_prefix", "tt-"),), "kaos-01"),
        ("KAOS-01-SHP", (SkuRule("strip_suffix", "-shp"),), "kaos-01"),
        ("KAOS.01/A", (SkuRule("remove", "./"),), "kaos01a"),
        ("KAOS_01", (SkuRule("replace", "_", "-"),), "kaos-01"),
        ("TT-KAOS_01", (SkuRule("strip_prefix", "TT-"), SkuRule("replace", "_", "-")), "kaos-01"),
        ("", (), ""),
        ("KAOS\t01\u00a0A\u3000b", (), "kaos01ab"),  # tabs, no-break and ideographic spaces
        ("KAOS-\u200b01", (), "kaos-\u200b01"),  # a zero-width space is no whitespace
    ],
)
def test_normalize_sku(sku, rules, expected):
    assert normalize_sku(sku, rules) == expected


def _confidence(title_a, title_b, price_a="99000", price_b="99000", weight_a="0.2", weight_b="0.2"):
    return match_confidence(
        title=compare_titles(title_key(title_a), title_key(title_b)),
        price_a=Decimal(price_a) if price_a else None,
        price_b=Decimal(price_b) if price_b else None,
        weight_a=Decimal(weight_a) if weight_a else None,
        weight_b=Decimal(weight_b) if weight_b else None,
    )


def test_confidence_needs_title_price_and_weight_to_agree():
    same = _confidence("Kaos Polos K12 Oversize", "Kaos Polos K12 Oversize Pria")
    assert same >= AUTO_LINK_THRESHOLD
    assert isinstance(same, Decimal)
    # Another price, outside the band a platform's own pricing explains: not the same.
    assert _confidence("Kaos Polos K12", "Kaos Polos K12", price_b="150000") < SUGGEST_THRESHOLD
    # Another model number: a different product, however alike the rest.
    assert _confidence("Smartwatch X23 GPS", "Smartwatch X71 GPS") == 0


def test_a_price_differing_by_a_fifth_still_links_when_the_weight_agrees():
    # One pair in five is priced differently per platform (real-catalogs.md).
    assert (
        _confidence(
            "Bibit Anggur Jupiter Import Siap Tanam",
            "Bibit Anggur Jupiter Siap Tanam",
            "250000",
            "300000",
        )
        >= AUTO_LINK_THRESHOLD
    )


def test_only_the_title_agreeing_is_never_enough_to_link_alone():
    # Editions and bundles share whole titles: price and weight both off, a person decides.
    other_edition = _confidence(
        "Mizan Buku Novel Perahu Kertas Soft Cover",
        "Mizan Buku Novel Perahu Kertas Soft Cover",
        "62900",
        "78900",
        "0.481",
        "0.499",
    )
    assert SUGGEST_THRESHOLD <= other_edition < AUTO_LINK_THRESHOLD
    other_weight = _confidence(
        "Novel Pulang Soft Cover", "Novel Pulang Soft Cover", weight_b="0.45"
    )
    assert other_weight < AUTO_LINK_THRESHOLD
    # A zero or missing price is no evidence: never an automatic link.
    assert _confidence("Kaos Polos K12", "Kaos Polos K12", price_b="0") < AUTO_LINK_THRESHOLD
    assert _confidence("Kaos Polos K12", "Kaos Polos K12", price_b=None) < AUTO_LINK_THRESHOLD


@pytest.mark.parametrize(
    ("sku", "product_id", "shop_listings", "shop_size", "reason"),
    [
        ("KAOS-01", "800", 1, 1000, ""),
        ("KAOS-01", "800", 3, 1000, ""),  # a genuine duplicate: stays for review
        ("KAOS-01", "800", 4, 1000, "shared"),
        ("KAOS-01", "800", 3, 20, "shared"),  # 3 of a 20-listing shop
        ("1", "800", 1, 1000, "placeholder"),
        (" N/A ", "800", 1, 1000, "placeholder"),
        ("Tidak Ada", "800", 1, 1000, "placeholder"),
        ("-", "800", 1, 1000, "placeholder"),
        (".", "800", 1, 1000, "placeholder"),
        ("", "800", 0, 1000, "empty"),
        ("   ", "800", 0, 1000, "empty"),
        ("800123", "800123", 1, 1000, "own_id"),
        ("A" * 300, "800", 1, 1000, "too_long"),
    ],
)
def test_sku_verdicts(sku, product_id, shop_listings, shop_size, reason):
    verdict = sku_verdict(
        sku,
        normalize_sku(sku),
        platform_product_id=product_id,
        shop_listings=shop_listings,
        shop_size=shop_size,
    )
    assert verdict.reason == reason
    assert verdict.usable is (reason == "")
    if reason:
        assert verdict.message()  # a readable finding for the listing


def test_the_shared_sku_message_names_the_sku_and_the_count():
    verdict = sku_verdict("1", "1", shop_listings=2159, shop_size=2200)
    assert verdict.message() == "SKU '1' is a placeholder: not used to match"
    shared = sku_verdict("BUKU", "buku", shop_listings=2159, shop_size=2200)
    assert shared.message() == "SKU 'BUKU' is on 2159 listings of this shop: not used to match"


def test_generated_skus_say_where_they_come_from():
    assert generated_sku("shopee", "800000001") == "SHP-800000001"
    assert generated_sku("tiktokshop", "1729") == "TTS-1729"

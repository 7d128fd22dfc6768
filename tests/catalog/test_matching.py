from decimal import Decimal

import pytest

from catalog.matching import (
    SUGGEST_THRESHOLD,
    SkuRule,
    generated_sku,
    identifier_tokens,
    match_confidence,
    normalize_sku,
)


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
    ],
)
def test_normalize_sku(sku, rules, expected):
    assert normalize_sku(sku, rules) == expected


def test_identifier_tokens_pick_models_and_sizes():
    assert identifier_tokens("Xiaomi Power Bank 10000mAh 22.5W X23") == {"10000mah", "22.5w", "x23"}
    assert identifier_tokens("Kemeja Flanel Lengan Panjang") == frozenset()


def test_confidence_needs_title_price_and_weight_to_agree():
    same = match_confidence(
        title_similarity=0.8,
        title_a="Kaos Polos K12",
        title_b="Kaos Polos K12 Pria",
        price_a=Decimal("99000"),
        price_b=Decimal("99000"),
        weight_a=Decimal("0.2"),
        weight_b=Decimal("0.2"),
    )
    assert same >= SUGGEST_THRESHOLD
    other_price = match_confidence(
        title_similarity=0.95,
        price_a=Decimal("99000"),
        price_b=Decimal("150000"),
        weight_a=None,
        weight_b=None,
    )
    assert other_price < SUGGEST_THRESHOLD
    other_model = match_confidence(
        title_similarity=0.95,
        title_a="Smartwatch X23 GPS",
        title_b="Smartwatch X71 GPS",
        price_a=Decimal("100"),
        price_b=Decimal("100"),
        weight_a=None,
        weight_b=None,
    )
    assert other_model < SUGGEST_THRESHOLD
    assert isinstance(same, Decimal)


def test_generated_skus_say_where_they_come_from():
    assert generated_sku("shopee", "800000001") == "SHP-800000001"
    assert generated_sku("tiktokshop", "1729") == "TTS-1729"

"""The dirty-seller profile: real Indonesian sellers' catalogs (real-catalogs.md), with truth.

Rates are measured on a 2,000-listing catalog; the bounds leave room for the sampling spread of
any seed (about +-2 standard deviations and then some), not just the one used here.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import time
import tracemalloc

import pytest
import requests
from django.core.management import CommandError, call_command

from config.settings import BASE_DIR
from imports.sandbox.catalog import DirtRates, DistinctPair, SellerCatalog
from imports.sandbox.dirty_vocabulary import PLACEHOLDER_SKUS
from tests.imports.sandbox.conftest import ShopeeCaller, TikTokCaller

SIZE = 2000
PROMO = re.compile(r"\b(COD|MURAH|ORIGINAL|READY STOCK|PROMO|BEST SELLER)\b|\[|\u3010", re.I)
EMOJI = re.compile("[\u2600-\u27bf\U0001f300-\U0001faff]")


@pytest.fixture(scope="module")
def catalog():
    return SellerCatalog.generate(seed=11, products=SIZE, profile="dirty-seller")


@pytest.fixture(scope="module")
def shopee(catalog):
    return [catalog.shopee.listing(i) for i in range(SIZE)]


@pytest.fixture(scope="module")
def tiktok(catalog):
    return [catalog.tiktok.listing(i) for i in range(SIZE)]


@pytest.fixture(scope="module")
def pairs(catalog, shopee, tiktok):
    """(Shopee listing, TikTok listing) of every true pair."""
    return [
        (
            shopee[catalog.shopee.index_of(truth.shopee_item_id)],
            tiktok[catalog.tiktok.index_of(truth.tiktok_product_id)],
        )
        for truth in catalog.ground_truth()
    ]


def share(items, condition) -> float:
    items = list(items)
    return sum(1 for item in items if condition(item)) / len(items)


# --- SKUs ------------------------------------------------------------------------------------
def test_every_tiktok_listing_and_sku_carries_the_placeholder_1(catalog, tiktok, make_sandbox):
    assert {listing.sku for listing in tiktok} == {"1"}
    with_variants = [listing for listing in tiktok if listing.spec.variants]
    assert len(with_variants) > 50
    assert all(
        listing.variant_sku(variant) == "1"
        for listing in with_variants
        for variant in listing.spec.variants
    )
    # Through the real endpoints: product detail and search.
    sandbox = make_sandbox(products=SIZE, seed=11, profile="dirty-seller")
    caller = TikTokCaller(sandbox)
    ids = [str(listing.product_id) for listing in with_variants[:15] + tiktok[:15]]
    for product_id in ids:
        detail = caller.call("GET", f"/product/202309/products/{product_id}").json()
        assert detail["code"] == 0, detail
        assert {sku["seller_sku"] for sku in detail["data"]["skus"]} == {"1"}
    found = caller.search(page_size="100").json()["data"]["products"]
    assert len(found) == 100
    assert {sku["seller_sku"] for product in found for sku in product["skus"]} == {"1"}


def test_shopee_skus_are_mostly_empty_with_some_codes_and_placeholders(catalog, shopee):
    duplicated = {i for ids in catalog.duplicate_sku_groups().values() for i in ids}
    own = [s for s in shopee if s.product_id not in duplicated]
    assert 0.64 < share(own, lambda s: s.sku == "") < 0.76
    assert 0.16 < share(own, lambda s: re.fullmatch(r"[A-Z]{2,4}-?\d{5}", s.sku)) < 0.24
    placeholders = [s.sku for s in own if s.sku in PLACEHOLDER_SKUS]
    assert 0.07 < len(placeholders) / len(own) < 0.13
    assert {"-", "0", "sku", "n/a", "tidak ada", " "} <= set(placeholders)
    assert all(s.sku in ("", *PLACEHOLDER_SKUS) or s.sku == s.spec.sku for s in own)


def test_a_few_real_looking_skus_are_genuine_duplicates(catalog, shopee, make_sandbox):
    groups = catalog.duplicate_sku_groups()
    listed = [i for ids in groups.values() for i in ids]
    assert 0.003 < len(listed) / SIZE < 0.02
    assert len(listed) == len(set(listed))
    by_id = {s.product_id: s for s in shopee}
    for code, ids in groups.items():
        assert re.fullmatch(r"SKU[A-Z]{2}\d{4}", code)
        assert 2 <= len(ids) <= 3
        assert {by_id[i].sku for i in ids} == {code}
        assert len({by_id[i].spec.index for i in ids}) == len(ids)  # different products
    # No other real-looking code is shared.
    codes = [s.sku for s in shopee if s.sku not in ("", *PLACEHOLDER_SKUS)]
    repeated = {code for code in codes if codes.count(code) > 1}
    assert repeated == set(groups)
    # Models of a duplicated listing carry the duplicated code too (as served).
    sandbox = make_sandbox(products=SIZE, seed=11, profile="dirty-seller")
    caller = ShopeeCaller(sandbox)
    ids = ",".join(str(i) for i in listed[:40])
    items = caller.shop("/api/v2/product/get_item_base_info", item_id_list=ids).json()
    skus = {item["item_id"]: item["item_sku"] for item in items["response"]["item_list"]}
    assert all(skus[i] == by_id[i].sku for i in listed[:40])
    with_models = [i for i in listed if by_id[i].spec.variants][:3]
    for item_id in with_models:
        models = caller.shop("/api/v2/product/get_model_list", item_id=item_id).json()
        assert {m["model_sku"] for m in models["response"]["model"]} == {by_id[item_id].sku}


# --- titles ----------------------------------------------------------------------------------
def test_titles_are_cut_at_100_on_shopee_and_70_on_tiktok_often_mid_word(catalog, shopee, tiktok):
    assert max(len(s.title) for s in shopee) <= 100
    assert max(len(t.title) for t in tiktok) <= 70
    assert share(shopee, lambda s: len(s.title) > 70) > 0.6
    dirty = catalog.shopee.dirty
    shopee_full = [dirty.listing("shopee", i).full_title for i in range(SIZE)]
    tiktok_full = [dirty.listing("tiktokshop", i).full_title for i in range(SIZE)]
    assert 0.25 < share(shopee_full, lambda full: len(full) > 100) < 0.55
    assert share(tiktok_full, lambda full: len(full) > 70) > 0.6
    for listing, full in zip(shopee + tiktok, shopee_full + tiktok_full, strict=True):
        limit = 100 if listing.platform == "shopee" else 70
        assert listing.title == full[:limit].rstrip()
    cut = [full for full in tiktok_full if len(full) > 70]
    assert share(cut, lambda full: full[69].isalnum() and full[70].isalnum()) > 0.4


def test_symbols_are_rewritten_on_one_platform(pairs):
    def one_sided(mine: str, theirs: str) -> int:
        return sum(
            1
            for shopee, tiktok in pairs
            for a, b in ((shopee.title, tiktok.title), (tiktok.title, shopee.title))
            if mine in a and mine not in b and theirs in b
        )

    assert one_sided("+", "&") > 20
    assert one_sided("/", "Atau") > 20
    assert one_sided("(", "- ") > 40
    assert any("GA4+7" in s.title and "GA4&7" in t.title for s, t in pairs) or any(
        "GA4&7" in s.title and "GA4+7" in t.title for s, t in pairs
    )


def test_pack_counts_move_to_the_front_and_words_change_on_one_side(pairs, shopee, tiktok):
    front = re.compile(r"(- |\()\d+ (lembar|pcs)( -|\))", re.I)

    def at_front(title: str) -> bool:
        return bool(front.match(title.split("]")[-1].lstrip("\u3011")))

    assert sum(1 for s, t in pairs if at_front(s.title) != at_front(t.title)) > 15
    assert 0.02 < share(shopee + tiktok, lambda x: "  " in x.title) < 0.08
    best = [(s, t) for s, t in pairs if ("Best Seller " in s.title) != ("Best Seller " in t.title)]
    assert 0.02 < len(best) / len(pairs) < 0.07
    reworded = [(s, t) for s, t in pairs if s.title[:40] != t.title[:40]]
    assert len(reworded) / len(pairs) > 0.3


def test_promo_words_emoji_and_byte_escapes(shopee, tiktok):
    titles = [x.title for x in shopee + tiktok]
    assert 0.11 < share(titles, PROMO.search) < 0.2
    assert any("[Toko Tani Jaya]" in title for title in titles)
    assert any("\u3010PROMO\u3011" in title for title in titles)
    escapes = [title for title in titles if "\\x" in title]
    assert 0.01 < len(escapes) / len(titles) < 0.035
    assert any("\\xe2\\x9d\\xa4" in title for title in escapes)
    assert 0.003 < share(titles, EMOJI.search) < 0.025


def test_units_are_written_in_several_ways(shopee, tiktok):
    titles = [x.title for x in shopee + tiktok]
    assert share(titles, lambda t: re.search(r"\d(ml|gr|mAh|W|L|m)\b", t)) > 0.1
    assert share(titles, lambda t: re.search(r"\d (ml|gr|mAh|W|L|m)\b", t)) > 0.1
    assert share(titles, lambda t: re.search(r"\d,\d", t)) > 0.005
    assert share(titles, lambda t: re.search(r"\d\.\d (m|Meter)\b|\d\.\dm\b", t)) > 0.005
    assert share(titles, lambda t: re.search(r"\d Liter\b", t)) > 0.005
    assert share(titles, lambda t: re.search(r"\bisi \d+", t)) > 0.005


# --- prices, weights, variants ---------------------------------------------------------------
def test_about_one_pair_in_five_is_priced_differently_within_20_percent(pairs):
    differing = [(s.price, t.price) for s, t in pairs if s.price != t.price]
    assert 0.15 < len(differing) / len(pairs) < 0.25
    assert all(abs(a - b) <= 0.2 * max(a, b) for a, b in differing)
    assert max(abs(a - b) / max(a, b) for a, b in differing) > 0.12


def test_weights_are_sometimes_missing_or_zero(shopee, tiktok, pairs):
    listings = shopee + tiktok
    assert 0.02 < share(listings, lambda x: x.weight_missing) < 0.065
    assert 0.008 < share(listings, lambda x: x.spec.weight_g == 0) < 0.035
    assert share(pairs, lambda p: p[0].spec.weight_g == p[1].spec.weight_g) > 0.9


def test_variant_colours_are_sometimes_translated_on_tiktok(catalog, pairs):
    translated = [(s, t) for s, t in pairs if s.spec.tiers and s.spec.tiers != t.spec.tiers]
    assert translated
    names = {
        option for _s, t in translated for _tier, options in t.spec.tiers for option in options
    }
    assert names & {"Marun Tua", "Biru Langit", "Krem", "Biru Dongker", "Hijau Sage"}


# --- overlap, truth and siblings -------------------------------------------------------------
def test_overlap_defaults_to_65_percent_and_truth_is_by_title(catalog):
    truth = list(catalog.ground_truth())
    assert catalog.tiktok.overlap == 0.65
    assert 0.61 < len(truth) / SIZE < 0.69
    assert {t.kind for t in truth} == {"title"}
    thirty = SellerCatalog.generate(seed=11, products=SIZE, profile="dirty-seller", overlap=0.3)
    assert 0.26 < len(list(thirty.ground_truth())) / SIZE < 0.34
    none = SellerCatalog.generate(seed=11, products=500, profile="dirty-seller", overlap=0)
    assert list(none.ground_truth()) == [] and none.distinct_pairs() == []


def test_non_overlapping_tiktok_listings_are_products_not_on_shopee(catalog, shopee, tiktok):
    paired = {catalog.tiktok.index_of(t.tiktok_product_id) for t in catalog.ground_truth()}
    shopee_products = {(s.spec.noun, s.spec.brand, s.spec.model, s.spec.size) for s in shopee}
    others = [t for t in tiktok if t.index not in paired]
    clashes = [
        t
        for t in others
        if (t.spec.noun, t.spec.brand, t.spec.model, t.spec.size) in shopee_products
    ]
    assert len(others) > 500 and len(clashes) <= 2


def test_siblings_are_on_both_platforms_and_never_in_the_truth(catalog, shopee, tiktok):
    distinct = catalog.distinct_pairs()
    assert len(distinct) >= 10
    assert all(isinstance(pair, DistinctPair) and pair.kind == "sibling" for pair in distinct)
    truth = {(t.shopee_item_id, t.tiktok_product_id) for t in catalog.ground_truth()}
    truth_shopee = {a for a, _b in truth}
    truth_tiktok = {b for _a, b in truth}
    survived = 0
    for pair in distinct:
        assert (pair.shopee_item_id, pair.tiktok_product_id) not in truth
        # Both siblings are listed (and truly paired) on both platforms.
        assert pair.shopee_item_id in truth_shopee and pair.tiktok_product_id in truth_tiktok
        a = shopee[catalog.shopee.index_of(pair.shopee_item_id)]
        b = tiktok[catalog.tiktok.index_of(pair.tiktok_product_id)]
        assert a.spec.family and a.spec.family == b.spec.family
        assert (a.spec.brand, a.spec.noun, a.spec.model) == (
            b.spec.brand,
            b.spec.noun,
            b.spec.model,
        )
        assert a.spec.size != b.spec.size and a.spec.price != b.spec.price
        key = b.spec.size.removeprefix("Size ")
        key = re.match(r"\d+", key).group(0) if key[0].isdigit() else key
        survived += bool(re.search(rf"(?<![\d.,]){re.escape(key)}(?!\d)", b.title))
    assert survived / len(distinct) > 0.7
    family_members = {s.spec.family for s in shopee if s.spec.family}
    assert 0.02 < share(shopee, lambda s: s.spec.family) < 0.07 and len(family_members) > 5


def test_distinct_pairs_over_http_and_empty_for_the_default_profile(make_sandbox):
    sandbox = make_sandbox(products=600, seed=11, profile="dirty-seller")
    served = requests.get(f"{sandbox.base_url}/_sandbox/distinct-pairs", timeout=5).json()
    assert served["pairs"] == [pair.__dict__ for pair in sandbox.distinct_pairs()]
    truth = requests.get(f"{sandbox.base_url}/_sandbox/ground-truth", timeout=5).json()
    assert {pair["kind"] for pair in truth["pairs"]} == {"title"}
    assert make_sandbox(products=300).distinct_pairs() == []


# --- determinism, laziness, the default profile ---------------------------------------------
def test_same_seed_same_dirty_catalog_other_seed_other_catalog(tiktok, shopee):
    again = SellerCatalog.generate(seed=11, products=SIZE, profile="dirty-seller")
    other = SellerCatalog.generate(seed=12, products=SIZE, profile="dirty-seller")
    assert [again.shopee.listing(i) for i in range(300)] == shopee[:300]
    assert [again.tiktok.listing(i) for i in range(300)] == tiktok[:300]
    assert (
        again.distinct_pairs()
        == SellerCatalog.generate(seed=11, products=SIZE, profile="dirty-seller").distinct_pairs()
    )
    assert [other.shopee.listing(i).title for i in range(50)] != [s.title for s in shopee[:50]]


def test_a_million_listing_dirty_catalog_serves_a_listing_at_once():
    tracemalloc.start()
    started = time.perf_counter()
    catalog = SellerCatalog.generate(seed=1, products=1_000_000, profile="dirty-seller")
    last = catalog.tiktok.listing(999_999)
    middle = catalog.shopee.listing(543_210)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert last.sku == "1" and len(last.title) <= 70 and len(middle.title) <= 100
    assert peak < 5_000_000
    assert elapsed < 1


def test_the_default_profile_is_unchanged():
    catalog = SellerCatalog.generate(seed=1, products=1000)
    assert catalog.profile == "default" and catalog.tiktok.overlap == 0.3
    first = catalog.shopee.listing(0)
    assert first.title == "🔥PROMO🔥 Rexus Mouse Wireless G898 Silent Click 2.4GHz"
    assert (first.sku, first.price) == ("MW-000000", 136900)
    one = catalog.tiktok.listing(1)
    assert one.title == "Ventela Sepatu Sneakers M947 Canvas Sneakers"
    assert (one.sku, one.price) == ("TT74357582", 680900)
    assert catalog.tiktok.listing(42).title == (
        "Soundcore Earphone Bluetooth TWS V692 Waterproof IPX5 Noise Cancelling"
    )
    assert catalog.shopee.listing(999).sku == "GS-000999"
    # Everything of seed 1 as it was before profiles existed.
    digest = hashlib.sha256()
    for index in range(1000):
        for shop in (catalog.shopee, catalog.tiktok):
            x = shop.listing(index)
            fields = (x.title, x.sku, x.price, x.status, x.weight_missing, x.spec.variants)
            digest.update(repr(fields).encode())
    digest.update(repr(list(catalog.ground_truth())).encode())
    assert digest.hexdigest() == "9ab33101696c699ab9247b8866f3a5c1a2479aaee80a8e9d4723ebc4633951be"
    assert catalog.distinct_pairs() == []


def test_profiles_are_validated():
    with pytest.raises(ValueError, match="unknown profile 'messy'"):
        SellerCatalog.generate(profile="messy")
    with pytest.raises(ValueError, match="default profile only"):
        SellerCatalog.generate(profile="dirty-seller", dirt=DirtRates.clean())


def test_command_refuses_an_unknown_profile_and_clean_dirty_data():
    with pytest.raises(CommandError, match="Unknown --profile 'messy'"):
        call_command("marketplace_sandbox", "--profile", "messy", "--port", "0")
    with pytest.raises(CommandError, match="--clean applies to the default profile only"):
        call_command("marketplace_sandbox", "--profile", "dirty-seller", "--clean", "--port", "0")


def test_command_serves_the_dirty_seller_profile():
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "marketplace_sandbox",
            *("--port", "0", "--products", "300", "--profile", "dirty-seller"),
        ],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert "profile dirty-seller, 300 listings per shop, seed 1, overlap 65%" in line, line
        base_url = re.search(r"on (http://\S+):", line).group(1)
        truth = requests.get(f"{base_url}/_sandbox/ground-truth", timeout=5).json()["pairs"]
        assert truth and {pair["kind"] for pair in truth} == {"title"}
    finally:
        process.terminate()
        process.wait(timeout=20)

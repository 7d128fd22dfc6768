"""The generated catalogs: deterministic, lazy, overlapping as configured, changeable."""

import time
import tracemalloc

import pytest
import requests

from imports.sandbox.catalog import SellerCatalog
from tests.imports.sandbox.conftest import ShopeeCaller, TikTokCaller


def test_same_seed_same_catalog_other_seed_other_catalog():
    first = SellerCatalog.generate(seed=3, products=200)
    again = SellerCatalog.generate(seed=3, products=200)
    other = SellerCatalog.generate(seed=4, products=200)
    assert [first.shopee.listing(i) for i in range(50)] == [
        again.shopee.listing(i) for i in range(50)
    ]
    assert [first.shopee.listing(i).title for i in range(50)] != [
        other.shopee.listing(i).title for i in range(50)
    ]


def test_a_million_products_cost_little_memory_and_time():
    tracemalloc.start()
    started = time.perf_counter()
    catalog = SellerCatalog.generate(seed=1, products=1_000_000)
    last = catalog.tiktok.listing(999_999)
    page = catalog.shopee.listings.page(
        time_from=None, time_to=None, classes={"NORMAL"}, offset=500_000, limit=100
    )
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert last.product_id == catalog.tiktok.product_id(999_999)
    assert len(page) == 100
    assert peak < 5_000_000  # bytes: nothing proportional to the catalog
    assert elapsed < 5


def test_overlap_share_and_kinds_follow_the_setting():
    catalog = SellerCatalog.generate(seed=1, products=4000, overlap=0.3)
    truth = list(catalog.ground_truth())
    assert 0.27 * 4000 < len(truth) < 0.33 * 4000
    kinds = {kind: [t for t in truth if t.kind == kind] for kind in ("sku", "title")}
    assert all(len(pairs) > 400 for pairs in kinds.values())
    for pair in kinds["sku"][:200]:
        shopee = catalog.shopee.listing(catalog.shopee.index_of(pair.shopee_item_id))
        tiktok = catalog.tiktok.listing(catalog.tiktok.index_of(pair.tiktok_product_id))
        assert shopee.sku == tiktok.sku and shopee.sku not in ("", "-")
        assert shopee.price == tiktok.price
    for pair in kinds["title"][:200]:
        shopee = catalog.shopee.listing(catalog.shopee.index_of(pair.shopee_item_id))
        tiktok = catalog.tiktok.listing(catalog.tiktok.index_of(pair.tiktok_product_id))
        assert shopee.sku != tiktok.sku
        assert shopee.price == tiktok.price
        assert shopee.spec.weight_g == tiktok.spec.weight_g
        assert shopee.spec.noun in tiktok.title
        if shopee.spec.brand != "NoBrand":
            assert shopee.spec.brand in tiktok.title
        assert len(shopee.title) <= 100 and 25 <= len(tiktok.title) <= 255
    none = SellerCatalog.generate(seed=1, products=500, overlap=0)
    assert list(none.ground_truth()) == []


def test_catalog_size_is_validated():
    with pytest.raises(ValueError, match="between 1 and 1,000,000"):
        SellerCatalog.generate(products=0)


def test_control_endpoint_changes_the_catalog_for_incremental_imports(sandbox):
    shopee = ShopeeCaller(sandbox)
    before = int(time.time()) - 1
    statuses = ["NORMAL", "UNLIST", "BANNED", "REVIEWING", "SELLER_DELETE", "SHOPEE_DELETE"]
    mutate = f"{sandbox.base_url}/_sandbox/mutate"
    updated = requests.post(
        mutate, json={"platform": "shopee", "action": "update", "count": 3}, timeout=5
    ).json()["product_ids"]
    created = requests.post(
        mutate, json={"platform": "shopee", "action": "create", "count": 2}, timeout=5
    ).json()["product_ids"]
    deleted = requests.post(
        mutate, json={"platform": "shopee", "action": "delete", "count": 1}, timeout=5
    ).json()["product_ids"]
    repriced = requests.post(
        mutate, json={"platform": "shopee", "action": "price", "count": 1, "percent": 20}, timeout=5
    ).json()["product_ids"]
    old_price = sandbox.catalog.shopee.listing(
        sandbox.catalog.shopee.index_of(repriced[0])
    ).spec.price

    changed = shopee.shop(
        "/api/v2/product/get_item_list",
        offset=0,
        page_size=100,
        item_status=statuses,
        update_time_from=before,
        update_time_to=int(time.time()) + 5,
    ).json()["response"]
    changed_ids = {str(item["item_id"]) for item in changed["item"]}
    assert changed_ids == set(updated + created + deleted + repriced)
    total = shopee.shop(
        "/api/v2/product/get_item_list", offset=0, page_size=1, item_status=statuses
    ).json()["response"]["total_count"]
    assert total == 302
    info = shopee.shop(
        "/api/v2/product/get_item_base_info", item_id_list=",".join(deleted + repriced)
    ).json()["response"]["item_list"]
    by_id = {str(item["item_id"]): item for item in info}
    assert by_id[deleted[0]]["item_status"] == "SELLER_DELETE"
    new_price = by_id[repriced[0]].get("price_info", [{}])[0].get("original_price")
    if new_price is not None:  # variant items carry prices on their models
        assert new_price == round(old_price * 1.2 / 100) * 100


def test_tiktok_mutations_show_up_in_search(sandbox):
    tiktok = TikTokCaller(sandbox)
    since = int(time.time()) - 1
    created = requests.post(
        f"{sandbox.base_url}/_sandbox/mutate",
        json={"platform": "tiktokshop", "action": "create", "count": 4},
        timeout=5,
    ).json()["product_ids"]
    found = tiktok.search({"status": "ALL", "update_time_ge": since}).json()["data"]
    assert {p["id"] for p in found["products"]} == set(created)
    detail = tiktok.call("GET", f"/product/202309/products/{created[0]}").json()
    assert detail["code"] == 0 and detail["data"]["status"] == "ACTIVATE"


def test_images_are_served(sandbox):
    shopee = ShopeeCaller(sandbox)
    item = shopee.shop(
        "/api/v2/product/get_item_list", offset=0, page_size=1, item_status="NORMAL"
    ).json()["response"]["item"][0]
    info = shopee.shop("/api/v2/product/get_item_base_info", item_id_list=item["item_id"])
    url = info.json()["response"]["item_list"][0]["image"]["image_url_list"][0]
    image = requests.get(url, timeout=5)
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/svg+xml"

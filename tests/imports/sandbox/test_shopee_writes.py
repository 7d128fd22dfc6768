"""The Shopee sandbox's write side: update_price, update_item, get_item_promotion and the
publishing control API, over real HTTP with signed calls."""

from __future__ import annotations

import time

import pytest
import requests

from imports.sandbox.auth import shopee_signature
from tests.imports.sandbox.conftest import ShopeeCaller

PRICE = "/api/v2/product/update_price"
ITEM = "/api/v2/product/update_item"
PROMOTION = "/api/v2/product/get_item_promotion"
BASE_INFO = "/api/v2/product/get_item_base_info"
MODELS = "/api/v2/product/get_model_list"
LIMIT = "/api/v2/product/get_item_limit"
WITH_MODELS = 800_000_014  # NORMAL, three models
PLAIN = 800_000_002  # NORMAL, no models
MODEL_IDS = [WITH_MODELS * 100, WITH_MODELS * 100 + 1, WITH_MODELS * 100 + 2]


def post(caller: ShopeeCaller, path: str, body: object) -> dict:
    """A signed shop call with a JSON body (the conftest caller only GETs)."""
    c = caller.creds
    ts = int(time.time())
    query = {
        "partner_id": c["partner_id"],
        "timestamp": ts,
        "access_token": c["access_token"],
        "shop_id": c["shop_id"],
        "sign": shopee_signature(
            c["partner_key"], c["partner_id"], path, ts, c["access_token"], c["shop_id"]
        ),
    }
    return caller.session.post(c["base_url"] + path, params=query, json=body, timeout=10).json()


def control(sandbox, **body) -> requests.Response:
    return requests.post(
        f"{sandbox.base_url}/_sandbox/publishing", json={"platform": "shopee", **body}, timeout=10
    )


def state(sandbox) -> dict:
    return requests.get(
        f"{sandbox.base_url}/_sandbox/publishing", params={"platform": "shopee"}, timeout=10
    ).json()


def model_prices(shopee, item_id: int = WITH_MODELS) -> dict[int, int]:
    models = shopee.shop(MODELS, item_id=item_id).json()["response"]["model"]
    return {m["model_id"]: m["price_info"][0]["original_price"] for m in models}


def base(shopee, item_id: int) -> dict:
    return shopee.shop(BASE_INFO, item_id_list=str(item_id)).json()["response"]["item_list"][0]


def index_with_status(sandbox, status: str) -> int:
    shop = sandbox.catalog.shopee
    return next(i for i in range(shop.listings.size) if shop.listings.listing_class(i) == status)


# --- update_price ------------------------------------------------------------------------------
def test_price_write_applies_logs_and_shows_in_reads(sandbox, shopee):
    before = base(shopee, WITH_MODELS)["update_time"]
    body = post(
        shopee,
        PRICE,
        {
            "item_id": WITH_MODELS,
            "price_list": [
                {"model_id": MODEL_IDS[0], "original_price": 150000},
                {"model_id": MODEL_IDS[2], "original_price": 155000.0},
            ],
        },
    )
    assert body["error"] == "", body
    assert body["response"] == {
        "success_list": [
            {"model_id": MODEL_IDS[0], "original_price": 150000},
            {"model_id": MODEL_IDS[2], "original_price": 155000},
        ],
        "failure_list": [],
    }
    prices = model_prices(shopee)
    assert prices[MODEL_IDS[0]] == 150000 and prices[MODEL_IDS[2]] == 155000
    assert prices[MODEL_IDS[1]] == 148900  # untouched
    assert base(shopee, WITH_MODELS)["update_time"] > before
    writes = state(sandbox)["writes"]
    assert [(w["variant_id"], w["kind"], w["value"]) for w in writes] == [
        (str(MODEL_IDS[0]), "price", "150000"),
        (str(MODEL_IDS[2]), "price", "155000"),
    ]
    assert all(w["product_id"] == str(WITH_MODELS) for w in writes)
    # Its own call counter, not lumped with the reads.
    assert sandbox.stats()["calls"][f"shopee {PRICE}"] == 1


def test_item_without_models_takes_model_id_zero_and_reads_original_price(sandbox, shopee):
    body = post(shopee, PRICE, {"item_id": PLAIN, "price_list": [{"original_price": 99000}]})
    assert body["response"]["success_list"] == [{"model_id": 0, "original_price": 99000}]
    assert base(shopee, PLAIN)["price_info"][0]["original_price"] == 99000
    assert state(sandbox)["writes"][0]["variant_id"] == ""


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        ({"item_id": WITH_MODELS, "price_list": []}, "error_param", "price_list"),
        (
            {"item_id": WITH_MODELS, "price_list": [{"model_id": 1, "original_price": 1}] * 51},
            "error_param",
            "price_list",
        ),
        (
            {"item_id": WITH_MODELS, "price_list": [{"model_id": 0, "original_price": 100000}]},
            "product.error_edit_item_price_for_item_has_model",
            "item has models",
        ),
        (
            {
                "item_id": WITH_MODELS,
                "price_list": [{"model_id": MODEL_IDS[0], "original_price": 100000}] * 2,
            },
            "product.error_param",
            "Repeat model_id.",
        ),
        (
            {"item_id": WITH_MODELS, "price_list": [{"model_id": 42, "original_price": 100000}]},
            "product.error_param",
            "Wrong model_id.",
        ),
        (
            {"item_id": PLAIN, "price_list": [{"model_id": 7, "original_price": 100000}]},
            "product.error_param",
            "Wrong model_id.",
        ),
        (
            {"item_id": PLAIN, "price_list": [{"original_price": 100000.5}]},
            "product.error_invalid_price",
            "correct format",
        ),
        (
            {"item_id": PLAIN, "price_list": [{"original_price": 0}]},
            "product.error_invalid_price",
            "correct format",
        ),
        (
            {"item_id": 123, "price_list": [{"original_price": 100000}]},
            "product.error_item_not_found",
            "not found",
        ),
    ],
)
def test_price_write_validation(sandbox, shopee, body, error, message):
    answer = post(shopee, PRICE, body)
    assert answer["error"] == error and message in answer["message"], answer
    assert state(sandbox)["writes"] == []


def test_deleted_and_banned_items_are_uneditable(sandbox, shopee):
    for status in ("SELLER_DELETE", "BANNED"):
        item_id = 800_000_000 + index_with_status(sandbox, status)
        answer = post(shopee, PRICE, {"item_id": item_id, "price_list": [{"original_price": 1000}]})
        assert answer["error"] == "product.error_item_uneditable", answer
        answer = post(shopee, ITEM, {"item_id": item_id, "item_name": "Nama Baru Produk"})
        assert answer["error"] == "product.error_item_uneditable", answer
    assert state(sandbox)["writes"] == []


def test_range_limits_fail_per_model_and_follow_item_limit(sandbox, shopee):
    assert control(sandbox, action="item_limit", min_price=1000, max_price=200000).ok
    limit = shopee.shop(LIMIT).json()["response"]["price_limit"]
    assert limit == {"min_limit": 1000.0, "max_limit": 200000.0}
    answer = post(
        shopee,
        PRICE,
        {
            "item_id": WITH_MODELS,
            "price_list": [
                {"model_id": MODEL_IDS[0], "original_price": 999},
                {"model_id": MODEL_IDS[1], "original_price": 200001},
                {"model_id": MODEL_IDS[2], "original_price": 151000},
            ],
        },
    )["response"]
    assert answer["success_list"] == [{"model_id": MODEL_IDS[2], "original_price": 151000}]
    reasons = {f["model_id"]: f["failed_reason"] for f in answer["failure_list"]}
    assert reasons[MODEL_IDS[0]].startswith("error_price_exceed_min_limitt")
    assert reasons[MODEL_IDS[1]].startswith("error_price_exceed_max_limitt")
    assert [w["value"] for w in state(sandbox)["writes"]] == ["151000"]


def test_spread_over_seven_times_fails_every_changed_model(sandbox, shopee):
    # 143900 * 7 = 1,007,300: the unchanged models count in the spread.
    answer = post(
        shopee,
        PRICE,
        {
            "item_id": WITH_MODELS,
            "price_list": [
                {"model_id": MODEL_IDS[0], "original_price": 1_100_000},
                {"model_id": MODEL_IDS[1], "original_price": 150000},
            ],
        },
    )["response"]
    assert answer["success_list"] == []
    assert {f["model_id"] for f in answer["failure_list"]} == set(MODEL_IDS[:2])
    assert all("7 times" in f["failed_reason"] for f in answer["failure_list"])
    assert model_prices(shopee)[MODEL_IDS[1]] == 148900
    assert state(sandbox)["writes"] == []


def test_failed_variant_fails_alone_until_reset(sandbox, shopee):
    reply = control(
        sandbox,
        action="fail_variant",
        product_id=str(WITH_MODELS),
        variant_id=str(MODEL_IDS[1]),
        reason="Model sedang diperiksa",
    )
    assert reply.ok, reply.text
    prices = [
        {"model_id": MODEL_IDS[0], "original_price": 140000},
        {"model_id": MODEL_IDS[1], "original_price": 145000},
    ]
    answer = post(shopee, PRICE, {"item_id": WITH_MODELS, "price_list": prices})["response"]
    assert answer["success_list"] == [{"model_id": MODEL_IDS[0], "original_price": 140000}]
    assert answer["failure_list"] == [
        {"model_id": MODEL_IDS[1], "failed_reason": "Model sedang diperiksa"}
    ]
    assert state(sandbox)["failures"][0]["variant_id"] == str(MODEL_IDS[1])
    assert control(sandbox, action="reset").ok
    answer = post(shopee, PRICE, {"item_id": WITH_MODELS, "price_list": prices})["response"]
    assert len(answer["success_list"]) == 2
    assert len(state(sandbox)["writes"]) == 2  # the reset cleared the first write


def test_update_lock_refuses_the_next_calls_without_applying(sandbox, shopee):
    assert control(sandbox, action="update_lock", product_id=str(PLAIN), calls=2).ok
    price = {"item_id": PLAIN, "price_list": [{"original_price": 50000}]}
    first = post(shopee, PRICE, price)
    assert first["error"] == "product.error_busi_update_item_failed"
    assert "lock failed" in first["message"]
    second = post(shopee, ITEM, {"item_id": PLAIN, "item_name": "Panci Set Baru"})
    assert second["error"] == "product.error_busi_update_item_failed"
    assert base(shopee, PLAIN)["price_info"][0]["original_price"] == 787900
    assert state(sandbox)["writes"] == []
    assert post(shopee, PRICE, price)["error"] == ""
    assert len(state(sandbox)["writes"]) == 1


# --- promotions --------------------------------------------------------------------------------
def test_promotion_locks_its_models_and_unlocks_after_end(sandbox, shopee):
    now = int(time.time())
    reply = control(
        sandbox,
        action="promotion",
        product_id=str(WITH_MODELS),
        start=now + 3600,  # upcoming locks as well
        end=now + 2,
        variant_ids=[str(MODEL_IDS[0])],
    )
    assert reply.status_code == 400  # ends before it starts
    reply = control(
        sandbox,
        action="promotion",
        product_id=str(WITH_MODELS),
        start=now - 10,
        end=now + 2,
        variant_ids=[str(MODEL_IDS[0])],
    ).json()
    assert reply["staging"] == "ongoing"
    listed = shopee.shop(PROMOTION, item_id_list=f"{WITH_MODELS},{PLAIN},1").json()["response"]
    by_item = {entry["item_id"]: entry["promotion"] for entry in listed["success_list"]}
    assert by_item[PLAIN] == []
    (promotion,) = by_item[WITH_MODELS]
    assert promotion["model_id"] == MODEL_IDS[0] and promotion["end_time"] == now + 2
    assert promotion["promotion_type"] == "Discount Promotions"
    assert promotion["promotion_staging"] == "ongoing"
    assert listed["failure_list"][0]["item_id"] == 1
    models = shopee.shop(MODELS, item_id=WITH_MODELS).json()["response"]["model"]
    assert models[0]["has_promotion"] and not models[1]["has_promotion"]
    assert base(shopee, WITH_MODELS)["promotion_id"] == reply["promotion_id"]
    prices = [
        {"model_id": MODEL_IDS[0], "original_price": 140000},
        {"model_id": MODEL_IDS[1], "original_price": 145000},
    ]
    answer = post(shopee, PRICE, {"item_id": WITH_MODELS, "price_list": prices})["response"]
    assert answer["success_list"] == [{"model_id": MODEL_IDS[1], "original_price": 145000}]
    assert answer["failure_list"][0]["model_id"] == MODEL_IDS[0]
    assert "error_in_item_promotion_item_price_lock" in answer["failure_list"][0]["failed_reason"]
    name = post(shopee, ITEM, {"item_id": WITH_MODELS, "item_name": "Popok Bayi Baru"})
    assert name["error"] == "product.error_cannt_edit_name_in_promotion"
    time.sleep(max(0.0, now + 2 - time.time()))  # the promotion's end, at most 2 s away
    assert state(sandbox)["promotions"] == []
    answer = post(shopee, PRICE, {"item_id": WITH_MODELS, "price_list": prices[:1]})["response"]
    assert answer["success_list"] == [{"model_id": MODEL_IDS[0], "original_price": 140000}]
    renamed = post(shopee, ITEM, {"item_id": WITH_MODELS, "item_name": "Popok Bayi Baru"})
    assert renamed["error"] == ""


def test_upcoming_promotion_locks_an_item_without_models(sandbox, shopee):
    now = int(time.time())
    control(sandbox, action="promotion", product_id=str(PLAIN), start=now + 600, end=now + 900)
    answer = post(shopee, PRICE, {"item_id": PLAIN, "price_list": [{"original_price": 50000}]})
    assert answer["error"] == "product.error_cannt_edit_price_in_promotion"
    listed = shopee.shop(PROMOTION, item_id_list=str(PLAIN)).json()["response"]
    (promotion,) = listed["success_list"][0]["promotion"]
    assert promotion["promotion_staging"] == "upcoming" and promotion["model_id"] == 0
    assert state(sandbox)["promotions"][0]["staging"] == "upcoming"


def test_promotion_listing_takes_one_to_fifty_ids(shopee):
    ids = ",".join(str(800_000_000 + i) for i in range(51))
    assert shopee.shop(PROMOTION, item_id_list=ids).json()["error"] == (
        "product.error_query_over_itemid_size"
    )
    assert shopee.shop(PROMOTION, item_id_list="").json()["error"] == "error_param"


# --- update_item -------------------------------------------------------------------------------
def test_name_write_validation_and_success(sandbox, shopee):
    assert post(shopee, ITEM, {"item_name": "Tanpa item"})["error"] == "error_param"
    empty = post(shopee, ITEM, {"item_id": PLAIN, "item_name": "  "})
    assert empty["error"] == "product.error_item_name_empty"
    control(sandbox, action="item_limit", title_max=20)
    assert shopee.shop(LIMIT).json()["response"]["item_name_length_limit"]["max_limit"] == 20
    long = post(shopee, ITEM, {"item_id": PLAIN, "item_name": "x" * 21})
    assert long["error"] == "product.error_title_exceeds_max_length"
    assert state(sandbox)["writes"] == []
    ok = post(
        shopee,
        ITEM,
        {"item_id": PLAIN, "item_name": "Panci Oxone Baru", "weight": 99, "item_sku": "NOPE"},
    )
    assert ok["error"] == "", ok
    assert ok["response"]["item_id"] == PLAIN and ok["response"]["item_name"] == "Panci Oxone Baru"
    item = base(shopee, PLAIN)
    assert item["item_name"] == "Panci Oxone Baru"
    assert item["item_sku"] != "NOPE"  # only the name (and description) are honoured
    assert [(w["kind"], w["value"], w["variant_id"]) for w in state(sandbox)["writes"]] == [
        ("title", "Panci Oxone Baru", "")
    ]
    assert sandbox.stats()["calls"][f"shopee {ITEM}"] == 4


def test_description_write_shows_in_reads_without_a_title_log(sandbox, shopee):
    ok = post(shopee, ITEM, {"item_id": PLAIN, "description": "Deskripsi baru yang panjang"})
    assert ok["error"] == ""
    assert base(shopee, PLAIN)["description"] == "Deskripsi baru yang panjang"
    assert state(sandbox)["writes"] == []


def test_review_sends_a_renamed_item_to_reviewing(sandbox, shopee):
    control(sandbox, action="review", product_id=str(PLAIN))
    old = base(shopee, PLAIN)["item_name"]
    answer = post(shopee, ITEM, {"item_id": PLAIN, "item_name": "Panci Ditinjau"})
    assert answer["response"]["item_status"] == "REVIEWING"
    assert base(shopee, PLAIN)["item_status"] == "REVIEWING"
    control(sandbox, action="review_done", product_id=str(PLAIN), approve=False)
    item = base(shopee, PLAIN)
    assert item["item_status"] == "NORMAL" and item["item_name"] == old


# --- control API -------------------------------------------------------------------------------
def test_seller_center_edit_changes_reads_but_not_the_write_log(sandbox, shopee):
    reply = control(
        sandbox,
        action="edit",
        product_id=str(WITH_MODELS),
        title="Diubah di Seller Center",
        prices={str(MODEL_IDS[2]): 160000},
    ).json()
    assert reply["product_id"] == str(WITH_MODELS) and reply["update_time"] > 0
    item = base(shopee, WITH_MODELS)
    assert item["item_name"] == "Diubah di Seller Center"
    assert item["update_time"] == reply["update_time"]
    assert model_prices(shopee)[MODEL_IDS[2]] == 160000
    control(sandbox, action="edit", product_id=str(PLAIN), prices={"": 12345})
    assert base(shopee, PLAIN)["price_info"][0]["original_price"] == 12345
    assert state(sandbox)["writes"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"action": "dance"},
        {"action": "edit", "product_id": "1"},
        {"action": "edit", "product_id": str(WITH_MODELS), "prices": {"": 1000}},
        {"action": "fail_variant", "product_id": str(WITH_MODELS), "variant_id": "9"},
        {"action": "update_lock", "product_id": str(PLAIN)},
        {"action": "promotion", "product_id": str(PLAIN), "start": 1},
        {"action": "item_limit", "min_price": 500, "max_price": 100},
    ],
)
def test_control_refuses_bad_input(sandbox, body):
    assert control(sandbox, **body).status_code == 400


def test_state_lists_what_the_control_api_set_up(sandbox):
    now = int(time.time())
    control(sandbox, action="update_lock", product_id=str(PLAIN), calls=3)
    control(sandbox, action="promotion", product_id=str(PLAIN), start=now, end=now + 60)
    control(sandbox, action="item_limit", min_price=500, max_price=9_000_000, title_max=60)
    current = state(sandbox)
    assert current["locks"] == {str(PLAIN): 3}
    assert current["promotions"][0]["product_id"] == str(PLAIN)
    assert current["promotions"][0]["variant_ids"] is None
    assert current["item_limit"] == {"min_price": 500, "max_price": 9_000_000, "title_max": 60}
    control(sandbox, action="reset")
    current = state(sandbox)
    assert current["locks"] == {} and current["promotions"] == [] and current["writes"] == []

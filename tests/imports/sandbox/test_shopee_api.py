"""The Shopee sandbox answers like Shopee v2: shapes, quirks, paging, limits and auth."""

from urllib.parse import parse_qs, urlsplit

import pytest

from imports.sandbox.catalog import DirtRates
from imports.sandbox.server import TokenLifetimes
from tests.imports.sandbox.conftest import ShopeeCaller

LIST = "/api/v2/product/get_item_list"
BASE_INFO = "/api/v2/product/get_item_base_info"
MODELS = "/api/v2/product/get_model_list"
ALL_STATUSES = ["NORMAL", "BANNED", "UNLIST", "REVIEWING", "SELLER_DELETE", "SHOPEE_DELETE"]


def _all_ids(shopee, **filters):
    ids, offset = [], 0
    while True:
        body = shopee.shop(
            LIST, offset=offset, page_size=100, item_status=ALL_STATUSES, **filters
        ).json()
        assert body["error"] == "", body
        page = body["response"]
        ids += [item["item_id"] for item in page["item"]]
        if not page["has_next_page"]:
            return ids, page["total_count"]
        offset = page["next_offset"]


def test_item_list_envelope_and_shape(shopee):
    body = shopee.shop(LIST, offset=0, page_size=5, item_status=["NORMAL", "UNLIST"]).json()
    assert set(body) == {"error", "message", "warning", "request_id", "response"}
    assert body["error"] == "" and len(body["request_id"]) == 32
    page = body["response"]
    assert "item_list" not in page  # the list is `item`, singular
    assert set(page) == {"item", "total_count", "has_next_page", "next_offset"}
    assert len(page["item"]) == 5 and page["next_offset"] == 5 and page["has_next_page"]
    item = page["item"][0]
    assert set(item) == {"item_id", "item_status", "update_time", "tag"}
    assert item["item_status"] in ("NORMAL", "UNLIST")
    assert item["tag"] == {"kit": False}


def test_paging_with_next_offset_returns_every_item_once(shopee):
    ids, total = _all_ids(shopee)
    assert total == 300
    assert len(ids) == len(set(ids)) == 300


def test_status_filter_is_repeatable_and_validated(shopee):
    normal = shopee.shop(LIST, offset=0, page_size=100, item_status="NORMAL").json()
    assert {i["item_status"] for i in normal["response"]["item"]} == {"NORMAL"}
    both = shopee.shop(LIST, offset=0, page_size=1, item_status=["NORMAL", "UNLIST"]).json()
    assert both["response"]["total_count"] > normal["response"]["total_count"]
    bad = shopee.shop(LIST, offset=0, page_size=10, item_status="ACTIVE").json()
    assert bad["error"] == "product.error_param_item_status"


def test_update_time_window_filters_and_must_be_ordered(shopee, sandbox):
    start = sandbox.catalog.shopee.listings.base_update_time(100)
    end = sandbox.catalog.shopee.listings.base_update_time(149)
    ids, total = _all_ids(shopee, update_time_from=start, update_time_to=end)
    assert total == len(ids) == 50
    wrong = shopee.shop(
        LIST,
        offset=0,
        page_size=10,
        item_status="NORMAL",
        update_time_from=end,
        update_time_to=start,
    ).json()
    assert wrong["error"] == "product.error_update_time_range"


@pytest.mark.parametrize("page_size", [0, 101])
def test_page_size_must_be_1_to_100(shopee, page_size):
    body = shopee.shop(LIST, offset=0, page_size=page_size, item_status="NORMAL").json()
    assert body["error"] == "error_param"


def test_deep_offsets_are_refused(make_sandbox):
    sandbox = make_sandbox(products=12_000)
    shopee = ShopeeCaller(sandbox)
    ok = shopee.shop(LIST, offset=9_900, page_size=100, item_status=ALL_STATUSES).json()
    assert ok["error"] == "" and len(ok["response"]["item"]) == 100
    deep = shopee.shop(LIST, offset=10_000, page_size=100, item_status=ALL_STATUSES).json()
    assert deep["error"] == "product.error_param"
    assert deep["message"] == "get items offset over limit, please use the next field"


def test_base_info_matches_the_documented_item_and_its_quirks(make_sandbox):
    sandbox = make_sandbox(dirt=DirtRates.clean())
    shopee = ShopeeCaller(sandbox)
    ids, _ = _all_ids(shopee)
    items = []
    for start in range(0, 100, 50):
        body = shopee.shop(BASE_INFO, item_id_list=",".join(map(str, ids[start : start + 50])))
        items += body.json()["response"]["item_list"]
    single = next(i for i in items if not i["has_model"])
    variant = next(i for i in items if i["has_model"])
    for key in (
        "item_id",
        "category_id",
        "item_name",
        "description",
        "item_sku",
        "create_time",
        "update_time",
        "attribute_list",
        "image",
        "weight",
        "dimension",
        "logistic_info",
        "pre_order",
        "condition",
        "item_status",
        "deboost",
        "has_model",
        "brand",
        "item_dangerous",
        "description_type",
        "tag",
    ):
        assert key in single, key
    assert isinstance(single["weight"], str) and float(single["weight"]) > 0
    assert single["deboost"] == "FALSE"  # documented bool, served as a string
    assert isinstance(single["price_info"], list)
    price = single["price_info"][0]
    assert price["currency"] == "IDR" and isinstance(price["original_price"], int)
    assert price["inflated_price_of_original_price"] > price["original_price"]
    assert single["stock_info_v2"]["summary_info"]["total_available_stock"] >= 0
    assert "price_info" not in variant  # prices of variant items come from get_model_list
    assert (
        single["image"]["image_url_list"][0].split("/file/")[1]
        == (single["image"]["image_id_list"][0])
    )
    assert set(single["dimension"]) == {"package_length", "package_width", "package_height"}
    assert single["brand"]["original_brand_name"]


def test_model_list_has_tiers_models_and_string_stock(shopee, sandbox):
    ids, _ = _all_ids(shopee)
    info = shopee.shop(BASE_INFO, item_id_list=",".join(map(str, ids[:50]))).json()
    item = next(i for i in info["response"]["item_list"] if i["has_model"])
    body = shopee.shop(MODELS, item_id=item["item_id"]).json()["response"]
    assert 1 <= len(body["tier_variation"]) <= 2
    assert 1 <= len(body["model"]) <= 50
    model = body["model"][0]
    assert {
        "model_id",
        "tier_index",
        "model_sku",
        "model_status",
        "price_info",
        "stock_info_v2",
    } <= set(model)
    assert len(model["tier_index"]) == len(body["tier_variation"])
    options = [
        body["tier_variation"][level]["option_list"][position]["option"]
        for level, position in enumerate(model["tier_index"])
    ]
    assert all(options)
    assert isinstance(model["stock_info_v2"]["shopee_stock"][0]["stock"], str)
    assert "image" in body["tier_variation"][0]["option_list"][0]  # only the first tier


def test_base_info_limits_and_reports_missing_ids(shopee):
    ids, _ = _all_ids(shopee)
    too_many = shopee.shop(BASE_INFO, item_id_list=",".join(map(str, ids[:51]))).json()
    assert too_many["error"] == "product.error_query_over_itemid_size"
    partial = shopee.shop(BASE_INFO, item_id_list=f"{ids[0]},999").json()
    assert [i["item_id"] for i in partial["response"]["item_list"]] == [ids[0]]
    assert "999" in partial["warning"]
    none = shopee.shop(BASE_INFO, item_id_list="999").json()
    assert none["error"] == "product.error_item_not_found"
    bracketed = shopee.shop(BASE_INFO, item_id_list=f"[{ids[0]},{ids[1]}]").json()
    assert len(bracketed["response"]["item_list"]) == 2


def test_dirty_catalog_has_empty_and_dash_skus_missing_weights_and_promo_titles(make_sandbox):
    sandbox = make_sandbox(
        products=400,
        dirt=DirtRates(
            empty_sku=0.1,
            dash_sku=0.1,
            duplicate_sku=0.05,
            missing_weight=0.1,
            promo_title=0.1,
            extended_description=0.1,
            long_description=0.05,
        ),
    )
    shopee = ShopeeCaller(sandbox)
    ids, _ = _all_ids(shopee)
    items = []
    for start in range(0, len(ids), 50):
        items += shopee.shop(
            BASE_INFO, item_id_list=",".join(map(str, ids[start : start + 50]))
        ).json()["response"]["item_list"]
    skus = [i["item_sku"] for i in items]
    assert "" in skus and "-" in skus
    assert len([s for s in skus if s not in ("", "-")]) > len(
        {s for s in skus if s not in ("", "-")}
    )  # duplicates
    assert any("weight" not in i for i in items)
    assert any(not i["item_name"][0].isalnum() for i in items)  # emoji promo titles
    extended = [i for i in items if i["description_type"] == "extended"]
    assert extended and extended[0]["description"] == ""
    assert extended[0]["description_info"]["extended_description"]["field_list"][0]["text"]
    assert max(len(i["description"]) for i in items) > 3000


def test_category_tree_and_item_limit(shopee):
    categories = shopee.shop("/api/v2/product/get_category", language="id").json()
    flat = categories["response"]["category_list"]
    leaves = {c["category_id"]: c for c in flat if not c["has_children"]}
    parents = {c["category_id"] for c in flat if c["has_children"]}
    assert all(c["parent_category_id"] in parents for c in leaves.values())
    english = shopee.shop("/api/v2/product/get_category", language="en").json()
    assert "Books & Magazines" in {
        c["display_category_name"] for c in english["response"]["category_list"]
    }
    limit = shopee.shop("/api/v2/product/get_item_limit").json()["response"]
    assert limit["item_name_length_limit"] == {"min_limit": 5, "max_limit": 100}


def test_shop_info_has_no_response_wrapper(shopee):
    body = shopee.shop("/api/v2/shop/get_shop_info").json()
    assert "response" not in body
    assert body["region"] == "ID" and body["error"] == "" and body["expire_time"] > 0


def test_authorization_flow_code_is_single_use_and_refresh_tokens_rotate(sandbox):
    shopee = ShopeeCaller(sandbox)
    link = shopee.public(
        "/api/v2/shop/auth_partner", method="GET", redirect="https://app.example/callback?x=1"
    )
    assert link.status_code == 200 and "Kode verifikasi SMS" in link.text
    form = dict(parse_qs(urlsplit(link.request.url).query))
    form = {k: v[0] for k, v in form.items()} | {"sms_code": "123456"}
    confirm = shopee.session.post(
        link.request.url.split("?")[0], data=form, allow_redirects=False, timeout=5
    )
    assert confirm.status_code == 302
    redirect = urlsplit(confirm.headers["Location"])
    params = parse_qs(redirect.query)
    assert redirect.netloc == "app.example" and params["x"] == ["1"]
    assert params["shop_id"] == [str(shopee.creds["shop_id"])]
    code = params["code"][0]

    body = {
        "code": code,
        "partner_id": shopee.creds["partner_id"],
        "shop_id": shopee.creds["shop_id"],
    }
    tokens = shopee.public("/api/v2/auth/token/get", body).json()
    assert tokens["error"] == "" and "response" not in tokens
    assert tokens["expire_in"] < 14_400  # the first grant is a little short of 4 hours
    again = shopee.public("/api/v2/auth/token/get", body).json()
    assert again["error"] == "invalid_code"

    refresh = {
        "refresh_token": tokens["refresh_token"],
        "partner_id": shopee.creds["partner_id"],
        "shop_id": shopee.creds["shop_id"],
    }
    rotated = shopee.public("/api/v2/auth/access_token/get", refresh).json()
    assert rotated["error"] == "" and rotated["expire_in"] == 14_400
    assert rotated["refresh_token"] != tokens["refresh_token"]
    reused = shopee.public("/api/v2/auth/access_token/get", refresh).json()
    assert reused["error"] == "error_auth" and reused["message"] == "Invalid refresh_token."

    fresh = ShopeeCaller(sandbox, access_token=rotated["access_token"])
    assert fresh.shop("/api/v2/shop/get_shop_info").json()["error"] == ""


def test_wrong_sms_code_does_not_authorize(shopee):
    link = shopee.public("/api/v2/shop/auth_partner", method="GET", redirect="https://a.example")
    form = {k: v[0] for k, v in parse_qs(urlsplit(link.request.url).query).items()}
    refused = shopee.session.post(
        link.request.url.split("?")[0],
        data=form | {"sms_code": "1"},
        allow_redirects=False,
        timeout=5,
    )
    assert refused.status_code == 400


def test_expired_and_foreign_tokens_get_the_misspelt_error(make_sandbox):
    import time

    sandbox = make_sandbox(lifetimes=TokenLifetimes(shopee_access=1))
    shopee = ShopeeCaller(sandbox)
    assert shopee.shop("/api/v2/shop/get_shop_info").json()["error"] == ""
    time.sleep(1.2)
    expired = shopee.shop("/api/v2/shop/get_shop_info")
    assert expired.status_code == 403
    assert expired.json()["error"] == "invalid_acceess_token"
    forged = ShopeeCaller(sandbox, access_token="6b5a46716e474d6f6e59777659459849")
    assert forged.shop("/api/v2/shop/get_shop_info").json()["error"] == "invalid_acceess_token"
    other_shop = ShopeeCaller(sandbox, shop_id=999)
    assert other_shop.shop("/api/v2/shop/get_shop_info").json()["error"] == "error_auth"


def test_missing_parameters_use_the_documented_messages(shopee):
    c = shopee.creds
    response = shopee.session.get(
        c["base_url"] + "/api/v2/shop/get_shop_info",
        params={"partner_id": c["partner_id"]},
        timeout=5,
    ).json()
    assert response["error"] == "error_param"
    assert response["message"] == "There is no access_token/partner_id/sign in query"

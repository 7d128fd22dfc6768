"""The TikTok Shop sandbox answers like the 202309+ Open API."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from imports.sandbox.catalog import DirtRates
from imports.sandbox.server import TokenLifetimes
from tests.imports.sandbox.conftest import TikTokCaller


def _pages(tiktok, body=None, version="202502", page_size="100"):
    token, products = None, []
    while True:
        params = {"page_size": page_size} | ({"page_token": token} if token else {})
        data = tiktok.search(body, version=version, **params).json()
        assert data["code"] == 0, data
        products += data["data"]["products"]
        token = data["data"]["next_page_token"]
        if not token:
            return products, data["data"]["total_count"]


def test_search_envelope_and_202502_shape(tiktok):
    body = tiktok.search(page_size="5").json()
    assert set(body) == {"code", "message", "request_id", "data"}
    assert body["code"] == 0 and body["message"] == "Success"
    data = body["data"]
    assert set(data) == {"total_count", "next_page_token", "products"}
    product = data["products"][0]
    assert isinstance(product["id"], str)
    sku = product["skus"][0]
    assert sku["price"]["currency"] == "IDR"
    assert isinstance(sku["price"]["tax_exclusive_price"], str)
    assert "sale_price" not in sku["price"]  # ID local search payloads carry only this one
    assert "main_images" not in product and "package_weight" not in product
    assert product["sales_regions"] == ["ID"]


def test_page_tokens_walk_the_whole_catalog_once(tiktok):
    products, total = _pages(tiktok)
    ids = [p["id"] for p in products]
    assert total == 300 and len(ids) == len(set(ids)) == 300


def test_202309_search_has_the_older_shape(tiktok):
    product = tiktok.search(page_size="50", version="202309").json()["data"]["products"]
    assert not any("integrated_platform_statuses" in p or "audit" in p for p in product)


def test_tokopedia_only_listings_have_no_status(make_sandbox):
    tiktok = TikTokCaller(make_sandbox(products=600))
    products, _ = _pages(tiktok)
    toko_only = [p for p in products if "status" not in p]
    both = [p for p in products if "status" in p and "integrated_platform_statuses" in p]
    tiktok_only = [p for p in products if "integrated_platform_statuses" not in p]
    assert toko_only and both and tiktok_only
    assert all(p["integrated_platform_statuses"][0]["platform"] == "TOKOPEDIA" for p in toko_only)


def test_status_and_listing_platform_filters(tiktok):
    active, active_total = _pages(tiktok, {"status": "ACTIVATE"})
    assert {p["status"] for p in active} == {"ACTIVATE"}
    on_toko, _ = _pages(tiktok, {"status": "ACTIVATE", "listing_platforms": ["TOKOPEDIA"]})
    assert on_toko and all("integrated_platform_statuses" in p for p in on_toko)
    assert len(on_toko) < active_total
    refused = tiktok.search({"status": "ALL", "listing_platforms": ["TOKOPEDIA"]}).json()
    assert refused["code"] == 36009004
    old = tiktok.search(
        {"status": "ACTIVATE", "listing_platforms": ["TOKOPEDIA"]}, version="202309"
    ).json()
    assert old["code"] == 36009004


def test_update_time_filters(tiktok, sandbox):
    listings = sandbox.catalog.tiktok.listings
    body = {
        "status": "ALL",
        "update_time_ge": listings.base_update_time(10),
        "update_time_le": listings.base_update_time(29),
    }
    products, total = _pages(tiktok, body)
    assert total == len(products) == 20
    assert all(
        body["update_time_ge"] <= p["update_time"] <= body["update_time_le"] for p in products
    )


def test_search_refuses_to_page_past_ten_thousand(make_sandbox):
    tiktok = TikTokCaller(make_sandbox(products=10_050))
    first = tiktok.search().json()["data"]
    assert first["total_count"] == 10_050
    # Jump to the last allowed page with the token format the sandbox hands out.
    token = tiktok.search(page_size="100").json()["data"]["next_page_token"]
    import base64

    assert base64.b64decode(token) == b"offset=100"
    last = tiktok.search(page_token=base64.b64encode(b"offset=9900").decode()).json()
    assert last["code"] == 0 and len(last["data"]["products"]) == 100
    beyond = tiktok.search(page_token=last["data"]["next_page_token"]).json()
    assert beyond["code"] == 12052180
    assert beyond["message"] == "The total number of search results can not exceed 10000."


@pytest.mark.parametrize("page_size", ["0", "101", None])
def test_page_size_is_required_and_bounded(tiktok, page_size):
    params = {} if page_size is None else {"page_size": page_size}
    response = tiktok.call(
        "POST", "/product/202502/products/search", body={"status": "ALL"}, **params
    )
    assert response.json()["code"] == 36009004


def test_product_detail_matches_the_documented_fields(make_sandbox):
    tiktok = TikTokCaller(make_sandbox(dirt=DirtRates.clean()))
    products, _ = _pages(tiktok)
    with_variants = None
    for product in products[:40]:
        detail = tiktok.call("GET", f"/product/202309/products/{product['id']}").json()
        assert detail["code"] == 0
        data = detail["data"]
        if len(data["skus"]) > 1:
            with_variants = data
            break
    assert with_variants is not None
    data = with_variants
    assert data["description"].startswith("<p>")
    chain = data["category_chains"]
    assert chain[-1]["is_leaf"] and chain[0]["parent_id"] == "0" and "local_name" in chain[-1]
    assert "name" not in chain[-1]
    image = data["main_images"][0]
    assert set(image) == {"uri", "urls", "thumb_urls", "width", "height"}
    assert data["package_weight"]["unit"] == "KILOGRAM"
    assert isinstance(data["package_weight"]["value"], str)
    assert data["package_dimensions"]["unit"] == "CENTIMETER"
    sku = data["skus"][0]
    assert isinstance(sku["price"]["sale_price"], str)
    assert sku["sales_attributes"] and {"name", "value_name"} <= set(sku["sales_attributes"][0])
    assert len({len(s["sales_attributes"]) for s in data["skus"]}) == 1
    assert len(data["skus"][0]["sales_attributes"]) <= 3


def test_unknown_product_and_path(tiktok):
    missing = tiktok.call("GET", "/product/202309/products/1234")
    assert missing.status_code == 404 and missing.json()["code"] == 12019150
    wrong = tiktok.call("GET", "/product/202309/nothing")
    assert wrong.json()["code"] == 36009009


def test_shop_cipher_is_required_on_products_and_refused_on_shops(tiktok):
    missing = tiktok.call(
        "POST",
        "/product/202502/products/search",
        body={"status": "ALL"},
        cipher=False,
        page_size="10",
    ).json()
    assert missing["code"] == 106013
    unexpected = tiktok.call("GET", "/authorization/202309/shops").json()
    assert unexpected["code"] == 36009004 and "not required" in unexpected["message"]
    shops = tiktok.call("GET", "/authorization/202309/shops", cipher=False).json()
    shop = shops["data"]["shops"][0]
    assert shop["region"] == "ID" and shop["seller_type"] == "LOCAL"
    assert shop["cipher"] == tiktok.creds["shop_cipher"]


def test_categories(tiktok):
    categories = tiktok.call("GET", "/product/202309/categories").json()["data"]["categories"]
    assert {"id", "parent_id", "local_name", "is_leaf"} <= set(categories[0])
    assert any(c["local_name"] == "Novel" and c["is_leaf"] for c in categories)


def test_authorization_and_token_exchange_with_absolute_expiries(sandbox):
    tiktok = TikTokCaller(sandbox)
    sandbox.tiktok.redirect_uri = "https://app.example/tiktok/callback"
    page = requests.get(
        tiktok.creds["authorize_url"],
        params={"service_id": tiktok.creds["service_id"], "state": "csrf-1"},
        timeout=5,
    )
    assert page.status_code == 200 and "Authorize" in page.text
    confirm = requests.post(
        tiktok.creds["authorize_url"],
        data={"service_id": tiktok.creds["service_id"], "state": "csrf-1"},
        allow_redirects=False,
        timeout=5,
    )
    location = urlsplit(confirm.headers["Location"])
    params = parse_qs(location.query)
    assert location.path == "/tiktok/callback" and params["state"] == ["csrf-1"]

    auth = tiktok.creds["auth_base_url"]
    query = {
        "app_key": tiktok.creds["app_key"],
        "app_secret": tiktok.creds["app_secret"],
        "auth_code": params["code"][0],
    }
    wrong_grant = requests.get(
        f"{auth}/api/v2/token/get", params=query | {"grant_type": "authorization_code"}, timeout=5
    )
    assert wrong_grant.json()["code"] != 0
    granted = requests.get(
        f"{auth}/api/v2/token/get", params=query | {"grant_type": "authorized_code"}, timeout=5
    ).json()
    assert granted["code"] == 0
    data = granted["data"]
    now = time.time()
    assert now + 6 * 86_400 < data["access_token_expire_in"] < now + 8 * 86_400  # absolute
    assert data["seller_base_region"] == "ID"
    reused = requests.get(
        f"{auth}/api/v2/token/get", params=query | {"grant_type": "authorized_code"}, timeout=5
    ).json()
    assert reused["code"] == 36004004

    refresh = {
        "app_key": tiktok.creds["app_key"],
        "app_secret": tiktok.creds["app_secret"],
        "refresh_token": data["refresh_token"],
        "grant_type": "refresh_token",
    }
    rotated = requests.get(f"{auth}/api/v2/token/refresh", params=refresh, timeout=5).json()
    assert rotated["code"] == 0 and rotated["data"]["refresh_token"] != data["refresh_token"]
    new = TikTokCaller(sandbox, access_token=rotated["data"]["access_token"])
    assert new.call("GET", "/authorization/202309/shops", cipher=False).json()["code"] == 0


def test_expired_and_invalid_tokens(make_sandbox):
    sandbox = make_sandbox(lifetimes=TokenLifetimes(tiktok_access=1))
    tiktok = TikTokCaller(sandbox)
    assert tiktok.call("GET", "/authorization/202309/shops", cipher=False).json()["code"] == 0
    time.sleep(1.2)
    expired = tiktok.call("GET", "/authorization/202309/shops", cipher=False)
    assert expired.status_code == 401 and expired.json()["code"] == 105002
    invalid = tiktok.call("GET", "/authorization/202309/shops", cipher=False, token="ROW_nope")
    assert invalid.json()["code"] == 36009004
    assert "x-tts-access-token" in invalid.json()["message"]

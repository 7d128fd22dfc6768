"""Published signing vectors are accepted; a one-character change is refused."""

import pytest
import requests

from imports.sandbox.auth import ACCESS, shopee_signature, tiktok_signature
from tests.imports.sandbox.conftest import ShopeeCaller, TikTokCaller

SHOPEE_KEY = "test_partner_key_do_not_use"
SHOPEE_VECTORS = [
    (
        ("2001887", "/api/v2/shop/auth_partner", "1655714431"),
        "f4b98b749a7c37196ca987b494201c8a2bc14cfa3a5c0d46cfc7b6c1ee7ed2a4",
    ),
    (
        ("2001887", "/api/v2/auth/token/get", "1655714431"),
        "4a6a330674a2765a19871ccc8cb466b9a9b873c0c85c8c190da2cd571ee81230",
    ),
    (
        (
            "2001887",
            "/api/v2/product/get_item_list",
            "1655714431",
            "59777174636562737266615546704c6d",
            "14701711",
        ),
        "341a0ca49b4dce06059c87e4c8f93c146d3220c02f12cfc0191c0b6b4ab71a18",
    ),
]
TIKTOK_SECRET = "e59af819cc"
TIKTOK_VECTORS = [
    (
        "/authorization/202309/shops",
        {"app_key": "29a39d", "timestamp": "1623812664"},
        b"",
        "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8",
    ),
    (
        "/product/202502/products/search",
        {
            "app_key": "29a39d",
            "page_size": "100",
            "shop_cipher": "ROW_exampleCipher",
            "timestamp": "1623812664",
            "access_token": "ignored",
        },
        b'{"status":"ACTIVATE","update_time_ge":1700000000}',
        "7275172f7f31b4287114d8f390b14d20df5530489b6367a734bb341d96aabdb9",
    ),
    (
        "/product/202309/products/1729592969712207008",
        {"app_key": "29a39d", "shop_cipher": "ROW_exampleCipher", "timestamp": "1623812664"},
        b"",
        "991d73afa6da0b903c2aec0c0e0cb91e01eb583ae7e32706baf26335da59882b",
    ),
]


@pytest.mark.parametrize(("parts", "expected"), SHOPEE_VECTORS)
def test_shopee_signing_matches_the_published_vectors(parts, expected):
    assert shopee_signature(SHOPEE_KEY, *parts) == expected


@pytest.mark.parametrize(("path", "query", "body", "expected"), TIKTOK_VECTORS)
def test_tiktok_signing_matches_the_published_vectors(path, query, body, expected):
    assert tiktok_signature(TIKTOK_SECRET, path, query, body) == expected


def _shopee_vector_sandbox(make_sandbox):
    sandbox = make_sandbox(products=50)
    sandbox.shopee.partner_id = 2001887
    sandbox.shopee.partner_key = SHOPEE_KEY
    sandbox.shopee.shop_id = 14701711
    sandbox.shopee.authority.clock = lambda: 1655714431 + 60
    sandbox.shopee.authority.register("59777174636562737266615546704c6d", ACCESS, 14701711, 3600)
    return sandbox


def test_sandbox_accepts_the_shopee_vector_requests_and_refuses_a_changed_sign(make_sandbox):
    sandbox = _shopee_vector_sandbox(make_sandbox)
    base = f"{sandbox.base_url}/shopee"
    link = {
        "partner_id": 2001887,
        "timestamp": 1655714431,
        "redirect": "https://app.example/cb",
        "sign": SHOPEE_VECTORS[0][1],
    }
    page = requests.get(f"{base}/api/v2/shop/auth_partner", params=link, timeout=5)
    assert page.status_code == 200 and "Konfirmasi" in page.text

    query = {
        "partner_id": 2001887,
        "timestamp": 1655714431,
        "access_token": "59777174636562737266615546704c6d",
        "shop_id": 14701711,
        "sign": SHOPEE_VECTORS[2][1],
        "offset": 0,
        "page_size": 10,
        "item_status": "NORMAL",
    }
    listed = requests.get(f"{base}/api/v2/product/get_item_list", params=query, timeout=5)
    assert listed.json()["error"] == ""
    assert listed.json()["response"]["item"]

    changed = SHOPEE_VECTORS[2][1][:-1] + ("0" if SHOPEE_VECTORS[2][1][-1] != "0" else "1")
    refused = requests.get(
        f"{base}/api/v2/product/get_item_list", params={**query, "sign": changed}, timeout=5
    )
    assert refused.json()["error"] == "error_sign"
    assert refused.json()["message"] == "Wrong sign."
    upper = requests.get(
        f"{base}/api/v2/product/get_item_list",
        params={**query, "sign": SHOPEE_VECTORS[2][1].upper()},
        timeout=5,
    )
    assert upper.json()["error"] == "error_sign"


def test_sandbox_accepts_the_tiktok_vector_request_and_refuses_a_changed_sign(make_sandbox):
    sandbox = make_sandbox(products=50)
    sandbox.tiktok.app_key = "29a39d"
    sandbox.tiktok.app_secret = TIKTOK_SECRET
    sandbox.tiktok.authority.clock = lambda: 1623812664 + 10
    sandbox.tiktok.authority.register("ROW_vector_token", ACCESS, 1, 3600)
    url = f"{sandbox.base_url}/tiktok/authorization/202309/shops"
    headers = {"x-tts-access-token": "ROW_vector_token"}
    query = {"app_key": "29a39d", "timestamp": "1623812664", "sign": TIKTOK_VECTORS[0][3]}
    accepted = requests.get(url, params=query, headers=headers, timeout=5)
    assert accepted.status_code == 200
    assert accepted.json()["code"] == 0
    refused = requests.get(
        url, params={**query, "sign": "c" + query["sign"][1:]}, headers=headers, timeout=5
    )
    assert refused.status_code == 401
    assert refused.json()["code"] == 106001
    assert (
        refused.json()["message"] == "Invalid credentials. The `sign` query parameter is invalid."
    )


def test_tiktok_body_is_part_of_the_signature(sandbox):
    caller = TikTokCaller(sandbox)
    good = caller.search({"status": "ACTIVATE"})
    assert good.json()["code"] == 0
    c = caller.creds
    path = "/product/202502/products/search"
    query = {
        "app_key": c["app_key"],
        "timestamp": good.request.url.split("timestamp=")[1][:10],
        "shop_cipher": c["shop_cipher"],
        "page_size": "100",
    }
    query["sign"] = tiktok_signature(c["app_secret"], path, query, b'{"status":"ACTIVATE"}')
    tampered = caller.session.post(
        c["base_url"] + path,
        params=query,
        data=b'{"status":"DELETED"}',
        headers={"x-tts-access-token": c["access_token"], "Content-Type": "application/json"},
        timeout=5,
    )
    assert tampered.json()["code"] == 106001


@pytest.mark.parametrize("drift", [-301, 301])
def test_shopee_refuses_timestamps_outside_five_minutes(sandbox, drift):
    import time

    response = ShopeeCaller(sandbox).shop(
        "/api/v2/shop/get_shop_info", timestamp=int(time.time()) + drift
    )
    assert response.json() | {"request_id": ""} == {
        "request_id": "",
        "error": "error_param",
        "message": "Invalid timestamp",
    }


@pytest.mark.parametrize(
    ("drift", "accepted"), [(-290, True), (-310, False), (20, True), (40, False)]
)
def test_tiktok_timestamp_window_is_five_minutes_back_thirty_seconds_ahead(
    sandbox, drift, accepted
):
    import time

    response = TikTokCaller(sandbox).call(
        "GET", "/authorization/202309/shops", cipher=False, timestamp=int(time.time()) + drift
    )
    assert (response.json()["code"] == 0) is accepted
    if not accepted:
        assert response.json()["code"] == 36009004
        assert "timestamp" in response.json()["message"]

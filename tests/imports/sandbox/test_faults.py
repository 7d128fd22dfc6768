"""Each injected fault produces what it says; counters count every call."""

import time

import pytest
import requests

from imports.sandbox.faults import FAULT_KINDS, FaultConfig
from tests.imports.sandbox.conftest import ShopeeCaller, TikTokCaller

SHOP_INFO = "/api/v2/shop/get_shop_info"


def _only(kind, **other):
    return FaultConfig(**{kind: 1.0}, **other)


def test_rate_limit_answers_429_with_retry_after(make_sandbox):
    sandbox = make_sandbox(faults=_only("rate_limit"))
    shopee = ShopeeCaller(sandbox).shop(SHOP_INFO)
    assert shopee.status_code == 429 and shopee.headers["Retry-After"] == "1"
    assert "Too many requests" in shopee.json()["message"]
    tiktok = TikTokCaller(sandbox).call("GET", "/authorization/202309/shops", cipher=False)
    assert tiktok.status_code == 429 and tiktok.json()["code"] == 36009002


def test_server_error_and_busy(make_sandbox):
    sandbox = make_sandbox(faults=_only("server_error"))
    assert ShopeeCaller(sandbox).shop(SHOP_INFO).status_code == 500
    tiktok = TikTokCaller(sandbox).call("GET", "/authorization/202309/shops", cipher=False)
    assert tiktok.status_code == 500 and tiktok.json()["code"] == 36009003
    sandbox.faults.update({"server_error": 0, "busy": 1})
    busy = ShopeeCaller(sandbox).shop(SHOP_INFO)
    assert busy.status_code == 200 and busy.json()["error"] == "product.error_system_busy"


def test_timeout_answers_after_the_client_gave_up(make_sandbox):
    sandbox = make_sandbox(faults=_only("timeout", slow_seconds=1.5))
    with pytest.raises(requests.exceptions.ReadTimeout):
        ShopeeCaller(sandbox).shop(SHOP_INFO, timeout=0.5)


def test_dropped_connection(make_sandbox):
    sandbox = make_sandbox(faults=_only("drop"))
    with pytest.raises(requests.exceptions.ConnectionError):
        ShopeeCaller(sandbox).shop(SHOP_INFO)


def test_truncated_body(make_sandbox):
    sandbox = make_sandbox(faults=_only("truncate"))
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        ShopeeCaller(sandbox).shop(SHOP_INFO)


def test_malformed_json(make_sandbox):
    sandbox = make_sandbox(faults=_only("malformed"))
    response = ShopeeCaller(sandbox).shop(SHOP_INFO)
    assert response.status_code == 200
    with pytest.raises(requests.exceptions.JSONDecodeError):
        response.json()


def test_token_expiry_mid_run_expires_the_tokens_already_issued(make_sandbox):
    sandbox = make_sandbox()
    shopee = ShopeeCaller(sandbox)
    assert shopee.shop(SHOP_INFO).json()["error"] == ""
    sandbox.faults.update({"token_expiry": 1})
    assert shopee.shop(SHOP_INFO).json()["error"] == "invalid_acceess_token"
    sandbox.faults.update({"token_expiry": 0})
    time.sleep(0.01)
    renewed = ShopeeCaller(sandbox)  # credentials() issues a fresh pair
    assert renewed.shop(SHOP_INFO).json()["error"] == ""
    assert shopee.shop(SHOP_INFO).json()["error"] == "invalid_acceess_token"


def test_qps_limit_refuses_calls_beyond_the_rate(make_sandbox):
    sandbox = make_sandbox(faults=FaultConfig(qps=5))
    shopee = ShopeeCaller(sandbox)
    statuses = [shopee.shop(SHOP_INFO).status_code for _ in range(12)]
    assert statuses.count(429) >= 5
    assert 200 in statuses
    refused = next(r for r in (shopee.shop(SHOP_INFO) for _ in range(10)) if r.status_code == 429)
    assert int(refused.headers["Retry-After"]) >= 1
    assert sandbox.stats()["faults"]["shopee qps_limit"] >= 5


def test_latency_is_added_to_every_api_call(make_sandbox):
    sandbox = make_sandbox(faults=FaultConfig(latency_ms=120))
    shopee = ShopeeCaller(sandbox)
    started = time.perf_counter()
    for _ in range(3):
        shopee.shop(SHOP_INFO)
    assert time.perf_counter() - started >= 0.36


def test_spread_rate_hits_every_kind_at_roughly_its_share(make_sandbox):
    config = FaultConfig.spread(0.8, slow_seconds=0.05, seed=7)
    assert sum(getattr(config, kind) for kind in FAULT_KINDS) == pytest.approx(0.8)
    sandbox = make_sandbox(faults=config)
    shopee = ShopeeCaller(sandbox)
    for _ in range(200):
        try:
            shopee.shop(SHOP_INFO, timeout=2)
        except requests.RequestException:
            shopee.session = requests.Session()
    faults = sandbox.stats()["faults"]
    for kind in FAULT_KINDS:
        assert faults.get(f"shopee {kind}", 0) >= 5, (kind, faults)
    assert 110 <= sum(faults.values()) <= 200


def test_counters_count_calls_per_endpoint_and_reset(sandbox):
    shopee, tiktok = ShopeeCaller(sandbox), TikTokCaller(sandbox)
    for _ in range(3):
        shopee.shop(SHOP_INFO)
    product = tiktok.search(page_size="1").json()["data"]["products"][0]["id"]
    tiktok.call("GET", f"/product/202309/products/{product}")
    calls = sandbox.stats()["calls"]
    assert calls["shopee /api/v2/shop/get_shop_info"] == 3
    assert calls["tiktokshop /product/202502/products/search"] == 1
    assert calls["tiktokshop /product/202309/products/{product_id}"] == 1
    reset = requests.post(f"{sandbox.base_url}/_sandbox/stats/reset", timeout=5).json()
    assert reset == {"calls": {}, "faults": {}}


def test_faults_are_configurable_over_http_and_validated(sandbox):
    url = f"{sandbox.base_url}/_sandbox/faults"
    assert requests.post(url, json={"busy": 0.5}, timeout=5).json()["busy"] == 0.5
    assert sandbox.faults.busy == 0.5
    bad = requests.post(url, json={"explode": 1}, timeout=5)
    assert bad.status_code == 400 and "explode" in bad.json()["error"]


def test_token_endpoints_are_never_faulted(make_sandbox):
    sandbox = make_sandbox(faults=_only("drop"))
    shopee = ShopeeCaller(sandbox)
    link = shopee.public("/api/v2/shop/auth_partner", method="GET", redirect="https://a.example")
    assert link.status_code == 200

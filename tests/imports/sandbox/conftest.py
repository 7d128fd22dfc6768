"""Sandbox marketplaces started in the test process on a free loopback port."""

from __future__ import annotations

import json
import time

import pytest
import requests

from imports.sandbox.auth import shopee_signature, tiktok_signature
from imports.sandbox.server import MarketplaceSandbox


class ShopeeCaller:
    """Signs Shopee calls by the documented base strings (test side, deliberately tiny)."""

    def __init__(self, sandbox: MarketplaceSandbox, **overrides) -> None:
        self.creds = {**sandbox.credentials()["shopee"], **overrides}
        self.session = requests.Session()

    def shop(
        self,
        path: str,
        *,
        timestamp: int | None = None,
        sign: str | None = None,
        timeout: float = 10,
        **params,
    ) -> requests.Response:
        c = self.creds
        ts = int(time.time()) if timestamp is None else timestamp
        signature = sign or shopee_signature(
            c["partner_key"], c["partner_id"], path, ts, c["access_token"], c["shop_id"]
        )
        query = {
            "partner_id": c["partner_id"],
            "timestamp": ts,
            "access_token": c["access_token"],
            "shop_id": c["shop_id"],
            "sign": signature,
            **params,
        }
        return self.session.get(c["base_url"] + path, params=query, timeout=timeout)

    def public(
        self, path: str, body: dict | None = None, method: str = "POST", **params
    ) -> requests.Response:
        c = self.creds
        ts = int(time.time())
        query = {
            "partner_id": c["partner_id"],
            "timestamp": ts,
            "sign": shopee_signature(c["partner_key"], c["partner_id"], path, ts),
            **params,
        }
        return self.session.request(
            method, c["base_url"] + path, params=query, json=body, allow_redirects=False, timeout=10
        )


class TikTokCaller:
    def __init__(self, sandbox: MarketplaceSandbox, **overrides) -> None:
        self.creds = {**sandbox.credentials()["tiktokshop"], **overrides}
        self.session = requests.Session()

    def call(
        self,
        method: str,
        path: str,
        *,
        body: dict | None = None,
        cipher: bool = True,
        timestamp: int | None = None,
        sign: str | None = None,
        token: str | None = None,
        timeout: float = 10,
        **params,
    ) -> requests.Response:
        c = self.creds
        query = {
            "app_key": c["app_key"],
            "timestamp": str(int(time.time()) if timestamp is None else timestamp),
            **params,
        }
        if cipher:
            query["shop_cipher"] = c["shop_cipher"]
        raw = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
        query["sign"] = sign or tiktok_signature(c["app_secret"], path, query, raw)
        headers = {
            "x-tts-access-token": c["access_token"] if token is None else token,
            "Content-Type": "application/json",
        }
        return self.session.request(
            method,
            c["base_url"] + path,
            params=query,
            data=raw or None,
            headers=headers,
            timeout=timeout,
        )

    def search(self, body: dict | None = None, version: str = "202502", **params):
        params.setdefault("page_size", "100")
        return self.call(
            "POST",
            f"/product/{version}/products/search",
            body={"status": "ALL"} if body is None else body,
            **params,
        )


@pytest.fixture
def shopee(sandbox):
    return ShopeeCaller(sandbox)


@pytest.fixture
def tiktok(sandbox):
    return TikTokCaller(sandbox)

"""The sandbox marketplace server: both platforms, fault injection and a control API.

Mounts (all on one loopback port):
  /shopee/...            Shopee Open Platform v2 (partner host)
  /tiktok/...            TikTok Shop Open API (open-api host)
  /tiktok-auth/...       TikTok token host (token/get, token/refresh)
  /tiktok-services/...   TikTok seller authorization page
  /shopee-cdn/, /tiktok-cdn/   product images (generated placeholders)
  /_sandbox/...          sandbox-only control: credentials, stats, faults, catalog changes
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from typing import Any
from urllib.parse import parse_qs, urlsplit

from imports.sandbox.auth import TokenAuthority
from imports.sandbox.catalog import DirtRates, DistinctPair, MatchTruth, SellerCatalog
from imports.sandbox.faults import Counters, FaultConfig, FaultInjector, Outage, RateLimiter
from imports.sandbox.http import SandboxRequest, SandboxResponse
from imports.sandbox.shopee import ShopeeSandbox
from imports.sandbox.tiktok import PRODUCT_PATH, SEARCH_PATH, TikTokSandbox, write_endpoint_name

FAULT_FREE_SHOPEE_PATHS = {
    "/api/v2/shop/auth_partner",
    "/api/v2/auth/token/get",
    "/api/v2/auth/access_token/get",
}


# Token refresh endpoints (the control API can make them refuse a few calls).
REFRESH_PATHS = {"/api/v2/auth/access_token/get", "/api/v2/token/refresh"}


class DropConnection(Exception):
    """Close the connection without answering."""


@dataclass
class TokenLifetimes:
    shopee_access: float = 14_400
    shopee_refresh: float = 30 * 86_400
    tiktok_access: float = 7 * 86_400
    tiktok_refresh: float = 365 * 86_400


def endpoint_name(platform: str, path: str) -> str:
    """The call counter key: the path, with ids replaced by placeholders."""
    if platform == "tiktokshop" and PRODUCT_PATH.match(path):
        return "/product/202309/products/{product_id}"
    if platform == "tiktokshop" and SEARCH_PATH.match(path):
        return path
    if platform == "tiktokshop" and (written := write_endpoint_name(path)):
        return written
    return path


class MarketplaceSandbox:
    def __init__(
        self,
        *,
        seed: int = 1,
        products: int = 1000,
        overlap: float | None = None,  # the profile's default: 0.3, dirty-seller 0.65
        dirt: DirtRates | None = None,
        profile: str = "default",  # or "dirty-seller" (imports.sandbox.dirty)
        faults: FaultConfig | None = None,
        lifetimes: TokenLifetimes | None = None,
        server_key: bytes | None = None,
        tiktok_redirect_uri: str = "",
    ) -> None:
        lifetimes = lifetimes or TokenLifetimes()
        # A key derived from the seed keeps issued tokens valid across sandbox restarts.
        key = server_key or hashlib.sha256(f"syncstore-sandbox-key:{seed}".encode()).digest()
        self.catalog = SellerCatalog.generate(
            seed=seed, products=products, overlap=overlap, dirt=dirt, profile=profile
        )
        self.shopee = ShopeeSandbox(
            catalog=self.catalog.shopee,
            authority=TokenAuthority(key + b"shopee"),
            access_lifetime=lifetimes.shopee_access,
            refresh_lifetime=lifetimes.shopee_refresh,
        )
        self.tiktok = TikTokSandbox(
            catalog=self.catalog.tiktok,
            authority=TokenAuthority(key + b"tiktok", prefix="ROW_"),
            access_lifetime=lifetimes.tiktok_access,
            refresh_lifetime=lifetimes.tiktok_refresh,
            redirect_uri=tiktok_redirect_uri,
        )
        self.faults = faults or FaultConfig()
        self.injector = FaultInjector(self.faults)
        self.outage = Outage()
        self.limiters = {"shopee": RateLimiter(), "tiktokshop": RateLimiter()}
        self.counters = Counters()
        # Endpoints that refuse every call, path -> "not_found" | "permission" (/refuse).
        self.refused: dict[str, str] = {}
        # Refusals the next token refreshes get (control API: /token-faults), per platform.
        self.token_faults: dict[str, dict[str, int]] = {"shopee": {}, "tiktokshop": {}}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> MarketplaceSandbox:
        sandbox = self

        class Handler(SandboxHandler):
            pass

        Handler.sandbox = sandbox
        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        bound_host, bound_port = self._server.server_address[:2]
        self.base_url = f"http://{bound_host}:{bound_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="marketplace-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> MarketplaceSandbox:
        return self.start() if self._server is None else self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- what tests and the command use ------------------------------------------------------
    def credentials(self) -> dict[str, dict[str, object]]:
        return {
            "shopee": self.shopee.credentials(self.base_url),
            "tiktokshop": self.tiktok.credentials(self.base_url),
        }

    def ground_truth(self) -> list[MatchTruth]:
        return list(self.catalog.ground_truth())

    def distinct_pairs(self) -> list[DistinctPair]:
        """Look-alike pairs that are different products (dirty-seller siblings); [] by default."""
        return self.catalog.distinct_pairs()

    def stats(self) -> dict[str, dict[str, int]]:
        return self.counters.snapshot()

    # --- request handling --------------------------------------------------------------------
    def route(self, request: SandboxRequest, mount: str) -> SandboxResponse:
        if mount == "shopee":
            return self._platform_call(
                "shopee", request, self.shopee.handle, request.path not in FAULT_FREE_SHOPEE_PATHS
            )
        if mount == "tiktok":
            return self._platform_call("tiktokshop", request, self.tiktok.handle, True)
        if mount == "tiktok-auth":
            return self._platform_call("tiktokshop", request, self.tiktok.token, False)
        if mount == "tiktok-services" and request.path == "/open/authorize":
            if request.method == "POST":
                return self.tiktok.consent_confirm(request)
            return self.tiktok.consent_page(request)
        if mount in ("shopee-cdn", "tiktok-cdn") and request.method == "GET":
            return placeholder_image(request.path)
        if mount == "_sandbox":
            return self.control(request)
        return SandboxResponse.json(404, {"error": "not_found", "message": "No such path."})

    def _platform_call(
        self, platform: str, request: SandboxRequest, handler: Any, faults_apply: bool
    ) -> SandboxResponse:
        self.counters.call(platform, endpoint_name(platform, request.path))
        platform_api = self.shopee if platform == "shopee" else self.tiktok
        if request.path in self.refused:
            return refusal_response(platform, self.refused[request.path])
        if not faults_apply:
            if request.path in REFRESH_PATHS:
                refused = self._token_fault(platform, platform_api)
                if refused is not None:
                    return refused
            return handler(request)
        down = self.outage.draw(endpoint_name(platform, request.path))
        if down == "drop":
            self.counters.fault(platform, "outage")
            raise DropConnection
        if down:
            self.counters.fault(platform, "outage")
            return platform_api.fault_response("server_error")
        config = self.faults
        if config.latency_ms:
            time.sleep(config.latency_ms / 1000)
        wait = self.limiters[platform].wait_seconds(config.qps)
        if wait:
            self.counters.fault(platform, "qps_limit")
            response = platform_api.fault_response("rate_limit")
            response.headers["Retry-After"] = str(max(1, round(wait + 0.5)))
            return response
        fault = self.injector.draw()
        if fault:
            self.counters.fault(platform, fault)
        if fault in ("rate_limit", "server_error", "busy"):
            response = platform_api.fault_response(fault)
            if fault == "rate_limit":
                response.headers["Retry-After"] = str(round(config.retry_after))
            return response
        if fault == "drop":
            raise DropConnection
        if fault == "timeout":
            time.sleep(config.slow_seconds)
        if fault == "token_expiry":
            platform_api.authority.expire_access_tokens()
        response = handler(request)
        if fault == "truncate":
            response.headers["X-Sandbox-Truncate"] = "1"
        elif fault == "malformed":
            response.body = response.body[: len(response.body) // 2] + b"<!-- upstream error -->"
        return response

    def _token_fault(self, platform: str, platform_api: Any) -> SandboxResponse | None:
        """A queued refusal for a token refresh, answered before the token is spent."""
        pending = self.token_faults[platform]
        kind = next((kind for kind, left in pending.items() if left > 0), None)
        if kind is None:
            return None
        pending[kind] -= 1
        self.counters.fault(platform, f"token_{kind}")
        response = platform_api.fault_response(kind)
        if kind == "rate_limit":
            response.headers["Retry-After"] = "1"
        return response

    # --- control API -------------------------------------------------------------------------
    def control(self, request: SandboxRequest) -> SandboxResponse:
        try:
            body = request.json_body() if request.method == "POST" else {}
        except ValueError:
            return SandboxResponse.json(400, {"error": "body must be JSON"})
        path, method = request.path, request.method
        try:
            if path in ("", "/") or (path == "/credentials" and method == "GET"):
                return SandboxResponse.json(
                    200, {"base_url": self.base_url, "credentials": self.credentials()}
                )
            if path == "/stats" and method == "GET":
                return SandboxResponse.json(200, self.stats())
            if path == "/stats/reset" and method == "POST":
                self.counters.reset()
                return SandboxResponse.json(200, self.stats())
            if path == "/faults" and method == "GET":
                return SandboxResponse.json(200, self.faults.as_dict())
            if path == "/faults" and method == "POST":
                self.faults.update(body)
                return SandboxResponse.json(200, self.faults.as_dict())
            if path == "/mutate" and method == "POST":
                shop = self.catalog.shop(body.get("platform", "shopee"))
                ids = shop.mutate(
                    body.get("action", "update"),
                    int(body.get("count", 1)),
                    int(body.get("percent", 10)),
                )
                return SandboxResponse.json(200, {"product_ids": [str(i) for i in ids]})
            if path == "/expire-tokens" and method == "POST":
                platform = body.get("platform", "shopee")
                api = self.shopee if platform == "shopee" else self.tiktok
                api.authority.expire_access_tokens()
                return SandboxResponse.json(200, {"expired": platform})
            if path == "/refuse" and method == "POST":
                # {"/api/v2/product/get_item_limit": "permission"}; null lifts a refusal.
                for refused_path, kind in body.items():
                    if kind is None:
                        self.refused.pop(refused_path, None)
                    elif kind in ("not_found", "permission"):
                        self.refused[refused_path] = kind
                    else:
                        raise ValueError("a refusal is not_found or permission")
                return SandboxResponse.json(200, self.refused)
            if path == "/outage" and method == "GET":
                return SandboxResponse.json(200, self.outage.as_dict())
            if path == "/outage" and method == "POST":
                # {"after_calls": 300, "seconds": 60} or {..., "failing_calls": 40}; {} lifts it.
                if body:
                    self.outage.arm(body)
                else:
                    self.outage.clear()
                return SandboxResponse.json(200, self.outage.as_dict())
            if path == "/token-lifetimes" and method in ("GET", "POST"):
                # {"tiktok_access": 15}: tokens issued from now on live that many seconds.
                holders = {
                    "shopee_access": (self.shopee, "access_lifetime"),
                    "shopee_refresh": (self.shopee, "refresh_lifetime"),
                    "tiktok_access": (self.tiktok, "access_lifetime"),
                    "tiktok_refresh": (self.tiktok, "refresh_lifetime"),
                }
                for name, seconds in body.items():
                    if name not in holders or float(seconds) <= 0:
                        raise ValueError(f"unknown token lifetime or not positive: {name}")
                    setattr(*holders[name], float(seconds))
                return SandboxResponse.json(
                    200, {name: getattr(*holder) for name, holder in holders.items()}
                )
            if path == "/token-faults" and method == "POST":
                platform = body.pop("platform", "shopee")
                if platform not in self.token_faults or not set(body) <= {
                    "rate_limit",
                    "server_error",
                }:
                    raise ValueError("token-faults takes a platform, rate_limit, server_error")
                self.token_faults[platform].update({k: int(v) for k, v in body.items()})
                return SandboxResponse.json(200, self.token_faults)
            if path == "/paging" and method == "POST":
                # How deep each platform lets a client page (below the page size, too).
                caps = {"shopee_offset_cap": self.shopee, "tiktok_result_cap": self.tiktok}
                for name, value in body.items():
                    if name not in caps or int(value) < 1:
                        raise ValueError(f"unknown paging setting or not positive: {name}")
                    setattr(caps[name], name.split("_", 1)[1], int(value))
                return SandboxResponse.json(
                    200,
                    {
                        "shopee_offset_cap": self.shopee.offset_cap,
                        "tiktok_result_cap": self.tiktok.result_cap,
                    },
                )
            if path == "/publishing" and method in ("GET", "POST"):
                # The write side's controls, per platform (shopee_writes, tiktok_writes):
                # seller-center edits, promotions, reviews, locks, failures, the write log.
                platform = body.pop("platform", None) or request.arg("platform") or "shopee"
                api = self.shopee if platform == "shopee" else self.tiktok
                if method == "GET":
                    return SandboxResponse.json(200, api.publishing_state())
                return SandboxResponse.json(200, api.publishing_control(body))
            if path == "/tiktok-redirect" and method == "POST":
                self.tiktok.redirect_uri = str(body["redirect_uri"])
                return SandboxResponse.json(200, {"redirect_uri": self.tiktok.redirect_uri})
            if path == "/ground-truth" and method == "GET":
                limit = int(request.arg("limit") or 10_000)
                pairs = [pair.__dict__ for pair in islice(self.catalog.ground_truth(), limit)]
                return SandboxResponse.json(200, {"pairs": pairs})
            if path == "/distinct-pairs" and method == "GET":
                pairs = [pair.__dict__ for pair in self.catalog.distinct_pairs()]
                return SandboxResponse.json(200, {"pairs": pairs})
        except (KeyError, TypeError, ValueError) as exc:
            return SandboxResponse.json(400, {"error": str(exc)})
        return SandboxResponse.json(404, {"error": f"no control endpoint {method} {path}"})


def refusal_response(platform: str, kind: str) -> SandboxResponse:
    """What each platform answers a shop that may not use an endpoint, or lacks its data."""
    if platform == "shopee":
        error, message, status = {
            "permission": ("error_permission", "No permission.", 403),
            "not_found": ("error_not_found", "The data is not found.", 404),
        }[kind]
        return SandboxResponse.json(
            status, {"request_id": secrets.token_hex(16), "error": error, "message": message}
        )
    code, message, status = {
        "permission": (105005, "Access denied: no permission.", 403),
        "not_found": (36009004, "The resource is not found.", 404),
    }[kind]
    return SandboxResponse.json(
        status,
        {"code": code, "message": message, "request_id": secrets.token_hex(16), "data": None},
    )


def placeholder_image(path: str) -> SandboxResponse:
    """A square SVG standing in for a product photo, coloured by its id."""
    digest = hashlib.sha256(path.encode()).hexdigest()
    hue = int(digest[:4], 16) % 360
    label = html.escape(path.rsplit("/", 1)[-1][-6:])
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' width='600' height='600' viewBox='0 0 600 600'>"
        f"<rect width='600' height='600' fill='hsl({hue},55%,62%)'/>"
        f"<circle cx='300' cy='260' r='120' fill='hsl({(hue + 40) % 360},60%,82%)'/>"
        "<text x='300' y='500' font-family='sans-serif' font-size='48' text-anchor='middle' "
        f"fill='#fff'>{label}</text></svg>"
    )
    return SandboxResponse(
        200,
        svg.encode(),
        content_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


class SandboxHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # one call would otherwise stall ~40 ms on delayed ACK
    server_version = "SyncStoreSandbox/1.0"
    sandbox: MarketplaceSandbox

    def log_message(self, format: str, *args: Any) -> None:
        pass  # requests carry signatures and tokens: never log them

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        mount, _, rest = parts.path.lstrip("/").partition("/")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = SandboxRequest(
            method=self.command,
            path="/" + rest if rest or mount != "_sandbox" else "/",
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
            base_url=f"http://{self.headers.get('Host') or '127.0.0.1'}",
        )
        if request.path != "/" and request.path.endswith("/") and mount != "_sandbox":
            request.path = request.path.rstrip("/")
        try:
            response = self.sandbox.route(request, mount)
        except DropConnection:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        except Exception as exc:  # a sandbox bug must still answer like a server would
            response = SandboxResponse.json(500, {"error": "sandbox_error", "message": repr(exc)})
        self._write(response)

    def _write(self, response: SandboxResponse) -> None:
        truncate = response.headers.pop("X-Sandbox-Truncate", None)
        reason = self.responses.get(response.status, ("",))[0]
        head = [
            f"HTTP/1.1 {response.status} {reason}",
            f"Content-Type: {response.content_type}",
            f"Content-Length: {len(response.body)}",
            f"X-Request-Id: {secrets.token_hex(8)}",
            f"Date: {formatdate(usegmt=True)}",
        ]
        head += [f"{name}: {value}" for name, value in response.headers.items()]
        payload = ("\r\n".join(head) + "\r\n\r\n").encode() + response.body
        if truncate:
            # Promise the whole body, send half, hang up.
            self.wfile.write(payload[: len(payload) - len(response.body) // 2])
            self.close_connection = True
            return
        self.wfile.write(payload)

    do_GET = _dispatch
    do_POST = _dispatch


def credentials_text(sandbox: MarketplaceSandbox) -> str:
    return json.dumps(sandbox.credentials(), indent=2)

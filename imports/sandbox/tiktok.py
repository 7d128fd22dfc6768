"""TikTok Shop Open API (202309+), served from the sandbox: auth, shops and products.

Follows shared/marketplaces/tiktok.md: `{code, message, request_id, data}` envelopes, signed
query (sorted params + body wrapped in the app secret), the access token in the
`x-tts-access-token` header, `shop_cipher` required on product calls and refused on the shops
call, string prices, `category_chains[].local_name`, `main_images[].urls`,
`package_weight {value, unit}`, `integrated_platform_statuses` for Tokopedia listings,
absolute-timestamp token expiries and the 10,000-result search cap.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from imports.sandbox.auth import (
    ACCESS,
    CODE,
    REFRESH,
    TokenAuthority,
    signatures_match,
    tiktok_signature,
)
from imports.sandbox.catalog import TIKTOK_CLASS_MIX, Listing, ShopCatalog
from imports.sandbox.http import SandboxRequest, SandboxResponse, add_query, request_id
from imports.sandbox.shopee import CATEGORY_IDS

SEARCH_STATUSES = (
    "ALL",
    "DRAFT",
    "PENDING",
    "FAILED",
    "ACTIVATE",
    "SELLER_DEACTIVATED",
    "PLATFORM_DEACTIVATED",
    "FREEZE",
    "DELETED",
)
SEARCH_VERSIONS = ("202309", "202312", "202502")
RESULT_CAP = 10_000
CODE_LIFETIME = 1800
PRODUCT_PATH = re.compile(r"^/product/202309/products/(?P<product_id>[^/]+)$")
SEARCH_PATH = re.compile(r"^/product/(?P<version>\d{6})/products/search$")


class TikTokError(Exception):
    def __init__(self, code: int, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _category_id(number: int) -> str:
    return str(600_000 + number)


@dataclass
class TikTokSandbox:
    catalog: ShopCatalog
    authority: TokenAuthority
    app_key: str = "6a1sandbox0app"
    app_secret: str = "tts-sandbox-app-secret"  # noqa: S105 - the sandbox's own demo app
    service_id: str = "7312345678901234567"
    shop_id: str = "7494060412011317000"
    shop_cipher: str = "ROW_sandboxCipherIDLocal01"
    shop_name: str = "Toko Sandbox TikTok"
    redirect_uri: str = ""
    access_lifetime: float = 7 * 86_400
    refresh_lifetime: float = 365 * 86_400
    shop_number: int = 1
    result_cap: int = RESULT_CAP  # search results reachable by paging (control API: /paging)
    routes: dict[tuple[str, str], Callable] = field(init=False)

    def __post_init__(self) -> None:
        self.routes = {
            ("GET", "/authorization/202309/shops"): self.authorized_shops,
            ("GET", "/product/202309/categories"): self.categories,
        }

    # --- credentials -------------------------------------------------------------------------
    def issue_tokens(self) -> tuple[str, str, float, float]:
        now = self.authority.clock()
        access = self.authority.issue(ACCESS, self.shop_number, self.access_lifetime, now)
        refresh = self.authority.issue(REFRESH, self.shop_number, self.refresh_lifetime, now)
        return access, refresh, now + self.access_lifetime, now + self.refresh_lifetime

    def credentials(self, base_url: str) -> dict[str, object]:
        access, refresh, access_expiry, refresh_expiry = self.issue_tokens()
        return {
            "base_url": f"{base_url}/tiktok",
            "auth_base_url": f"{base_url}/tiktok-auth",
            "authorize_url": f"{base_url}/tiktok-services/open/authorize",
            "app_key": self.app_key,
            "app_secret": self.app_secret,
            "service_id": self.service_id,
            "shop_id": self.shop_id,
            "shop_cipher": self.shop_cipher,
            "access_token": access,
            "access_token_expire_in": int(access_expiry),
            "refresh_token": refresh,
            "refresh_token_expire_in": int(refresh_expiry),
        }

    # --- envelopes ---------------------------------------------------------------------------
    @staticmethod
    def _envelope(data: object) -> dict[str, object]:
        return {"code": 0, "message": "Success", "request_id": request_id(), "data": data}

    @staticmethod
    def _error(exc: TikTokError) -> SandboxResponse:
        return SandboxResponse.json(
            exc.status,
            {"code": exc.code, "message": exc.message, "request_id": request_id(), "data": None},
        )

    def fault_response(self, kind: str) -> SandboxResponse:
        if kind == "rate_limit":
            return self._error(
                TikTokError(
                    36009002,
                    "Too many requests. You've made too many requests in a short period of time.",
                    429,
                )
            )
        if kind == "server_error":
            return self._error(TikTokError(36009003, "Internal error, please retry.", 500))
        return self._error(TikTokError(36009007, "Request timeout, please retry.", 503))

    # --- open API dispatch -------------------------------------------------------------------
    def handle(self, request: SandboxRequest) -> SandboxResponse:
        try:
            match = SEARCH_PATH.match(request.path)
            if match and request.method == "POST":
                handler: Callable = self.search
            elif PRODUCT_PATH.match(request.path) and request.method == "GET":
                handler = self.product_detail
            else:
                handler = self.routes.get((request.method, request.path))  # type: ignore[assignment]
            if handler is None:
                raise TikTokError(36009009, "Invalid path. Please check the API path.", 404)
            return SandboxResponse.json(200, self._envelope(handler(request)))
        except TikTokError as exc:
            return self._error(exc)

    def _verify(self, request: SandboxRequest, *, needs_cipher: bool) -> None:
        query = request.single_query()
        if query.get("app_key") != self.app_key:
            raise TikTokError(36009004, "Invalid app_key. Please check the app_key.")
        timestamp = query.get("timestamp", "")
        if not timestamp.lstrip("-").isdigit():
            raise TikTokError(36009004, "Invalid timestamp. The timestamp is required.")
        drift = int(timestamp) - self.authority.clock()
        if int(timestamp) < 0 or drift < -300 or drift > 30:
            raise TikTokError(
                36009004,
                "Invalid timestamp. The timestamp must not be earlier than 5 minutes before "
                "or more than 30 seconds after the current time.",
            )
        if not query.get("sign"):
            raise TikTokError(
                36009004, "Missing signature. The `sign` query parameter is required."
            )
        content_type = request.headers.get("content-type", "")
        body = b"" if content_type.startswith("multipart/form-data") else request.body
        expected = tiktok_signature(self.app_secret, request.path, query, body)
        if not signatures_match(expected, query["sign"]):
            raise TikTokError(
                106001, "Invalid credentials. The `sign` query parameter is invalid.", 401
            )
        token_problem = self.authority.check(
            request.headers.get("x-tts-access-token", ""), ACCESS, self.shop_number
        )
        if token_problem == "expired":  # noqa: S105 - a status word, not a secret
            raise TikTokError(
                105002,
                "Expired credentials. The `access_token` or `x-tts-access-token` header has "
                "expired.",
                401,
            )
        if token_problem:
            raise TikTokError(
                36009004, "Invalid credentials. The `x-tts-access-token` header is invalid.", 401
            )
        cipher = query.get("shop_cipher")
        if needs_cipher and not cipher:
            raise TikTokError(
                106013, "Missing identifier. The `shop_cipher` query parameter is required."
            )
        if not needs_cipher and cipher is not None:
            raise TikTokError(
                36009004,
                "Unexpected identifier. The `shop_cipher` query parameter is not required for "
                "this request.",
            )
        if needs_cipher and cipher != self.shop_cipher:
            raise TikTokError(36009004, "Invalid identifier. The `shop_cipher` is invalid.")
        if request.method == "POST" and not content_type.startswith("application/json"):
            raise TikTokError(
                36009022, "The request body must be application/json or multipart/form-data."
            )

    # --- authorization -----------------------------------------------------------------------
    def consent_page(self, request: SandboxRequest) -> SandboxResponse:
        if request.arg("service_id") != self.service_id:
            return SandboxResponse.html(400, "TikTok Shop", "<p>Invalid service_id.</p>")
        state = html.escape(request.arg("state") or "")
        return SandboxResponse.html(
            200,
            "TikTok Shop Seller Center (sandbox)",
            f"<p>Izinkan aplikasi mengakses <b>{html.escape(self.shop_name)}</b> "
            "(Tokopedia &amp; TikTok Shop)?</p><form method='post'>"
            f"<input type='hidden' name='service_id' value='{html.escape(self.service_id)}'>"
            f"<input type='hidden' name='state' value='{state}'>"
            "<button type='submit' name='decision' value='authorize'>Authorize</button></form>",
        )

    def consent_confirm(self, request: SandboxRequest) -> SandboxResponse:
        form = request.form()
        if form.get("service_id") != self.service_id or not self.redirect_uri:
            return SandboxResponse.html(400, "TikTok Shop", "<p>App is not configured.</p>")
        code = self.authority.issue(CODE, self.shop_number, CODE_LIFETIME)
        return SandboxResponse.redirect(
            add_query(self.redirect_uri, code=code, state=form.get("state", ""))
        )

    def token(self, request: SandboxRequest) -> SandboxResponse:
        """GET {auth host}/api/v2/token/get and /api/v2/token/refresh (unsigned)."""
        query = request.single_query()
        try:
            if query.get("app_key") != self.app_key or query.get("app_secret") != self.app_secret:
                raise TikTokError(36004005, "Invalid app_key or app_secret.")
            if request.path == "/api/v2/token/get":
                if query.get("grant_type") != "authorized_code":
                    raise TikTokError(36004003, "Invalid grant_type.")
                code = query.get("auth_code", "")
                if self.authority.check(code, CODE) or not self.authority.consume(code):
                    raise TikTokError(36004004, "Invalid auth code.")
            elif request.path == "/api/v2/token/refresh":
                if query.get("grant_type") != "refresh_token":
                    raise TikTokError(36004003, "Invalid grant_type.")
                token = query.get("refresh_token", "")
                problem = self.authority.check(token, REFRESH)
                if problem == "expired":
                    raise TikTokError(36004001, "rt has expired")
                if problem or not self.authority.consume(token):
                    raise TikTokError(36004005, "can not find related auth record")
            else:
                raise TikTokError(36009009, "Invalid path.", 404)
        except TikTokError as exc:
            return self._error(exc)
        access, refresh, access_expiry, refresh_expiry = self.issue_tokens()
        return SandboxResponse.json(
            200,
            {
                "code": 0,
                "message": "success",
                "data": {
                    "access_token": access,
                    "access_token_expire_in": int(access_expiry),
                    "refresh_token": refresh,
                    "refresh_token_expire_in": int(refresh_expiry),
                    "open_id": "7010736057180325637",
                    "seller_name": self.shop_name,
                    "seller_base_region": "ID",
                    "user_type": 0,
                    "granted_scopes": ["seller.product.basic", "seller.authorization.info"],
                },
                "request_id": request_id(),
            },
        )

    # --- shops and categories ----------------------------------------------------------------
    def authorized_shops(self, request: SandboxRequest) -> dict[str, object]:
        self._verify(request, needs_cipher=False)
        return {
            "shops": [
                {
                    "id": self.shop_id,
                    "name": self.shop_name,
                    "region": "ID",
                    "seller_type": "LOCAL",
                    "cipher": self.shop_cipher,
                    "code": "IDLCSANDBOX1",
                }
            ]
        }

    def categories(self, request: SandboxRequest) -> dict[str, object]:
        self._verify(request, needs_cipher=True)
        result, seen = [], set()
        for (parent_name, leaf_name), (parent_number, leaf_number) in CATEGORY_IDS.items():
            if parent_number not in seen:
                seen.add(parent_number)
                result.append(
                    {
                        "id": _category_id(parent_number),
                        "parent_id": "0",
                        "local_name": parent_name,
                        "is_leaf": False,
                        "permission_statuses": ["AVAILABLE"],
                    }
                )
            result.append(
                {
                    "id": _category_id(leaf_number),
                    "parent_id": _category_id(parent_number),
                    "local_name": leaf_name,
                    "is_leaf": True,
                    "permission_statuses": ["AVAILABLE"],
                }
            )
        return {"categories": result}

    # --- products ----------------------------------------------------------------------------
    def _search_classes(self, status: str, platforms: list[str] | None) -> list[str]:
        classes = []
        for listing_class in TIKTOK_CLASS_MIX:
            class_status, marks = listing_class.split("|")
            if status != "ALL" and class_status != status:
                continue
            if platforms:
                on = {"TIKTOK_SHOP": "T" in marks, "TOKOPEDIA": "K" in marks}
                if not all(on[platform] for platform in platforms):
                    continue
            classes.append(listing_class)
        return classes

    def search(self, request: SandboxRequest) -> dict[str, object]:
        self._verify(request, needs_cipher=True)
        version = SEARCH_PATH.match(request.path)["version"]
        if version not in SEARCH_VERSIONS:
            raise TikTokError(36009014, "Invalid API version.", 404)
        page_size = request.arg("page_size")
        if not page_size or not page_size.isdigit() or not 1 <= int(page_size) <= 100:
            raise TikTokError(36009004, "invalid param error: page_size must be in [1, 100].")
        try:
            body = json.loads(request.body or b"{}")
        except ValueError as exc:
            raise TikTokError(36009004, "invalid param error: body is not JSON.") from exc
        status = body.get("status", "ALL")
        if status not in SEARCH_STATUSES:
            raise TikTokError(36009004, f"invalid param error: status {status}.")
        for unsupported in ("create_time_ge", "create_time_le", "seller_skus", "sku_ids"):
            if unsupported in body:
                raise TikTokError(
                    36009004, f"invalid param error: the sandbox does not filter by {unsupported}."
                )
        platforms = body.get("listing_platforms")
        if platforms is not None:
            if version == "202309":
                raise TikTokError(36009004, "invalid param error: listing_platforms.")
            if status == "ALL" or not set(platforms) <= {"TIKTOK_SHOP", "TOKOPEDIA"}:
                raise TikTokError(
                    36009004,
                    "invalid param error: listing_platforms needs a status other than ALL.",
                )
        time_from, time_to = body.get("update_time_ge"), body.get("update_time_le")
        for name, value in (("update_time_ge", time_from), ("update_time_le", time_to)):
            if value is not None and (not isinstance(value, int) or value < 0):
                raise TikTokError(12019119, f"Invalid {name}.")
        offset = self._offset(request.arg("page_token"))
        if offset >= self.result_cap:
            raise TikTokError(
                12052180,
                f"The total number of search results can not exceed {self.result_cap}.",
            )
        listings = self.catalog.listings
        query = {
            "time_from": time_from,
            "time_to": time_to,
            "classes": self._search_classes(status, platforms),
        }
        total = listings.count(**query)
        # Results past the cap are never served, whatever the page size asks for.
        limit = min(int(page_size), self.result_cap - offset)
        indices = listings.page(**query, offset=offset, limit=limit)
        next_offset = offset + len(indices)
        return {
            "total_count": total,
            "next_page_token": self._token(next_offset) if next_offset < total else "",
            "products": [
                self.search_item(self.catalog.listing(index), version) for index in indices
            ],
        }

    @staticmethod
    def _token(offset: int) -> str:
        return base64.b64encode(f"offset={offset}".encode()).decode()

    @staticmethod
    def _offset(token: str | None) -> int:
        if not token:
            return 0
        try:
            text = base64.b64decode(token.encode(), validate=True).decode()
            name, _, value = text.partition("=")
            if name != "offset" or not value.isdigit():
                raise ValueError(text)
            return int(value)
        except ValueError as exc:
            raise TikTokError(36009004, "invalid param error: page_token.") from exc

    def product_detail(self, request: SandboxRequest) -> dict[str, object]:
        self._verify(request, needs_cipher=True)
        product_id = PRODUCT_PATH.match(request.path)["product_id"]
        index = self.catalog.index_of(product_id)
        if index is None:
            raise TikTokError(12019150, "The product ID does not exist.", 404)
        return self.detail(self.catalog.listing(index), request.base_url)

    # --- payloads ----------------------------------------------------------------------------
    def _skus(self, listing: Listing, *, detail: bool) -> list[dict[str, object]]:
        spec = listing.spec
        variants = spec.variants or ()
        rows = []
        scale = listing.price / spec.price if spec.price else 1
        for number, variant in enumerate(variants or [None]):
            price = round((variant.price if variant else spec.price) * scale / 100) * 100
            if variant is None:
                price = listing.price
            seller_sku = listing.variant_sku(variant)
            price_info: dict[str, object] = {"currency": "IDR", "tax_exclusive_price": str(price)}
            if detail:
                price_info["sale_price"] = str(price)
            row: dict[str, object] = {
                "id": str(listing.product_id * 1000 + number),
                "seller_sku": seller_sku,
                "price": price_info,
                "inventory": [
                    {
                        "warehouse_id": "7068517275539719942",
                        "quantity": variant.stock if variant else spec.stock,
                    }
                ],
            }
            if detail:
                row["sales_attributes"] = [
                    {
                        "id": str(100_000 + level),
                        "name": spec.tiers[level][0],
                        "value_id": str(200_000 + spec.tiers[level][1].index(option)),
                        "value_name": option,
                    }
                    for level, option in enumerate(variant.options if variant else ())
                ]
                row["status_info"] = {"status": "NORMAL"}
            rows.append(row)
        return rows

    @staticmethod
    def _platform_fields(listing: Listing, item: dict[str, object]) -> None:
        if listing.status != "-":
            item["status"] = listing.status
        if listing.on_tokopedia:
            toko_status = "DELETED" if listing.status == "DELETED" else "ACTIVATE"
            item["integrated_platform_statuses"] = [
                {"platform": "TOKOPEDIA", "status": toko_status}
            ]

    def search_item(self, listing: Listing, version: str) -> dict[str, object]:
        item: dict[str, object] = {
            "id": str(listing.product_id),
            "title": listing.title,
            "skus": self._skus(listing, detail=False),
            "sales_regions": ["ID"],
            "create_time": listing.create_time,
            "update_time": listing.update_time,
            "product_sync_fail_reasons": [],
        }
        if version == "202309":
            if listing.status != "-":
                item["status"] = listing.status
        else:
            self._platform_fields(listing, item)
            item["audit"] = {"status": "APPROVED"}
            item["listing_quality_tier"] = "GOOD" if listing.spec.image_count >= 5 else "FAIR"
            item["has_draft"] = False
        return item

    def detail(self, listing: Listing, base_url: str) -> dict[str, object]:
        spec = listing.spec
        parent_number, leaf_number = CATEGORY_IDS[(spec.category, spec.subcategory)]
        paragraphs = list(spec.description)
        if listing.long_description:
            paragraphs = paragraphs * (8000 // max(1, sum(map(len, paragraphs))) + 1)
        features = "".join(f"<li>{html.escape(feature)}</li>" for feature in spec.features)
        description = (
            "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs)
            + f"\n<ul>{features}</ul>\n"
        )
        images = []
        for number in range(spec.image_count):
            uri = f"tos-alisg-i-sandbox/{listing.index:07d}{number:02d}"
            url = f"{base_url}/tiktok-cdn/{uri}~tplv-resize-jpeg:600:600.jpeg"
            images.append(
                {
                    "uri": uri,
                    "urls": [url],
                    "thumb_urls": [url.replace("600:600", "300:300")],
                    "width": 600,
                    "height": 600,
                }
            )
        length, width, height = spec.dimensions_cm
        item: dict[str, object] = {
            "id": str(listing.product_id),
            "title": listing.title,
            "description": description,
            "product_status": listing.status if listing.status != "-" else "ACTIVATE",
            "category_chains": [
                {
                    "id": _category_id(parent_number),
                    "parent_id": "0",
                    "local_name": spec.category,
                    "is_leaf": False,
                },
                {
                    "id": _category_id(leaf_number),
                    "parent_id": _category_id(parent_number),
                    "local_name": spec.subcategory,
                    "is_leaf": True,
                },
            ],
            "main_images": images,
            "package_dimensions": {
                "length": str(length),
                "width": str(width),
                "height": str(height),
                "unit": "CENTIMETER",
            },
            "product_attributes": [
                {
                    "id": "100392",
                    "name": "Fitur",
                    "values": [
                        {"id": str(1_001_000 + n), "name": feature}
                        for n, feature in enumerate(spec.features)
                    ],
                },
            ],
            "skus": self._skus(listing, detail=True),
            "audit": {"status": "APPROVED", "pre_approved_reasons": []},
            "is_cod_allowed": True,
            "is_not_for_sale": False,
            "is_pre_owned": False,
            "minimum_order_quantity": 1,
            "shipping_insurance_requirement": "OPTIONAL",
            "has_draft": False,
            "create_time": listing.create_time,
            "update_time": listing.update_time,
        }
        if spec.brand != "NoBrand":
            item["brand"] = {
                "id": str(7_082_427_311_584_000_000 + len(spec.brand)),
                "name": spec.brand,
            }
        if not listing.weight_missing:
            item["package_weight"] = {"value": spec.weight_kg, "unit": "KILOGRAM"}
        self._platform_fields(listing, item)
        return item

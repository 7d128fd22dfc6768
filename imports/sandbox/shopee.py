"""Shopee Open Platform v2, served from the sandbox: auth, shop and product endpoints.

Shapes, parameter names, error codes and quirks follow shared/marketplaces/shopee.md: the list
lives in `response.item`; `price_info` is absent when `has_model`; weight is a string in kg;
`deboost` is a string; errors can be module-prefixed; invalid tokens answer
`invalid_acceess_token` (sic); token endpoints and get_shop_info have no `response` wrapper.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from imports.sandbox.auth import (
    ACCESS,
    CODE,
    REFRESH,
    TokenAuthority,
    shopee_signature,
    signatures_match,
)
from imports.sandbox.catalog import Listing, ShopCatalog
from imports.sandbox.http import SandboxRequest, SandboxResponse, add_query, request_id
from imports.sandbox.vocabulary import PRODUCT_TYPES

ITEM_STATUSES = ("NORMAL", "BANNED", "UNLIST", "REVIEWING", "SELLER_DELETE", "SHOPEE_DELETE")
TIMESTAMP_WINDOW = 300
CODE_LIFETIME = 600
SMS_CODE = "123456"
MAX_IDS_PER_CALL = 50

CATEGORY_NAMES_EN = {
    "Pakaian Pria": "Men Clothes",
    "Fashion Muslim": "Muslim Fashion",
    "Sepatu Pria": "Men Shoes",
    "Audio": "Audio",
    "Handphone & Aksesoris": "Mobile & Gadgets",
    "Wearable": "Wearables",
    "Elektronik Rumah Tangga": "Home Appliances",
    "Komputer & Aksesoris": "Computers & Accessories",
    "Perawatan & Kecantikan": "Health & Beauty",
    "Makanan & Minuman": "Food & Beverages",
    "Ibu & Bayi": "Mom & Baby",
    "Perlengkapan Rumah": "Home & Living",
    "Perlengkapan Dapur": "Kitchen",
    "Buku & Majalah": "Books & Magazines",
}


def category_ids() -> dict[tuple[str, str], tuple[int, int]]:
    """(category, subcategory) -> (parent id, leaf id), stable for the vocabulary."""
    parents: dict[str, int] = {}
    ids: dict[tuple[str, str], tuple[int, int]] = {}
    for product_type in PRODUCT_TYPES:
        parent = parents.setdefault(product_type.category, 100_000 + len(parents) + 1)
        key = (product_type.category, product_type.subcategory)
        if key not in ids:
            ids[key] = (parent, 200_000 + len(ids) + 1)
    return ids


CATEGORY_IDS = category_ids()


class ShopeeError(Exception):
    def __init__(self, error: str, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.error, self.message, self.status = error, message, status


def _money(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass
class ShopeeSandbox:
    catalog: ShopCatalog
    authority: TokenAuthority
    partner_id: int = 2001887
    partner_key: str = "shpk-sandbox-partner-key"
    shop_id: int = 14701711
    shop_name: str = "Toko Sandbox Shopee"
    access_lifetime: float = 14_400
    refresh_lifetime: float = 30 * 86_400
    offset_cap: int = 10_000
    item_name_max: int = 100
    routes: dict[tuple[str, str], Callable] = field(init=False)

    def __post_init__(self) -> None:
        self.routes = {
            ("GET", "/api/v2/shop/auth_partner"): self.auth_partner_page,
            ("POST", "/api/v2/shop/auth_partner"): self.auth_partner_confirm,
            ("POST", "/api/v2/auth/token/get"): self.token_get,
            ("POST", "/api/v2/auth/access_token/get"): self.access_token_get,
            ("GET", "/api/v2/shop/get_shop_info"): self.get_shop_info,
            ("GET", "/api/v2/product/get_item_list"): self.get_item_list,
            ("GET", "/api/v2/product/get_item_base_info"): self.get_item_base_info,
            ("GET", "/api/v2/product/get_model_list"): self.get_model_list,
            ("GET", "/api/v2/product/get_category"): self.get_category,
            ("GET", "/api/v2/product/get_item_limit"): self.get_item_limit,
        }

    # --- credentials -------------------------------------------------------------------------
    def issue_tokens(self) -> tuple[str, str]:
        access = self.authority.issue(ACCESS, self.shop_id, self.access_lifetime)
        refresh = self.authority.issue(REFRESH, self.shop_id, self.refresh_lifetime)
        return access, refresh

    def credentials(self, base_url: str) -> dict[str, object]:
        access, refresh = self.issue_tokens()
        return {
            "base_url": f"{base_url}/shopee",
            "partner_id": self.partner_id,
            "partner_key": self.partner_key,
            "shop_id": self.shop_id,
            "access_token": access,
            "refresh_token": refresh,
        }

    # --- dispatch ----------------------------------------------------------------------------
    def handle(self, request: SandboxRequest) -> SandboxResponse:
        handler = self.routes.get((request.method, request.path))
        if handler is None:
            return self._error(ShopeeError("error_not_found", "Wrong api path.", 404))
        try:
            data = handler(request)
        except ShopeeError as exc:
            return self._error(exc)
        if isinstance(data, SandboxResponse):
            return data
        return SandboxResponse.json(200, data)

    def _error(self, exc: ShopeeError) -> SandboxResponse:
        return SandboxResponse.json(
            exc.status, {"request_id": request_id(), "error": exc.error, "message": exc.message}
        )

    def fault_response(self, kind: str) -> SandboxResponse:
        if kind == "rate_limit":
            return self._error(
                ShopeeError("error_server", "Too many requests, please try again later", 429)
            )
        if kind == "server_error":
            return self._error(
                ShopeeError("error_inner", "System error, please try again later.", 500)
            )
        return self._error(
            ShopeeError(
                "product.error_system_busy",
                "Our system is taking some time to respond, please try later.",
            )
        )

    @staticmethod
    def _ok(response: object, warning: str = "") -> dict[str, object]:
        return {
            "error": "",
            "message": "",
            "warning": warning,
            "request_id": request_id(),
            "response": response,
        }

    # --- verification like the real gateway --------------------------------------------------
    def _verify_public(self, request: SandboxRequest) -> None:
        self._verify(request, shop_api=False)

    def _verify_shop(self, request: SandboxRequest) -> None:
        self._verify(request, shop_api=True)

    def _verify(self, request: SandboxRequest, *, shop_api: bool) -> None:
        partner_id, timestamp, sign = (
            request.arg("partner_id"),
            request.arg("timestamp"),
            request.arg("sign"),
        )
        access_token, shop_id = request.arg("access_token"), request.arg("shop_id")
        if not partner_id or not sign or (shop_api and not access_token):
            raise ShopeeError("error_param", "There is no access_token/partner_id/sign in query")
        if not timestamp:
            raise ShopeeError("error_param", "no timestamp")
        try:
            stamp = int(timestamp)
        except ValueError as exc:
            raise ShopeeError("error_param", "Invalid timestamp") from exc
        if abs(self.authority.clock() - stamp) > TIMESTAMP_WINDOW:
            raise ShopeeError("error_param", "Invalid timestamp")
        if partner_id != str(self.partner_id):
            raise ShopeeError("error_param", "Invalid partner_id")
        parts: list[object] = [partner_id, request.path, timestamp]
        if shop_api:
            parts += [access_token, shop_id or ""]
        if not signatures_match(shopee_signature(self.partner_key, *parts), sign):
            raise ShopeeError("error_sign", "Wrong sign.", 403)
        if shop_api:
            if shop_id != str(self.shop_id):
                raise ShopeeError("error_auth", "Invalid partner_id or shopid.", 403)
            if self.authority.check(access_token or "", ACCESS, self.shop_id):
                raise ShopeeError("invalid_acceess_token", "Invalid access_token.", 403)

    # --- authorization -----------------------------------------------------------------------
    def auth_partner_page(self, request: SandboxRequest) -> SandboxResponse:
        self._verify_public(request)
        redirect = request.arg("redirect")
        if not redirect:
            raise ShopeeError("error_param", "Wrong parameters, detail: redirect is required")
        hidden = "".join(
            f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>"
            for k, v in request.single_query().items()
        )
        return SandboxResponse.html(
            200,
            "Shopee Open Platform (sandbox)",
            f"<p>Aplikasi partner <b>{self.partner_id}</b> meminta akses ke toko "
            f"<b>{html.escape(self.shop_name)}</b> (shop_id {self.shop_id}).</p>"
            "<form method='post'>"
            f"{hidden}<p><label>Kode verifikasi SMS <input name='sms_code' "
            f"value='{SMS_CODE}' size='8'></label></p>"
            "<button type='submit' name='decision' value='confirm'>Konfirmasi</button></form>",
        )

    def auth_partner_confirm(self, request: SandboxRequest) -> SandboxResponse:
        form = request.form()
        request.query = {k: [v] for k, v in form.items()}  # the page posts the signed link back
        self._verify_public(request)
        if form.get("sms_code") != SMS_CODE:
            return SandboxResponse.html(400, "Kode verifikasi salah", "<p>Coba lagi.</p>")
        code = self.authority.issue(CODE, self.shop_id, CODE_LIFETIME)
        return SandboxResponse.redirect(
            add_query(form["redirect"], code=code, shop_id=str(self.shop_id))
        )

    def _body(self, request: SandboxRequest) -> dict:
        try:
            body = request.json_body()
        except (ValueError, UnicodeDecodeError) as exc:
            raise ShopeeError("error_param", "Wrong parameters, detail: invalid json body") from exc
        if not isinstance(body, dict):
            raise ShopeeError("error_param", "Wrong parameters, detail: body must be an object")
        return body

    def token_get(self, request: SandboxRequest) -> dict[str, object]:
        self._verify_public(request)
        body = self._body(request)
        if str(body.get("partner_id")) != str(self.partner_id):
            raise ShopeeError("invalid_partner_id", "Invalid partner_id.")
        if str(body.get("shop_id")) != str(self.shop_id):
            raise ShopeeError("invalid_shop_id", "Invalid shop_id.")
        code = str(body.get("code") or "")
        if self.authority.check(code, CODE, self.shop_id) or not self.authority.consume(code):
            raise ShopeeError("invalid_code", "Invalid code")
        access, refresh = self.issue_tokens()
        return {
            "refresh_token": refresh,
            "access_token": access,
            # The first grant is a little short (88 s on a 4-hour token; never below 1 s).
            "expire_in": max(
                1, int(self.access_lifetime) - min(88, int(self.access_lifetime) // 10)
            ),
            "request_id": request_id(),
            "error": "",
            "message": "",
        }

    def access_token_get(self, request: SandboxRequest) -> dict[str, object]:
        self._verify_public(request)
        body = self._body(request)
        if str(body.get("partner_id")) != str(self.partner_id):
            raise ShopeeError("invalid_partner_id", "Invalid partner_id.")
        if str(body.get("shop_id")) != str(self.shop_id):
            raise ShopeeError("error_shop_refresh_token", "Invalid shop_id and refresh_token.")
        token = str(body.get("refresh_token") or "")
        problem = self.authority.check(token, REFRESH, self.shop_id)
        if problem == "expired":
            raise ShopeeError("refresh_token_expired", "Refresh token has expired.")
        if problem or not self.authority.consume(token):  # single-use
            raise ShopeeError("error_auth", "Invalid refresh_token.")
        access, refresh = self.issue_tokens()
        return {
            "partner_id": self.partner_id,
            "refresh_token": refresh,
            "access_token": access,
            "expire_in": int(self.access_lifetime),
            "request_id": request_id(),
            "error": "",
            "message": "",
            "shop_id": self.shop_id,
        }

    # --- shop --------------------------------------------------------------------------------
    def get_shop_info(self, request: SandboxRequest) -> dict[str, object]:
        self._verify_shop(request)
        now = int(self.authority.clock())
        return {
            "shop_name": self.shop_name,
            "region": "ID",
            "status": "NORMAL",
            "is_cb": False,
            "is_sip": False,
            "auth_time": now - 86_400,
            "expire_time": now + 364 * 86_400,
            "merchant_id": None,
            "request_id": request_id(),
            "error": "",
            "message": "",
        }

    # --- products ----------------------------------------------------------------------------
    def _int_arg(self, request: SandboxRequest, name: str, required: bool = True) -> int | None:
        value = request.arg(name)
        if value is None or value == "":
            if required:
                raise ShopeeError("error_param", f"Wrong parameters, detail: {name} is required")
            return None
        try:
            return int(value)
        except ValueError as exc:
            raise ShopeeError(
                "error_param", f"Wrong parameters, detail: {name} must be an integer"
            ) from exc

    def get_item_list(self, request: SandboxRequest) -> dict[str, object]:
        self._verify_shop(request)
        offset = self._int_arg(request, "offset")
        page_size = self._int_arg(request, "page_size")
        statuses = request.query.get("item_status") or []
        if not statuses:
            raise ShopeeError("error_param", "Wrong parameters, detail: item_status is required")
        if any(status not in ITEM_STATUSES for status in statuses):
            raise ShopeeError("product.error_param_item_status", "Invalid item_status.")
        if not 1 <= page_size <= 100:
            raise ShopeeError("error_param", "Wrong parameters, detail: page_size in [1,100]")
        if offset < 0:
            raise ShopeeError("error_param", "Wrong parameters, detail: offset >= 0")
        time_from = self._int_arg(request, "update_time_from", required=False)
        time_to = self._int_arg(request, "update_time_to", required=False)
        if time_from is not None and time_to is not None and time_from >= time_to:
            raise ShopeeError(
                "product.error_update_time_range", "update_time_to must be later than from."
            )
        if offset >= self.offset_cap:
            raise ShopeeError(
                "product.error_param", "get items offset over limit, please use the next field"
            )
        listings = self.catalog.listings
        query = {"time_from": time_from, "time_to": time_to, "classes": statuses}
        total = listings.count(**query)
        indices = listings.page(
            **query, offset=offset, limit=min(page_size, self.offset_cap - offset)
        )
        next_offset = offset + len(indices)
        return self._ok(
            {
                "item": [
                    {
                        "item_id": self.catalog.product_id(index),
                        "item_status": listings.listing_class(index),
                        "update_time": listings.update_time(index),
                        "tag": {"kit": False},
                    }
                    for index in indices
                ],
                "total_count": total,
                "has_next_page": next_offset < total,
                "next_offset": next_offset,
            }
        )

    def _item_ids(self, request: SandboxRequest) -> list[str]:
        raw = (request.arg("item_id_list") or "").strip().strip("[]")
        ids = [part.strip() for part in raw.split(",") if part.strip()]
        if not ids:
            raise ShopeeError("error_param", "Wrong parameters, detail: item_id_list is required")
        if len(ids) > MAX_IDS_PER_CALL:
            raise ShopeeError(
                "product.error_query_over_itemid_size", "item_id_list should be within 50."
            )
        return ids

    def get_item_base_info(self, request: SandboxRequest) -> dict[str, object]:
        self._verify_shop(request)
        found, missing = [], []
        for item_id in self._item_ids(request):
            index = self.catalog.index_of(item_id)
            if index is None:
                missing.append(item_id)
            else:
                found.append(self.base_info(self.catalog.listing(index), request.base_url))
        if not found:
            raise ShopeeError("product.error_item_not_found", "Item_id is not found")
        warning = f"item_id not found: {','.join(missing)}" if missing else ""
        return self._ok({"item_list": found}, warning=warning)

    def get_model_list(self, request: SandboxRequest) -> dict[str, object]:
        self._verify_shop(request)
        item_id = self._int_arg(request, "item_id")
        index = self.catalog.index_of(item_id)
        if index is None:
            raise ShopeeError("product.error_item_not_found", "Item_id is not found")
        return self._ok(self.model_list(self.catalog.listing(index), request.base_url))

    def get_category(self, request: SandboxRequest) -> dict[str, object]:
        self._verify_shop(request)
        language = request.arg("language") or "en"
        if language not in ("en", "id"):
            raise ShopeeError("error_param", "Wrong parameters, detail: language not supported")
        categories, seen = [], set()
        for (parent_name, leaf_name), (parent_id, leaf_id) in CATEGORY_IDS.items():
            if parent_id not in seen:
                seen.add(parent_id)
                display = CATEGORY_NAMES_EN.get(parent_name, parent_name)
                categories.append(
                    {
                        "category_id": parent_id,
                        "parent_category_id": 0,
                        "original_category_name": parent_name,
                        "display_category_name": display if language == "en" else parent_name,
                        "has_children": True,
                    }
                )
            categories.append(
                {
                    "category_id": leaf_id,
                    "parent_category_id": parent_id,
                    "original_category_name": leaf_name,
                    "display_category_name": leaf_name,
                    "has_children": False,
                }
            )
        return self._ok({"category_list": categories})

    def get_item_limit(self, request: SandboxRequest) -> dict[str, object]:
        self._verify_shop(request)
        return self._ok(
            {
                "price_limit": {"min_limit": 100.0, "max_limit": 150_000_000.0},
                "stock_limit": {"min_limit": 0, "max_limit": 999_999},
                "item_name_length_limit": {"min_limit": 5, "max_limit": self.item_name_max},
                "item_description_length_limit": {"min_limit": 10, "max_limit": 3000},
                "item_image_count_limit": {"min_limit": 1, "max_limit": 9},
                "tier_variation_name_length_limit": {"min_limit": 1, "max_limit": 14},
                "tier_variation_option_length_limit": {"min_limit": 1, "max_limit": 20},
                "wholesale_price_threshold_percentage": {"min_limit": 1, "max_limit": 50},
                "item_count_limit": {"max_limit": 50_001},
                "weight_limit": {"weight_mandatory": True},
                "dimension_limit": {"dimension_mandatory": False},
            }
        )

    # --- payloads ----------------------------------------------------------------------------
    @staticmethod
    def _price_info(price: int, promo: bool) -> list[dict[str, object]]:
        current = _money(Decimal(price) * Decimal("0.9")) if promo else price
        return [
            {
                "currency": "IDR",
                "original_price": price,
                "current_price": current,
                "inflated_price_of_original_price": _money(Decimal(price) * Decimal("1.11")),
                "inflated_price_of_current_price": _money(Decimal(current) * Decimal("1.11")),
            }
        ]

    @staticmethod
    def _stock(quantity: int, shopee_stock_as_text: bool = False) -> dict[str, object]:
        return {
            "summary_info": {"total_reserved_stock": 0, "total_available_stock": quantity},
            "seller_stock": [{"location_id": "IDZ", "stock": quantity, "if_saleable": True}],
            "shopee_stock": [{"location_id": "", "stock": "0" if shopee_stock_as_text else 0}],
        }

    def base_info(self, listing: Listing, base_url: str) -> dict[str, object]:
        spec = listing.spec
        _parent_id, leaf_id = CATEGORY_IDS[(spec.category, spec.subcategory)]
        image_urls = spec.image_urls(f"{base_url}/shopee-cdn")
        description = "\n".join(spec.description)
        if listing.long_description:
            description = "\n".join([description] * (6000 // max(1, len(description)) + 1))
        has_model = bool(spec.variants)
        length, width, height = spec.dimensions_cm
        item: dict[str, object] = {
            "item_id": listing.product_id,
            "category_id": leaf_id,
            "item_name": listing.title,
            "description": "" if listing.extended_description else description,
            "item_sku": listing.sku,
            "create_time": listing.create_time,
            "update_time": listing.update_time,
            "attribute_list": [
                {
                    "attribute_id": 4811,
                    "original_attribute_name": "Merek",
                    "is_mandatory": True,
                    "attribute_value_list": [
                        {"value_id": 0, "original_value_name": spec.brand, "value_unit": ""}
                    ],
                }
            ],
            "image": {
                "image_url_list": image_urls,
                "image_id_list": [url.rsplit("/", 1)[-1] for url in image_urls],
                "image_ratio": "1:1",
            },
            "dimension": {
                "package_length": length,
                "package_width": width,
                "package_height": height,
            },
            "logistic_info": [
                {
                    "logistic_id": 80012,
                    "logistic_name": "J&T Express",
                    "enabled": True,
                    "shipping_fee": 0,
                    "size_id": 0,
                    "is_free": False,
                    "estimated_shipping_fee": 12000,
                }
            ],
            "pre_order": {"is_pre_order": False, "days_to_ship": 2},
            "condition": "NEW",
            "size_chart": "",
            "item_status": listing.status,
            "deboost": "FALSE",
            "has_model": has_model,
            "promotion_id": 0,
            "brand": {
                "brand_id": 0 if spec.brand == "NoBrand" else 1_000_000 + len(spec.brand),
                "original_brand_name": spec.brand,
            },
            "item_dangerous": 0,
            "description_type": "extended" if listing.extended_description else "normal",
            "tag": {"kit": False},
        }
        if not listing.weight_missing:
            item["weight"] = spec.weight_kg
        if not has_model:
            item["price_info"] = self._price_info(listing.price, promo=listing.index % 9 == 0)
            item["stock_info_v2"] = self._stock(spec.stock)
        if listing.extended_description:
            item["description_info"] = {
                "extended_description": {
                    "field_list": [
                        {"field_type": "text", "text": paragraph} for paragraph in spec.description
                    ]
                    + [
                        {
                            "field_type": "image",
                            "image_info": {
                                "image_id": image_urls[0].rsplit("/", 1)[-1],
                                "image_url": image_urls[0],
                            },
                        }
                    ]
                }
            }
        return item

    def model_list(self, listing: Listing, base_url: str) -> dict[str, object]:
        spec = listing.spec
        tiers = [
            {
                "name": name,
                "option_list": [
                    {"option": option}
                    if position
                    else {
                        "option": option,
                        "image": {
                            "image_id": f"id-tier-{listing.index:07d}-{number}",
                            "image_url": f"{base_url}/shopee-cdn/file/"
                            f"id-tier-{listing.index:07d}-{number}",
                        },
                    }
                    for number, option in enumerate(options)
                ],
            }
            for position, (name, options) in enumerate(spec.tiers)
        ]
        scale = Decimal(listing.price) / Decimal(spec.price) if spec.price else Decimal(1)
        models = []
        for number, variant in enumerate(spec.variants):
            tier_index = [
                spec.tiers[level][1].index(option) for level, option in enumerate(variant.options)
            ]
            price = _money(Decimal(variant.price) * scale)
            models.append(
                {
                    "model_id": listing.product_id * 100 + number,
                    "tier_index": tier_index,
                    "model_sku": listing.variant_sku(variant),
                    "model_status": "MODEL_NORMAL" if variant.stock else "MODEL_UNAVAILABLE",
                    "promotion_id": 0,
                    "has_promotion": False,
                    "price_info": self._price_info(price, promo=False),
                    "pre_order": {"is_pre_order": False, "days_to_ship": 2},
                    "stock_info_v2": self._stock(variant.stock, shopee_stock_as_text=True),
                    "gtin_code": "",
                    "weight": spec.weight_kg,
                    "dimension": {
                        "package_height": spec.dimensions_cm[2],
                        "package_length": spec.dimensions_cm[0],
                        "package_width": spec.dimensions_cm[1],
                    },
                    "is_fulfillment_by_shopee": False,
                }
            )
        return {"tier_variation": tiers, "model": models, "standardise_tier_variation": []}

"""Shopee sandbox product read endpoints: item list, base info, models, categories and limits.

Parameter checks and error codes follow shared/marketplaces/shopee.md: the list lives in
`response.item`, ids go in `item_id_list` (at most 50), errors can be module-prefixed, and
offset paging stops at the sandbox's offset cap.
"""

from __future__ import annotations

from imports.sandbox.categories import CATEGORY_IDS
from imports.sandbox.http import SandboxRequest
from imports.sandbox.shopee_auth import ShopeeError

ITEM_STATUSES = ("NORMAL", "BANNED", "UNLIST", "REVIEWING", "SELLER_DELETE", "SHOPEE_DELETE")
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


class ShopeeProductsMixin:
    """The /api/v2/product/* endpoints of ShopeeSandbox.

    Relies on the sandbox's catalog, offset_cap, item_name_max and price range, its gateway check
    (`_verify_shop`), its `_ok` envelope and its payload builders (`base_info`, `model_list`).
    """

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
                "price_limit": {
                    "min_limit": float(self.price_min),
                    "max_limit": float(self.price_max),
                },
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

"""Shopee's field mappings: a fetched `{"base_info": ..., "models": ...}` -> a listing record.

The generic machinery (FieldMapping, apply_mappings, transform_record) and the price decision
are in imports/pipeline/mappings.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from imports.pipeline import transforms as t
from imports.pipeline.mappings import FieldMapping

PLATFORM = "shopee"


SHOPEE_STATUS = {
    "NORMAL": "active",
    "UNLIST": "inactive",
    "BANNED": "banned",
    "REVIEWING": "reviewing",
    "SELLER_DELETE": "deleted",
    "SHOPEE_DELETE": "deleted",
}


def _shopee_description(text: Any, extended: Any) -> str:
    if text:
        return t.clean_text_block(text)
    fields = (extended or {}).get("field_list") or []
    return t.clean_text_block(
        "\n".join(f.get("text", "") for f in fields if f.get("field_type") == "text")
    )


def _shopee_price(price_info: Any, models: Any) -> Decimal:
    model_list = (models or {}).get("model") or []
    if model_list:
        return min(t.rupiah(m["price_info"][0]["original_price"]) for m in model_list)
    if not price_info:
        raise t.TransformError("price_info is absent and there are no models")
    return t.rupiah(price_info[0]["original_price"])


def _shopee_prices(price_info: Any, models: Any) -> dict[str, Any]:
    """Every price Shopee gave, kept for pricing and display (as strings)."""
    first = (price_info or [{}])[0] if price_info else {}
    model_list = (models or {}).get("model") or []
    if model_list:
        first = (model_list[0].get("price_info") or [{}])[0]
    return {key: str(value) for key, value in first.items()}


def _shopee_category(category_id: Any, context: dict[str, Any]) -> tuple[str, str]:
    categories = context.get("categories") or {}
    leaf = categories.get(str(category_id))
    if leaf is None:
        raise t.TransformError(f"category {category_id} is not in the shop's category tree")
    parent = categories.get(str(leaf.get("parent_id")))
    if parent is None:
        return leaf["name"], ""
    return parent["name"], leaf["name"]


def _shopee_images(image: Any, name: Any) -> list[dict[str, Any]]:
    urls = (image or {}).get("image_url_list") or []
    alt = t.clean_text(name) if urls else ""
    return [{"url": url, "alt": alt, "primary": i == 0} for i, url in enumerate(urls)]


def _shopee_variants(models: Any) -> list[dict[str, Any]]:
    tiers = (models or {}).get("tier_variation") or []
    variants = []
    for model in (models or {}).get("model") or []:
        options = []
        attributes = {}
        for level, position in enumerate(model.get("tier_index") or []):
            tier = tiers[level]
            option = tier["option_list"][position]["option"]
            options.append(option)
            attributes[tier["name"]] = option
        stock = ((model.get("stock_info_v2") or {}).get("summary_info") or {}).get(
            "total_available_stock"
        )
        variants.append(
            {
                "sku": t.clean_sku(model.get("model_sku")),
                "name": " / ".join(options),
                "price": str(t.rupiah(model["price_info"][0]["original_price"])),
                "stock": int(stock) if stock is not None else None,
                "attributes": attributes,
                "platform_variant_id": str(model["model_id"]),
            }
        )
    return variants


def _shopee_attributes(attribute_list: Any) -> dict[str, str]:
    return {
        a.get("original_attribute_name", ""): ", ".join(
            v.get("original_value_name", "") for v in a.get("attribute_value_list") or []
        )
        for a in attribute_list or []
    }


def _dimension(value: Any) -> Decimal | None:
    return None if value in (None, "", 0) else t.length_cm(value)


MAPPINGS: tuple[FieldMapping, ...] = (
    FieldMapping("platform_product_id", "base_info.item_id", lambda v: str(int(v)), True),
    FieldMapping("name", "base_info.item_name", t.clean_text, True),
    FieldMapping(
        "full_description",
        ("base_info.description", "base_info.description_info.extended_description"),
        _shopee_description,
        default="",
        warn_if_missing=True,
    ),
    FieldMapping("sku", "base_info.item_sku", t.clean_sku, default="", warn_if_missing=True),
    FieldMapping("brand", "base_info.brand.original_brand_name", t.brand, default=""),
    FieldMapping("base_price", ("base_info.price_info", "models"), _shopee_price, True),
    FieldMapping("prices", ("base_info.price_info", "models"), _shopee_prices, default={}),
    FieldMapping("weight_kg", "base_info.weight", t.weight_kg, warn_if_missing=True),
    FieldMapping("length_cm", "base_info.dimension.package_length", _dimension),
    FieldMapping("width_cm", "base_info.dimension.package_width", _dimension),
    FieldMapping("height_cm", "base_info.dimension.package_height", _dimension),
    FieldMapping(
        "category_pair",
        "base_info.category_id",
        _shopee_category,
        default=("", ""),
        warn_if_missing=True,
        needs_context=True,
    ),
    FieldMapping(
        "images",
        ("base_info.image", "base_info.item_name"),
        _shopee_images,
        default=[],
        warn_if_missing=True,
    ),
    FieldMapping("variants", "models", _shopee_variants, default=[]),
    FieldMapping("attributes", "base_info.attribute_list", _shopee_attributes, default={}),
    FieldMapping(
        "listing_status",
        "base_info.item_status",
        lambda v: SHOPEE_STATUS.get(v, "inactive"),
        default="active",
    ),
    FieldMapping(
        "listing_platforms", "base_info.item_id", lambda v: [PLATFORM], default=[PLATFORM]
    ),
    FieldMapping("platform_updated_at", "base_info.update_time", t.timestamp),
)


def shop_title_limit(context: Mapping[str, Any]) -> int | None:
    """The shop's own title limit, from get_item_limit in the reference data (when it came)."""
    limit = ((context.get("item_limit") or {}).get("item_name_length_limit") or {}).get("max_limit")
    try:
        return int(limit) if limit else None
    except (TypeError, ValueError):
        return None

"""TikTok Shop's field mappings: a product detail -> a listing record.

The generic machinery (FieldMapping, apply_mappings, transform_record) and the price decision
are in imports/pipeline/mappings.py.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from imports.pipeline import transforms as t
from imports.pipeline.mappings import FieldMapping

PLATFORM = "tiktokshop"


TIKTOK_STATUS = {
    "ACTIVATE": "active",
    "SELLER_DEACTIVATED": "inactive",
    "PLATFORM_DEACTIVATED": "banned",
    "FREEZE": "banned",
    "DELETED": "deleted",
    "DRAFT": "draft",
    "PENDING": "reviewing",
    "FAILED": "reviewing",
}


def _tiktok_sku_price(sku: dict[str, Any]) -> Decimal:
    price = sku.get("price") or {}
    value = price.get("sale_price") or price.get("tax_exclusive_price")
    if value in (None, ""):
        raise t.TransformError("the SKU has neither sale_price nor tax_exclusive_price")
    return t.rupiah(value)


def _tiktok_price(skus: Any) -> Decimal:
    if not skus:
        raise t.TransformError("the product has no SKUs")
    return min(_tiktok_sku_price(sku) for sku in skus)


def _tiktok_prices(skus: Any) -> dict[str, Any]:
    return {k: str(v) for k, v in ((skus or [{}])[0].get("price") or {}).items()}


def _tiktok_sku(skus: Any) -> str:
    seller_skus = [t.clean_sku(sku.get("seller_sku")) for sku in skus or []]
    if len(seller_skus) == 1:
        return seller_skus[0]
    return t.common_prefix_sku(seller_skus)


def _tiktok_weight(weight: Any) -> Decimal:
    return t.weight_kg(weight["value"], weight.get("unit", "KILOGRAM"))


def _tiktok_dimension(name: str) -> Callable[[Any], Decimal | None]:
    def convert(dimensions: Any) -> Decimal | None:
        value = (dimensions or {}).get(name)
        if value in (None, "", "0"):
            return None
        return t.length_cm(value, dimensions.get("unit", "CENTIMETER"))

    return convert


def _tiktok_category(chains: Any) -> tuple[str, str]:
    chains = chains or []
    leaf = next((c for c in chains if c.get("is_leaf")), chains[-1] if chains else None)
    if leaf is None:
        raise t.TransformError("no category chain")
    root = next((c for c in chains if str(c.get("parent_id")) == "0"), leaf)
    if root is leaf:
        return leaf.get("local_name", ""), ""
    return root.get("local_name", ""), leaf.get("local_name", "")


def _tiktok_images(images: Any, title: Any) -> list[dict[str, Any]]:
    result = []
    alt = t.clean_text(title)
    for position, image in enumerate(images or []):
        urls = image.get("urls") or []
        if urls:
            result.append({"url": urls[0], "alt": alt, "primary": position == 0})
    return result


def has_variants(skus: Any) -> bool:
    """One SKU without sales attributes is a product without variants (its price keyed "")."""
    return bool(skus) and not (len(skus) == 1 and not skus[0].get("sales_attributes"))


def _tiktok_variants(skus: Any) -> list[dict[str, Any]]:
    if not has_variants(skus):
        return []
    variants = []
    for sku in skus:
        attributes = {
            a.get("name", ""): a.get("value_name", "") for a in sku.get("sales_attributes") or []
        }
        variants.append(
            {
                "sku": t.clean_sku(sku.get("seller_sku")),
                "name": " / ".join(attributes.values()),
                "price": str(_tiktok_sku_price(sku)),
                "stock": sum(int(i.get("quantity") or 0) for i in sku.get("inventory") or []),
                "attributes": attributes,
                "platform_variant_id": str(sku.get("id", "")),
            }
        )
    return variants


def _tiktok_status(status: Any, integrated: Any) -> str:
    if status:
        return TIKTOK_STATUS.get(status, "inactive")
    toko = next((p for p in integrated or [] if p.get("platform") == "TOKOPEDIA"), None)
    return TIKTOK_STATUS.get((toko or {}).get("status"), "inactive")


def _tiktok_platforms(status: Any, integrated: Any) -> list[str]:
    platforms = [PLATFORM] if status else []
    if any(p.get("platform") == "TOKOPEDIA" for p in integrated or []):
        platforms.append("tokopedia")
    return platforms


def _tiktok_attributes(attributes: Any) -> dict[str, str]:
    return {
        a.get("name", ""): ", ".join(v.get("name", "") for v in a.get("values") or [])
        for a in attributes or []
    }


MAPPINGS: tuple[FieldMapping, ...] = (
    FieldMapping("platform_product_id", "id", lambda v: str(v), True),
    FieldMapping("name", "title", t.clean_text, True),
    FieldMapping(
        "full_description", "description", t.html_to_text, default="", warn_if_missing=True
    ),
    FieldMapping("sku", "skus", _tiktok_sku, default="", warn_if_missing=True),
    FieldMapping("brand", "brand.name", t.brand, default=""),
    FieldMapping("base_price", "skus", _tiktok_price, True),
    FieldMapping("prices", "skus", _tiktok_prices, default={}),
    FieldMapping("weight_kg", "package_weight", _tiktok_weight, warn_if_missing=True),
    FieldMapping("length_cm", "package_dimensions", _tiktok_dimension("length")),
    FieldMapping("width_cm", "package_dimensions", _tiktok_dimension("width")),
    FieldMapping("height_cm", "package_dimensions", _tiktok_dimension("height")),
    FieldMapping(
        "category_pair", "category_chains", _tiktok_category, default=("", ""), warn_if_missing=True
    ),
    FieldMapping(
        "images", ("main_images", "title"), _tiktok_images, default=[], warn_if_missing=True
    ),
    FieldMapping("variants", "skus", _tiktok_variants, default=[]),
    FieldMapping("attributes", "product_attributes", _tiktok_attributes, default={}),
    FieldMapping(
        "listing_status",
        ("status", "integrated_platform_statuses"),
        _tiktok_status,
        default="inactive",
    ),
    FieldMapping(
        "listing_platforms",
        ("status", "integrated_platform_statuses"),
        _tiktok_platforms,
        default=[],
    ),
    FieldMapping("platform_updated_at", "update_time", t.timestamp),
)

"""Declarative field mappings from each platform's payload to one listing record.

Each FieldMapping says where a target field comes from (a dotted path into the raw payload, or
several), how the value is converted, whether it is required, and its default. Shopee records
are `{"base_info": ..., "models": ...}` as fetched; TikTok records are the product detail.

Price decision: the master's base price is the seller's own list price before tax and before
promotions — Shopee `original_price` (for variant items, the lowest model's), TikTok
`sale_price`, else `tax_exclusive_price` (lowest SKU). Promotion and tax-inclusive prices stay
in `platform_data`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from imports.pipeline import transforms as t

MISSING = object()


@dataclass(frozen=True)
class FieldMapping:
    target: str
    source: str | tuple[str, ...]  # dotted path(s); "" is the whole payload
    transform: Callable[..., Any] = lambda value: value
    required: bool = False
    default: Any = None
    warn_if_missing: bool = False  # a quality gap, not an error
    needs_context: bool = False  # the transform also gets the shop's reference data


def get_path(payload: Any, path: str) -> Any:
    if not path:
        return payload
    value = payload
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return MISSING
    return value


@dataclass
class Issue:
    field: str
    problem: str
    value: str = ""
    severity: str = "error"

    def as_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "problem": self.problem,
            "value": self.value,
            "severity": self.severity,
        }


def _excerpt(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text[:80] + ("…" if len(text) > 80 else "")


@dataclass
class ListingRecord:
    platform: str
    values: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(issue.severity == "error" for issue in self.issues)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


def apply_mappings(
    platform: str, mappings: tuple[FieldMapping, ...], payload: Any, context: dict[str, Any]
) -> ListingRecord:
    record = ListingRecord(platform)
    for mapping in mappings:
        paths = (mapping.source,) if isinstance(mapping.source, str) else mapping.source
        raw = [get_path(payload, path) for path in paths]
        primary = raw[0]
        if all(value is MISSING or value in (None, "", [], {}) for value in raw):
            if mapping.required:
                record.issues.append(Issue(mapping.target, f"missing ({paths[0] or 'payload'})"))
            elif mapping.warn_if_missing:
                record.issues.append(
                    Issue(mapping.target, f"missing ({paths[0]})", severity="warning")
                )
            record.values[mapping.target] = mapping.default
            continue
        args = [None if value is MISSING else value for value in raw]
        if mapping.needs_context:
            args.append(context)
        try:
            value = mapping.transform(*args)
        except (
            t.TransformError,
            TypeError,
            KeyError,
            AttributeError,
            IndexError,
            ValueError,
        ) as exc:
            severity = "error" if mapping.required else "warning"
            problem = (
                str(exc)
                if isinstance(exc, t.TransformError)
                else (f"unexpected shape ({type(exc).__name__}: {exc})")
            )
            record.issues.append(Issue(mapping.target, problem, _excerpt(primary), severity))
            record.values[mapping.target] = mapping.default
            continue
        if value in (None, "", [], {}):
            if mapping.required:
                record.issues.append(Issue(mapping.target, "empty", _excerpt(primary)))
            elif mapping.warn_if_missing:
                record.issues.append(
                    Issue(mapping.target, "empty", _excerpt(primary), severity="warning")
                )
        record.values[mapping.target] = mapping.default if value is None else value
    return record


# --- Shopee ---------------------------------------------------------------------------------
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
    return [
        {"url": url, "alt": t.clean_text(name), "primary": i == 0} for i, url in enumerate(urls)
    ]


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


def _brand(name: Any) -> str:
    brand = t.clean_text(name)
    return "" if brand.lower() in ("nobrand", "no brand", "tidak ada merek") else brand


def _dimension(value: Any) -> Decimal | None:
    return None if value in (None, "", 0) else t.length_cm(value)


SHOPEE_MAPPINGS: tuple[FieldMapping, ...] = (
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
    FieldMapping("brand", "base_info.brand.original_brand_name", _brand, default=""),
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
        "listing_platforms", "base_info.item_id", lambda v: ["shopee"], default=["shopee"]
    ),
    FieldMapping("platform_updated_at", "base_info.update_time", t.timestamp),
)


# --- TikTok Shop ----------------------------------------------------------------------------
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
    for position, image in enumerate(images or []):
        urls = image.get("urls") or []
        if urls:
            result.append({"url": urls[0], "alt": t.clean_text(title), "primary": position == 0})
    return result


def _tiktok_variants(skus: Any) -> list[dict[str, Any]]:
    if not skus or (len(skus) == 1 and not skus[0].get("sales_attributes")):
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
    platforms = ["tiktokshop"] if status else []
    if any(p.get("platform") == "TOKOPEDIA" for p in integrated or []):
        platforms.append("tokopedia")
    return platforms


def _tiktok_attributes(attributes: Any) -> dict[str, str]:
    return {
        a.get("name", ""): ", ".join(v.get("name", "") for v in a.get("values") or [])
        for a in attributes or []
    }


TIKTOK_MAPPINGS: tuple[FieldMapping, ...] = (
    FieldMapping("platform_product_id", "id", lambda v: str(v), True),
    FieldMapping("name", "title", t.clean_text, True),
    FieldMapping(
        "full_description", "description", t.html_to_text, default="", warn_if_missing=True
    ),
    FieldMapping("sku", "skus", _tiktok_sku, default="", warn_if_missing=True),
    FieldMapping("brand", "brand.name", _brand, default=""),
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

MAPPINGS = {"shopee": SHOPEE_MAPPINGS, "tiktokshop": TIKTOK_MAPPINGS}


def transform_record(platform: str, payload: Any, context: dict[str, Any]) -> ListingRecord:
    """One raw payload -> a listing record with its issues (never raises on bad data)."""
    if not isinstance(payload, dict):
        record = ListingRecord(platform)
        record.issues.append(Issue("payload", "not a JSON object", _excerpt(payload)))
        return record
    record = apply_mappings(platform, MAPPINGS[platform], payload, context)
    category, subcategory = record.get("category_pair") or ("", "")
    record.values["category"], record.values["subcategory"] = category, subcategory
    description = record.get("full_description") or ""
    record.values["short_description"] = t.short_text(description)
    if record.get("base_price") is not None and record["base_price"] <= 0:
        record.issues.append(
            Issue("base_price", "must be more than zero", str(record["base_price"]))
        )
    return record

"""Shopee sandbox payload builders: an item's base info and its model (variant) list.

Shapes follow shared/marketplaces/shopee.md: `price_info` and `stock_info_v2` are absent when
`has_model`; weight is a string in kg; `deboost` is a string; model stock under
`shopee_stock` is text; prices are whole rupiah.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from imports.sandbox.catalog import Listing
from imports.sandbox.categories import CATEGORY_IDS


def _money(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


class ShopeePayloadsMixin:
    """Builds the item and model payloads ShopeeSandbox's product endpoints answer with.

    Written titles and prices (Listing.title, Listing.price_overrides) and the control API's
    promotions (`_live_promotions` of the writes mixin) show in what these build.
    """

    def model_prices(self, listing: Listing) -> dict[int, int]:
        """Each model's original price now, by model_id ({0: price} for an item without
        models): the generated price, repriced, unless a write or an edit replaced it."""
        overrides = listing.price_overrides
        spec = listing.spec
        if not spec.variants:
            return {0: overrides.get(0, listing.price)}
        scale = Decimal(listing.price) / Decimal(spec.price) if spec.price else Decimal(1)
        return {
            listing.product_id * 100 + number: overrides.get(
                number, _money(Decimal(variant.price) * scale)
            )
            for number, variant in enumerate(spec.variants)
        }

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
        description = self.publishing.descriptions.get(listing.index, description)
        has_model = bool(spec.variants)
        promotions = self._live_promotions(listing.product_id)
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
            "promotion_id": promotions[0].promotion_id if promotions else 0,
            "has_promotion": bool(promotions),
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
            # Every 9th item is on a discount the seller set up long ago (current_price only).
            promo = listing.index % 9 == 0 or bool(promotions)
            item["price_info"] = self._price_info(self.model_prices(listing)[0], promo=promo)
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
        prices = self.model_prices(listing)
        promotions = self._live_promotions(listing.product_id)
        models = []
        for number, variant in enumerate(spec.variants):
            model_id = listing.product_id * 100 + number
            covering = [p for p in promotions if p.covers(model_id)]
            tier_index = [
                spec.tiers[level][1].index(option) for level, option in enumerate(variant.options)
            ]
            models.append(
                {
                    "model_id": model_id,
                    "tier_index": tier_index,
                    "model_sku": listing.variant_sku(variant),
                    "model_status": "MODEL_NORMAL" if variant.stock else "MODEL_UNAVAILABLE",
                    "promotion_id": covering[0].promotion_id if covering else 0,
                    "has_promotion": bool(covering),
                    "price_info": self._price_info(prices[model_id], promo=bool(covering)),
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

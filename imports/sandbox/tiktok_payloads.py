"""TikTok Shop sandbox payload builders: search results, product detail and their SKUs.

Shapes follow shared/marketplaces/tiktok.md: string prices, `category_chains[].local_name`,
`main_images[].urls`, `package_weight {value, unit}` and `integrated_platform_statuses` for
listings also on Tokopedia.
"""

from __future__ import annotations

import html

from imports.sandbox.catalog import Listing
from imports.sandbox.categories import CATEGORY_IDS


def category_id(number: int) -> str:
    return str(600_000 + number)


class TikTokPayloadsMixin:
    """Builds the product payloads TikTokSandbox's search and detail endpoints answer with.

    Relies on the write side's hooks (tiktok_writes): SKUs deleted by a partial edit, products
    hidden on Tokopedia, the audit state and the title under review.
    """

    def _skus(self, listing: Listing, *, detail: bool) -> list[dict[str, object]]:
        spec = listing.spec
        variants = spec.variants or ()
        rows = []
        scale = listing.price / spec.price if spec.price else 1
        deleted = self.deleted_skus(str(listing.product_id))
        for number, variant in enumerate(variants or [None]):
            if str(listing.product_id * 1000 + number) in deleted:
                continue  # the numbering stays: SKU ids never shift
            price = round((variant.price if variant else spec.price) * scale / 100) * 100
            if variant is None:
                price = listing.price
            # A price written through the API or edited in Seller Center wins.
            price = listing.price_overrides.get(number, price)
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

    def _platform_fields(self, listing: Listing, item: dict[str, object]) -> None:
        if listing.status != "-":
            item["status"] = listing.status
        if listing.on_tokopedia:
            toko_status = "DELETED" if listing.status == "DELETED" else "ACTIVATE"
            if toko_status == "ACTIVATE" and self.hidden_on_tokopedia(str(listing.product_id)):
                toko_status = "SELLER_DEACTIVATED"  # a partial edit left TOKOPEDIA out
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
            item["audit"] = {"status": self.audit_payload(str(listing.product_id))["status"]}
            item["listing_quality_tier"] = "GOOD" if listing.spec.image_count >= 5 else "FAIR"
            item["has_draft"] = False
        return item

    def detail(
        self, listing: Listing, base_url: str, *, under_review: bool = False
    ) -> dict[str, object]:
        """The product; `under_review`: with the content version waiting for review (v2)."""
        spec = listing.spec
        pending = self.review_title(str(listing.product_id)) if under_review else None
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
            "title": pending or listing.title,
            "description": description,
            "product_status": listing.status if listing.status != "-" else "ACTIVATE",
            "category_chains": [
                {
                    "id": category_id(parent_number),
                    "parent_id": "0",
                    "local_name": spec.category,
                    "is_leaf": False,
                },
                {
                    "id": category_id(leaf_number),
                    "parent_id": category_id(parent_number),
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
            "audit": self.audit_payload(str(listing.product_id)),
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

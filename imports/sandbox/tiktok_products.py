"""TikTok Shop sandbox product read endpoints: categories, product search and product detail.

Search follows shared/marketplaces/tiktok.md: versions 202309/202312/202502, `page_token`
paging, `listing_platforms` filtering (not on 202309) and the 10,000-result search cap.
"""

from __future__ import annotations

import base64
import json
import re

from imports.sandbox.catalog import TIKTOK_CLASS_MIX
from imports.sandbox.categories import CATEGORY_IDS
from imports.sandbox.http import SandboxRequest
from imports.sandbox.tiktok_auth import TikTokError
from imports.sandbox.tiktok_payloads import category_id

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
PRODUCT_PATH = re.compile(r"^/product/202309/products/(?P<product_id>[^/]+)$")
SEARCH_PATH = re.compile(r"^/product/(?P<version>\d{6})/products/search$")


class TikTokProductsMixin:
    """The /product/* endpoints of TikTokSandbox.

    Relies on the sandbox's catalog and result_cap, its request check (`_verify`), its
    payload builders (`search_item`, `detail`) and the write side's `settle_reviews`.
    """

    def categories(self, request: SandboxRequest) -> dict[str, object]:
        self._verify(request, needs_cipher=True)
        result, seen = [], set()
        for (parent_name, leaf_name), (parent_number, leaf_number) in CATEGORY_IDS.items():
            if parent_number not in seen:
                seen.add(parent_number)
                result.append(
                    {
                        "id": category_id(parent_number),
                        "parent_id": "0",
                        "local_name": parent_name,
                        "is_leaf": False,
                        "permission_statuses": ["AVAILABLE"],
                    }
                )
            result.append(
                {
                    "id": category_id(leaf_number),
                    "parent_id": category_id(parent_number),
                    "local_name": leaf_name,
                    "is_leaf": True,
                    "permission_statuses": ["AVAILABLE"],
                }
            )
        return {"categories": result}

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
        self.settle_reviews()
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
        self.settle_reviews()  # reviews settle lazily, when someone looks
        under_review = request.arg("return_under_review_version") == "true"
        return self.detail(self.catalog.listing(index), request.base_url, under_review=under_review)

"""TikTok Shop's ListingWriter (imports.platforms.writing): prices through Update Price, titles
through Partial Edit (shared/marketplaces/publishing.md section 2).

Update Price answers one result for the whole request (no per-SKU list), so every SKU sent
shares its outcome. A title goes to TikTok's audit: the live title stays until it is approved.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from imports.clients.base import HOST_NOT_ALLOWED, NOT_SENT
from imports.clients.errors import ErrorType, MarketplaceError
from imports.platforms.tiktokshop.client import TikTokShopClient
from imports.platforms.tiktokshop.mappings import has_variants
from imports.platforms.tiktokshop.rules import (
    INTEGRATION_LOCKED_CODES,
    PRICE_LOCKED_CODES,
    WRITER_RULES,
)
from imports.platforms.writing import (
    RemoteListing,
    ReviewState,
    WriteOutcome,
    WriterRules,
    WriteState,
)

PRICE, TITLE = "price", "title"
_REVIEW = {
    "AUDITING": ReviewState.IN_REVIEW,
    "FAILED": ReviewState.REJECTED,
    "APPROVED": ReviewState.APPROVED,
}
# Refusals a platform answers with its own code; anything else is the call failing as a whole.
_REFUSAL_TYPES = (ErrorType.VALIDATION_ERROR, ErrorType.DATA_VALIDATION_ERROR)


def _is_refusal(error: MarketplaceError) -> bool:
    """The platform read the request and said no (an outcome), not a failed call (raise)."""
    return (
        not error.retryable
        and not error.token_problem
        and not error.reauthorize
        and error.error_type in _REFUSAL_TYPES
        and error.code not in ("", HOST_NOT_ALLOWED, NOT_SENT)
    )


def _sku_price(sku: dict[str, Any]) -> Decimal | None:
    price = sku.get("price") or {}
    value = price.get("sale_price") or price.get("tax_exclusive_price")
    return Decimal(str(value)) if value not in (None, "") else None


def _prices(skus: list[dict[str, Any]]) -> dict[str, Decimal]:
    keyed = [(str(sku.get("id", "")), _sku_price(sku)) for sku in skus]
    if not has_variants(skus):
        keyed = [("", price) for _, price in keyed]
    return {key: price for key, price in keyed if price is not None}


class TikTokShopWriter:
    rules: WriterRules = WRITER_RULES

    def __init__(self, client: TikTokShopClient) -> None:
        self.client = client

    # --- reading -----------------------------------------------------------------------------
    def read(self, listing_id: str) -> RemoteListing:
        product = self.client.get_product(listing_id)
        audit = product.get("audit") or {}
        review = _REVIEW.get(str(audit.get("status") or ""), ReviewState.NONE)
        review_title, reasons = "", ()
        if review is ReviewState.IN_REVIEW:
            # The default read is the live version (v1); the pending one is asked for apart.
            pending = self.client.get_product(listing_id, under_review=True)
            review_title = str(pending.get("title") or "")
        elif review is ReviewState.REJECTED:
            reasons = tuple(
                str(reason)
                for failure in audit.get("audit_failed_reasons") or []
                for reason in failure.get("reasons") or []
            )
        return RemoteListing(
            listing_id=str(product.get("id") or listing_id),
            title=str(product.get("title") or ""),
            prices=_prices(product.get("skus") or []),
            # Tokopedia-only products have no TikTok status.
            status=str(product.get("status") or ""),
            review=review,
            review_title=review_title,
            review_reasons=reasons,
        )

    # --- prices ------------------------------------------------------------------------------
    def write_prices(self, listing_id: str, prices: dict[str, Decimal]) -> list[WriteOutcome]:
        outcomes: dict[str, WriteOutcome] = {}
        for key, amount in prices.items():
            if amount <= 0 or amount % self.rules.price_step:
                outcomes[key] = WriteOutcome(
                    PRICE, key, WriteState.FAILED, message=f"{amount} is not whole rupiah above 0"
                )
        skus = {key: key for key in prices if key not in outcomes}
        if "" in skus:
            single, problem = self._single_sku(listing_id)
            if not problem and single in skus:
                problem = f"SKU {single} is the single price and is given twice"
            if problem:
                del skus[""]
                outcomes[""] = WriteOutcome(PRICE, "", WriteState.FAILED, message=problem)
            else:
                skus[""] = single
        if skus:
            outcomes.update(self._send_prices(listing_id, skus, prices))
        return [outcomes[key] for key in prices]

    def _single_sku(self, listing_id: str) -> tuple[str, str]:
        """The id of the one SKU of a product without variants ("", why not otherwise)."""
        skus = self.client.get_product(listing_id).get("skus") or []
        if not skus:
            return "", "the product has no SKU"
        if has_variants(skus):
            return "", "the product has variants: its prices are per SKU id"
        return str(skus[0].get("id") or ""), ""

    def _send_prices(
        self, listing_id: str, skus: dict[str, str], prices: dict[str, Decimal]
    ) -> dict[str, WriteOutcome]:
        """One Update Price call for every SKU: it applies all of them or none."""
        try:
            payload = self.client.update_prices(
                listing_id, [(sku_id, prices[key]) for key, sku_id in skus.items()]
            )
        except MarketplaceError as error:
            if not _is_refusal(error):
                raise
            # A promotion's end is not in the answer (and no API tells it): blocked_until None.
            state = WriteState.BLOCKED if error.code in PRICE_LOCKED_CODES else WriteState.FAILED
            return {
                key: WriteOutcome(
                    PRICE, key, state, error.code, error.message, None, error.request_id
                )
                for key in skus
            }
        request_id = str(payload.get("request_id") or "")
        return {
            key: WriteOutcome(PRICE, key, WriteState.APPLIED, request_id=request_id) for key in skus
        }

    # --- title -------------------------------------------------------------------------------
    def write_title(self, listing_id: str, title: str) -> WriteOutcome:
        rules = self.rules
        if not rules.title_min <= len(title) <= rules.title_max:
            # Refused before sending: each partial edit re-audits and counts toward the
            # daily relist limit.
            return WriteOutcome(
                TITLE,
                "",
                WriteState.FAILED,
                message=f"the title needs {rules.title_min}-{rules.title_max} characters",
            )
        try:
            payload = self.client.partial_edit_title(listing_id, title)
        except MarketplaceError as error:
            if not _is_refusal(error):
                raise
            state = (
                WriteState.BLOCKED if error.code in INTEGRATION_LOCKED_CODES else WriteState.FAILED
            )
            return WriteOutcome(TITLE, "", state, error.code, error.message, None, error.request_id)
        request_id = str(payload.get("request_id") or "")
        audit = (payload.get("data") or {}).get("audit") or {}
        # No audit object (Tokopedia-only), NONE or APPROVED: the title is live already.
        state = WriteState.IN_REVIEW if audit.get("status") == "AUDITING" else WriteState.APPLIED
        return WriteOutcome(TITLE, "", state, request_id=request_id)

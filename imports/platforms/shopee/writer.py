"""Publishing to Shopee: list prices per model and item names (imports.platforms.writing).

Follows shared/marketplaces/publishing.md §1: get_item_promotion before a price write (upcoming
and ongoing promotions lock the original price and the name), whole rupiah within the shop's
price_limit, the 7x spread of the item's resulting model prices, one update_price per item and
at most 50 models, success_list/failure_list per model (a model in neither failed), and
update_item with item_name only. Prices read are `original_price`, never `current_price` (a
promotion price written back would bake the discount into the list price).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from imports.clients.errors import ErrorType, MarketplaceError
from imports.platforms.shopee.client import ShopeeClient
from imports.platforms.shopee.rules import (
    MAX_PRICES_PER_CALL,
    MAX_VARIANT_SPREAD,
    PROMOTION_LOCKS,
)
from imports.platforms.writing import (
    RemoteListing,
    ReviewState,
    WriteOutcome,
    WriterRules,
    WriteState,
)

PRICE, TITLE = "price", "title"
DEFAULT_TITLE_MAX = 100  # Shopee's generic item_name limit when the shop's is not known
# Codes this writer gives refusals it finds before sending anything.
INVALID_PRICE = "error_invalid_price"
OUT_OF_RANGE = "error_price_out_of_range"
VARIANT_SPREAD = "variant_spread"
MISSING = "missing_from_answer"
UNKNOWN_VARIANT = "error_param"
PRICE_LOCK = "error_in_item_promotion_item_price_lock"
# A failed_reason is free text; the sandbox (and some answers) lead with the error code.
LEADING_CODE = re.compile(r"^\s*(?:[a-z_]+\.)?(error_[a-z_]+)\b")


def _item_id(listing_id: str) -> int:
    try:
        return int(listing_id)
    except ValueError as exc:
        raise ValueError(f"not a Shopee item id: {listing_id!r}") from exc


def _model_id(variant: str) -> int:
    return int(variant) if variant else 0


def _variant(model_id: object) -> str:
    """The variant key of a model_id: "" for an item without models (model_id 0)."""
    return str(model_id) if model_id and int(str(model_id)) else ""


def _money(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _business(error: MarketplaceError) -> bool:
    """A refusal of this write (outcomes), not a failed call (raised for the publish job)."""
    return not (
        error.retryable
        or error.token_problem
        or error.reauthorize
        or error.error_type == ErrorType.API_AUTHENTICATION_ERROR
    )


def _short_code(code: str) -> str:
    return code.rsplit(".", 1)[-1]  # "product.error_param" -> "error_param"


class ShopeeWriter:
    def __init__(self, client: ShopeeClient) -> None:
        self.client = client
        self._limits: dict[str, Any] | None = None  # get_item_limit, once per writer

    # --- rules and limits -------------------------------------------------------------------
    def _item_limit(self) -> dict[str, Any]:
        if self._limits is None:
            self._limits = self.client.get_item_limit()
        return self._limits

    def _price_range(self) -> tuple[Decimal | None, Decimal | None]:
        limit = self._item_limit().get("price_limit") or {}
        return _money(limit.get("min_limit")), _money(limit.get("max_limit"))

    @property
    def rules(self) -> WriterRules:
        try:
            name_limit = self._item_limit().get("item_name_length_limit") or {}
            title_max = int(name_limit.get("max_limit") or DEFAULT_TITLE_MAX)
        except MarketplaceError:
            title_max = DEFAULT_TITLE_MAX  # the preview still works; Shopee has the last word
        return WriterRules(
            title_min=1,
            title_max=title_max,
            max_variant_spread=MAX_VARIANT_SPREAD,
            documented_qps=None,
        )

    # --- read -------------------------------------------------------------------------------
    def read(self, listing_id: str) -> RemoteListing:
        item_id = _item_id(listing_id)
        items, missing = self.client.get_item_base_info([item_id])
        if missing or not items:
            raise MarketplaceError(
                f"Shopee has no item {item_id}",
                error_type=ErrorType.DATA_VALIDATION_ERROR,
                platform=self.client.platform,
                code="error_item_not_found",
                not_found=True,
            )
        item = items[0]
        prices: dict[str, Decimal] = {}
        if item.get("has_model"):
            for model in self.client.get_model_list(item_id).get("model") or []:
                prices[str(model["model_id"])] = Decimal(
                    str(model["price_info"][0]["original_price"])
                )
        elif item.get("price_info"):
            prices[""] = Decimal(str(item["price_info"][0]["original_price"]))
        low, high = self._price_range()
        status = str(item.get("item_status") or "")
        # Shopee has no review state of its own for an edit: an item it is verifying after an
        # edit shows as REVIEWING, with the name that waits for the verdict.
        reviewing = status == "REVIEWING"
        return RemoteListing(
            listing_id=str(item_id),
            title=str(item.get("item_name") or ""),
            prices=prices,
            status=status,
            review=ReviewState.IN_REVIEW if reviewing else ReviewState.NONE,
            review_title=str(item.get("item_name") or "") if reviewing else "",
            min_price=low,
            max_price=high,
        )

    # --- promotions -------------------------------------------------------------------------
    def _promotions(self, item_id: int) -> list[dict[str, Any]]:
        found, _failed = self.client.get_item_promotion([item_id])
        for entry in found:
            if int(entry.get("item_id") or 0) == item_id:
                return list(entry.get("promotion") or [])
        return []

    @staticmethod
    def _until(promotions: Iterable[dict[str, Any]]) -> datetime | None:
        """When every one of these promotions has ended (aware UTC)."""
        ends = [int(p["end_time"]) for p in promotions if p.get("end_time")]
        return datetime.fromtimestamp(max(ends), tz=UTC) if ends else None

    @staticmethod
    def _covering(promotions: list[dict[str, Any]], variant: str) -> list[dict[str, Any]]:
        """The promotions locking this variant: item-wide ones (model_id 0) lock every model."""
        model_id = _model_id(variant)
        covering = []
        for promotion in promotions:
            promoted = int(promotion.get("model_id") or 0)
            if not promoted or not model_id or promoted == model_id:
                covering.append(promotion)
        return covering

    # --- prices -----------------------------------------------------------------------------
    def write_prices(self, listing_id: str, prices: dict[str, Decimal]) -> list[WriteOutcome]:
        item_id = _item_id(listing_id)
        if not prices:
            return []
        outcomes: dict[str, WriteOutcome] = {}
        promotions = self._promotions(item_id)
        for variant in prices:
            covering = self._covering(promotions, variant)
            if covering:
                outcomes[variant] = WriteOutcome(
                    PRICE,
                    variant,
                    WriteState.BLOCKED,
                    code=PRICE_LOCK,
                    message="Can't update price when item is under promotion.",
                    blocked_until=self._until(covering),
                )
        if len(outcomes) == len(prices):
            return [outcomes[variant] for variant in prices]
        remote = self.read(listing_id)  # current prices: the spread is the whole item's
        low, high = remote.min_price, remote.max_price
        todo: dict[str, Decimal] = {}
        for variant, price in prices.items():
            if variant in outcomes:
                continue
            failure = self._price_refusal(variant, price, remote, low, high)
            if failure is not None:
                outcomes[variant] = failure
            else:
                todo[variant] = price
        if todo and len(remote.prices) > 1:
            resulting = {**remote.prices, **todo}
            cheapest, dearest = min(resulting.values()), max(resulting.values())
            if cheapest <= 0 or dearest > cheapest * MAX_VARIANT_SPREAD:
                message = (
                    f"The most expensive model ({dearest}) would cost more than "
                    f"{MAX_VARIANT_SPREAD} times the cheapest ({cheapest})."
                )
                for variant in todo:
                    outcomes[variant] = WriteOutcome(
                        PRICE, variant, WriteState.FAILED, code=VARIANT_SPREAD, message=message
                    )
                todo = {}
        variants = list(todo)
        for start in range(0, len(variants), MAX_PRICES_PER_CALL):
            chunk = {v: todo[v] for v in variants[start : start + MAX_PRICES_PER_CALL]}
            outcomes.update(self._send_prices(item_id, chunk))
        return [outcomes[variant] for variant in prices]

    @staticmethod
    def _price_refusal(
        variant: str,
        price: Decimal,
        remote: RemoteListing,
        low: Decimal | None,
        high: Decimal | None,
    ) -> WriteOutcome | None:
        """Why Shopee would refuse this price, found before sending it (None: send it)."""
        if variant not in remote.prices:
            return WriteOutcome(
                PRICE, variant, WriteState.FAILED, code=UNKNOWN_VARIANT, message="Wrong model_id."
            )
        if price <= 0 or price != price.to_integral_value():
            return WriteOutcome(
                PRICE,
                variant,
                WriteState.FAILED,
                code=INVALID_PRICE,
                message=f"{price} is not a whole rupiah amount above zero.",
            )
        if (low is not None and price < low) or (high is not None and price > high):
            return WriteOutcome(
                PRICE,
                variant,
                WriteState.FAILED,
                code=OUT_OF_RANGE,
                message=f"{price} is outside the shop's price range {low}-{high}.",
            )
        return None

    def _send_prices(self, item_id: int, prices: dict[str, Decimal]) -> dict[str, WriteOutcome]:
        """One update_price call; each model's outcome from success_list/failure_list."""
        try:
            answer = self.client.update_price(
                item_id, [(_model_id(v), int(price)) for v, price in prices.items()]
            )
        except MarketplaceError as error:
            if not _business(error):
                raise
            outcome = self._refused(PRICE, "", error, item_id)  # one refusal for every model
            return {v: replace(outcome, variant=v) for v in prices}
        request_id = str(answer.get("request_id") or "")
        outcomes: dict[str, WriteOutcome] = {}
        for entry in answer.get("success_list") or []:
            variant = _variant(entry.get("model_id"))
            if variant in prices:
                outcomes[variant] = WriteOutcome(
                    PRICE, variant, WriteState.APPLIED, request_id=request_id
                )
        locked: list[str] = []
        for entry in answer.get("failure_list") or []:
            variant = _variant(entry.get("model_id"))
            if variant not in prices or variant in outcomes:
                continue
            reason = str(entry.get("failed_reason") or "")
            code = self._reason_code(reason)
            if code in PROMOTION_LOCKS or "promotion" in reason.lower():
                locked.append(variant)
                outcomes[variant] = WriteOutcome(
                    PRICE,
                    variant,
                    WriteState.BLOCKED,
                    code=code or PRICE_LOCK,
                    message=reason,
                    request_id=request_id,
                )
            else:
                outcomes[variant] = WriteOutcome(
                    PRICE, variant, WriteState.FAILED, code, reason, request_id=request_id
                )
        if locked:
            # A promotion started between the check and the write: ask when it ends.
            promotions = self._promotions(item_id)
            for variant in locked:
                until = self._until(self._covering(promotions, variant))
                outcomes[variant] = replace(outcomes[variant], blocked_until=until)
        for variant in prices:
            outcomes.setdefault(
                variant,
                WriteOutcome(
                    PRICE,
                    variant,
                    WriteState.FAILED,
                    code=MISSING,
                    message="missing from Shopee's answer",
                    request_id=request_id,
                ),
            )
        return outcomes

    @staticmethod
    def _reason_code(reason: str) -> str:
        """The code a failed_reason names, or one for the kind of refusal it describes."""
        match = LEADING_CODE.match(reason)
        if match:
            code = match.group(1)
            return VARIANT_SPREAD if code == "error_price_spread" else code
        return "update_price_failed"

    # --- title ------------------------------------------------------------------------------
    def write_title(self, listing_id: str, title: str) -> WriteOutcome:
        item_id = _item_id(listing_id)
        try:
            answer = self.client.update_item_name(item_id, title)
        except MarketplaceError as error:
            if not _business(error):
                raise
            return self._refused(TITLE, "", error, item_id)
        state = WriteState.APPLIED
        if str(answer.get("item_status") or "") == "REVIEWING":
            state = WriteState.IN_REVIEW  # taken, shown once Shopee's verification passes
        return WriteOutcome(TITLE, "", state, request_id=str(answer.get("request_id") or ""))

    # --- refusals of a whole call -----------------------------------------------------------
    def _refused(
        self, kind: str, variant: str, error: MarketplaceError, item_id: int
    ) -> WriteOutcome:
        code = _short_code(error.code)
        if code in PROMOTION_LOCKS or "promotion" in error.message.lower():
            promotions = self._promotions(item_id)
            covering = self._covering(promotions, variant) if kind == PRICE else promotions
            return WriteOutcome(
                kind,
                variant,
                WriteState.BLOCKED,
                code=code,
                message=error.message,
                blocked_until=self._until(covering),
                request_id=error.request_id,
            )
        return WriteOutcome(
            kind,
            variant,
            WriteState.FAILED,
            code=code,
            message=error.message,
            request_id=error.request_id,
        )

"""Shopee Open Platform v2's API rules as data (shared/marketplaces/shopee.md).

The client, the fetcher and the adapter read these; nothing else should know them.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from imports.platforms import PlatformRules

# get_item_list: `item_status` is repeated once per status wanted; these are all of them.
ITEM_STATUSES = ("NORMAL", "BANNED", "UNLIST", "REVIEWING", "SELLER_DELETE", "SHOPEE_DELETE")
# get_item_list's page_size range is [1, 100] (the maximum was raised to 100 on 2022-03-28).
MAX_PAGE_SIZE = 100
# get_item_base_info takes 0-50 item ids per call (comma-joined `item_id_list`).
MAX_IDS_PER_CALL = 50
# Deep offsets are refused with error_param "get items offset over limit": seen at about
# 10,000 (not confirmed by Shopee), so windows are planned to hold at most this many items.
OFFSET_CAP = 10_000
# The message text (not a code of its own) of that refusal.
OFFSET_OVER_LIMIT = "offset over limit"
# A refresh token lives 30 days (and is single-use); the grant does not say so.
REFRESH_TOKEN_LIFETIME = timedelta(days=30)

# Error codes (after the module prefix, "product.error_param" -> "error_param").
RETRYABLE = {"error_system_busy", "error_inner", "error_server", "error_network", "error_busy"}
# Write refusals that say "not now" (publishing.md §1.1-1.2): nothing was applied, the same
# write may pass later. The item update lock has no code of its own, only its message text.
WRITE_RETRYABLE = {"error_busi_update_item_failed", "error_update_price_fail"}
UPDATE_LOCK_TEXT = "lock failed"  # "get update lock failed, please try again later"
# update_price takes one item and 1-50 models per call.
MAX_PRICES_PER_CALL = 50
# ID: the most expensive model of an item may cost at most 7 times the cheapest.
MAX_VARIANT_SPREAD = Decimal(7)
# Refusals meaning a promotion locks the price or the name until it ends (publishing.md §1.4).
PROMOTION_LOCKS = {
    "error_cannt_edit_price_in_promotion",
    "error_in_item_promotion_item_price_lock",
    "error_cannot_update_price_in_promotion",
    "error_slash_price_not_lowest",
    "error_slash_price_models_diff",
    "error_cannt_edit_name_in_promotion",
    "error_in_item_promotion_name_item_lock",
    "error_cannt_edit_description_in_promotion",
    "error_in_item_promotion_description_lock",
    "error_item_in_promotion",
}
REAUTHORIZE = {
    "refresh_token_expired",
    "shop_access_expired",
    "shop_no_linked",
    "shop_banned",
    "error_shop_refresh_token",
    "invalid_code",
    "invalid_shop_id",
}
INVALID_ACCESS_TOKEN = "invalid_acceess_token"  # noqa: S105 - an error code, (sic) Shopee spelling
CREDENTIAL_ERRORS = ("error_auth", "error_sign", "error_permission", "invalid_partner_id")
NOT_FOUND = ("error_item_not_found", "error_param_shop_id_not_found")

RULES = PlatformRules(
    paging_cap=OFFSET_CAP,
    page_size=MAX_PAGE_SIZE,
    batch_size=MAX_IDS_PER_CALL,
    max_variant_spread=MAX_VARIANT_SPREAD,
)

"""TikTok Shop Open API's rules as data (shared/marketplaces/tiktok.md, section 4.2).

The client, the fetcher and the adapter read these; nothing else should know them.
"""

from __future__ import annotations

from imports.platforms import PlatformRules
from imports.platforms.writing import WriterRules

SEARCH_PATH = "/product/202502/products/search"
# products/search: page_size is required, 1-100.
MAX_PAGE_SIZE = 100
# Search refuses to page past 10,000 results in one query...
RESULT_CAP = 10_000
# ...with this code ("The total number of search results can not exceed 10000."): the window
# is split. Kept as text, as MarketplaceError.code holds it.
RESULT_CAP_CODE = "12052180"

# Error codes of the Open API envelope (`code`, 0 is success).
RATE_LIMITED = 36009002  # "Too many requests" (HTTP 429 expected): back off
RETRYABLE_CODES = {
    RATE_LIMITED,
    36009003,  # internal error (also a product's transient "update lock" on writes)
    36009007,  # request timeout
    12052881,  # identity internal error (writes): try again
}
REAUTHORIZE_CODES = {
    105005,  # scope not granted
    101000,  # invalid x-tts-access-token (or category_asset_cipher)
    36004004,  # invalid auth code
    36004005,  # no related auth record
    36004001,  # refresh token expired
}
EXPIRED_TOKEN = 105002  # access token expired: refresh once, repeat the call
# Overloaded: invalid token, bad signature, stale timestamp, bad app_key, unexpected cipher...
# Classified by its message, not by the code.
INVALID_REQUEST = 36009004
BAD_SIGNATURE = 106001  # the `sign` is invalid (seen with HTTP 401)
IP_NOT_ALLOWED = 36009033  # this server's IP is not on the app's allow list
PRODUCT_NOT_FOUND = 12019150  # get product: "The product ID does not exist."
# The write endpoints' "product does not exist / not in this shop" (publishing.md 2.1).
WRITE_PRODUCT_NOT_FOUND = {12052032, 12052260, 12052048}

# Publishing (shared/marketplaces/publishing.md section 2). Paths: Update Price and the
# 202509 Partial Edit (the version the current docs show).
PRICES_PATH = "/product/202309/products/{product_id}/prices/update"
PARTIAL_EDIT_PATH = "/product/202509/products/{product_id}/partial_edit"
CURRENCY = "IDR"
# Price refusals that end by themselves (a promotion): defer, TikTok does not say until when.
PRICE_LOCKED_CODES = {"12052038", "12019045"}
# Content edits refused while a Tokopedia shop integration is confirmed: defer.
INTEGRATION_LOCKED_CODES = {"12052332"}
WRITER_RULES = WriterRules(title_min=25, title_max=255, max_variant_spread=None, documented_qps=50)

RULES = PlatformRules(paging_cap=RESULT_CAP, page_size=MAX_PAGE_SIZE, batch_size=1)

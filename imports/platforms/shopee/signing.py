"""Shopee's request signature (shared/marketplaces/shopee.md): HMAC-SHA256 with the partner
key over partner_id + path + timestamp (+ access_token + shop_id on shop calls), lower-case
hex."""

from __future__ import annotations

import hashlib
import hmac


def shopee_sign(partner_key: str, *parts: object) -> str:
    base = "".join(str(part) for part in parts)
    return hmac.new(partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()

"""TikTok Shop's request signature (shared/marketplaces/tiktok.md): HMAC-SHA256 with the app
secret over secret + path + the sorted key+value pairs (without sign and access_token) + body
+ secret, lower-case hex. The body is signed as the exact bytes sent."""

from __future__ import annotations

import hashlib
import hmac


def tiktok_sign(app_secret: str, path: str, query: dict[str, str], body: bytes = b"") -> str:
    items = sorted((k, v) for k, v in query.items() if k not in ("sign", "access_token"))
    text = (path + "".join(f"{k}{v}" for k, v in items)).encode() + body
    secret = app_secret.encode()
    return hmac.new(secret, secret + text + secret, hashlib.sha256).hexdigest()

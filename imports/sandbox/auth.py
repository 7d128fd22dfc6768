"""Credentials the sandbox issues and checks: signatures, authorization codes and tokens.

Tokens are self-contained (what they are for, their expiry and issue time, sealed with a
server key), so a restarted sandbox still honours the tokens it issued; only the single-use
bookkeeping (used codes and refresh tokens) and mid-run revocations live in memory.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

ACCESS, REFRESH, CODE = 1, 2, 3


def shopee_signature(partner_key: str, *parts: object) -> str:
    base = "".join(str(part) for part in parts)
    return hmac.new(partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()


def tiktok_signature(app_secret: str, path: str, query: dict[str, str], body: bytes) -> str:
    items = sorted((k, v) for k, v in query.items() if k not in ("sign", "access_token"))
    text = path + "".join(f"{k}{v}" for k, v in items)
    text = text.encode() + body
    wrapped = app_secret.encode() + text + app_secret.encode()
    return hmac.new(app_secret.encode(), wrapped, hashlib.sha256).hexdigest()


def signatures_match(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), (given or "").encode())


@dataclass(frozen=True)
class TokenClaims:
    kind: int
    shop: int
    expires_at: float
    issued_at: float


@dataclass
class TokenAuthority:
    """Issues and checks one platform's codes and tokens."""

    server_key: bytes
    prefix: str = ""
    used: set[str] = field(default_factory=set)
    revoked_before: float = 0.0  # access tokens issued before this are treated as expired
    clock: Callable[[], float] = time.time
    # Tokens registered by hand, e.g. the ones in the platforms' published signing examples.
    static: dict[str, TokenClaims] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    _layout = struct.Struct(">BQdd4s")

    def issue(self, kind: int, shop: int, lifetime: float, now: float | None = None) -> str:
        issued = self.clock() if now is None else now
        payload = self._layout.pack(kind, shop, issued + lifetime, issued, secrets.token_bytes(4))
        mac = hmac.new(self.server_key, payload, hashlib.sha256).digest()[:16]
        return self.prefix + (payload + mac).hex()

    def read(self, token: str) -> TokenClaims | None:
        """The token's claims if it was issued here (whatever its expiry), else None."""
        if token in self.static:
            return self.static[token]
        if not token or not token.startswith(self.prefix):
            return None
        try:
            raw = bytes.fromhex(token[len(self.prefix) :])
        except ValueError:
            return None
        payload, mac = raw[: self._layout.size], raw[self._layout.size :]
        if len(payload) != self._layout.size or not hmac.compare_digest(
            mac, hmac.new(self.server_key, payload, hashlib.sha256).digest()[:16]
        ):
            return None
        kind, shop, expires_at, issued_at, _nonce = self._layout.unpack(payload)
        return TokenClaims(kind, shop, expires_at, issued_at)

    def check(self, token: str, kind: int, shop: int | None = None) -> str | None:
        """None when valid; otherwise "invalid" or "expired"."""
        claims = self.read(token)
        if claims is None or claims.kind != kind or (shop is not None and claims.shop != shop):
            return "invalid"
        if claims.expires_at <= self.clock():
            return "expired"
        if kind == ACCESS and claims.issued_at < self.revoked_before:
            return "expired"
        if kind in (REFRESH, CODE) and token in self.used:
            return "invalid"
        return None

    def consume(self, token: str) -> bool:
        """Mark a single-use token used; False if it already was."""
        with self.lock:
            if token in self.used:
                return False
            self.used.add(token)
            return True

    def expire_access_tokens(self) -> None:
        """Every access token issued so far stops working (a token expiring mid-run)."""
        self.revoked_before = self.clock()

    def register(self, token: str, kind: int, shop: int, lifetime: float) -> None:
        now = self.clock()
        self.static[token] = TokenClaims(kind, shop, now + lifetime, now)

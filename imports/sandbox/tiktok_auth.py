"""TikTok Shop sandbox request checks and shop authorization.

Holds the TikTok error type, token issuing (absolute-timestamp expiries), open API request
verification (signed query: sorted params + body wrapped in the app secret; the access token
in the `x-tts-access-token` header; `shop_cipher` required on product calls and refused on the
shops call), the seller consent page and the unsigned token/get and token/refresh endpoints.
"""

from __future__ import annotations

import html

from imports.sandbox.auth import (
    ACCESS,
    CODE,
    REFRESH,
    signatures_match,
    tiktok_signature,
)
from imports.sandbox.http import SandboxRequest, SandboxResponse, add_query, request_id

CODE_LIFETIME = 1800


class TikTokError(Exception):
    def __init__(self, code: int, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class TikTokAuthMixin:
    """Credentials, verification and authorization endpoints of TikTokSandbox.

    Relies on the sandbox's authority, app and shop identifiers, redirect_uri, token lifetimes
    and its `_error` envelope.
    """

    # --- credentials -------------------------------------------------------------------------
    def issue_tokens(self) -> tuple[str, str, float, float]:
        now = self.authority.clock()
        access = self.authority.issue(ACCESS, self.shop_number, self.access_lifetime, now)
        refresh = self.authority.issue(REFRESH, self.shop_number, self.refresh_lifetime, now)
        return access, refresh, now + self.access_lifetime, now + self.refresh_lifetime

    def credentials(self, base_url: str) -> dict[str, object]:
        access, refresh, access_expiry, refresh_expiry = self.issue_tokens()
        return {
            "base_url": f"{base_url}/tiktok",
            "auth_base_url": f"{base_url}/tiktok-auth",
            "authorize_url": f"{base_url}/tiktok-services/open/authorize",
            "app_key": self.app_key,
            "app_secret": self.app_secret,
            "service_id": self.service_id,
            "shop_id": self.shop_id,
            "shop_cipher": self.shop_cipher,
            "shop_name": self.shop_name,
            "access_token": access,
            "access_token_expire_in": int(access_expiry),
            "refresh_token": refresh,
            "refresh_token_expire_in": int(refresh_expiry),
        }

    # --- verification like the real gateway --------------------------------------------------
    def _verify(self, request: SandboxRequest, *, needs_cipher: bool) -> None:
        query = request.single_query()
        if query.get("app_key") != self.app_key:
            raise TikTokError(36009004, "Invalid app_key. Please check the app_key.")
        timestamp = query.get("timestamp", "")
        if not timestamp.lstrip("-").isdigit():
            raise TikTokError(36009004, "Invalid timestamp. The timestamp is required.")
        drift = int(timestamp) - self.authority.clock()
        if int(timestamp) < 0 or drift < -300 or drift > 30:
            raise TikTokError(
                36009004,
                "Invalid timestamp. The timestamp must not be earlier than 5 minutes before "
                "or more than 30 seconds after the current time.",
            )
        if not query.get("sign"):
            raise TikTokError(
                36009004, "Missing signature. The `sign` query parameter is required."
            )
        content_type = request.headers.get("content-type", "")
        body = b"" if content_type.startswith("multipart/form-data") else request.body
        expected = tiktok_signature(self.app_secret, request.path, query, body)
        if not signatures_match(expected, query["sign"]):
            raise TikTokError(
                106001, "Invalid credentials. The `sign` query parameter is invalid.", 401
            )
        token_problem = self.authority.check(
            request.headers.get("x-tts-access-token", ""), ACCESS, self.shop_number
        )
        if token_problem == "expired":  # noqa: S105 - a status word, not a secret
            raise TikTokError(
                105002,
                "Expired credentials. The `access_token` or `x-tts-access-token` header has "
                "expired.",
                401,
            )
        if token_problem:
            raise TikTokError(
                36009004, "Invalid credentials. The `x-tts-access-token` header is invalid.", 401
            )
        cipher = query.get("shop_cipher")
        if needs_cipher and not cipher:
            raise TikTokError(
                106013, "Missing identifier. The `shop_cipher` query parameter is required."
            )
        if not needs_cipher and cipher is not None:
            raise TikTokError(
                36009004,
                "Unexpected identifier. The `shop_cipher` query parameter is not required for "
                "this request.",
            )
        if needs_cipher and cipher != self.shop_cipher:
            raise TikTokError(36009004, "Invalid identifier. The `shop_cipher` is invalid.")
        if request.method == "POST" and not content_type.startswith("application/json"):
            raise TikTokError(
                36009022, "The request body must be application/json or multipart/form-data."
            )

    # --- authorization -----------------------------------------------------------------------
    def consent_page(self, request: SandboxRequest) -> SandboxResponse:
        if request.arg("service_id") != self.service_id:
            return SandboxResponse.html(400, "TikTok Shop", "<p>Invalid service_id.</p>")
        state = html.escape(request.arg("state") or "")
        return SandboxResponse.html(
            200,
            "TikTok Shop Seller Center (sandbox)",
            f"<p>Izinkan aplikasi mengakses <b>{html.escape(self.shop_name)}</b> "
            "(Tokopedia &amp; TikTok Shop)?</p><form method='post'>"
            f"<input type='hidden' name='service_id' value='{html.escape(self.service_id)}'>"
            f"<input type='hidden' name='state' value='{state}'>"
            "<button type='submit' name='decision' value='authorize'>Authorize</button></form>",
        )

    def consent_confirm(self, request: SandboxRequest) -> SandboxResponse:
        form = request.form()
        if form.get("service_id") != self.service_id or not self.redirect_uri:
            return SandboxResponse.html(400, "TikTok Shop", "<p>App is not configured.</p>")
        code = self.authority.issue(CODE, self.shop_number, CODE_LIFETIME)
        return SandboxResponse.redirect(
            add_query(self.redirect_uri, code=code, state=form.get("state", ""))
        )

    def token(self, request: SandboxRequest) -> SandboxResponse:
        """GET {auth host}/api/v2/token/get and /api/v2/token/refresh (unsigned)."""
        query = request.single_query()
        try:
            if query.get("app_key") != self.app_key or query.get("app_secret") != self.app_secret:
                raise TikTokError(36004005, "Invalid app_key or app_secret.")
            if request.path == "/api/v2/token/get":
                if query.get("grant_type") != "authorized_code":
                    raise TikTokError(36004003, "Invalid grant_type.")
                code = query.get("auth_code", "")
                if self.authority.check(code, CODE) or not self.authority.consume(code):
                    raise TikTokError(36004004, "Invalid auth code.")
            elif request.path == "/api/v2/token/refresh":
                if query.get("grant_type") != "refresh_token":
                    raise TikTokError(36004003, "Invalid grant_type.")
                token = query.get("refresh_token", "")
                problem = self.authority.check(token, REFRESH)
                if problem == "expired":
                    raise TikTokError(36004001, "rt has expired")
                if problem or not self.authority.consume(token):
                    raise TikTokError(36004005, "can not find related auth record")
            else:
                raise TikTokError(36009009, "Invalid path.", 404)
        except TikTokError as exc:
            return self._error(exc)
        access, refresh, access_expiry, refresh_expiry = self.issue_tokens()
        return SandboxResponse.json(
            200,
            {
                "code": 0,
                "message": "success",
                "data": {
                    "access_token": access,
                    "access_token_expire_in": int(access_expiry),
                    "refresh_token": refresh,
                    "refresh_token_expire_in": int(refresh_expiry),
                    "open_id": "7010736057180325637",
                    "seller_name": self.shop_name,
                    "seller_base_region": "ID",
                    "user_type": 0,
                    "granted_scopes": ["seller.product.basic", "seller.authorization.info"],
                },
                "request_id": request_id(),
            },
        )

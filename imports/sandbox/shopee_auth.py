"""Shopee sandbox gateway checks and shop authorization.

Holds the Shopee error type, request verification as the real gateway does it (partner id,
timestamp window, signature, access token), token issuing, the auth_partner page and the
token/get and access_token/get endpoints (which answer without a `response` wrapper).
"""

from __future__ import annotations

import html

from imports.sandbox.auth import (
    ACCESS,
    CODE,
    REFRESH,
    shopee_signature,
    signatures_match,
)
from imports.sandbox.http import SandboxRequest, SandboxResponse, add_query, request_id

TIMESTAMP_WINDOW = 300
CODE_LIFETIME = 600
SMS_CODE = "123456"


class ShopeeError(Exception):
    def __init__(self, error: str, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.error, self.message, self.status = error, message, status


class ShopeeAuthMixin:
    """Credentials, verification and authorization endpoints of ShopeeSandbox.

    Relies on the sandbox's authority, partner_id, partner_key, shop_id, shop_name and token
    lifetimes.
    """

    # --- credentials -------------------------------------------------------------------------
    def issue_tokens(self) -> tuple[str, str]:
        access = self.authority.issue(ACCESS, self.shop_id, self.access_lifetime)
        refresh = self.authority.issue(REFRESH, self.shop_id, self.refresh_lifetime)
        return access, refresh

    def credentials(self, base_url: str) -> dict[str, object]:
        access, refresh = self.issue_tokens()
        return {
            "base_url": f"{base_url}/shopee",
            "partner_id": self.partner_id,
            "partner_key": self.partner_key,
            "shop_id": self.shop_id,
            "shop_name": self.shop_name,
            "access_token": access,
            "refresh_token": refresh,
            # Seconds the access token lives, as Shopee's token endpoints say it (expire_in).
            "expire_in": int(self.access_lifetime),
        }

    # --- verification like the real gateway --------------------------------------------------
    def _verify_public(self, request: SandboxRequest) -> None:
        self._verify(request, shop_api=False)

    def _verify_shop(self, request: SandboxRequest) -> None:
        self._verify(request, shop_api=True)

    def _verify(self, request: SandboxRequest, *, shop_api: bool) -> None:
        partner_id, timestamp, sign = (
            request.arg("partner_id"),
            request.arg("timestamp"),
            request.arg("sign"),
        )
        access_token, shop_id = request.arg("access_token"), request.arg("shop_id")
        if not partner_id or not sign or (shop_api and not access_token):
            raise ShopeeError("error_param", "There is no access_token/partner_id/sign in query")
        if not timestamp:
            raise ShopeeError("error_param", "no timestamp")
        try:
            stamp = int(timestamp)
        except ValueError as exc:
            raise ShopeeError("error_param", "Invalid timestamp") from exc
        if abs(self.authority.clock() - stamp) > TIMESTAMP_WINDOW:
            raise ShopeeError("error_param", "Invalid timestamp")
        if partner_id != str(self.partner_id):
            raise ShopeeError("error_param", "Invalid partner_id")
        parts: list[object] = [partner_id, request.path, timestamp]
        if shop_api:
            parts += [access_token, shop_id or ""]
        if not signatures_match(shopee_signature(self.partner_key, *parts), sign):
            raise ShopeeError("error_sign", "Wrong sign.", 403)
        if shop_api:
            if shop_id != str(self.shop_id):
                raise ShopeeError("error_auth", "Invalid partner_id or shopid.", 403)
            if self.authority.check(access_token or "", ACCESS, self.shop_id):
                raise ShopeeError("invalid_acceess_token", "Invalid access_token.", 403)

    # --- authorization -----------------------------------------------------------------------
    def auth_partner_page(self, request: SandboxRequest) -> SandboxResponse:
        self._verify_public(request)
        redirect = request.arg("redirect")
        if not redirect:
            raise ShopeeError("error_param", "Wrong parameters, detail: redirect is required")
        hidden = "".join(
            f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>"
            for k, v in request.single_query().items()
        )
        return SandboxResponse.html(
            200,
            "Shopee Open Platform (sandbox)",
            f"<p>Aplikasi partner <b>{self.partner_id}</b> meminta akses ke toko "
            f"<b>{html.escape(self.shop_name)}</b> (shop_id {self.shop_id}).</p>"
            "<form method='post'>"
            f"{hidden}<p><label>Kode verifikasi SMS <input name='sms_code' "
            f"value='{SMS_CODE}' size='8'></label></p>"
            "<button type='submit' name='decision' value='confirm'>Konfirmasi</button></form>",
        )

    def auth_partner_confirm(self, request: SandboxRequest) -> SandboxResponse:
        form = request.form()
        request.query = {k: [v] for k, v in form.items()}  # the page posts the signed link back
        self._verify_public(request)
        if form.get("sms_code") != SMS_CODE:
            return SandboxResponse.html(400, "Kode verifikasi salah", "<p>Coba lagi.</p>")
        code = self.authority.issue(CODE, self.shop_id, CODE_LIFETIME)
        return SandboxResponse.redirect(
            add_query(form["redirect"], code=code, shop_id=str(self.shop_id))
        )

    def _body(self, request: SandboxRequest) -> dict:
        try:
            body = request.json_body()
        except (ValueError, UnicodeDecodeError) as exc:
            raise ShopeeError("error_param", "Wrong parameters, detail: invalid json body") from exc
        if not isinstance(body, dict):
            raise ShopeeError("error_param", "Wrong parameters, detail: body must be an object")
        return body

    def token_get(self, request: SandboxRequest) -> dict[str, object]:
        self._verify_public(request)
        body = self._body(request)
        if str(body.get("partner_id")) != str(self.partner_id):
            raise ShopeeError("invalid_partner_id", "Invalid partner_id.")
        if str(body.get("shop_id")) != str(self.shop_id):
            raise ShopeeError("invalid_shop_id", "Invalid shop_id.")
        code = str(body.get("code") or "")
        if self.authority.check(code, CODE, self.shop_id) or not self.authority.consume(code):
            raise ShopeeError("invalid_code", "Invalid code")
        access, refresh = self.issue_tokens()
        return {
            "refresh_token": refresh,
            "access_token": access,
            # The first grant is a little short (88 s on a 4-hour token; never below 1 s).
            "expire_in": max(
                1, int(self.access_lifetime) - min(88, int(self.access_lifetime) // 10)
            ),
            "request_id": request_id(),
            "error": "",
            "message": "",
        }

    def access_token_get(self, request: SandboxRequest) -> dict[str, object]:
        self._verify_public(request)
        body = self._body(request)
        if str(body.get("partner_id")) != str(self.partner_id):
            raise ShopeeError("invalid_partner_id", "Invalid partner_id.")
        if str(body.get("shop_id")) != str(self.shop_id):
            raise ShopeeError("error_shop_refresh_token", "Invalid shop_id and refresh_token.")
        token = str(body.get("refresh_token") or "")
        problem = self.authority.check(token, REFRESH, self.shop_id)
        if problem == "expired":
            raise ShopeeError("refresh_token_expired", "Refresh token has expired.")
        if problem or not self.authority.consume(token):  # single-use
            raise ShopeeError("error_auth", "Invalid refresh_token.")
        access, refresh = self.issue_tokens()
        return {
            "partner_id": self.partner_id,
            "refresh_token": refresh,
            "access_token": access,
            "expire_in": int(self.access_lifetime),
            "request_id": request_id(),
            "error": "",
            "message": "",
            "shop_id": self.shop_id,
        }

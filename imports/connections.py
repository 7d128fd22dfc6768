"""Clients for stored connections, and the tokens they use (refreshed under a row lock)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from catalog.models import Platform
from imports.clients.base import MarketplaceClient, TokenGrant
from imports.clients.errors import ErrorType, MarketplaceError
from imports.clients.ratelimit import RateLimiter
from imports.clients.retry import RetryPolicy
from imports.clients.shopee import ShopeeClient
from imports.clients.tiktok import TikTokShopClient
from imports.models import ChannelConnection

logger = logging.getLogger("imports.connections")


class ConnectionTokens:
    """A TokenProvider backed by the connection row.

    Refreshes are serialized with `select_for_update` on the connection, so two workers never
    spend the same single-use refresh token; the new pair is committed before it is used.
    """

    def __init__(self, connection_id: int, refresher: Callable[[str], TokenGrant]) -> None:
        self.connection_id = connection_id
        self.refresher = refresher
        self._lock = threading.Lock()
        self._token = ""
        self._expires_at = None

    def _load(self) -> None:
        row = ChannelConnection.objects.only("access_token", "access_token_expires_at").get(
            pk=self.connection_id
        )
        self._token, self._expires_at = row.access_token, row.access_token_expires_at

    def access_token(self) -> str:
        with self._lock:
            if not self._token:
                self._load()
            margin = timedelta(seconds=settings.IMPORT_TOKEN_REFRESH_MARGIN_SECONDS)
            expiring = self._expires_at is not None and self._expires_at - margin <= timezone.now()
            stale = self._token
        if expiring or not stale:
            return self.refresh(stale)  # proactive: before the platform refuses it
        return stale

    def refresh(self, stale_token: str) -> str:
        try:
            return self._refresh(stale_token)
        finally:
            if threading.current_thread() is not threading.main_thread():
                # A fetch thread opened its own database connection: do not leak it.
                connections.close_all()

    def _refresh(self, stale_token: str) -> str:
        with self._lock, transaction.atomic():
            row = ChannelConnection.objects.select_for_update().get(pk=self.connection_id)
            margin = timedelta(seconds=settings.IMPORT_TOKEN_REFRESH_MARGIN_SECONDS)
            fresh_enough = (
                row.access_token_expires_at is None
                or row.access_token_expires_at - margin > timezone.now()
            )
            if row.access_token and row.access_token != stale_token and fresh_enough:
                # Someone else refreshed while we waited for the lock.
                self._token, self._expires_at = row.access_token, row.access_token_expires_at
                return self._token
            if not row.refresh_token:
                raise MarketplaceError(
                    "the connection has no refresh token: authorize the shop again",
                    error_type=ErrorType.API_AUTHENTICATION_ERROR,
                    platform=row.platform,
                    reauthorize=True,
                )
            try:
                grant = self.refresher(row.refresh_token)
            except MarketplaceError as error:
                if error.reauthorize:
                    row.status = ChannelConnection.Status.NEEDS_REAUTHORIZATION
                    row.last_error = str(error)
                    row.save(update_fields=["status", "last_error", "updated_at"])
                raise
            row.access_token = grant.access_token
            row.refresh_token = grant.refresh_token
            row.access_token_expires_at = grant.access_expires_at
            row.refresh_token_expires_at = grant.refresh_expires_at
            row.save(
                update_fields=[
                    "access_token",
                    "refresh_token",
                    "access_token_expires_at",
                    "refresh_token_expires_at",
                    "updated_at",
                ]
            )
            logger.info("connection %s: access token refreshed", self.connection_id)
            self._token, self._expires_at = grant.access_token, grant.access_expires_at
            return self._token


def retry_policy() -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.IMPORT_RETRY_MAX_ATTEMPTS,
        base_seconds=settings.IMPORT_RETRY_BASE_SECONDS,
        cap_seconds=settings.IMPORT_RETRY_CAP_SECONDS,
    )


def client_for(
    connection: ChannelConnection,
    *,
    on_call: Callable[[str], None] | None = None,
    with_tokens: bool = True,
    observer: object = None,
) -> MarketplaceClient:
    """A client for the connection, rate limited and with its token provider."""
    options = {
        "timeout": (settings.IMPORT_CONNECT_TIMEOUT, settings.IMPORT_READ_TIMEOUT),
        "retry": retry_policy(),
        "limiter": RateLimiter(float(connection.rate_limit_qps)),
        "on_call": on_call,
        "pool_size": connection.concurrency + 2,
        "observer": observer,
    }
    client: MarketplaceClient
    if connection.platform == Platform.SHOPEE:
        client = ShopeeClient(
            base_url=connection.base_url,
            partner_id=connection.partner_id or 0,
            partner_key=connection.partner_key,
            shop_id=connection.shop_id or None,
            **options,
        )
    else:
        client = TikTokShopClient(
            base_url=connection.base_url,
            auth_base_url=connection.auth_base_url or "https://auth.tiktok-shops.com",
            authorize_url=(
                connection.authorize_url or "https://services.tiktokshop.com/open/authorize"
            ),
            app_key=connection.app_key,
            app_secret=connection.app_secret,
            service_id=connection.service_id,
            shop_cipher=connection.shop_cipher,
            **options,
        )
    if with_tokens:
        client.tokens = ConnectionTokens(connection.pk, client.refresh_access_token)
    return client

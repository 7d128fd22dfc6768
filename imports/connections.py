"""Clients for stored connections, and the tokens they use (refreshed under a row lock)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from imports.clients.base import NOT_SENT, MarketplaceClient, TokenGrant
from imports.clients.errors import ErrorType, MarketplaceError
from imports.clients.ratelimit import RateLimiter
from imports.clients.retry import RetryPolicy
from imports.hosts import marketplace_url_allowed
from imports.models import ChannelConnection
from imports.platforms import adapter_for

logger = logging.getLogger("imports.connections")
REFRESH_MARGIN_SHARE = 0.25  # of a token's life: the proactive refresh margin's ceiling
REAUTHORIZE_SENTENCE = (
    "The marketplace no longer accepts this shop's authorization: connect the shop again "
    "(Channel connections, Connect)."
)


class ConnectionTokens:
    """A TokenProvider backed by the connection row.

    Refreshes are serialized with `select_for_update` on the connection, so two workers never
    spend the same single-use refresh token; the new pair is committed before it is used.
    """

    def __init__(
        self,
        connection_id: int,
        refresher: Callable[[str], TokenGrant],
        retry: RetryPolicy | None = None,
    ) -> None:
        self.connection_id = connection_id
        self.refresher = refresher
        self.retry = retry or retry_policy()
        self._lock = threading.Lock()
        self._token = ""
        self._expires_at = None
        # Seconds a token of this connection lives, known from the first refresh on (until then
        # the configured margin applies: a stored token close to expiry is refreshed first).
        self._life: float | None = None

    def _margin(self) -> timedelta:
        """Refresh this long before expiry: the setting, but at most a fraction of a token's
        life, so tokens living seconds are refreshed once per life, not before every call."""
        margin = float(settings.IMPORT_TOKEN_REFRESH_MARGIN_SECONDS)
        if self._life:
            margin = min(margin, self._life * REFRESH_MARGIN_SHARE)
        return timedelta(seconds=margin)

    def _load(self) -> None:
        row = ChannelConnection.objects.only("access_token", "access_token_expires_at").get(
            pk=self.connection_id
        )
        self._token, self._expires_at = row.access_token, row.access_token_expires_at

    def access_token(self) -> str:
        with self._lock:
            if not self._token:
                self._load()
            margin = self._margin()
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
            margin = self._margin()
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
                grant = self._grant_with_retries(row.refresh_token)
            except MarketplaceError as error:
                if error.reauthorize:
                    row.status = ChannelConnection.Status.NEEDS_REAUTHORIZATION
                    row.last_error = (
                        f"{REAUTHORIZE_SENTENCE} ({row.get_platform_display()}: {error.message})"
                    )
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
            if grant.access_expires_at is not None:
                self._life = (grant.access_expires_at - timezone.now()).total_seconds() or None
            return self._token

    def _grant_with_retries(self, refresh_token: str) -> TokenGrant:
        """Refresh, retrying only what the platform surely did not act on (a 429 or 5xx
        answer, a connection that never opened): a Shopee refresh token is single-use, and
        a call that may have spent it is never repeated with it."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return self.refresher(refresh_token)
            except MarketplaceError as error:
                unspent = (
                    error.http_status == 429
                    or (error.http_status or 0) >= 500
                    or error.code == NOT_SENT
                )
                if not (unspent and error.retryable) or attempt >= self.retry.max_attempts:
                    raise
                delay = self.retry.delay(attempt, error.retry_after)
                logger.warning(
                    "connection %s: token refresh failed (attempt %d), retrying in %.2fs: %s",
                    self.connection_id,
                    attempt,
                    delay,
                    error,
                )
                time.sleep(delay)


def retry_policy() -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.IMPORT_RETRY_MAX_ATTEMPTS,
        base_seconds=settings.IMPORT_RETRY_BASE_SECONDS,
        cap_seconds=settings.IMPORT_RETRY_CAP_SECONDS,
    )


# Someone is waiting on an interactive call (Test connection): one attempt and short timeouts,
# so an unreachable marketplace is reported in seconds, not after a minute of backoff.
INTERACTIVE_RETRY = RetryPolicy(max_attempts=1)
INTERACTIVE_CONNECT_TIMEOUT = 5.0
INTERACTIVE_READ_TIMEOUT = 10.0


def client_for(
    connection: ChannelConnection,
    *,
    on_call: Callable[[str], None] | None = None,
    with_tokens: bool = True,
    observer: object = None,
    interactive: bool = False,
) -> MarketplaceClient:
    """A client for the connection, rate limited and with its token provider.

    The platform's adapter builds it from the row's credentials; the options (timeouts,
    retries, rate limit, host check, tokens) are the same for every platform.
    `interactive`: a person waits for the answer; fail fast instead of retrying.
    """
    timeout = (settings.IMPORT_CONNECT_TIMEOUT, settings.IMPORT_READ_TIMEOUT)
    retry = retry_policy()
    if interactive:
        timeout = (
            min(timeout[0], INTERACTIVE_CONNECT_TIMEOUT),
            min(timeout[1], INTERACTIVE_READ_TIMEOUT),
        )
        retry = INTERACTIVE_RETRY
    options = {
        "timeout": timeout,
        "retry": retry,
        "limiter": RateLimiter(float(connection.rate_limit_qps)),
        "on_call": on_call,
        "pool_size": connection.concurrency + 2,
        "observer": observer,
        "url_allowed": partial(marketplace_url_allowed, connection.platform),
    }
    client = adapter_for(connection.platform).client(connection, **options)
    if with_tokens:
        client.tokens = ConnectionTokens(connection.pk, client.refresh_access_token, retry)
    return client

"""What both marketplace clients share: one session, timeouts, retries, token refresh."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

import orjson
import requests
from requests.adapters import HTTPAdapter

from imports.clients.errors import (
    CONNECT_TIMEOUT,
    DROPPED,
    READ_TIMEOUT,
    REFUSED,
    UNKNOWN_HOST,
    ErrorType,
    MarketplaceError,
)
from imports.clients.ratelimit import RateLimiter
from imports.clients.redaction import RedactingFilter
from imports.clients.retry import RetryPolicy
from imports.clients.transport import HttpReply, PooledTransport

logger = logging.getLogger("imports.clients")
# urllib3 logs every request line, query string included, at DEBUG: mask tokens and signatures
# on the record itself, before any handler (console, file, error tracker) sees it.
logging.getLogger("urllib3.connectionpool").addFilter(RedactingFilter())

DEFAULT_TIMEOUT = (5.0, 30.0)  # connect, read
MAX_REFRESHES_PER_CALL = 3


class TokenProvider(Protocol):
    """Where a client gets its access token, and asks for a new one."""

    def access_token(self) -> str: ...

    def refresh(self, stale_token: str) -> str: ...


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime | None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ApiCall:
    method: str
    url: str
    params: list[tuple[str, str]]
    data: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


# The code of a transport error whose request never reached the platform (safe to repeat even
# when the call is not idempotent, like spending a single-use refresh token).
NOT_SENT = "not_sent"
HOST_NOT_ALLOWED = "host_not_allowed"


def _failure_reason(exc: Exception, sent: bool) -> str:
    """Refused, unknown host or dropped: urllib3 only says so in the wrapped error's text."""
    if sent:
        return DROPPED
    text = repr(exc)
    if "NameResolutionError" in text or "Name or service not known" in text:
        return UNKNOWN_HOST
    return REFUSED


def json_loads(body: bytes) -> Any:
    """A response body parsed by orjson (several times faster); what orjson refuses but
    json.loads reads (NaN, huge integers, a byte order mark) is read by json.loads as before."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return json.loads(body)


def query_string(params: Any) -> str | bytes:
    """`params` as requests encodes them (pairs in order, None left out, UTF-8), done here:
    requests first asks whether a list of pairs is a readable file, a typing Protocol check
    that costs more than the encoding."""
    if not params:
        return ""
    if isinstance(params, str | bytes):
        return params
    pairs = params.items() if isinstance(params, dict) else params
    encoded = []
    for key, values in pairs:
        if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
            values = [values]
        for value in values:
            if value is not None:
                encoded.append(
                    (
                        key.encode("utf-8") if isinstance(key, str) else key,
                        value.encode("utf-8") if isinstance(value, str) else value,
                    )
                )
    return urlencode(encoded, doseq=True)


def _retry_after(response: HttpReply | requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


class MarketplaceClient:
    platform = ""

    def __init__(
        self,
        *,
        tokens: TokenProvider | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        on_call: Callable[[str], None] | None = None,
        pool_size: int = 8,
        observer: Any = None,
        url_allowed: Callable[[str], bool] | None = None,
    ) -> None:
        self.tokens = tokens
        # Checked before every call: tokens and signatures go to the marketplace's hosts only.
        self.url_allowed = url_allowed
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.limiter = limiter
        self.on_call = on_call
        # Optional: .done(endpoint, seconds, failed) and .retry(endpoint), for metrics.
        self.observer = observer
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=max(2, pool_size))
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = "SyncStore/1.0"
        self.transport = PooledTransport(self.session)

    def use_environment_proxies(self, url: str) -> None:
        """Read proxy settings (HTTPS_PROXY, NO_PROXY) once, not on every call.

        With `trust_env` requests looks for proxies and a ~/.netrc file on each request,
        which was a tenth of an import's CPU time.
        """
        self.session.proxies = requests.utils.get_environ_proxies(url)
        self.session.trust_env = False

    # --- subclasses say what an answer means ------------------------------------------------
    def check(self, payload: dict[str, Any], response: HttpReply) -> None:
        raise NotImplementedError

    # --- the call loop ----------------------------------------------------------------------
    def execute(
        self,
        build: Callable[[str], ApiCall],
        *,
        endpoint: str,
        authenticated: bool = True,
        retryable: bool = True,
    ) -> dict[str, Any]:
        """Send the call `build(token)` makes, re-signed on every attempt.

        Transient failures are retried with backoff; an expired or invalid token is refreshed
        once and the call repeated.
        """
        refreshed_from: set[str] = set()
        attempt = 0
        while True:
            attempt += 1
            token = ""
            if authenticated:
                if self.tokens is None:
                    raise MarketplaceError(
                        "no access token configured",
                        error_type=ErrorType.API_AUTHENTICATION_ERROR,
                        platform=self.platform,
                        reauthorize=True,
                    )
                token = self.tokens.access_token()
            try:
                return self._send(build(token), endpoint)
            except MarketplaceError as error:
                # Refresh once per refused token: a token that another thread already
                # replaced (and that was refused too) may be refreshed again, a few times.
                if (
                    error.token_problem
                    and authenticated
                    and token not in refreshed_from
                    and len(refreshed_from) < MAX_REFRESHES_PER_CALL
                ):
                    refreshed_from.add(token)
                    logger.info("%s %s: access token refused, refreshing", self.platform, endpoint)
                    self.tokens.refresh(token)
                    attempt -= 1  # the refresh is not a failed attempt
                    continue
                if not (retryable and error.retryable) or attempt >= self.retry.max_attempts:
                    raise
                delay = self.retry.delay(attempt, error.retry_after)
                if error.retry_after and self.limiter:
                    self.limiter.pause(error.retry_after)
                if self.observer is not None:
                    self.observer.retry(endpoint)
                logger.warning(
                    "%s %s failed (attempt %d), retrying in %.2fs: %s",
                    self.platform,
                    endpoint,
                    attempt,
                    delay,
                    error,
                )
                time.sleep(delay)

    def _send(self, call: ApiCall, endpoint: str) -> dict[str, Any]:
        if self.url_allowed is not None and not self.url_allowed(call.url):
            origin = urlsplit(call.url)
            raise MarketplaceError(
                f"{endpoint}: {origin.scheme}://{origin.netloc} is not a {self.platform} host; "
                "nothing was sent (another host must be listed in MARKETPLACE_EXTRA_HOSTS)",
                error_type=ErrorType.VALIDATION_ERROR,
                platform=self.platform,
                code=HOST_NOT_ALLOWED,
            )
        if self.limiter:
            self.limiter.acquire()
        if self.on_call:
            self.on_call(endpoint)
        started = time.perf_counter()
        try:
            return self._exchange(call, endpoint, started)
        except MarketplaceError:
            if self.observer is not None:
                self.observer.done(endpoint, time.perf_counter() - started, True)
            raise

    def _exchange(self, call: ApiCall, endpoint: str, started: float) -> dict[str, Any]:
        try:
            response = self.transport.send(
                call.method,
                call.url,
                query_string(call.params),
                call.data,
                call.headers,
                self.timeout,
            )
            body = response.content  # read inside send: a cut body fails there, in this try
        except requests.ConnectTimeout as exc:
            raise self._transport_error(
                endpoint, "could not connect", exc, sent=False, reason=CONNECT_TIMEOUT
            ) from exc
        except requests.Timeout as exc:
            raise self._transport_error(endpoint, "timed out", exc, reason=READ_TIMEOUT) from exc
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            sent = "NewConnectionError" not in repr(exc)  # refused: the request never left
            raise self._transport_error(
                endpoint, "connection failed", exc, sent=sent, reason=_failure_reason(exc, sent)
            ) from exc
        elapsed = time.perf_counter() - started
        try:
            payload = json_loads(body)
        except ValueError as exc:
            # A body that is not JSON says nothing about the request: a gateway or a cut
            # connection produced it. Reads are safe to repeat.
            raise MarketplaceError(
                f"{endpoint}: response is not JSON (HTTP {response.status_code})",
                error_type=(
                    ErrorType.API_RATE_LIMIT_ERROR
                    if response.status_code == 429
                    else ErrorType.DATA_PARSING_ERROR
                ),
                retryable=True,
                platform=self.platform,
                http_status=response.status_code,
                retry_after=_retry_after(response),
            ) from exc
        if not isinstance(payload, dict):
            raise MarketplaceError(
                f"{endpoint}: response is not a JSON object",
                error_type=ErrorType.DATA_PARSING_ERROR,
                retryable=True,
                platform=self.platform,
            )
        logger.debug(
            "%s %s -> HTTP %s in %.0f ms (request_id %s)",
            self.platform,
            endpoint,
            response.status_code,
            elapsed * 1000,
            payload.get("request_id", ""),
            extra={"marketplace_request_id": str(payload.get("request_id", ""))},
        )
        self.check(payload, response)
        if self.observer is not None:
            self.observer.done(endpoint, elapsed, False)
        return payload

    def _transport_error(
        self, endpoint: str, what: str, exc: Exception, sent: bool = True, reason: str = ""
    ) -> MarketplaceError:
        return MarketplaceError(
            f"{endpoint}: {what} ({type(exc).__name__})",
            error_type=ErrorType.API_CONNECTION_ERROR,
            retryable=True,
            platform=self.platform,
            code="" if sent else NOT_SENT,
            reason=reason,
        )

    def status_error(
        self, response: HttpReply, message: str, code: str, request_id: str
    ) -> MarketplaceError | None:
        """The classification HTTP 429 and 5xx get whatever the body says."""
        if response.status_code == 429:
            return MarketplaceError(
                message or "rate limited",
                error_type=ErrorType.API_RATE_LIMIT_ERROR,
                retryable=True,
                platform=self.platform,
                code=code,
                request_id=request_id,
                http_status=429,
                retry_after=_retry_after(response),
            )
        if response.status_code >= 500:
            return MarketplaceError(
                message or f"HTTP {response.status_code}",
                error_type=ErrorType.API_CONNECTION_ERROR,
                retryable=True,
                platform=self.platform,
                code=code,
                request_id=request_id,
                http_status=response.status_code,
                retry_after=_retry_after(response),
            )
        return None

    def close(self) -> None:
        self.session.close()

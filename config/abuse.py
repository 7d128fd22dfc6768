"""No guessing at passwords or tokens: the login lockout (django-axes) and the API throttles.

- Logins (the admin form, POST /api/v1/auth/token/) go through django-axes: after
  LOGIN_FAILURE_LIMIT failures for one username, or from one address, further logins are
  refused for LOGIN_COOLOFF_MINUTES.
- Every API request is throttled per address (anonymous) or per user (authenticated), and a
  request presenting a wrong token counts against its address: past API_THROTTLE_BAD_TOKEN
  even a right token from that address waits, so guessing stays slow.
"""

from __future__ import annotations

import ipaddress
import math
import time
from datetime import timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext
from rest_framework import exceptions, status
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from core.ratelimits import rate_counter_hit, rate_counter_peek


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front of us
    the X-Forwarded-For entry the outermost of them appended.

    A client can write anything into X-Forwarded-For; only the entries our own proxies append
    (the last TRUSTED_PROXY_COUNT) can be believed. Anything that is not an address (a wrong
    proxy count, a port appended) falls back to REMOTE_ADDR rather than reaching the database.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies: int = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded.strip():
        return remote
    entries = [entry.strip() for entry in forwarded.split(",")]
    candidate = entries[-min(proxies, len(entries))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


# --- Login lockout (django-axes) -------------------------------------------------------------


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' check that refuses locked-out usernames and addresses.

    Every login over HTTP here (the admin form, the token endpoint) passes its request. A call
    without one is our own code on the server (Django's test client `login()`, a shell): it has
    no address to lock, so it is left to the next backend instead of failing.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def lockout_seconds(request: HttpRequest | None = None) -> int:
    cool_off = get_cool_off(request) or timedelta(0)
    return max(1, math.ceil(cool_off.total_seconds()))


def lockout_message(seconds: int) -> str:
    # Every refused attempt restarts the cool-off (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT),
    # so the whole cool-off is what is left when this is shown.
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed logins; try again in %(minutes)d minute.",
        "Too many failed logins; try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the admin login's lockout page (the API answers in JSON itself,
    see config.api_auth)."""
    seconds = lockout_seconds(request)
    context = {
        **admin.site.each_context(request),
        "title": gettext("Too many failed logins"),
        "message": lockout_message(seconds),
    }
    response = render(
        request,
        "admin/login_locked_out.html",
        context,
        status=status.HTTP_429_TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(seconds)
    return response


class LoginLockedOut(exceptions.APIException):
    """The API's lockout: 429 with Retry-After (DRF's handler sets it from `wait`)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self, seconds: int) -> None:
        super().__init__(lockout_message(seconds))
        self.wait = seconds


# --- API throttles --------------------------------------------------------------------------


class CountedThrottle(SimpleRateThrottle):
    """DRF's rate throttle, counted in the shared `api_rate_counters` table (one statement a
    request, see catalog.ratelimits) rather than in the cache, so every web process agrees.

    Rates are read per request: DRF copies DEFAULT_THROTTLE_RATES into its class once, at
    import, and a changed REST_FRAMEWORK setting (tests, override_settings) would not apply.
    The address is ours (client_ip), so the throttles and the lockout agree on who is calling.
    Refused requests count too: a client that keeps hammering stays refused.
    """

    timer = staticmethod(time.time)

    def get_rate(self) -> str | None:
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            raise ImproperlyConfigured(
                f"No throttle rate set for the {self.scope!r} scope"
            ) from None

    def get_ident(self, request: HttpRequest) -> str:
        return client_ip(request) or ""

    def allow_request(self, request: HttpRequest, view: Any) -> bool:
        if self.rate is None or _is_schema(view):
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.window = rate_counter_hit(key, self.duration, self.timer())
        return self.window.allows(self.num_requests)

    def wait(self) -> float:
        return self.window.seconds_until_allowed(self.num_requests)


def _is_schema(view: Any) -> bool:
    """The schema and its viewers are one public document, the same for every caller; they
    answer without touching the database, and the test suite loads the schema that way."""
    from drf_spectacular.views import (
        SpectacularAPIView,
        SpectacularRedocView,
        SpectacularSwaggerView,
    )

    return isinstance(view, SpectacularAPIView | SpectacularSwaggerView | SpectacularRedocView)


class AnonThrottle(CountedThrottle, AnonRateThrottle):
    """API_THROTTLE_ANON per address for requests without a user."""


class UserThrottle(CountedThrottle, UserRateThrottle):
    """API_THROTTLE_USER per authenticated user (per address without one)."""


class BadTokenThrottle(CountedThrottle):
    """Wrong tokens per address (API_THROTTLE_BAD_TOKEN). Unlike a request throttle it counts
    only failures, so it is checked and recorded in two steps."""

    scope = "bad_token"

    def get_cache_key(self, request: HttpRequest, view: Any = None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def exhausted(self, request: HttpRequest) -> bool:
        """Whether this address has used up its wrong tokens (one more would be over)."""
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request)
        self.window = rate_counter_peek(self.key, self.duration, self.timer())
        return not self.window.allows(self.num_requests, more=1)

    def record_failure(self) -> None:
        if self.rate is not None:
            rate_counter_hit(self.key, self.duration, self.timer())


class ThrottledTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, except that wrong tokens are limited per address.

    DRF authenticates before it throttles, and a wrong token is a 401 at once: without this an
    address could try tokens as fast as the server answers. Once an address is over the limit
    its tokens are not even looked up (a right one included) until the window passes.
    """

    def authenticate(self, request: HttpRequest) -> Any:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # no token: nothing to count
        throttle = BadTokenThrottle()
        if throttle.exhausted(request):
            raise exceptions.Throttled(throttle.wait())
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.record_failure()
            raise

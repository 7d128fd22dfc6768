"""Which hosts a connection may send its credentials to: the marketplace's own, nothing else.

A connection's URLs carry its access token, refresh token and signatures. An owner who could
point them anywhere could read a shop's tokens (or probe internal hosts), so every URL must be
one of the platform's documented hosts (`MARKETPLACE_HOSTS`) or an origin the operator listed
in `MARKETPLACE_EXTRA_HOSTS` (the sandbox, a test double).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.platforms import Platform

DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an absolute http(s) URL without credentials; else None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # a port that is not a number, a broken IPv6 literal
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host or parts.username or parts.password:
        return None
    return scheme, host, port or DEFAULT_PORTS[scheme]


def url_origin(url: str) -> tuple[str, str, int] | str:
    """The (scheme, host, port) a URL sends to; the text itself when it is not a URL."""
    return _origin(url) or url


def parse_host_pattern(pattern: str) -> tuple[str, str, str]:
    """`scheme://host[:port]` (the port may be `*`: any port) -> (scheme, host, port)."""
    scheme, _, rest = pattern.strip().lower().partition("://")
    rest = rest.rstrip("/")
    if rest.startswith("["):  # an IPv6 literal: [::1]:8000
        host, _, tail = rest[1:].partition("]")
        port = tail.removeprefix(":")
    else:
        host, _, port = rest.partition(":")
    return scheme, host, port


def _matches(pattern: str, origin: tuple[str, str, int]) -> bool:
    scheme, host, port = parse_host_pattern(pattern)
    if (scheme, host) != origin[:2]:
        return False
    if port == "*":
        return True
    return (int(port) if port.isdigit() else DEFAULT_PORTS.get(scheme)) == origin[2]


def marketplace_url_allowed(platform: str, url: str) -> bool:
    origin = _origin(url)
    if origin is None:
        return False
    patterns = [
        *settings.MARKETPLACE_HOSTS.get(platform, ()),
        *settings.MARKETPLACE_EXTRA_HOSTS,
    ]
    return any(_matches(pattern, origin) for pattern in patterns)


def validate_marketplace_url(platform: str, url: str) -> None:
    """Raise ValidationError naming the setting unless `url` is one of the platform's hosts."""
    if not url or marketplace_url_allowed(platform, url):
        return
    hosts = settings.MARKETPLACE_HOSTS.get(platform) or ["-"]
    raise ValidationError(
        _(
            "%(url)s is not an address of %(platform)s: use its own, e.g. %(official)s. "
            "A test server must first be allowed by your administrator (the "
            "MARKETPLACE_EXTRA_HOSTS setting)."
        ),
        code="host_not_allowed",
        params={"url": url, "platform": Platform(platform).label, "official": hosts[0]},
    )

"""What is wrong with a connection? Credentials, tokens, reachability, clock skew."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parsedate_to_datetime

import requests
from django.utils import timezone

from imports.clients.errors import MarketplaceError
from imports.connections import client_for
from imports.hosts import marketplace_url_allowed
from imports.models import ChannelConnection
from imports.platforms import adapter_for

SKEW_LIMIT = timedelta(minutes=2)  # the platforms refuse requests 5 min off (TikTok: 30 s ahead)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    advice: str = ""


def connection_diagnose(*, connection: ChannelConnection) -> list[Check]:
    checks: list[Check] = []
    adapter = adapter_for(connection.platform)
    missing = [n for n in adapter.required_credentials if not getattr(connection, n)]
    checks.append(
        Check(
            "credentials",
            not missing,
            "present" if not missing else f"missing {', '.join(missing)}",
            "" if not missing else "Fill them in on the connection page.",
        )
    )
    now = timezone.now()
    if not connection.access_token:
        checks.append(
            Check("tokens", False, "no access token", "Connect the shop (authorize the app) again.")
        )
    elif connection.refresh_token_expires_at and connection.refresh_token_expires_at < now:
        checks.append(
            Check(
                "tokens",
                False,
                "the authorization has expired",
                "The seller must authorize the app again.",
            )
        )
    elif connection.access_token_expires_at and connection.access_token_expires_at < now:
        checks.append(
            Check("tokens", True, "access token expired; it is refreshed on the next call")
        )
    else:
        checks.append(Check("tokens", True, "valid"))
    if not marketplace_url_allowed(connection.platform, connection.base_url):
        checks.append(
            Check(
                "reachable",
                False,
                "not a host of this marketplace: nothing was sent",
                "Set the platform's API host, or list a sandbox in MARKETPLACE_EXTRA_HOSTS.",
            )
        )
        return checks
    started = time.perf_counter()
    try:
        response = requests.get(connection.base_url, timeout=10, allow_redirects=False)
        date = response.headers.get("Date")
        elapsed = (time.perf_counter() - started) * 1000
        checks.append(
            Check("reachable", True, f"{connection.base_url} answered in {elapsed:.0f} ms")
        )
        if date:
            skew = abs(parsedate_to_datetime(date) - timezone.now())
            checks.append(
                Check(
                    "clock",
                    skew <= SKEW_LIMIT,
                    f"skew {skew.total_seconds():.0f} s",
                    ""
                    if skew <= SKEW_LIMIT
                    else "Synchronize this server's clock (NTP): signatures carry the "
                    "time and the platforms refuse stale ones.",
                )
            )
    except requests.RequestException as error:
        checks.append(
            Check(
                "reachable",
                False,
                f"{type(error).__name__}",
                "Check DNS, firewall and proxy settings for the platform host.",
            )
        )
        return checks
    client = client_for(connection)
    try:
        adapter.shop(client)
        checks.append(Check("api", True, "a signed call succeeded"))
    except MarketplaceError as error:
        advice = {
            "api_authentication_error": "Check the partner key / app secret and that they "
            "belong to this environment (sandbox or live).",
            "api_rate_limit_error": "The platform is throttling: lower the rate limit or wait.",
        }.get(str(error.error_type), "See the message; retry later if it is transient.")
        if error.reauthorize:
            advice = "The seller must authorize the app again."
        checks.append(Check("api", False, str(error), advice))
    finally:
        client.close()
    return checks

"""The shared client machinery against the sandbox: errors, retries, tokens, secrecy.

Each platform's own client (signing, reads) is tested in tests/imports/platforms/.
"""

import logging
import threading
import time
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from imports.clients.errors import ErrorType, MarketplaceError
from imports.clients.retry import RetryPolicy
from imports.connections import ConnectionTokens, client_for
from imports.models import ChannelConnection
from imports.sandbox.faults import FaultConfig
from tests.sandbox_fixtures import connect_sandbox

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("platform", "call"),
    [
        ("shopee", lambda c: c.get_item_base_info([999])),
        ("tiktokshop", lambda c: c.get_product("1")),
    ],
)
def test_not_found_is_classified_and_not_retried(sandbox, organization, platform, call):
    client = client_for(connect_sandbox(sandbox, organization, platform))
    sandbox.counters.reset()
    if platform == "shopee":
        assert call(client) == ([], [999])
    else:
        with pytest.raises(MarketplaceError) as error:
            call(client)
        assert error.value.not_found and not error.value.retryable
        assert error.value.error_type == ErrorType.DATA_VALIDATION_ERROR
    assert sum(sandbox.stats()["calls"].values()) == 1


def test_rate_limits_are_retried_honouring_retry_after(make_sandbox, organization):
    sandbox = make_sandbox(faults=FaultConfig(rate_limit=1.0, retry_after=1))
    client = client_for(connect_sandbox(sandbox, organization, "shopee"))
    client.retry = RetryPolicy(max_attempts=3, base_seconds=0.01, cap_seconds=5)
    started = time.monotonic()
    with pytest.raises(MarketplaceError) as error:
        client.get_shop_info()
    assert error.value.error_type == ErrorType.API_RATE_LIMIT_ERROR
    assert error.value.retryable and error.value.http_status == 429
    assert sandbox.stats()["calls"]["shopee /api/v2/shop/get_shop_info"] == 3
    assert time.monotonic() - started >= 2  # waited Retry-After twice, not 10 ms


def test_transient_failures_recover(make_sandbox, organization, fast_retries):
    sandbox = make_sandbox(
        faults=FaultConfig(server_error=0.15, drop=0.1, truncate=0.05, malformed=0.05, seed=11)
    )
    client = client_for(connect_sandbox(sandbox, organization, "tiktokshop"))
    for _ in range(20):
        assert client.get_authorized_shops()
    assert sum(sandbox.stats()["faults"].values()) >= 4


def test_expired_token_is_refreshed_once_saved_and_the_call_repeated(sandbox, shopee_connection):
    old_refresh = shopee_connection.refresh_token
    requests.post(
        f"{sandbox.base_url}/_sandbox/expire-tokens", json={"platform": "shopee"}, timeout=5
    )
    client = client_for(shopee_connection)
    assert client.get_shop_info()["error"] == ""
    shopee_connection.refresh_from_db()
    assert shopee_connection.refresh_token != old_refresh  # the rotated pair is stored
    calls = sandbox.stats()["calls"]
    assert calls["shopee /api/v2/auth/access_token/get"] == 1
    assert calls["shopee /api/v2/shop/get_shop_info"] == 2


def test_tokens_are_refreshed_before_they_expire(sandbox, tiktok_connection):
    tiktok_connection.access_token_expires_at = timezone.now() + timedelta(seconds=30)
    tiktok_connection.save()
    client_for(tiktok_connection).get_authorized_shops()
    tiktok_connection.refresh_from_db()
    assert tiktok_connection.access_token_expires_at > timezone.now() + timedelta(days=6)
    calls = sandbox.stats()["calls"]
    assert calls["tiktokshop /api/v2/token/refresh"] == 1
    assert calls["tiktokshop /authorization/202309/shops"] == 1  # never refused


def test_concurrent_refreshes_spend_the_single_use_refresh_token_once(sandbox, shopee_connection):
    stale = shopee_connection.access_token
    requests.post(
        f"{sandbox.base_url}/_sandbox/expire-tokens", json={"platform": "shopee"}, timeout=5
    )
    results, errors = [], []

    def worker():
        # Separate providers, as in separate worker processes.
        client = client_for(ChannelConnection.objects.get(pk=shopee_connection.pk))
        tokens = ConnectionTokens(shopee_connection.pk, client.refresh_access_token)
        try:
            results.append(tokens.refresh(stale))
        except MarketplaceError as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert sandbox.stats()["calls"]["shopee /api/v2/auth/access_token/get"] == 1


def test_no_secret_reaches_the_logs(make_sandbox, organization, caplog, fast_retries):
    sandbox = make_sandbox(faults=FaultConfig(token_expiry=0.2, server_error=0.2, seed=5))
    connection = connect_sandbox(sandbox, organization, "shopee")
    secrets_before = [connection.partner_key, connection.access_token, connection.refresh_token]
    caplog.set_level(logging.DEBUG)
    client = client_for(connection)
    for _ in range(20):
        client.get_shop_info()
    assert sandbox.stats()["faults"]["shopee token_expiry"] > 0
    connection.refresh_from_db()
    secrets = [*secrets_before, connection.access_token, connection.refresh_token]
    text = caplog.text
    assert "access token refreshed" in text  # the refresh path was logged
    for secret in secrets:
        assert secret not in text
    assert "sign=***" in text  # urllib3's request lines are masked on the record itself

"""A connection's tokens go to the marketplace's hosts only (issue #18, part 1).

The reproduction: an owner pointed a connection at a listener of their own and pressed *Test
connection*; the listener got the access token and a signature, and by answering
`invalid_acceess_token` the single-use refresh token too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from imports.clients.base import HOST_NOT_ALLOWED
from imports.clients.errors import MarketplaceError
from imports.diagnostics import connection_diagnose
from imports.hosts import marketplace_url_allowed, validate_marketplace_url
from imports.models import ChannelConnection
from imports.services import connection_test
from tests.factories import MembershipFactory, UserFactory
from tests.loopback import LoopbackListener

pytestmark = pytest.mark.django_db(transaction=True)


class RogueListener(LoopbackListener):
    """Someone else's server: records every request and asks for the refresh token."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        super().__init__()

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        self.requests.append(f"{request.command} {request.path}")
        body = json.dumps({"error": "invalid_acceess_token", "message": "x"}).encode()
        request.send_response(403)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)


@pytest.fixture
def rogue() -> Iterator[RogueListener]:
    listener = RogueListener()
    yield listener
    listener.stop()


@pytest.fixture
def only_the_sandbox(settings, sandbox):
    """The allow-list an operator would set: the sandbox's own origin, not all of loopback."""
    settings.MARKETPLACE_EXTRA_HOSTS = [sandbox.base_url]


def _point_at(connection: ChannelConnection, url: str) -> ChannelConnection:
    """A row that already points elsewhere (saved before the allow-list, or by SQL)."""
    ChannelConnection.objects.filter(pk=connection.pk).update(base_url=url + "/shopee")
    return ChannelConnection.objects.get(pk=connection.pk)


def test_test_connection_sends_nothing_to_another_host(only_the_sandbox, rogue, shopee_connection):
    connection = _point_at(shopee_connection, rogue.url)
    with pytest.raises(MarketplaceError) as refused:
        connection_test(connection=connection)
    assert refused.value.code == HOST_NOT_ALLOWED
    assert "MARKETPLACE_EXTRA_HOSTS" in str(refused.value)
    assert rogue.requests == []
    stored = ChannelConnection.objects.get(pk=connection.pk)
    assert stored.refresh_token == shopee_connection.refresh_token  # never spent, never sent
    assert stored.access_token == shopee_connection.access_token


def test_the_admin_test_action_sends_nothing_either(
    only_the_sandbox, rogue, owner_client, tiktok_connection
):
    ChannelConnection.objects.filter(pk=tiktok_connection.pk).update(
        auth_base_url=rogue.url + "/tiktok", base_url=rogue.url + "/tiktok"
    )
    response = owner_client.post(
        reverse("admin:imports_channelconnection_changelist"),
        {"action": "test_connection", "_selected_action": [tiktok_connection.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "MARKETPLACE_EXTRA_HOSTS" in page
    assert rogue.requests == []


def test_diagnose_does_not_probe_another_host(only_the_sandbox, rogue, shopee_connection):
    checks = connection_diagnose(connection=_point_at(shopee_connection, rogue.url))
    reachable = next(check for check in checks if check.name == "reachable")
    assert not reachable.ok
    assert "MARKETPLACE_EXTRA_HOSTS" in reachable.advice
    assert rogue.requests == []


def test_an_import_of_a_connection_pointed_elsewhere_fails_without_sending(
    only_the_sandbox, rogue, shopee_connection
):
    from imports.services import import_job_run, import_job_start

    connection = _point_at(shopee_connection, rogue.url)
    job = import_job_run(job_id=import_job_start(connection=connection, queue=False).pk)
    assert job.status == "failed"
    assert "MARKETPLACE_EXTRA_HOSTS" in job.error_message
    assert rogue.requests == []


def test_the_admin_form_refuses_another_host_and_names_the_setting(
    only_the_sandbox, rogue, owner_client, shopee_connection
):
    url = reverse("admin:imports_channelconnection_change", args=[shopee_connection.pk])
    response = owner_client.post(
        url,
        {
            "organization": shopee_connection.organization_id,
            "platform": "shopee",
            "name": shopee_connection.name,
            "base_url": rogue.url + "/shopee",
            "partner_id": shopee_connection.partner_id,
            "shop_id": shopee_connection.shop_id,
            "rate_limit_qps": "5",
            "concurrency": "2",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "MARKETPLACE_EXTRA_HOSTS" in response.content.decode()
    stored = ChannelConnection.objects.get(pk=shopee_connection.pk)
    assert stored.base_url == shopee_connection.base_url
    assert rogue.requests == []


def test_connect_shop_refuses_another_host(only_the_sandbox, rogue):
    with pytest.raises(CommandError, match="MARKETPLACE_EXTRA_HOSTS"):
        call_command(
            "connect_shop",
            "--organization=toko-rogue",
            "--platform=shopee",
            "--name=Rogue",
            f"--base-url={rogue.url}/shopee",
            "--partner-id=1",
            "--partner-key=k",
            "--shop-id=2",
            "--access-token=a",
            "--refresh-token=r",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert not ChannelConnection.objects.filter(name="Rogue").exists()
    from core.models import Organization

    assert not Organization.objects.filter(slug="toko-rogue").exists()


@pytest.mark.parametrize(
    ("platform", "url", "allowed"),
    [
        ("shopee", "https://partner.shopeemobile.com", True),
        ("shopee", "https://PARTNER.shopeemobile.com/", True),
        ("shopee", "https://partner.shopeemobile.com:443/api", True),
        ("shopee", "https://openplatform.sandbox.test-stable.shopee.sg", True),
        ("shopee", "http://partner.shopeemobile.com", False),  # tokens never in clear text
        ("shopee", "https://partner.shopeemobile.com:8443", False),
        ("shopee", "https://partner.shopeemobile.com.evil.example", False),
        ("shopee", "https://partner.shopeemobile.com@evil.example", False),
        ("shopee", "https://user:pw@partner.shopeemobile.com", False),
        ("shopee", "https://open-api.tiktokglobalshop.com", False),  # another platform's host
        ("tiktokshop", "https://open-api.tiktokglobalshop.com", True),
        ("tiktokshop", "https://auth.tiktok-shops.com", True),
        ("tiktokshop", "https://services.tiktokshop.com/open/authorize", True),
        ("tiktokshop", "http://169.254.169.254/latest/meta-data", False),
        ("tiktokshop", "ftp://open-api.tiktokglobalshop.com", False),
        ("tiktokshop", "https://[::1]:8000", False),
        ("tiktokshop", "https://open-api.tiktokglobalshop.com:99999", False),
    ],
)
def test_the_documented_hosts_and_nothing_else(settings, platform, url, allowed):
    settings.MARKETPLACE_EXTRA_HOSTS = []
    assert marketplace_url_allowed(platform, url) is allowed


@pytest.mark.parametrize(
    ("extra", "url", "allowed"),
    [
        ("http://127.0.0.1:*", "http://127.0.0.1:8765/shopee", True),
        ("http://127.0.0.1:*", "http://127.0.0.1/shopee", True),
        ("http://127.0.0.1:*", "https://127.0.0.1:8765", False),  # the scheme must match
        ("http://127.0.0.1:*", "http://localhost:8765", False),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765/tiktok", True),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8977/tiktok", False),
        ("http://sandbox.internal", "http://sandbox.internal:80/x", True),
        ("http://sandbox.internal", "http://sandbox.internal:8080/x", False),
        ("http://[::1]:*", "http://[::1]:9000/x", True),
    ],
)
def test_extra_hosts_patterns(settings, extra, url, allowed):
    settings.MARKETPLACE_EXTRA_HOSTS = [extra]
    assert marketplace_url_allowed("shopee", url) is allowed


def test_the_refusal_names_the_allowed_hosts_and_the_setting(settings):
    settings.MARKETPLACE_EXTRA_HOSTS = []
    with pytest.raises(ValidationError) as refused:
        validate_marketplace_url("shopee", "http://127.0.0.1:8977/shopee")
    message = " ".join(refused.value.messages)
    assert "https://partner.shopeemobile.com" in message
    assert "MARKETPLACE_EXTRA_HOSTS" in message


# --- tokens belong to one host and one app ------------------------------------------------------
def _form(connection: ChannelConnection, **changes) -> dict:
    data = {
        "organization": connection.organization_id,
        "platform": connection.platform,
        "name": connection.name,
        "base_url": connection.base_url,
        "auth_base_url": connection.auth_base_url,
        "authorize_url": connection.authorize_url,
        "partner_id": connection.partner_id or "",
        "app_key": connection.app_key,
        "service_id": connection.service_id,
        "shop_id": connection.shop_id,
        "shop_cipher": connection.shop_cipher,
        "rate_limit_qps": "5",
        "concurrency": "2",
    }
    return data | changes


@pytest.mark.parametrize(
    "changes",
    [
        {"base_url": "https://partner.shopeemobile.com"},
        {"partner_key": "a-new-partner-key"},
        {"partner_id": "424242"},
    ],
)
def test_changing_the_host_or_the_app_drops_the_tokens(owner_client, shopee_connection, changes):
    url = reverse("admin:imports_channelconnection_change", args=[shopee_connection.pk])
    response = owner_client.post(url, _form(shopee_connection, **changes), follow=True)
    assert response.status_code == 200
    assert "connect the shop again" in response.content.decode()
    stored = ChannelConnection.objects.get(pk=shopee_connection.pk)
    assert (stored.access_token, stored.refresh_token) == ("", "")
    assert stored.access_token_expires_at is None
    assert stored.status == ChannelConnection.Status.NEEDS_REAUTHORIZATION


def test_tiktok_app_secret_change_drops_the_tokens(owner_client, tiktok_connection):
    url = reverse("admin:imports_channelconnection_change", args=[tiktok_connection.pk])
    owner_client.post(url, _form(tiktok_connection, app_secret="another-secret"))
    stored = ChannelConnection.objects.get(pk=tiktok_connection.pk)
    assert (stored.access_token, stored.refresh_token) == ("", "")


def test_other_edits_keep_the_tokens(owner_client, shopee_connection):
    url = reverse("admin:imports_channelconnection_change", args=[shopee_connection.pk])
    response = owner_client.post(url, _form(shopee_connection, name="Renamed"), follow=True)
    assert "connect the shop again" not in response.content.decode()
    stored = ChannelConnection.objects.get(pk=shopee_connection.pk)
    assert stored.name == "Renamed"
    assert stored.access_token == shopee_connection.access_token
    assert stored.status == ChannelConnection.Status.ACTIVE


def test_a_new_path_on_the_same_host_keeps_the_tokens(owner_client, shopee_connection):
    url = reverse("admin:imports_channelconnection_change", args=[shopee_connection.pk])
    new_path = shopee_connection.base_url + "/"
    owner_client.post(url, _form(shopee_connection, base_url=new_path))
    stored = ChannelConnection.objects.get(pk=shopee_connection.pk)
    assert stored.base_url == new_path
    assert stored.access_token == shopee_connection.access_token


def test_a_refused_form_still_shows_the_stored_secret_as_set(
    only_the_sandbox, owner_client, shopee_connection
):
    url = reverse("admin:imports_channelconnection_change", args=[shopee_connection.pk])
    refused = owner_client.post(url, _form(shopee_connection, base_url="http://10.0.0.5/shopee"))
    assert refused.status_code == 200
    partner_key_row = refused.content.decode().split("partner_key_state")[1][:400]
    assert "not set" not in partner_key_row and "set" in partner_key_row


def test_new_tokens_saved_with_the_new_host_are_kept(shopee_connection):
    shopee_connection.refresh_from_db()
    shopee_connection.base_url = "https://partner.shopeemobile.com"
    shopee_connection.access_token, shopee_connection.refresh_token = "new-a", "new-r"
    shopee_connection.save()
    stored = ChannelConnection.objects.get(pk=shopee_connection.pk)
    assert (stored.access_token, stored.refresh_token) == ("new-a", "new-r")
    assert stored.status == ChannelConnection.Status.ACTIVE


def test_the_api_cannot_repoint_a_connection(shopee_connection, organization):
    from tests.api_clients import token_client

    owner = UserFactory(username="api-owner")
    MembershipFactory(user=owner, organization=organization, role="owner")
    api = token_client(owner)
    url = f"/api/v1/connections/{shopee_connection.pk}/"
    for method in (api.patch, api.put):
        response = method(url, {"base_url": "http://127.0.0.1:8977/shopee"}, format="json")
        assert response.status_code == 405
        assert response.json()["error"]["status"] == 405
    assert ChannelConnection.objects.get(pk=shopee_connection.pk).base_url == (
        shopee_connection.base_url
    )

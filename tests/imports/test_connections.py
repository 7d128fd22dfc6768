"""Connections: secrets encrypted and hidden, authorization flows, admin actions, commands."""

import subprocess
import sys
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.management import CommandError, call_command
from django.db import connection as db
from django.urls import reverse
from django_q.models import OrmQ

from config.settings import BASE_DIR
from core.models import Organization
from imports.models import ChannelConnection, ImportJob
from imports.services import import_job_start
from tests.factories import MembershipFactory, UserFactory
from tests.sandbox_fixtures import connect_sandbox, credentials_go_stale
from tests.subprocesses import child_env

pytestmark = pytest.mark.django_db(transaction=True)


def test_secrets_are_encrypted_at_rest(shopee_connection):
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT partner_key, access_token, refresh_token FROM "
            "imports_channelconnection WHERE id = %s",
            [shopee_connection.pk],
        )
        stored = cursor.fetchone()
    assert shopee_connection.partner_key not in stored
    assert shopee_connection.access_token not in stored
    assert all(value.startswith("gAAAAA") for value in stored)  # Fernet tokens
    fresh = ChannelConnection.objects.get(pk=shopee_connection.pk)
    assert fresh.partner_key == shopee_connection.partner_key


def test_admin_never_shows_a_secret(owner_client, shopee_connection, tiktok_connection):
    for connection in (shopee_connection, tiktok_connection):
        url = reverse("admin:imports_channelconnection_change", args=[connection.pk])
        page = owner_client.get(url).content.decode()
        for secret in (
            connection.partner_key,
            connection.app_secret,
            connection.access_token,
            connection.refresh_token,
        ):
            if secret:
                assert secret not in page
        assert "set" in page
    listing = owner_client.get(reverse("admin:imports_channelconnection_changelist"))
    assert shopee_connection.access_token not in listing.content.decode()


def test_saving_the_form_without_secrets_keeps_them(owner_client, shopee_connection):
    url = reverse("admin:imports_channelconnection_change", args=[shopee_connection.pk])
    response = owner_client.post(
        url,
        {
            "organization": shopee_connection.organization_id,
            "platform": "shopee",
            "name": "Renamed",
            "base_url": shopee_connection.base_url,
            "partner_id": shopee_connection.partner_id,
            "partner_key": "",
            "shop_id": shopee_connection.shop_id,
            "rate_limit_qps": "5",
            "concurrency": "2",
            "auth_base_url": "",
            "authorize_url": "",
            "app_key": "",
            "app_secret": "",
            "service_id": "",
            "shop_cipher": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = ChannelConnection.objects.get(pk=shopee_connection.pk)
    assert stored.name == "Renamed"
    assert stored.partner_key == shopee_connection.partner_key
    assert stored.access_token == shopee_connection.access_token


def _follow_shopee_authorization(start_url):
    """What the seller does on Shopee's page: confirm with the SMS code."""
    page = requests.get(start_url, timeout=5)
    assert page.status_code == 200
    form = {k: v[0] for k, v in parse_qs(urlsplit(start_url).query).items()}
    confirm = requests.post(
        start_url.split("?")[0],
        data=form | {"sms_code": "123456"},
        allow_redirects=False,
        timeout=5,
    )
    return confirm.headers["Location"]


def test_connect_shopee_shop_through_its_authorization_page(owner_client, sandbox, organization):
    connection = connect_sandbox(
        sandbox, organization, "shopee", access_token="", refresh_token="", status="pending"
    )
    start = owner_client.get(
        reverse("admin:imports_channelconnection_connect", args=[connection.pk])
    )
    assert start.status_code == 302 and "/api/v2/shop/auth_partner" in start["Location"]
    callback = urlsplit(_follow_shopee_authorization(start["Location"]))
    assert callback.path == reverse("imports:oauth_callback", args=["shopee"])
    done = owner_client.get(f"{callback.path}?{callback.query}")
    assert done.status_code == 302
    connection.refresh_from_db()
    assert connection.status == "active" and connection.access_token
    assert connection.shop_id == str(sandbox.shopee.shop_id)
    # The same callback again: the state was used up.
    assert owner_client.get(f"{callback.path}?{callback.query}").status_code == 400


def test_connect_tiktok_shop_and_learn_its_cipher(owner_client, sandbox, organization):
    connection = connect_sandbox(
        sandbox,
        organization,
        "tiktokshop",
        access_token="",
        refresh_token="",
        shop_cipher="",
        status="pending",
    )
    sandbox.tiktok.redirect_uri = "http://testserver" + reverse(
        "imports:oauth_callback", args=["tiktokshop"]
    )
    start = owner_client.get(
        reverse("admin:imports_channelconnection_connect", args=[connection.pk])
    )
    authorize = start["Location"]
    assert authorize.startswith(connection.authorize_url)
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    consent = requests.post(
        connection.authorize_url,
        data={"service_id": connection.service_id, "state": state},
        allow_redirects=False,
        timeout=5,
    )
    callback = urlsplit(consent.headers["Location"])
    assert owner_client.get(f"{callback.path}?{callback.query}").status_code == 302
    connection.refresh_from_db()
    assert connection.shop_cipher == sandbox.tiktok.shop_cipher
    assert connection.shop_name == sandbox.tiktok.shop_name


def test_callback_with_a_wrong_state_is_refused(owner_client, sandbox, organization):
    connection = connect_sandbox(
        sandbox, organization, "shopee", access_token="", refresh_token="", status="pending"
    )
    owner_client.get(reverse("admin:imports_channelconnection_connect", args=[connection.pk]))
    url = reverse("imports:oauth_callback", args=["shopee"])
    forged = owner_client.get(url, {"code": "abc", "shop_id": "14701711", "state": "forged"})
    assert forged.status_code == 400
    assert b"state does not match" in forged.content
    connection.refresh_from_db()
    assert connection.access_token == ""


def test_import_now_action_queues_a_job_for_the_worker(owner_client, shopee_connection):
    url = reverse("admin:imports_channelconnection_changelist")
    response = owner_client.post(
        url, {"action": "import_full", "_selected_action": [shopee_connection.pk]}, follow=True
    )
    job = ImportJob.objects.get(connection=shopee_connection)
    assert f"import #{job.pk} queued" in response.content.decode()
    assert job.status == "queued" and job.task_id
    assert OrmQ.objects.count() == 1
    again = owner_client.post(
        url, {"action": "import_full", "_selected_action": [shopee_connection.pk]}, follow=True
    )
    assert "already has an import in progress" in again.content.decode()


def test_viewers_cannot_start_imports(client, organization, shopee_connection):
    viewer = UserFactory(username="pengamat")
    MembershipFactory(user=viewer, organization=organization, role="viewer")
    client.force_login(viewer)
    client.post(
        reverse("admin:imports_channelconnection_changelist"),
        {"action": "import_full", "_selected_action": [shopee_connection.pk]},
    )
    assert not ImportJob.objects.exists()


def test_test_connection_action(owner_client, tiktok_connection):
    response = owner_client.post(
        reverse("admin:imports_channelconnection_changelist"),
        {"action": "test_connection", "_selected_action": [tiktok_connection.pk]},
        follow=True,
    )
    assert "connected to Toko Sandbox TikTok (ID)" in response.content.decode()


def test_job_page_progress_endpoint_and_cancel(owner_client, shopee_connection):
    job = import_job_start(connection=shopee_connection, queue=False)
    page = owner_client.get(reverse("admin:imports_importjob_change", args=[job.pk]))
    assert b'id="import-progress"' in page.content and b"Cancel import" in page.content
    progress = owner_client.get(reverse("admin:imports_importjob_progress", args=[job.pk]))
    assert progress.json()["status"] == "queued" and progress.json()["percent"] is None
    owner_client.post(reverse("admin:imports_importjob_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "cancelled"


def test_connect_shop_command_creates_the_organization_and_prints_the_id(sandbox):
    creds = sandbox.credentials()["shopee"]
    out = StringIO()
    call_command(
        "connect_shop",
        "--organization",
        "toko-baru",
        "--platform",
        "shopee",
        "--name",
        "Shopee utama",
        "--base-url",
        creds["base_url"],
        "--partner-id",
        str(creds["partner_id"]),
        "--partner-key",
        creds["partner_key"],
        "--shop-id",
        str(creds["shop_id"]),
        "--access-token",
        creds["access_token"],
        "--refresh-token",
        creds["refresh_token"],
        stdout=out,
        stderr=StringIO(),
    )
    connection = ChannelConnection.objects.get(pk=int(out.getvalue()))
    assert connection.organization == Organization.objects.get(slug="toko-baru")
    assert connection.status == "active"
    with pytest.raises(CommandError, match="--app-key"):
        call_command(
            "connect_shop",
            "--organization",
            "toko-baru",
            "--platform",
            "tiktokshop",
            "--name",
            "TikTok",
            "--base-url",
            "http://x",
            "--access-token",
            "a",
            "--refresh-token",
            "b",
            stdout=StringIO(),
        )


def test_import_products_command_summarises_and_fails_loudly(
    sandbox, shopee_connection, tiktok_connection
):
    result = subprocess.run(
        [sys.executable, "manage.py", "import_products", str(tiktok_connection.pk)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env(),
    )
    assert result.returncode == 0, result.stderr
    assert "succeeded: listed 300, stored 300, failed 0" in result.stdout
    credentials_go_stale(shopee_connection, partner_key="wrong")
    failed = subprocess.run(
        [sys.executable, "manage.py", "import_products", str(shopee_connection.pk)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        env=child_env(),
    )
    assert failed.returncode != 0
    assert "failed" in failed.stderr and "Wrong sign" in failed.stderr

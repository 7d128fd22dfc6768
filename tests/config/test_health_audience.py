"""/api/health/ tells anyone only ok / failing per check (issue #18, part 5).

The reproduction: an anonymous caller read every organization's connection names.
"""

import pytest
from django.utils import timezone

from imports.models import ChannelConnection, WorkerHeartbeat
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

OUTSIDE = "203.0.113.9"  # not in METRICS_ALLOWED_NETWORKS (loopback)


@pytest.fixture
def two_shops(organization, other_organization):
    WorkerHeartbeat.objects.create(name="django-q2", seen_at=timezone.now())
    for org, name in ((organization, "Toko Satu Shopee"), (other_organization, "Toko Lain TikTok")):
        ChannelConnection.objects.create(
            organization=org, platform="shopee", name=name, base_url="https://x.example"
        )


def test_anonymous_callers_get_only_ok_or_failing(client, two_shops):
    response = client.get("/api/health/", REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "timestamp", "failing", "checks"}
    assert body["checks"] == {
        "database": {"ok": True},
        "migrations": {"ok": True},
        "worker": {"ok": True},
    }
    assert "Toko" not in response.content.decode()


def test_a_failing_check_is_named_but_not_explained_to_anyone(client):
    response = client.get("/api/health/", REMOTE_ADDR=OUTSIDE)  # no worker has reported
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]
    assert response.json()["checks"]["worker"] == {"ok": False}


def test_the_monitoring_networks_and_token_get_the_details(client, settings, two_shops):
    local = client.get("/api/health/", REMOTE_ADDR="127.0.0.1").json()
    assert {row["name"] for row in local["imports"]} == {"Toko Satu Shopee", "Toko Lain TikTok"}
    assert local["checks"]["worker"]["queue_depth"] == 0
    settings.METRICS_TOKEN = "monitor-token-123"
    with_token = client.get(
        "/api/health/", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer monitor-token-123"
    ).json()
    assert len(with_token["imports"]) == 2
    wrong = client.get("/api/health/", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer nope")
    assert "imports" not in wrong.json()


def test_staff_see_the_details_of_their_own_organizations_only(client, organization, two_shops):
    user = UserFactory(username="staf")
    MembershipFactory(user=user, organization=organization, role="viewer")
    client.force_login(user)
    body = client.get("/api/health/", REMOTE_ADDR=OUTSIDE).json()
    assert body["checks"]["database"]["detail"] == "reachable"
    assert [row["name"] for row in body["imports"]] == ["Toko Satu Shopee"]


def test_a_logged_in_user_who_is_not_staff_is_anyone(client, two_shops):
    user = UserFactory(username="pelanggan", is_staff=False)
    MembershipFactory(user=user, organization=OrganizationFactory(), role="owner")
    client.force_login(user)
    body = client.get("/api/health/", REMOTE_ADDR=OUTSIDE).json()
    assert "imports" not in body and body["checks"]["database"] == {"ok": True}


def test_behind_a_local_proxy_the_forwarded_address_is_judged(client, settings, two_shops):
    """A proxy on this machine makes every REMOTE_ADDR loopback: with TRUSTED_PROXY_COUNT
    the address it forwards decides, so visitors do not pass as the monitor."""
    settings.TRUSTED_PROXY_COUNT = 1
    visitor = client.get("/api/health/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=OUTSIDE)
    assert "imports" not in visitor.json()
    monitor = client.get("/api/health/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="::1")
    assert len(monitor.json()["imports"]) == 2

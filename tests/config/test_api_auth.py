"""POST /api/v1/auth/token/: a username and password for a token, under the same lockout as the
admin login (django-axes: 5 failures per username or per address, 15 minutes)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"
PASSWORD = "pw-for-tests-1"  # UserFactory's
LOCKED_OUT = "Too many failed logins; try again in 15 minutes."


def ask(username: str, password: str, address: str = "203.0.113.7"):
    return APIClient(REMOTE_ADDR=address).post(
        URL, {"username": username, "password": password}, format="json"
    )


@pytest.fixture
def integration(organization):
    user = UserFactory(username="erp-sync")
    MembershipFactory(user=user, organization=organization, role=Membership.Role.MERCHANDISER)
    return user


def test_the_right_password_returns_the_users_token_which_works(integration):
    response = ask("erp-sync", PASSWORD)
    assert response.status_code == 200
    key = response.json()["token"]
    assert key == Token.objects.get(user=integration).key
    assert ask("erp-sync", PASSWORD).json() == {"token": key}  # the same token again
    api = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/products/").status_code == 200


def test_a_wrong_password_is_the_projects_400(integration):
    response = ask("erp-sync", "nope")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid"
    assert error["message"] == "Unable to log in with provided credentials."


def test_five_failures_lock_the_username_out_with_429(integration):
    for _ in range(4):
        assert ask("erp-sync", "nope").status_code == 400
    locked = ask("erp-sync", "nope")
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(15 * 60)
    assert locked.json() == {
        "error": {"status": 429, "code": "locked_out", "message": LOCKED_OUT, "fields": {}}
    }
    assert ask("erp-sync", PASSWORD).status_code == 429
    assert ask("erp-sync", PASSWORD, address="198.51.100.20").status_code == 429
    assert not Token.objects.filter(user=integration).exists()


def test_one_address_trying_many_usernames_is_locked_out(integration):
    for number in range(5):
        ask(f"user{number}", "password123", address="192.0.2.50")
    assert ask("erp-sync", PASSWORD, address="192.0.2.50").status_code == 429
    assert ask("erp-sync", PASSWORD, address="192.0.2.51").status_code == 200


def test_failures_on_the_admin_form_and_the_api_add_up(integration, client):
    for _ in range(3):
        client.post("/admin/login/", {"username": "erp-sync", "password": "nope"})
    assert ask("erp-sync", "nope").status_code == 400
    assert ask("erp-sync", "nope").status_code == 429  # the fifth failure, wherever it came


def test_after_the_cool_off_the_token_is_given_again(integration, settings):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=1)
    for _ in range(5):
        ask("erp-sync", "nope")
    assert ask("erp-sync", PASSWORD).status_code == 429
    time.sleep(1.2)
    assert ask("erp-sync", PASSWORD).status_code == 200


def test_missing_or_oversized_fields_are_400_not_500(integration):
    client = APIClient(REMOTE_ADDR="203.0.113.8")
    assert client.post(URL, {}, format="json").json()["error"]["fields"].keys() == {
        "username",
        "password",
    }
    response = client.post(URL, {"username": "x" * 500, "password": "p"}, format="json")
    assert response.status_code == 400 and "username" in response.json()["error"]["fields"]


def test_the_endpoint_is_in_the_schema_without_authentication(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert operation.get("security", [{}]) == [{}]  # no credentials needed to call it
    assert {"200", "400", "429"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][body.rsplit("/", 1)[1]]
    assert set(component["required"]) == set(component["properties"]) == {"username", "password"}
    assert schema["paths"]["/api/v1/products/"]["get"]["security"]  # unlike the rest

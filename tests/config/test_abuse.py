"""No guessing at admin passwords: the real login form, locked out per username and per address
(django-axes, LOGIN_FAILURE_LIMIT=5 failures, LOGIN_COOLOFF_MINUTES=15)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "pw-for-tests-1"  # UserFactory's
LOCKED_OUT = "Too many failed logins; try again in 15 minutes."


def attempt(username: str, password: str, address: str = "203.0.113.7", **headers: str):
    """One POST of the admin login form from `address`, as a browser sends it."""
    return Client(REMOTE_ADDR=address, **headers).post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and response.url == "/admin/"


@pytest.fixture
def staff(db):
    return UserFactory(username="siti")


def test_the_right_password_logs_in(staff):
    assert logged_in(attempt("siti", PASSWORD))


def test_five_wrong_passwords_lock_the_username_even_with_the_right_one(staff):
    for _ in range(4):
        response = attempt("siti", "guess")
        assert response.status_code == 200  # the form again, with its error
    locked = attempt("siti", "guess")  # the fifth failure reaches the limit
    assert locked.status_code == 429
    assert LOCKED_OUT in locked.content.decode()
    assert locked["Retry-After"] == str(15 * 60)

    refused = attempt("siti", PASSWORD)
    assert refused.status_code == 429 and "_auth_user_id" not in refused.wsgi_request.session
    # The count is the username's, wherever the next attempt comes from.
    assert attempt("siti", PASSWORD, address="198.51.100.20").status_code == 429


def test_the_lockout_page_is_the_admins_own(staff):
    for _ in range(5):
        response = attempt("siti", "guess")
    page = response.content.decode()
    assert '<body class=" login"' in page  # the login page's styling
    assert f'id="lockout-message">{LOCKED_OUT}</p>' in page
    assert "SyncStore" in page  # the site header, not a bare text response
    assert 'href="/admin/login/"' in page


def test_one_address_trying_many_usernames_is_locked_out(staff):
    for number in range(5):
        attempt(f"admin{number}", "password123", address="192.0.2.50")
    # Even the real user's right password is refused from that address...
    assert attempt("siti", PASSWORD, address="192.0.2.50").status_code == 429
    # ...while from anywhere else the user is untouched.
    assert logged_in(attempt("siti", PASSWORD, address="192.0.2.51"))


def test_a_client_cannot_change_its_address_with_x_forwarded_for(staff, settings):
    settings.TRUSTED_PROXY_COUNT = 0  # no proxy in front: the header is the client's own words
    for number in range(5):
        attempt(f"admin{number}", "x", HTTP_X_FORWARDED_FOR=f"10.9.9.{number}")
    assert attempt("siti", PASSWORD, HTTP_X_FORWARDED_FOR="10.1.1.1").status_code == 429


def test_behind_a_trusted_proxy_each_forwarded_client_counts_alone(staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for number in range(5):  # the client prepends a fake entry; the proxy appends the real one
        attempt(f"admin{number}", "x", address=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.77")
    assert (
        attempt("siti", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.77").status_code
        == 429
    )
    # Another client behind the same proxy (and the spoofed address) is not locked out.
    assert logged_in(attempt("siti", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.78"))
    assert logged_in(attempt("siti", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4"))


def test_after_the_cool_off_the_right_password_works_again(staff, settings):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=1)
    for _ in range(5):
        attempt("siti", "guess")
    assert attempt("siti", PASSWORD).status_code == 429
    time.sleep(1.2)  # every refused attempt restarts the cool-off: wait from the last one
    assert logged_in(attempt("siti", PASSWORD))


def test_a_success_clears_earlier_typos(staff):
    for _ in range(4):
        attempt("siti", "typo")
    assert logged_in(attempt("siti", PASSWORD))
    for _ in range(4):  # four more would have been the ninth failure without the reset
        assert attempt("siti", "typo").status_code == 200
    assert logged_in(attempt("siti", PASSWORD))


def test_an_operator_unlocks_a_username_at_once(staff):
    for _ in range(5):
        attempt("siti", "guess")
    call_command("axes_reset_username", "siti", verbosity=0)
    assert logged_in(attempt("siti", PASSWORD))


def test_the_reproduction_thirty_wrong_passwords_then_the_right_one(staff):
    """The issue's attempt: 30 wrong admin passwords in a row all answered 200, then the right
    one logged in. Now the fifth and every later one is refused, the right one included."""
    statuses = [attempt("siti", f"guess-{n}").status_code for n in range(30)]
    assert statuses == [200] * 4 + [429] * 26
    assert attempt("siti", PASSWORD).status_code == 429

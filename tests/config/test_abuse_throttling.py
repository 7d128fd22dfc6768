"""API throttles, counted in the shared api_rate_counters table: per address without a user,
per user, and wrong tokens per address (checked before the token, which DRF would otherwise
answer 401 forever)."""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from rest_framework.test import APIClient

from tests.api_clients import token_client

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products/"


class Clock:
    """The throttles' clock, held still (no test straddles a window by chance) and moved on."""

    def __init__(self) -> None:
        self.now = 1_800_000_030.0  # 30 s into a minute

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    from config.abuse import CountedThrottle

    held = Clock()
    monkeypatch.setattr(CountedThrottle, "timer", staticmethod(held))
    return held


def rates(settings, **changed: str) -> None:
    """New throttle rates (DRF reloads its settings when REST_FRAMEWORK changes)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **changed},
    }


def random_token_client(address: str = "203.0.113.9", **headers: str) -> APIClient:
    return APIClient(
        REMOTE_ADDR=address, HTTP_AUTHORIZATION=f"Token {secrets.token_hex(20)}", **headers
    )


def test_the_defaults_are_the_documented_ones():
    assert django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {
        "anon": "60/minute",
        "user": "1200/minute",
        "bad_token": "20/minute",
    }


def test_random_tokens_get_429_after_the_limit(merchandiser):
    statuses = [random_token_client().get(PRODUCTS).status_code for _ in range(200)]
    assert statuses[:20] == [401] * 20
    assert statuses[20:] == [429] * 180

    refused = random_token_client().get(PRODUCTS)
    # The 20 failures weigh fully until this minute ends (30 s), then shrink: one more is
    # allowed once 19 of their 20 remain, 3 s into the next minute.
    assert int(refused["Retry-After"]) == 33
    error = refused.json()["error"]
    assert error["status"] == 429 and error["code"] == "throttled" and error["fields"] == {}
    assert error["message"].startswith("Request was throttled.")

    # Past the limit even a right token waits: a guess that happened to be right says nothing.
    right = token_client(merchandiser)
    right.defaults["REMOTE_ADDR"] = "203.0.113.9"
    assert right.get(PRODUCTS).status_code == 429
    right.defaults["REMOTE_ADDR"] = "203.0.113.10"  # another address is not held up
    assert right.get(PRODUCTS).status_code == 200


def test_x_forwarded_for_does_not_spread_guesses_over_made_up_addresses():
    statuses = [
        random_token_client(HTTP_X_FORWARDED_FOR=f"10.0.{n // 250}.{n % 250}")
        .get(PRODUCTS)
        .status_code
        for n in range(25)
    ]
    assert statuses.count(401) == 20 and statuses[-1] == 429


def test_the_counts_are_in_the_shared_table_one_row_a_key(merchandiser):
    for _ in range(3):
        random_token_client().get(PRODUCTS)
    token_client(merchandiser).get(PRODUCTS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, hits FROM api_rate_counters ORDER BY key")
        rows = cursor.fetchall()
    assert rows == [
        ("throttle_bad_token_203.0.113.9", 3),
        (f"throttle_user_{merchandiser.pk}", 1),
    ]


def test_the_throttles_cost_two_statements_a_request(merchandiser):
    """The user throttle is one upsert; checking the token's address one select."""
    from django.test.utils import CaptureQueriesContext

    api = token_client(merchandiser)
    api.get(PRODUCTS)
    with CaptureQueriesContext(connection) as queries:
        api.get(PRODUCTS)
    throttle_statements = [q["sql"] for q in queries if "api_rate_counters" in q["sql"]]
    assert len(throttle_statements) == 2


def test_wrong_tokens_may_try_again_once_the_window_passes(settings, merchandiser, clock):
    rates(settings, bad_token="3/minute")
    statuses = [random_token_client().get(PRODUCTS).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    clock.now += 29  # 59 s into the minute: the three failures still count in full
    assert random_token_client().get(PRODUCTS).status_code == 429
    clock.now += 21  # 20 s into the next: they weigh 3 x 2/3 = 2, one more may try
    assert random_token_client().get(PRODUCTS).status_code == 401
    assert random_token_client().get(PRODUCTS).status_code == 429
    clock.now += 120  # two quiet minutes: a clean slate
    assert [random_token_client().get(PRODUCTS).status_code for _ in range(4)] == [
        401,
        401,
        401,
        429,
    ]


def test_anonymous_requests_are_limited_per_address(settings):
    rates(settings, anon="3/minute")

    def anonymous(address: str) -> int:
        return (
            APIClient(REMOTE_ADDR=address)
            .post("/api/v1/auth/token/", {"username": "nobody", "password": "x"}, format="json")
            .status_code
        )

    assert [anonymous("198.51.100.1") for _ in range(4)] == [400, 400, 400, 429]
    assert anonymous("198.51.100.2") == 400


def test_each_user_has_their_own_request_budget(settings, merchandiser, owner):
    rates(settings, user="5/minute")
    api = token_client(merchandiser)
    assert [api.get(PRODUCTS).status_code for _ in range(6)] == [200] * 5 + [429]
    assert 1 <= int(api.get(PRODUCTS)["Retry-After"]) <= 60
    assert token_client(owner).get(PRODUCTS).status_code == 200


def test_the_default_user_budget_outlasts_a_full_catalog_sync(merchandiser):
    """250 pages (50k products at page_size 200) plus change pushes fit in one minute's budget."""
    api = token_client(merchandiser)
    assert all(api.get(PRODUCTS).status_code == 200 for _ in range(300))


def test_idle_counts_are_pruned_by_the_scheduled_task(merchandiser, clock):
    from core.models import RateCounter
    from core.tasks import prune_rate_counters

    clock.now = time.time()  # the pruning reads the real clock
    token_client(merchandiser).get(PRODUCTS)
    clock.now += 60  # a minute later someone else calls
    random_token_client().get(PRODUCTS)
    RateCounter.objects.filter(key__startswith="throttle_user_").update(
        window_start=RateCounter.objects.get(key__startswith="throttle_bad").window_start
        - timedelta(days=1, minutes=1)
    )
    assert prune_rate_counters() == "pruned 1 rate counters"
    assert list(RateCounter.objects.values_list("key", flat=True)) == [
        "throttle_bad_token_203.0.113.9"
    ]

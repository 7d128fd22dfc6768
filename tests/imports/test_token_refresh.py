"""Token refresh against tokens that live seconds, a token endpoint that refuses, and a refresh
token the platform no longer takes (issue: "short token lives cause a refresh storm")."""

import pytest
import requests

from imports.connections import REAUTHORIZE_SENTENCE
from imports.models import ChannelConnection, ImportJob
from imports.sandbox.server import TokenLifetimes
from imports.services import import_job_run, import_job_start
from tests.sandbox_fixtures import connect_sandbox

pytestmark = pytest.mark.django_db(transaction=True)

REFRESH = {
    "shopee": "shopee /api/v2/auth/access_token/get",
    "tiktokshop": "tiktokshop /api/v2/token/refresh",
}


def _run(connection):
    return import_job_run(job_id=import_job_start(connection=connection, queue=False).pk)


def _import_refreshing_once_per_life(sandbox, connection) -> None:
    """Import the shop's 300 listings with two-second tokens: the token is refreshed once per
    life (when a quarter of it is left), not before every call (the 600 s default margin is
    longer than the token lives: ~600 refreshes before the fix)."""
    job = _run(connection)
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    assert job.stored_count == 300
    seconds = sum(float(v) for k, v in job.stage_seconds.items() if k in ("fetch", "wait"))
    refreshes = sandbox.stats()["calls"].get(REFRESH[connection.platform], 0)
    assert 1 <= refreshes <= seconds / 1.5 + 2, (refreshes, seconds)


def test_tokens_living_two_seconds_are_refreshed_once_per_life(make_sandbox, organization):
    sandbox = make_sandbox(products=300, lifetimes=TokenLifetimes(tiktok_access=2))
    # About 5 s of calls at 60 a second: a few token lives.
    connection = connect_sandbox(sandbox, organization, "tiktokshop", rate_limit_qps=60)
    _import_refreshing_once_per_life(sandbox, connection)


def test_the_control_api_shortens_token_lives_mid_flight(make_sandbox, organization):
    sandbox = make_sandbox(products=300)
    connection = connect_sandbox(sandbox, organization, "shopee", rate_limit_qps=60)
    control = f"{sandbox.base_url}/_sandbox"
    lives = requests.post(f"{control}/token-lifetimes", json={"shopee_access": 2}, timeout=5)
    assert lives.status_code == 200 and lives.json()["shopee_access"] == 2
    bad = requests.post(f"{control}/token-lifetimes", json={"shopee_access": 0}, timeout=5)
    assert bad.status_code == 400
    # The token the shop holds now was issued long-lived: expire it, and its successors
    # live two seconds.
    requests.post(f"{control}/expire-tokens", json={"platform": "shopee"}, timeout=5)
    _import_refreshing_once_per_life(sandbox, connection)


@pytest.mark.parametrize("platform", ["shopee", "tiktokshop"])
def test_a_refused_refresh_is_retried_and_a_single_use_token_spent_once(
    make_sandbox, organization, fast_retries, platform
):
    sandbox = make_sandbox(products=120)
    connection = connect_sandbox(sandbox, organization, platform)
    control = f"{sandbox.base_url}/_sandbox"
    requests.post(f"{control}/expire-tokens", json={"platform": platform}, timeout=5)
    requests.post(
        f"{control}/token-faults",
        json={"platform": platform, "rate_limit": 2, "server_error": 1},
        timeout=5,
    ).raise_for_status()
    job = _run(connection)
    assert job.status == ImportJob.Status.SUCCEEDED, job.error_message
    assert job.stored_count == 120
    stats = sandbox.stats()
    # Three refusals, then the refresh that worked: the refresh token was spent once (a
    # Shopee refresh token used twice would have been refused and failed the import).
    assert stats["calls"][REFRESH[platform]] == 4
    connection.refresh_from_db()
    assert connection.status == ChannelConnection.Status.ACTIVE


def test_a_refresh_refused_for_good_asks_the_seller_to_connect_again(
    make_sandbox, organization, fast_retries
):
    sandbox = make_sandbox(products=50)
    connection = connect_sandbox(sandbox, organization, "shopee")
    connection.refresh_token = "not-a-token-the-platform-issued"
    connection.save()
    requests.post(
        f"{sandbox.base_url}/_sandbox/expire-tokens", json={"platform": "shopee"}, timeout=5
    )
    job = _run(connection)
    assert job.status == ImportJob.Status.FAILED
    connection.refresh_from_db()
    assert connection.status == ChannelConnection.Status.NEEDS_REAUTHORIZATION
    assert connection.last_error.startswith(REAUTHORIZE_SENTENCE)
    assert sandbox.stats()["calls"][REFRESH["shopee"]] == 1  # refused for good: not repeated

"""Property-based API testing from our own OpenAPI schema: no input may cause a server error."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from tests.factories import MasterProductFactory, MembershipFactory, PlatformMappingFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@schemathesis.check
def one_error_body(ctx, response, case) -> None:
    """Every 4xx/5xx answers {"error": {"status", "code", "message", "fields"}} as JSON."""
    if response.status_code < 400:
        return
    assert response.headers.get("content-type", [""])[0].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}, error
    assert error["status"] == response.status_code, error


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Like Django's test client: a request must not close the test's DB connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(organization):
    membership = MembershipFactory(organization=organization, role="owner")
    product = MasterProductFactory(organization=organization)
    PlatformMappingFactory(master_product=product)
    return Token.objects.create(user=membership.user).key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    derandomize=True,  # the same examples on every run: CI stays reproducible
    max_examples=8,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
        HealthCheck.too_slow,
    ],
)
def test_no_input_causes_a_server_error(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, one_error_body],
    )

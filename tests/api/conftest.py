import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import Membership
from tests.factories import MembershipFactory, UserFactory


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def api(merchandiser):
    return token_client(merchandiser)


@pytest.fixture
def viewer_api(viewer):
    return token_client(viewer)


@pytest.fixture
def owner_api(owner):
    return token_client(owner)


@pytest.fixture
def outsider_api(other_organization):
    user = UserFactory(username="outsider")
    MembershipFactory(user=user, organization=other_organization, role=Membership.Role.OWNER)
    return token_client(user)

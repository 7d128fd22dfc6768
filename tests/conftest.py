from __future__ import annotations

import os

import pytest

from core.models import Membership
from tests.api_clients import token_client
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

SANDBOX_HOSTS = "http://127.0.0.1:*"


@pytest.fixture(autouse=True, scope="session")
def sandbox_hosts_allowed():
    """The sandbox marketplaces listen on loopback ports: let connections call them.

    As `manage.py up` does, through MARKETPLACE_EXTRA_HOSTS, here and in child processes
    (workers, commands). A test of the allow-list itself narrows it with `settings`.
    """
    from django.conf import settings

    os.environ["MARKETPLACE_EXTRA_HOSTS"] = SANDBOX_HOSTS
    settings.MARKETPLACE_EXTRA_HOSTS = [SANDBOX_HOSTS]


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Toko Satu", slug="toko-satu")


@pytest.fixture
def other_organization(db):
    return OrganizationFactory(name="Toko Lain", slug="toko-lain")


def _member(organization, role, username):
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=organization, role=role)
    return user


@pytest.fixture
def merchandiser(organization):
    return _member(organization, Membership.Role.MERCHANDISER, "merch")


@pytest.fixture
def viewer(organization):
    return _member(organization, Membership.Role.VIEWER, "viewer")


@pytest.fixture
def owner(organization):
    return _member(organization, Membership.Role.OWNER, "owner")


@pytest.fixture
def merchandiser_client(client, merchandiser):
    client.force_login(merchandiser)
    return client


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def seeded_fee_rules(django_db_blocker):
    """The migration-seeded fee rules (a transactional test elsewhere may have flushed them)."""
    import importlib

    from django.apps import apps
    from django.db.models.signals import post_delete, post_save
    from factory.django import mute_signals

    from pricing.models import PlatformFeeConfig

    # As the migration seeds them: no listing exists yet, so nothing is queued to re-price.
    with django_db_blocker.unblock(), mute_signals(post_save, post_delete):
        if not PlatformFeeConfig.objects.filter(organization__isnull=True).exists():
            importlib.import_module("pricing.migrations.0002_seed_fee_rules").seed(apps, None)


# The REST API as each role sees it (a token per user).
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


# The sandbox marketplaces and connections to them, for every test package.
from tests.sandbox_fixtures import (  # noqa: E402,F401
    fast_retries,
    make_sandbox,
    sandbox,
    shopee_connection,
    tiktok_connection,
)


@pytest.fixture(autouse=True)
def _short_retry_pauses(settings):
    """A run waits 30 s between rounds of its retry list in production; tests that are not
    about that pause need not sit through it (those that are set their own)."""
    settings.IMPORT_LISTING_RETRY_PAUSE_SECONDS = 0.2

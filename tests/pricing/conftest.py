import importlib

import pytest
from django.apps import apps

from pricing.models import PlatformFeeConfig


@pytest.fixture(autouse=True)
def default_fee_rules(django_db_blocker, request):
    """The migration-seeded defaults (a transactional test elsewhere may have flushed them)."""
    if "django_db_setup" not in request.fixturenames and not any(
        request.node.iter_markers("django_db")
    ):
        return
    with django_db_blocker.unblock():
        if not PlatformFeeConfig.objects.filter(organization__isnull=True).exists():
            seed = importlib.import_module("pricing.migrations.0002_seed_fee_rules").seed
            seed(apps, None)

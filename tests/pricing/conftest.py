import pytest


@pytest.fixture(autouse=True)
def default_fee_rules(request):
    """Every pricing test that uses the database sees the migration-seeded fee rules."""
    if "django_db_setup" in request.fixturenames or any(request.node.iter_markers("django_db")):
        request.getfixturevalue("seeded_fee_rules")

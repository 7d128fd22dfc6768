from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.sandbox_fixtures import credentials_go_stale

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_healthy_connection_passes_every_check(shopee_connection):
    out = StringIO()
    call_command("diagnose_connection", str(shopee_connection.pk), stdout=out)
    text = out.getvalue()
    for name in ("credentials", "tokens", "reachable", "clock", "api"):
        assert f"[ok  ] {name}" in text, text
    assert shopee_connection.partner_key not in text and shopee_connection.access_token not in text


def test_a_wrong_key_is_diagnosed_with_advice(tiktok_connection):
    credentials_go_stale(tiktok_connection, app_secret="not-the-secret")
    out = StringIO()
    with pytest.raises(CommandError, match="problems found"):
        call_command("diagnose_connection", str(tiktok_connection.pk), stdout=out)
    text = out.getvalue()
    assert "[FAIL] api" in text and "106001" in text
    assert "Check the partner key / app secret" in text

"""The connection form asks each platform's adapter which credentials it needs."""

import pytest

from imports.forms import ChannelConnectionForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("platform", "errors"),
    [
        (
            "shopee",
            {
                "partner_id": "Shopee connections need the partner id.",
                "partner_key": "Shopee connections need the partner key.",
            },
        ),
        (
            "tiktokshop",
            {
                "app_key": "TikTok Shop connections need the app key.",
                "app_secret": "TikTok Shop connections need the app secret.",
            },
        ),
    ],
)
def test_missing_credentials_are_named_per_platform(organization, platform, errors):
    form = ChannelConnectionForm(
        data={
            "organization": organization.pk,
            "platform": platform,
            "name": "shop",
            "base_url": "https://example.test",
            "rate_limit_qps": "5",
            "concurrency": "4",
        }
    )
    assert not form.is_valid()
    for field, message in errors.items():
        assert form.errors[field] == [message]

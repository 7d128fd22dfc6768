"""The Shopee client against the sandbox: signing, reads, signature errors."""

import pytest

from imports.clients.errors import MarketplaceError
from imports.connections import client_for
from imports.platforms.shopee.signing import shopee_sign
from tests.sandbox_fixtures import credentials_go_stale

pytestmark = pytest.mark.django_db(transaction=True)


def test_client_signing_reproduces_the_published_vectors():
    assert shopee_sign(
        "test_partner_key_do_not_use",
        2001887,
        "/api/v2/product/get_item_list",
        1655714431,
        "59777174636562737266615546704c6d",
        14701711,
    ) == ("341a0ca49b4dce06059c87e4c8f93c146d3220c02f12cfc0191c0b6b4ab71a18")


def test_the_client_reads_the_shop(shopee_connection):
    shopee = client_for(shopee_connection)
    assert shopee.get_shop_info()["region"] == "ID"
    items = shopee.get_item_list(page_size=5)["item"]
    found, missing = shopee.get_item_base_info([i["item_id"] for i in items] + [1])
    assert len(found) == 5 and missing == [1]


def test_signature_errors_are_not_retried(sandbox, shopee_connection):
    credentials_go_stale(shopee_connection, partner_key="wrong-key")
    client = client_for(shopee_connection)
    with pytest.raises(MarketplaceError) as error:
        client.get_shop_info()
    assert error.value.code == "error_sign" and not error.value.retryable
    assert sandbox.stats()["calls"]["shopee /api/v2/shop/get_shop_info"] == 1

"""The TikTok Shop client against the sandbox: signing, reads."""

import pytest

from imports.connections import client_for
from imports.platforms.tiktokshop.signing import tiktok_sign

pytestmark = pytest.mark.django_db(transaction=True)


def test_client_signing_reproduces_the_published_vectors():
    assert tiktok_sign(
        "e59af819cc",
        "/product/202502/products/search",
        {
            "app_key": "29a39d",
            "page_size": "100",
            "shop_cipher": "ROW_exampleCipher",
            "timestamp": "1623812664",
            "access_token": "ignored",
        },
        b'{"status":"ACTIVATE","update_time_ge":1700000000}',
    ) == ("7275172f7f31b4287114d8f390b14d20df5530489b6367a734bb341d96aabdb9")


def test_the_client_reads_the_shop(tiktok_connection):
    tiktok = client_for(tiktok_connection)
    assert tiktok.get_authorized_shops()[0]["cipher"] == tiktok_connection.shop_cipher
    product = tiktok.search_products(page_size=1)["products"][0]
    assert tiktok.get_product(product["id"])["id"] == product["id"]

"""TikTok Shop's ListingWriter through the real client against the sandbox (no mocks)."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
import requests

from imports.clients.errors import MarketplaceError
from imports.connections import client_for
from imports.platforms import adapter_for
from imports.platforms.tiktokshop.client import TikTokShopClient
from imports.platforms.tiktokshop.writer import TikTokShopWriter
from imports.platforms.writing import ReviewState, WriteState
from tests.imports.sandbox.test_tiktok_writes import TITLE, control, find, state

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def calls():
    return []


@pytest.fixture
def client(tiktok_connection, calls):
    tiktok = client_for(tiktok_connection, on_call=calls.append)
    yield tiktok
    tiktok.close()


@pytest.fixture
def writer(client):
    return adapter_for("tiktokshop").writer(client)


@pytest.fixture
def product(sandbox):
    return find(sandbox, "ACTIVATE|T", variants=True)


@pytest.fixture
def skus(client, product):
    return [s["id"] for s in client.get_product(str(product.product_id))["skus"]]


def price_calls(sandbox) -> int:
    return sum(n for name, n in sandbox.stats()["calls"].items() if name.endswith("/prices/update"))


def edit_calls(sandbox) -> int:
    return sum(n for name, n in sandbox.stats()["calls"].items() if name.endswith("/partial_edit"))


def test_the_adapter_builds_the_writer_with_tiktoks_rules(writer):
    assert isinstance(writer, TikTokShopWriter)
    rules = writer.rules
    assert (rules.title_min, rules.title_max, rules.max_variant_spread) == (25, 255, None)
    assert rules.documented_qps == 50 and rules.price_step == Decimal(1)


# --- read --------------------------------------------------------------------------------------
def test_read_keys_prices_like_the_import(sandbox, client, writer, product, skus):
    remote = writer.read(str(product.product_id))
    raw = client.get_product(str(product.product_id))
    assert remote.listing_id == str(product.product_id)
    assert remote.title == raw["title"] and remote.status == "ACTIVATE"
    assert list(remote.prices) == skus
    assert remote.prices[skus[0]] == Decimal(raw["skus"][0]["price"]["sale_price"])
    assert all(isinstance(value, Decimal) for value in remote.prices.values())
    assert remote.review is ReviewState.APPROVED and remote.review_title == ""
    single = find(sandbox, "ACTIVATE|T", variants=False)
    remote = writer.read(str(single.product_id))
    (only,) = client.get_product(str(single.product_id))["skus"]
    assert remote.prices == {"": Decimal(only["price"]["sale_price"])}


def test_read_shows_a_title_in_review_and_a_rejection(sandbox, writer, product):
    pid = str(product.product_id)
    control(sandbox, action="review_mode", mode="manual", delay_seconds=0)
    live = writer.read(pid).title
    assert writer.write_title(pid, TITLE).state is WriteState.IN_REVIEW
    remote = writer.read(pid)
    assert (remote.title, remote.review, remote.review_title) == (
        live,
        ReviewState.IN_REVIEW,
        TITLE,
    )
    control(sandbox, action="review", product_id=pid, decision="reject", reason="Kata terlarang")
    remote = writer.read(pid)
    assert remote.review is ReviewState.REJECTED and remote.title == live
    assert remote.review_reasons == ("Kata terlarang",) and remote.review_title == ""


# --- write_prices ------------------------------------------------------------------------------
def test_write_prices_applies_every_variant_once(sandbox, writer, product, skus, calls):
    pid = str(product.product_id)
    outcomes = writer.write_prices(pid, {skus[0]: Decimal("149000"), skus[3]: Decimal("159000")})
    assert [(o.kind, o.variant, o.state) for o in outcomes] == [
        ("price", skus[0], WriteState.APPLIED),
        ("price", skus[3], WriteState.APPLIED),
    ]
    assert all(len(o.request_id) == 32 for o in outcomes)
    remote = writer.read(pid)
    assert (remote.prices[skus[0]], remote.prices[skus[3]]) == (Decimal(149000), Decimal(159000))
    writes = state(sandbox)["writes"]
    assert [(w["variant_id"], w["value"]) for w in writes] == [
        (skus[0], "149000"),
        (skus[3], "159000"),
    ]
    assert price_calls(sandbox) == 1  # one call per product
    assert "/product/202309/products/{product_id}/prices/update" in calls


def test_the_single_price_is_the_one_skus(sandbox, client, writer):
    single = find(sandbox, "ACTIVATE|T", variants=False)
    pid = str(single.product_id)
    (outcome,) = writer.write_prices(pid, {"": Decimal("87000")})
    assert (outcome.variant, outcome.state) == ("", WriteState.APPLIED)
    (sku,) = client.get_product(pid)["skus"]
    assert state(sandbox)["writes"][0]["variant_id"] == sku["id"]
    assert writer.read(pid).prices == {"": Decimal(87000)}


def test_the_single_price_and_its_sku_id_together_are_one_price_twice(sandbox, client, writer):
    single = find(sandbox, "ACTIVATE|T", variants=False)
    pid = str(single.product_id)
    (sku,) = client.get_product(pid)["skus"]
    outcomes = writer.write_prices(pid, {"": Decimal(87000), sku["id"]: Decimal(88000)})
    assert [(o.variant, o.state) for o in outcomes] == [
        ("", WriteState.FAILED),
        (sku["id"], WriteState.APPLIED),
    ]
    assert [w["value"] for w in state(sandbox)["writes"]] == ["88000"]


def test_no_single_price_on_a_product_with_variants(sandbox, writer, product, skus):
    (outcome,) = writer.write_prices(str(product.product_id), {"": Decimal("87000")})
    assert outcome.state is WriteState.FAILED and "variants" in outcome.message
    assert price_calls(sandbox) == 0 and state(sandbox)["writes"] == []


def test_a_price_that_is_not_whole_rupiah_fails_before_sending(sandbox, writer, product, skus):
    outcomes = writer.write_prices(
        str(product.product_id),
        {skus[0]: Decimal("149000.50"), skus[1]: Decimal("0"), skus[2]: Decimal("150000")},
    )
    assert [o.state for o in outcomes] == [WriteState.FAILED, WriteState.FAILED, WriteState.APPLIED]
    assert outcomes[0].code == "" and outcomes[0].message
    assert [w["variant_id"] for w in state(sandbox)["writes"]] == [skus[2]]
    assert price_calls(sandbox) == 1


def test_a_refused_sku_fails_every_sku_of_the_call(sandbox, writer, product, skus):
    pid = str(product.product_id)
    before = writer.read(pid).prices
    control(sandbox, action="fail_variant", product_id=pid, variant_id=skus[1])
    outcomes = writer.write_prices(pid, {skus[0]: Decimal(149000), skus[1]: Decimal(159000)})
    # TikTok's Update Price is all or nothing: the other SKU was not applied either.
    assert [(o.variant, o.state, o.code) for o in outcomes] == [
        (skus[0], WriteState.FAILED, "12052570"),
        (skus[1], WriteState.FAILED, "12052570"),
    ]
    assert outcomes[0].message == "product price exceed limit" and outcomes[0].request_id
    assert writer.read(pid).prices == before and state(sandbox)["writes"] == []
    (outcome,) = writer.write_prices(pid, {skus[0]: Decimal(149000)})
    assert outcome.state is WriteState.APPLIED


def test_a_promotion_blocks_the_prices(sandbox, writer, product, skus):
    pid = str(product.product_id)
    now = int(time.time())
    control(sandbox, action="promotion", product_id=pid, start=now - 1, end=now + 60)
    outcomes = writer.write_prices(pid, {skus[0]: Decimal(149000), skus[1]: Decimal(159000)})
    assert {(o.state, o.code, o.blocked_until) for o in outcomes} == {
        (WriteState.BLOCKED, "12052038", None)
    }
    assert outcomes[0].message == "Product price locked due to ongoing promotion."
    assert state(sandbox)["writes"] == []


def test_a_product_that_is_not_active_fails(sandbox, client, writer):
    listing = find(sandbox, "SELLER_DEACTIVATED|T", variants=None)
    pid = str(listing.product_id)
    sku = client.get_product(pid)["skus"][0]["id"]
    (outcome,) = writer.write_prices(pid, {sku: Decimal(149000)})
    assert (outcome.state, outcome.code) == (WriteState.FAILED, "12052901")


def test_an_update_lock_is_a_retryable_error_with_nothing_applied(sandbox, writer, product, skus):
    pid = str(product.product_id)
    before = writer.read(pid)
    control(sandbox, action="update_lock", product_id=pid, calls=2)
    with pytest.raises(MarketplaceError) as raised:
        writer.write_prices(pid, {skus[0]: Decimal(149000)})
    assert raised.value.retryable and raised.value.code == "36009003"
    with pytest.raises(MarketplaceError) as raised:
        writer.write_title(pid, TITLE)
    assert raised.value.retryable and raised.value.code == "36009003"
    # Sent once each (writes are not retried by the client), and nothing applied.
    assert price_calls(sandbox) == 1 and edit_calls(sandbox) == 1
    after = writer.read(pid)
    assert after.prices == before.prices and after.title == before.title
    assert after.review is ReviewState.APPROVED and state(sandbox)["writes"] == []


def test_a_write_refreshes_an_expired_token(sandbox, writer, product, skus):
    requests.post(
        f"{sandbox.base_url}/_sandbox/expire-tokens", json={"platform": "tiktokshop"}, timeout=10
    )
    (outcome,) = writer.write_prices(str(product.product_id), {skus[0]: Decimal(149000)})
    assert outcome.state is WriteState.APPLIED
    assert len(state(sandbox)["writes"]) == 1


# --- write_title -------------------------------------------------------------------------------
def test_a_title_goes_to_review_and_nothing_else_changes(sandbox, writer, calls):
    dual = find(sandbox, "ACTIVATE|TK", variants=True)
    pid = str(dual.product_id)
    before = writer.read(pid)
    outcome = writer.write_title(pid, TITLE)
    assert (outcome.kind, outcome.variant, outcome.state) == ("title", "", WriteState.IN_REVIEW)
    assert outcome.request_id
    assert "/product/202509/products/{product_id}/partial_edit" in calls
    # Only the title was sent: no SKU deleted, not hidden on Tokopedia.
    published = state(sandbox)
    assert published["deleted_skus"] == {} and published["hidden_on_tokopedia"] == []
    after = writer.read(pid)
    assert after.prices == before.prices and after.title == before.title
    control(sandbox, action="review", product_id=pid, decision="approve")
    assert writer.read(pid).title == TITLE


def test_a_tokopedia_only_title_is_applied_at_once(sandbox, writer):
    listing = find(sandbox, "-|K", variants=None)
    outcome = writer.write_title(str(listing.product_id), TITLE)
    assert outcome.state is WriteState.APPLIED
    assert writer.read(str(listing.product_id)).title == TITLE


def test_the_integration_lock_blocks_the_title(sandbox, writer, product):
    control(sandbox, action="integration_lock", locked=True)
    outcome = writer.write_title(str(product.product_id), TITLE)
    assert (outcome.state, outcome.code, outcome.blocked_until) == (
        WriteState.BLOCKED,
        "12052332",
        None,
    )
    assert state(sandbox)["writes"] == []


@pytest.mark.parametrize(
    ("listing_class", "title", "code"),
    [
        ("ACTIVATE|T", "Kursi Lipat Kayu Jati 椅子 Minimalis", "12052262"),
        ("FREEZE|T", TITLE, "12052901"),
    ],
)
def test_a_refused_title_fails(sandbox, writer, listing_class, title, code):
    listing = find(sandbox, listing_class, variants=None)
    outcome = writer.write_title(str(listing.product_id), title)
    assert (outcome.state, outcome.code) == (WriteState.FAILED, code)
    assert outcome.message and state(sandbox)["writes"] == []


@pytest.mark.parametrize("title", ["Terlalu pendek", "K" * 256, ""])
def test_a_title_out_of_range_fails_before_sending(sandbox, writer, product, title):
    outcome = writer.write_title(str(product.product_id), title)
    assert outcome.state is WriteState.FAILED and outcome.code == ""
    assert edit_calls(sandbox) == 0


# --- the client's write calls ------------------------------------------------------------------
def test_the_client_sends_whole_rupiah_strings(client):
    with pytest.raises(ValueError, match="whole rupiah"):
        client.update_prices("1", [("2", Decimal("1.5"))])


def test_identity_internal_errors_are_retryable(client):
    answer = requests.Response()
    answer.status_code = 200
    with pytest.raises(MarketplaceError) as raised:
        TikTokShopClient.check(client, {"code": 12052881, "message": "identity error"}, answer)
    assert raised.value.retryable

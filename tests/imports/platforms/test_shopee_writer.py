"""Shopee's ListingWriter through the real client against the sandbox (real HTTP, no mocks)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests

from imports.clients.errors import MarketplaceError
from imports.connections import client_for
from imports.platforms import adapter_for
from imports.platforms.shopee.writer import ShopeeWriter
from imports.platforms.writing import ReviewState, WriteState

pytestmark = pytest.mark.django_db(transaction=True)

WITH_MODELS = "800000014"  # NORMAL, three models: 143900, 148900, 152900
PLAIN = "800000002"  # NORMAL, no models: 787900
ON_DISCOUNT = "800000009"  # no models, an old discount: current_price is 90% of original
M0, M1, M2 = (str(int(WITH_MODELS) * 100 + n) for n in range(3))
PRICE_CALL = "shopee /api/v2/product/update_price"
ITEM_CALL = "shopee /api/v2/product/update_item"


def control(sandbox, **body) -> dict:
    reply = requests.post(
        f"{sandbox.base_url}/_sandbox/publishing", json={"platform": "shopee", **body}, timeout=10
    )
    assert reply.ok, reply.text
    return reply.json()


def writes(sandbox) -> list[tuple[str, str, str, str]]:
    state = requests.get(
        f"{sandbox.base_url}/_sandbox/publishing", params={"platform": "shopee"}, timeout=10
    ).json()
    return [(w["product_id"], w["variant_id"], w["kind"], w["value"]) for w in state["writes"]]


def calls(sandbox, name: str) -> int:
    return sandbox.stats()["calls"].get(name, 0)


@pytest.fixture
def writer(shopee_connection) -> ShopeeWriter:
    built = adapter_for("shopee").writer(client_for(shopee_connection))
    assert isinstance(built, ShopeeWriter)
    return built


# --- read and rules ----------------------------------------------------------------------------
def test_read_gives_original_prices_per_model_and_the_shop_range(writer):
    remote = writer.read(WITH_MODELS)
    assert remote.listing_id == WITH_MODELS and remote.status == "NORMAL"
    assert remote.prices == {M0: Decimal(143900), M1: Decimal(148900), M2: Decimal(152900)}
    assert remote.title.startswith("Merries Popok Bayi")
    assert remote.review == ReviewState.NONE
    assert (remote.min_price, remote.max_price) == (Decimal(100), Decimal(150_000_000))
    assert writer.read(PLAIN).prices == {"": Decimal(787900)}


def test_read_never_takes_the_promotion_price(writer, shopee_connection):
    client = client_for(shopee_connection)
    (item,), _missing = client.get_item_base_info([int(ON_DISCOUNT)])
    price = item["price_info"][0]
    assert price["current_price"] < price["original_price"]
    assert writer.read(ON_DISCOUNT).prices == {"": Decimal(price["original_price"])}


def test_unknown_item_is_not_found(writer):
    with pytest.raises(MarketplaceError) as error:
        writer.read("123")
    assert error.value.not_found


def test_rules_take_the_shop_title_limit_once(sandbox, writer):
    control(sandbox, action="item_limit", title_max=80)
    rules = writer.rules
    assert (rules.title_min, rules.title_max) == (1, 80)
    assert rules.max_variant_spread == Decimal(7) and rules.documented_qps is None
    control(sandbox, action="item_limit", title_max=60)
    assert writer.rules.title_max == 80  # cached per writer
    assert calls(sandbox, "shopee /api/v2/product/get_item_limit") == 1


# --- prices ------------------------------------------------------------------------------------
def test_write_prices_applies_each_model_once(sandbox, writer):
    outcomes = writer.write_prices(WITH_MODELS, {M0: Decimal(140000), M2: Decimal("150000.00")})
    assert [(o.variant, o.state, o.kind) for o in outcomes] == [
        (M0, WriteState.APPLIED, "price"),
        (M2, WriteState.APPLIED, "price"),
    ]
    assert all(o.request_id for o in outcomes)
    assert writes(sandbox) == [
        (WITH_MODELS, M0, "price", "140000"),
        (WITH_MODELS, M2, "price", "150000"),
    ]
    assert calls(sandbox, PRICE_CALL) == 1
    assert writer.read(WITH_MODELS).prices[M2] == Decimal(150000)
    (plain,) = writer.write_prices(PLAIN, {"": Decimal(700000)})
    assert plain.state == WriteState.APPLIED and writer.read(PLAIN).prices[""] == 700000


def test_one_refused_model_fails_while_the_others_apply(sandbox, writer):
    control(sandbox, action="fail_variant", product_id=WITH_MODELS, variant_id=M1, reason="nope")
    outcomes = {
        o.variant: o for o in writer.write_prices(WITH_MODELS, {M0: Decimal(1), M1: Decimal(2)})
    }
    # Below the shop's minimum: M0 fails before anything is sent, M1 never reaches Shopee.
    assert outcomes[M0].code == outcomes[M1].code == "error_price_out_of_range"
    assert calls(sandbox, PRICE_CALL) == 0
    outcomes = {
        o.variant: o
        for o in writer.write_prices(WITH_MODELS, {M0: Decimal(141000), M1: Decimal(146000)})
    }
    assert outcomes[M0].state == WriteState.APPLIED
    assert outcomes[M1].state == WriteState.FAILED and outcomes[M1].message == "nope"
    assert outcomes[M1].code == "update_price_failed"
    assert writes(sandbox) == [(WITH_MODELS, M0, "price", "141000")]


def test_promotion_blocks_until_its_end_without_a_write(sandbox, writer):
    now = int(time.time())
    control(
        sandbox,
        action="promotion",
        product_id=WITH_MODELS,
        start=now + 60,
        end=now + 3600,
        variant_ids=[M0],
    )
    outcomes = {
        o.variant: o
        for o in writer.write_prices(WITH_MODELS, {M0: Decimal(140000), M1: Decimal(145000)})
    }
    assert outcomes[M0].state == WriteState.BLOCKED
    assert outcomes[M0].blocked_until == datetime.fromtimestamp(now + 3600, tz=UTC)
    assert outcomes[M1].state == WriteState.APPLIED
    assert writes(sandbox) == [(WITH_MODELS, M1, "price", "145000")]
    control(sandbox, action="promotion", product_id=PLAIN, start=now, end=now + 900)
    (blocked,) = writer.write_prices(PLAIN, {"": Decimal(500000)})
    assert blocked.state == WriteState.BLOCKED
    assert blocked.blocked_until == datetime.fromtimestamp(now + 900, tz=UTC)
    assert calls(sandbox, PRICE_CALL) == 1  # the blocked item was never sent


def test_a_promotion_reason_in_the_failure_list_blocks(sandbox, writer):
    control(
        sandbox,
        action="fail_variant",
        product_id=WITH_MODELS,
        variant_id=M2,
        reason="error_in_item_promotion_item_price_lock: Can't update price when item is under "
        "promotion.",
    )
    (outcome,) = writer.write_prices(WITH_MODELS, {M2: Decimal(150000)})
    assert outcome.state == WriteState.BLOCKED
    assert outcome.code == "error_in_item_promotion_item_price_lock"
    assert outcome.blocked_until is None  # Shopee lists no promotion: the job re-checks later
    assert writes(sandbox) == []


@pytest.mark.parametrize(
    ("prices", "code"),
    [
        ({M0: Decimal("140000.50")}, "error_invalid_price"),
        ({M0: Decimal(0)}, "error_invalid_price"),
        ({M0: Decimal(200_000_000)}, "error_price_out_of_range"),
        ({"42": Decimal(140000)}, "error_param"),
    ],
)
def test_bad_prices_fail_without_a_call(sandbox, writer, prices, code):
    (outcome,) = writer.write_prices(WITH_MODELS, prices)
    assert (outcome.state, outcome.code) == (WriteState.FAILED, code)
    assert calls(sandbox, PRICE_CALL) == 0


def test_spread_over_seven_fails_every_model_without_a_call(sandbox, writer):
    # 143900 (M0, unchanged) * 7 = 1,007,300 < 1,100,000.
    outcomes = writer.write_prices(WITH_MODELS, {M1: Decimal(1_100_000), M2: Decimal(150000)})
    assert [(o.state, o.code) for o in outcomes] == [(WriteState.FAILED, "variant_spread")] * 2
    assert calls(sandbox, PRICE_CALL) == 0
    # Within 7x once the cheapest moves up with it.
    outcomes = writer.write_prices(
        WITH_MODELS, {M0: Decimal(160000), M1: Decimal(1_100_000), M2: Decimal(160000)}
    )
    assert {o.state for o in outcomes} == {WriteState.APPLIED}


def test_update_lock_raises_retryable_and_applies_nothing(sandbox, writer):
    control(sandbox, action="update_lock", product_id=WITH_MODELS, calls=2)
    with pytest.raises(MarketplaceError) as error:
        writer.write_prices(WITH_MODELS, {M0: Decimal(140000)})
    assert error.value.retryable and error.value.code == "product.error_busi_update_item_failed"
    with pytest.raises(MarketplaceError) as error:
        writer.write_title(WITH_MODELS, "Popok Bayi Merries Baru")
    assert error.value.retryable
    assert writes(sandbox) == []
    assert calls(sandbox, PRICE_CALL) == calls(sandbox, ITEM_CALL) == 1  # writes sent once
    assert writer.read(WITH_MODELS).prices[M0] == Decimal(143900)


# --- title -------------------------------------------------------------------------------------
def test_write_title_applied(sandbox, writer):
    outcome = writer.write_title(PLAIN, "Oxone Panci Set Anti Lengket Isi 5")
    assert (outcome.kind, outcome.variant, outcome.state) == ("title", "", WriteState.APPLIED)
    assert outcome.request_id
    assert writer.read(PLAIN).title == "Oxone Panci Set Anti Lengket Isi 5"
    assert writes(sandbox) == [(PLAIN, "", "title", "Oxone Panci Set Anti Lengket Isi 5")]


def test_write_title_in_review(sandbox, writer):
    control(sandbox, action="review", product_id=PLAIN)
    outcome = writer.write_title(PLAIN, "Oxone Panci Set Ditinjau")
    assert outcome.state == WriteState.IN_REVIEW
    remote = writer.read(PLAIN)
    assert remote.review == ReviewState.IN_REVIEW
    assert remote.review_title == "Oxone Panci Set Ditinjau"


def test_write_title_blocked_by_a_promotion(sandbox, writer):
    now = int(time.time())
    control(sandbox, action="promotion", product_id=WITH_MODELS, start=now, end=now + 1200)
    outcome = writer.write_title(WITH_MODELS, "Popok Bayi Merries Baru")
    assert outcome.state == WriteState.BLOCKED
    assert outcome.code == "error_cannt_edit_name_in_promotion"
    assert outcome.blocked_until == datetime.fromtimestamp(now + 1200, tz=UTC)
    assert writes(sandbox) == []


def test_write_title_failed(sandbox, writer):
    outcome = writer.write_title(PLAIN, "x" * 101)
    assert outcome.state == WriteState.FAILED
    assert outcome.code == "error_title_exceeds_max_length" and outcome.message
    outcome = writer.write_title(PLAIN, "")
    assert (outcome.state, outcome.code) == (WriteState.FAILED, "error_item_name_empty")
    assert writes(sandbox) == []

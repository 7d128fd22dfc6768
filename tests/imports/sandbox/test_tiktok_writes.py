"""The TikTok Shop sandbox's write side: Update Price, Partial Edit and the publishing controls."""

from __future__ import annotations

import time

import pytest
import requests

from imports.sandbox.catalog import Listing
from imports.sandbox.server import MarketplaceSandbox
from tests.imports.sandbox.conftest import TikTokCaller

TITLE = "Kursi Lipat Kayu Jati 45cm Minimalis Baru"


def find(sandbox: MarketplaceSandbox, listing_class: str, *, variants: bool | None) -> Listing:
    """The first listing of a class (and with or without variants, when asked)."""
    shop = sandbox.catalog.tiktok
    for index in range(shop.listings.size):
        listing = shop.listing(index)
        if shop.listings.listing_class(index) != listing_class:
            continue
        if variants is None or bool(listing.spec.variants) == variants:
            return listing
    raise LookupError(listing_class)


def control(sandbox: MarketplaceSandbox, **body) -> requests.Response:
    return requests.post(
        f"{sandbox.base_url}/_sandbox/publishing",
        json={"platform": "tiktokshop", **body},
        timeout=10,
    )


def state(sandbox: MarketplaceSandbox) -> dict:
    answer = requests.get(
        f"{sandbox.base_url}/_sandbox/publishing", params={"platform": "tiktokshop"}, timeout=10
    )
    assert answer.status_code == 200
    return answer.json()


def detail(tiktok: TikTokCaller, product_id: object, **params) -> dict:
    body = tiktok.call("GET", f"/product/202309/products/{product_id}", **params).json()
    assert body["code"] == 0, body
    return body["data"]


def update_prices(tiktok: TikTokCaller, product_id: object, skus: object) -> dict:
    path = f"/product/202309/products/{product_id}/prices/update"
    answer = tiktok.call("POST", path, body={"skus": skus})
    assert answer.status_code == 200
    return answer.json()


def partial_edit(tiktok: TikTokCaller, product_id: object, body: dict) -> dict:
    answer = tiktok.call("POST", f"/product/202509/products/{product_id}/partial_edit", body=body)
    assert answer.status_code == 200
    return answer.json()


def price(sku_id: str, amount: object = "149000", currency: str = "IDR") -> dict:
    return {"id": sku_id, "price": {"amount": amount, "currency": currency}}


def sku_prices(tiktok: TikTokCaller, product_id: object) -> dict[str, str]:
    return {s["id"]: s["price"]["sale_price"] for s in detail(tiktok, product_id)["skus"]}


@pytest.fixture
def variant_product(sandbox):
    return find(sandbox, "ACTIVATE|T", variants=True)


@pytest.fixture
def skus(tiktok, variant_product):
    return [s["id"] for s in detail(tiktok, variant_product.product_id)["skus"]]


# --- Update Price ------------------------------------------------------------------------------
def test_update_price_applies_and_reads_show_it(sandbox, tiktok, variant_product, skus):
    pid = variant_product.product_id
    before = detail(tiktok, pid)
    body = update_prices(tiktok, pid, [price(skus[0], "149000"), price(skus[2], "159000")])
    assert (body["code"], body["data"], body["message"]) == (0, {}, "Success")
    after = detail(tiktok, pid)
    by_id = {s["id"]: s["price"] for s in after["skus"]}
    assert by_id[skus[0]] == {
        "currency": "IDR",
        "tax_exclusive_price": "149000",
        "sale_price": "149000",
    }
    assert by_id[skus[2]]["sale_price"] == by_id[skus[2]]["tax_exclusive_price"] == "159000"
    assert by_id[skus[1]] == {s["id"]: s["price"] for s in before["skus"]}[skus[1]]
    assert after["update_time"] > before["update_time"]
    writes = state(sandbox)["writes"]
    assert [(w["variant_id"], w["kind"], w["value"]) for w in writes] == [
        (skus[0], "price", "149000"),
        (skus[2], "price", "159000"),
    ]
    assert all(w["product_id"] == str(pid) and w["at"] > 0 for w in writes)
    # Search (tax_exclusive_price only) shows the new price too.
    found = [
        p
        for p in tiktok.search({"status": "ALL", "update_time_ge": after["update_time"]}).json()[
            "data"
        ]["products"]
        if p["id"] == str(pid)
    ]
    assert found[0]["skus"][0]["price"]["tax_exclusive_price"] == "149000"


def test_a_product_without_variants_has_one_sku(sandbox, tiktok):
    single = find(sandbox, "ACTIVATE|T", variants=False)
    (sku,) = detail(tiktok, single.product_id)["skus"]
    assert update_prices(tiktok, single.product_id, [price(sku["id"], "99000")])["code"] == 0
    assert sku_prices(tiktok, single.product_id) == {sku["id"]: "99000"}


@pytest.mark.parametrize(
    ("make_skus", "code"),
    [
        (lambda ids: [], 12052902),
        (lambda ids: None, 12052902),
        (lambda ids: [price("1729500000000000000999")], 12052557),
        (lambda ids: [price(ids[0]), price(ids[0], "150000")], 12052553),
        (lambda ids: [price(ids[0], currency="USD")], 12052084),
        (lambda ids: [price(ids[0], "149000.5")], 12052012),
        (lambda ids: [price(ids[0], "149000.0")], 12052012),
        (lambda ids: [price(ids[0], "0")], 12052012),
        (lambda ids: [price(ids[0], "-5")], 12052012),
        (lambda ids: [price(ids[0], 149000)], 12052012),
        (lambda ids: [{"id": ids[0], "currency": "IDR"}], 12052012),
        (lambda ids: [price(ids[1]), {**price(ids[0]), "list_price": {"amount": "1"}}], 12052376),
    ],
)
def test_update_price_validation_applies_nothing(
    sandbox, tiktok, variant_product, skus, make_skus, code
):
    pid = variant_product.product_id
    before = sku_prices(tiktok, pid)
    body = update_prices(tiktok, pid, make_skus(skus))
    assert body["code"] == code, body
    assert body["message"] and body["data"] is None
    assert sku_prices(tiktok, pid) == before
    assert state(sandbox)["writes"] == []


@pytest.mark.parametrize("listing_class", ["SELLER_DEACTIVATED|T", "DELETED|T", "FREEZE|T"])
def test_update_price_needs_an_active_product(sandbox, tiktok, listing_class):
    listing = find(sandbox, listing_class, variants=None)
    sku = detail(tiktok, listing.product_id)["skus"][0]["id"]
    assert update_prices(tiktok, listing.product_id, [price(sku)])["code"] == 12052901


def test_an_unknown_product_is_refused(tiktok):
    assert update_prices(tiktok, "1729500000000000001", [price("1")])["code"] == 12052032


def test_writes_are_signed_like_reads(sandbox, variant_product, skus):
    caller = TikTokCaller(sandbox)
    path = f"/product/202309/products/{variant_product.product_id}/prices/update"
    body = {"skus": [price(skus[0])]}
    assert caller.call("POST", path, body=body, sign="0" * 64).json()["code"] == 106001
    assert caller.call("POST", path, body=body, token="forged").json()["code"] == 36009004
    assert caller.call("POST", path, body=body, cipher=False).json()["code"] == 106013
    assert state(sandbox)["writes"] == []


def test_writes_have_their_own_call_counter(sandbox, tiktok, variant_product, skus):
    detail(tiktok, variant_product.product_id)
    calls = sandbox.stats()["calls"]
    reads = calls["tiktokshop /product/202309/products/{product_id}"]
    update_prices(tiktok, variant_product.product_id, [price(skus[0])])
    partial_edit(tiktok, variant_product.product_id, {"title": TITLE})
    calls = sandbox.stats()["calls"]
    assert calls["tiktokshop /product/202309/products/{product_id}"] == reads
    assert sum(n for name, n in calls.items() if name.endswith("/prices/update")) == 1
    assert sum(n for name, n in calls.items() if name.endswith("/partial_edit")) == 1


def test_faults_apply_to_writes(sandbox, tiktok, variant_product, skus):
    requests.post(f"{sandbox.base_url}/_sandbox/faults", json={"server_error": 1.0}, timeout=10)
    path = f"/product/202309/products/{variant_product.product_id}/prices/update"
    answer = tiktok.call("POST", path, body={"skus": [price(skus[0])]})
    assert (answer.status_code, answer.json()["code"]) == (500, 36009003)
    requests.post(f"{sandbox.base_url}/_sandbox/faults", json={"server_error": 0.0}, timeout=10)
    assert state(sandbox)["writes"] == []


# --- promotions, failures, update locks --------------------------------------------------------
def test_a_promotion_locks_prices_until_it_ends(sandbox, tiktok, variant_product, skus):
    pid = variant_product.product_id
    now = int(time.time())
    end = now + 2
    answer = control(sandbox, action="promotion", product_id=str(pid), start=now - 5, end=end)
    assert answer.status_code == 200
    body = update_prices(tiktok, pid, [price(skus[0])])
    assert body["code"] == 12052038
    assert body["message"] == "Product price locked due to ongoing promotion."
    assert [p["end"] for p in state(sandbox)["promotions"]] == [end]
    # The title is not locked by a promotion.
    assert partial_edit(tiktok, pid, {"title": TITLE})["code"] == 0
    time.sleep(max(0.0, end - time.time()) + 0.05)
    assert state(sandbox)["promotions"] == []
    assert update_prices(tiktok, pid, [price(skus[0])])["code"] == 0
    assert [w["kind"] for w in state(sandbox)["writes"]] == ["title", "price"]


def test_a_promotion_on_some_skus_locks_only_those(sandbox, tiktok, variant_product, skus):
    pid = str(variant_product.product_id)
    now = int(time.time())
    control(
        sandbox,
        action="promotion",
        product_id=pid,
        start=now - 1,
        end=now + 60,
        variant_ids=[skus[1]],
    )
    control(sandbox, action="promotion", product_id=pid, start=now + 30, end=now + 90)
    assert update_prices(tiktok, pid, [price(skus[0]), price(skus[1])])["code"] == 12052038
    assert update_prices(tiktok, pid, [price(skus[0])])["code"] == 0  # upcoming: no lock yet
    assert [w["variant_id"] for w in state(sandbox)["writes"]] == [skus[0]]
    assert len(state(sandbox)["promotions"]) == 2


def test_a_failing_sku_refuses_the_whole_request(sandbox, tiktok, variant_product, skus):
    pid = str(variant_product.product_id)
    before = sku_prices(tiktok, pid)
    control(sandbox, action="fail_variant", product_id=pid, variant_id=skus[1])
    body = update_prices(tiktok, pid, [price(skus[0]), price(skus[1])])
    assert (body["code"], body["message"]) == (12052570, "product price exceed limit")
    assert sku_prices(tiktok, pid) == before  # all or nothing
    assert state(sandbox)["failing"] == {pid: {skus[1]: ""}}
    control(sandbox, action="fail_variant", product_id=pid, variant_id=skus[2], reason="too low")
    assert update_prices(tiktok, pid, [price(skus[2])])["message"] == "too low"
    assert update_prices(tiktok, pid, [price(skus[0])])["code"] == 0
    assert [w["variant_id"] for w in state(sandbox)["writes"]] == [skus[0]]


def test_an_update_lock_fails_the_next_calls_without_applying(
    sandbox, tiktok, variant_product, skus
):
    pid = str(variant_product.product_id)
    before = detail(tiktok, pid)
    control(sandbox, action="update_lock", product_id=pid, calls=2)
    first = update_prices(tiktok, pid, [price(skus[0])])
    second = partial_edit(tiktok, pid, {"title": TITLE})
    for body in (first, second):
        assert (body["code"], body["message"]) == (36009003, "Internal error, please try again")
    after = detail(tiktok, pid)
    assert after["title"] == before["title"] and after["skus"] == before["skus"]
    assert after["audit"]["status"] == "APPROVED"
    assert state(sandbox)["writes"] == [] and state(sandbox)["update_locks"] == {pid: 0}
    assert update_prices(tiktok, pid, [price(skus[0])])["code"] == 0
    assert len(state(sandbox)["writes"]) == 1


# --- Partial Edit ------------------------------------------------------------------------------
def test_a_title_goes_to_review_and_is_live_once_approved(sandbox, tiktok, variant_product):
    pid = str(variant_product.product_id)
    control(sandbox, action="review_mode", mode="manual", delay_seconds=0)
    old = detail(tiktok, pid)
    body = partial_edit(tiktok, pid, {"title": TITLE})
    assert body["code"] == 0
    data = body["data"]
    assert data["product_id"] == pid and data["audit"] == {"status": "AUDITING"}
    assert [s["id"] for s in data["skus"]] == [s["id"] for s in old["skus"]]
    assert data["skus"][0]["sales_attributes"] == old["skus"][0]["sales_attributes"]
    live = detail(tiktok, pid)
    assert live["title"] == old["title"] and live["audit"] == {"status": "AUDITING"}
    assert detail(tiktok, pid, return_under_review_version="true")["title"] == TITLE
    assert [(w["kind"], w["variant_id"], w["value"]) for w in state(sandbox)["writes"]] == [
        ("title", "", TITLE)
    ]
    answer = control(sandbox, action="review", product_id=pid, decision="approve").json()
    assert answer["status"] == "APPROVED"
    approved = detail(tiktok, pid)
    assert approved["title"] == TITLE and approved["audit"]["status"] == "APPROVED"
    assert approved["update_time"] > old["update_time"]
    assert len(state(sandbox)["writes"]) == 1  # logged once, when accepted


def test_a_rejected_title_keeps_the_old_one(sandbox, tiktok, variant_product):
    pid = str(variant_product.product_id)
    control(sandbox, action="review_mode", mode="manual", delay_seconds=0)
    old_title = detail(tiktok, pid)["title"]
    partial_edit(tiktok, pid, {"title": TITLE})
    control(sandbox, action="review", product_id=pid, decision="reject", reason="Kata terlarang")
    product = detail(tiktok, pid)
    assert product["title"] == old_title
    assert product["audit"]["status"] == "FAILED"
    (failure,) = product["audit"]["audit_failed_reasons"]
    assert failure["listing_platform"] == "TIKTOK_SHOP" and failure["position"] == "product"
    assert failure["reasons"] == ["Kata terlarang"] and failure["suggestions"]
    # Nothing is under review any more.
    assert detail(tiktok, pid, return_under_review_version="true")["title"] == old_title
    assert control(sandbox, action="review", product_id=pid, decision="approve").status_code == 400


def test_reviews_settle_by_themselves_when_read(sandbox, tiktok):
    first, second = (
        find(sandbox, "ACTIVATE|T", variants=True),
        find(sandbox, "ACTIVATE|T", variants=False),
    )
    assert state(sandbox)["review_mode"] == {"mode": "approve", "delay_seconds": 5.0}
    partial_edit(tiktok, first.product_id, {"title": TITLE})
    assert detail(tiktok, first.product_id)["audit"]["status"] == "AUDITING"  # not 5 s yet
    control(sandbox, action="review_mode", mode="approve", delay_seconds=0.3)
    time.sleep(0.35)
    assert detail(tiktok, first.product_id)["title"] == TITLE
    control(sandbox, action="review_mode", mode="reject", delay_seconds=0)
    partial_edit(tiktok, second.product_id, {"title": TITLE})
    product = detail(tiktok, second.product_id)
    assert product["audit"]["status"] == "FAILED" and product["title"] != TITLE
    # The search's 202502 shape shows the audit state too.
    found = tiktok.search({"status": "ALL", "update_time_ge": product["update_time"]}).json()
    assert {p["id"]: p["audit"]["status"] for p in found["data"]["products"]}[
        str(second.product_id)
    ] == "FAILED"


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("K" * 256, 12052051),
        ("", 12052261),
        ("   ", 12052261),
        ("Kursi Lipat Kayu Jati 椅子 Minimalis", 12052262),
        ("K" * 24, 12052931),
        (42, 12052910),
    ],
)
def test_partial_edit_validates_the_title(sandbox, tiktok, variant_product, title, code):
    pid = variant_product.product_id
    body = partial_edit(tiktok, pid, {"title": title})
    assert body["code"] == code, body
    assert detail(tiktok, pid)["audit"]["status"] == "APPROVED"
    assert state(sandbox)["writes"] == []


@pytest.mark.parametrize("length", [25, 255])
def test_titles_at_the_limits_are_accepted(tiktok, variant_product, length):
    assert partial_edit(tiktok, variant_product.product_id, {"title": "K" * length})["code"] == 0


@pytest.mark.parametrize("listing_class", ["FREEZE|T", "DELETED|T"])
def test_partial_edit_refuses_frozen_and_deleted_products(sandbox, tiktok, listing_class):
    listing = find(sandbox, listing_class, variants=None)
    assert partial_edit(tiktok, listing.product_id, {"title": TITLE})["code"] == 12052901


def test_the_integration_lock_allows_prices_only(sandbox, tiktok, variant_product, skus):
    pid = variant_product.product_id
    assert control(sandbox, action="integration_lock", locked=True).json() == {
        "integration_locked": True
    }
    body = partial_edit(tiktok, pid, {"title": TITLE})
    assert body["code"] == 12052332
    assert body["message"] == (
        "The seller center is locked during shop integration, only editing stock and price is "
        "allowed"
    )
    assert update_prices(tiktok, pid, [price(skus[0])])["code"] == 0
    control(sandbox, action="integration_lock", locked=False)
    assert partial_edit(tiktok, pid, {"title": TITLE})["code"] == 0


def test_a_tokopedia_only_product_takes_the_title_at_once(sandbox, tiktok):
    listing = find(sandbox, "-|K", variants=None)
    body = partial_edit(tiktok, listing.product_id, {"title": TITLE})
    assert body["code"] == 0 and "audit" not in body["data"]
    assert detail(tiktok, listing.product_id)["title"] == TITLE
    assert state(sandbox)["writes"][0]["value"] == TITLE


def test_a_description_edit_leaves_the_title_alone(sandbox, tiktok, variant_product):
    pid = variant_product.product_id
    old_title = detail(tiktok, pid)["title"]
    body = partial_edit(tiktok, pid, {"description": "<p>Deskripsi baru</p>"})
    assert body["data"]["audit"] == {"status": "AUDITING"}
    control(sandbox, action="review", product_id=str(pid), decision="approve")
    assert detail(tiktok, pid)["title"] == old_title
    assert state(sandbox)["writes"] == []


def test_sending_skus_deletes_the_skus_left_out(sandbox, tiktok, variant_product, skus):
    pid = str(variant_product.product_id)
    body = partial_edit(tiktok, pid, {"title": TITLE, "skus": [{"id": skus[0]}]})
    assert body["code"] == 0
    assert [s["id"] for s in body["data"]["skus"]] == [skus[0]]
    assert [s["id"] for s in detail(tiktok, pid)["skus"]] == [skus[0]]
    assert state(sandbox)["deleted_skus"] == {pid: sorted(skus[1:])}
    assert update_prices(tiktok, pid, [price(skus[1])])["code"] == 12052557


def test_listing_platforms_without_tokopedia_hides_a_dual_listed_product(sandbox, tiktok):
    listing = find(sandbox, "ACTIVATE|TK", variants=None)
    pid = str(listing.product_id)
    statuses = detail(tiktok, pid)["integrated_platform_statuses"]
    assert statuses == [{"platform": "TOKOPEDIA", "status": "ACTIVATE"}]
    partial_edit(tiktok, pid, {"title": TITLE, "listing_platforms": ["TIKTOK_SHOP"]})
    statuses = detail(tiktok, pid)["integrated_platform_statuses"]
    assert statuses == [{"platform": "TOKOPEDIA", "status": "SELLER_DEACTIVATED"}]
    assert state(sandbox)["hidden_on_tokopedia"] == [pid]


# --- control API -------------------------------------------------------------------------------
def test_a_seller_center_edit_changes_reads_but_is_not_a_write(sandbox, tiktok, variant_product):
    pid = str(variant_product.product_id)
    single = find(sandbox, "ACTIVATE|T", variants=False)
    skus = [s["id"] for s in detail(tiktok, pid)["skus"]]
    before = detail(tiktok, pid)["update_time"]
    answer = control(
        sandbox, action="edit", product_id=pid, title=TITLE, prices={skus[1]: 123000}
    ).json()
    assert answer["product_id"] == pid and answer["update_time"] > before
    product = detail(tiktok, pid)
    assert product["title"] == TITLE and product["update_time"] == answer["update_time"]
    assert {s["id"]: s["price"]["sale_price"] for s in product["skus"]}[skus[1]] == "123000"
    control(sandbox, action="edit", product_id=str(single.product_id), prices={"": 45000})
    assert [s["price"]["sale_price"] for s in detail(tiktok, single.product_id)["skus"]] == [
        "45000"
    ]
    assert state(sandbox)["writes"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"action": "dance"},
        {},
        {"action": "edit", "product_id": "1"},
        {"action": "edit", "product_id": "{variant}", "prices": {"": 1000}},
        {"action": "edit", "product_id": "{variant}", "prices": {"{sku}": 0}},
        {"action": "promotion", "product_id": "{variant}", "start": 10, "end": 5},
        {
            "action": "promotion",
            "product_id": "{variant}",
            "start": 1,
            "end": 5,
            "variant_ids": ["9"],
        },
        {"action": "fail_variant", "product_id": "{variant}", "variant_id": "9"},
        {"action": "update_lock", "product_id": "{variant}"},
        {"action": "review", "product_id": "{variant}", "decision": "approve"},
        {"action": "review_mode", "mode": "sometimes", "delay_seconds": 1},
        {"action": "integration_lock", "locked": "yes"},
    ],
)
def test_bad_control_input_is_a_400(sandbox, variant_product, skus, body):
    filled = {
        key: (
            value.format(variant=variant_product.product_id, sku=skus[0])
            if isinstance(value, str)
            else value
        )
        for key, value in body.items()
    }
    if "prices" in body:
        filled["prices"] = {k.format(sku=skus[0]): v for k, v in body["prices"].items()}
    answer = control(sandbox, **filled)
    assert answer.status_code == 400, answer.text


def test_reset_clears_the_controls_but_not_the_edits(sandbox, tiktok, variant_product, skus):
    pid = str(variant_product.product_id)
    now = int(time.time())
    control(sandbox, action="edit", product_id=pid, title=TITLE)
    control(sandbox, action="promotion", product_id=pid, start=now - 1, end=now + 60)
    control(sandbox, action="fail_variant", product_id=pid, variant_id=skus[0])
    control(sandbox, action="update_lock", product_id=pid, calls=1)
    control(sandbox, action="review_mode", mode="manual", delay_seconds=0)
    control(sandbox, action="integration_lock", locked=True)
    assert update_prices(tiktok, pid, [price(skus[1])])["code"] == 36009003
    state_now = control(sandbox, action="reset").json()
    assert state_now["promotions"] == [] and state_now["failing"] == {}
    assert state_now["update_locks"] == {} and state_now["writes"] == []
    assert state_now["review_mode"] == {"mode": "approve", "delay_seconds": 5.0}
    assert state_now["integration_locked"] is False
    assert update_prices(tiktok, pid, [price(skus[0], "111000")])["code"] == 0
    assert partial_edit(tiktok, pid, {"title": TITLE + " Lagi"})["code"] == 0
    assert detail(tiktok, pid)["title"] == TITLE  # the edit stays; the new one is in review
    assert [w["kind"] for w in state(sandbox)["writes"]] == ["price", "title"]

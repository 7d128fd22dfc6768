"""Issue #19 item 9: every list refuses what it does not understand, pages the same way,
orders through empty values, and every rate is in percent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from imports.models import ChannelConnection
from tests.factories import ImportJobFactory, MasterProductFactory, PlatformMappingFactory

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products/"
MAPPINGS = "/api/v1/mappings/"
CONNECTIONS = "/api/v1/connections/"
IMPORT_JOBS = "/api/v1/import-jobs/"
QUOTE = "/api/v1/pricing/quote/"


def _connection(organization, name: str) -> ChannelConnection:
    return ChannelConnection.objects.create(
        organization=organization,
        platform="shopee",
        name=name,
        base_url="https://partner.shopeemobile.com",
    )


# --- unknown query parameters ---------------------------------------------------------------
@pytest.mark.parametrize("url", [PRODUCTS, MAPPINGS, CONNECTIONS, IMPORT_JOBS])
def test_an_unknown_query_parameter_is_a_400_naming_it(api, organization, url):
    response = api.get(url, {"foo": "1"})
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "invalid",
            "message": "Unknown query parameter: foo",
            "fields": {"foo": ["Unknown parameter."]},
        }
    }


def test_several_unknown_parameters_are_all_named(api, organization):
    error = api.get(PRODUCTS, {"serach": "x", "colour": "red", "q": "x"}).json()["error"]
    assert error["message"] == "Unknown query parameters: colour, serach"
    assert set(error["fields"]) == {"colour", "serach"}


def test_known_parameters_pass_and_one_object_takes_any(api, organization):
    product = MasterProductFactory(organization=organization)
    params = {
        "q": "kaos",
        "search": "kaos",
        "status": "active",
        "ordering": "-quality_score",
        "page_size": "5",
        "format": "json",
        "updated_since": "2020-01-01T00:00:00Z",
    }
    assert api.get(PRODUCTS, params).status_code == 200
    assert api.get(IMPORT_JOBS, {"page_size": "1", "cursor": ""}).status_code == 200
    # One object's URL says which: a stray parameter there filters nothing away.
    assert api.get(f"{PRODUCTS}{product.pk}/", {"foo": "1"}).status_code == 200
    assert api.get(PRODUCTS, {"foo": "1"}).status_code == 400


@override_settings(API_REJECT_UNKNOWN_PARAMETERS=False)
def test_the_setting_turns_the_refusal_off(api, organization):
    MasterProductFactory(organization=organization)
    response = api.get(PRODUCTS, {"foo": "1"})
    assert response.status_code == 200 and len(response.json()["results"]) == 1
    # Off, a misspelt ordering is still refused: it is a value, not a parameter.
    assert api.get(PRODUCTS, {"ordering": "qualty_score"}).status_code == 400


# --- search is q ---------------------------------------------------------------------------
def test_search_is_q_on_products(api, organization):
    MasterProductFactory(organization=organization, name="Sepatu Lari Pria", sku="SPT-1")
    MasterProductFactory(organization=organization, name="Kaos Polos", sku="KAOS-1")
    found = api.get(PRODUCTS, {"search": "sepatu"}).json()["results"]
    assert [p["sku"] for p in found] == ["SPT-1"]


def test_search_and_q_on_mappings(api, organization):
    shoe = PlatformMappingFactory(
        master_product__organization=organization,
        master_product__sku="SPT-1",
        platform_title="Sepatu Lari Pria Ringan",
    )
    PlatformMappingFactory(
        master_product__organization=organization, platform_title="Kaos Polos Hitam"
    )
    for params in ({"search": "sepatu"}, {"q": "sepatu"}, {"q": "spt-1"}):
        found = api.get(MAPPINGS, params).json()["results"]
        assert [m["id"] for m in found] == [shoe.pk], params


# --- ordering -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "allowed"), [(PRODUCTS, "quality_score"), (MAPPINGS, "match_confidence")]
)
def test_an_unknown_ordering_is_a_400_naming_the_allowed_ones(api, organization, url, allowed):
    error = api.get(url, {"ordering": "nonsense"}).json()["error"]
    assert error["status"] == 400 and "ordering" in error["fields"]
    assert "nonsense" in error["message"] and allowed in error["message"]
    assert api.get(url, {"ordering": f"-{allowed},updated_at,-bogus"}).status_code == 400
    assert api.get(url, {"ordering": f"-{allowed},updated_at"}).status_code == 200


def _walk(api, url: str, params: dict) -> tuple[list[str], int]:
    """Every page from the first through the next links: the ids, and how many pages."""
    ids: list[str] = []
    response = api.get(url, params)
    pages = 0
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        ids += [str(row["id"]) for row in body["results"]]
        pages += 1
        if not body["next"]:
            return ids, pages
        assert "None" not in body["next"]
        response = api.get(body["next"])


@pytest.mark.parametrize("ordering", ["quality_score", "-quality_score"])
def test_ordering_by_a_score_pages_through_scored_and_unscored_products(
    api, organization, ordering
):
    scores = [None, 50, None, 80, None, 10]
    products = [MasterProductFactory(organization=organization) for _ in scores]
    for product, score in zip(products, scores, strict=True):
        product.quality_score = score  # after creation: saving may compute a score itself
    type(products[0]).objects.bulk_update(products, ["quality_score"])
    ids, pages = _walk(api, PRODUCTS, {"ordering": ordering, "page_size": 2})
    assert pages == 3
    assert sorted(ids) == sorted(str(p.pk) for p in products)  # each exactly once
    shown = {str(p.pk): p.quality_score for p in products}
    order = [shown[i] for i in ids]
    scored = [s for s in order if s is not None]
    assert scored == sorted(scored, reverse=ordering.startswith("-"))
    # Unscored products come first ascending, last descending.
    expected_empty = order[-3:] if ordering.startswith("-") else order[:3]
    assert expected_empty == [None, None, None]


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("platform_price", [None, Decimal("150000"), None, Decimal("99000"), None, Decimal("0")]),
        ("match_confidence", [None, Decimal("0.912"), None, Decimal("1"), None, Decimal("0")]),
        ("quality_score", [None, 40, None, 90, None, 0]),
    ],
)
@pytest.mark.parametrize("descending", [False, True])
def test_ordering_mappings_by_a_nullable_field_pages_through_every_row(
    api, organization, field, values, descending
):
    mappings = [
        PlatformMappingFactory(master_product__organization=organization, **{field: value})
        for value in values
    ]
    ordering = f"-{field}" if descending else field
    ids, pages = _walk(api, MAPPINGS, {"ordering": ordering, "page_size": 2})
    assert pages == 3
    assert sorted(ids) == sorted(str(m.pk) for m in mappings)  # each exactly once
    shown = {str(m.pk): getattr(m, field) for m in mappings}
    order = [shown[i] for i in ids]
    # Empty rows come first ascending and last descending, the rest in order.
    empty, rest = (order[-3:], order[:-3]) if descending else (order[:3], order[3:])
    assert empty == [None, None, None]
    assert rest == sorted(rest, reverse=descending)
    # A cursor we did not issue is still refused: "p=abc" is no value of the field.
    tampered = api.get(MAPPINGS, {"ordering": ordering, "cursor": "cD1hYmM="})
    assert tampered.status_code == 400 and "cursor" in tampered.json()["error"]["fields"]


# --- every list pages -----------------------------------------------------------------------
def test_connections_page_like_every_list(owner_api, organization):
    for name in ("Toko A", "Toko B", "Toko C"):
        _connection(organization, name)
    first = owner_api.get(CONNECTIONS, {"page_size": 2}).json()
    assert set(first) == {"next", "previous", "results"}
    assert len(first["results"]) == 2 and first["next"]
    second = owner_api.get(first["next"]).json()
    names = {c["name"] for c in first["results"] + second["results"]}
    assert names == {"Toko A", "Toko B", "Toko C"} and second["next"] is None


def test_import_jobs_page_like_every_list(api, organization):
    for _ in range(3):
        ImportJobFactory(organization=organization)
    first = api.get(IMPORT_JOBS, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]


# --- percentages ----------------------------------------------------------------------------
def test_the_quote_serves_rates_in_percent_only(api):
    body = api.post(
        QUOTE,
        {"platform": "tiktokshop", "cost": "50000", "target_margin": "20", "on": "2026-03-01"},
        format="json",
    ).json()
    breakdown = body["quotes"]["tiktokshop"]["breakdown"]
    assert "margin" not in breakdown  # the fraction 0.2007 beside a target of "20"
    assert Decimal("20") <= Decimal(breakdown["margin_percentage"]) < Decimal("21")
    assert Decimal(breakdown["fee_percentage"]) > 1


@pytest.mark.parametrize("margin", ["0.2", "0.5", "0.999"])
def test_a_target_margin_that_looks_like_a_fraction_is_refused(api, margin):
    response = api.post(
        QUOTE, {"platform": "shopee", "cost": "50000", "target_margin": margin}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert "percent" in error["fields"]["target_margin"][0]
    assert "20 for 20%" in error["fields"]["target_margin"][0]
    for percent in ("0", "1", "-5", "20"):  # the ends of the refused range are percent
        taken = api.post(
            QUOTE, {"platform": "shopee", "cost": "50000", "target_margin": percent}, format="json"
        )
        assert taken.status_code == 200, (percent, taken.content)


def test_mappings_serve_confidence_and_breakdown_margin_in_percent(api, organization):
    mapping = PlatformMappingFactory(
        master_product__organization=organization,
        match_confidence=Decimal("0.912"),
        margin_percentage=Decimal("20.07"),
        # A breakdown stored before it carried the percent: only the fraction.
        price_breakdown={"list_price": "82000", "margin": "0.2007", "payout": "66425"},
    )
    shown = api.get(f"{MAPPINGS}{mapping.pk}/").json()
    assert shown["match_confidence_percent"] == "91.2"
    assert shown["margin_percentage"] == "20.07"
    assert "margin" not in shown["price_breakdown"]
    assert shown["price_breakdown"]["margin_percentage"] == "20.07"
    nested = api.get(f"{PRODUCTS}{mapping.master_product_id}/").json()["mappings"][0]
    assert nested["match_confidence_percent"] == "91.2"


def test_the_schema_says_rates_are_percent_and_lists_the_orderings(api):
    schema = api.get("/api/schema/?format=json").json()
    quote = schema["components"]["schemas"]["QuoteRequest"]["properties"]["target_margin"]
    assert "percent" in quote["description"]
    parameters = schema["paths"][PRODUCTS]["get"]["parameters"]
    ordering = next(p for p in parameters if p["name"] == "ordering")
    assert "-quality_score" in ordering["schema"]["enum"]
    assert any(p["name"] == "search" for p in parameters)
    connections = {p["name"] for p in schema["paths"][CONNECTIONS]["get"]["parameters"]}
    assert {"cursor", "page_size"} <= connections

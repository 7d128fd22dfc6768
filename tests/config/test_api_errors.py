"""Hostile input over the REST API (issue #18): never a 500, always the API's error body."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest
from django.test import Client
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from tests.factories import ImportJobFactory, MasterProductFactory, PlatformMappingFactory
from tests.sandbox_fixtures import connect_sandbox

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products/"
MAPPINGS = "/api/v1/mappings/"
IMPORT_JOBS = "/api/v1/import-jobs/"
QUOTE = "/api/v1/pricing/quote/"


class Boom(APIView):
    """A view failing the way a bug would: only this test module routes to it."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("secret internals: password=hunter2")


# This module doubles as a URLconf (see the server-error tests): the real one plus Boom.
urlpatterns = [path("api/v1/boom/", Boom.as_view()), path("", include("config.urls"))]


def error_of(response, status: int, code: str | None = None) -> dict[str, Any]:
    """The one error body: {"error": {"status", "code", "message", "fields"}}, as JSON."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == status and error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error


def cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture
def rows(organization) -> dict[str, Any]:
    product = MasterProductFactory(organization=organization, sku="KAOS-1")
    MasterProductFactory(organization=organization, sku="KAOS-2")
    mapping = PlatformMappingFactory(master_product=product)
    ImportJobFactory(organization=organization)
    return {"product": product, "mapping": mapping}


# --- cursors --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "params"),
    [
        (PRODUCTS, "cursor=cD1ub3QtYS1kYXRl"),  # p=not-a-date
        (PRODUCTS, "ordering=base_price&cursor=cD1hYmM="),  # p=abc
        (PRODUCTS, f"ordering=base_price&cursor={cursor('p=1e999999')}"),
        (PRODUCTS, f"ordering=quality_score&cursor={cursor('p=99999999')}"),
        (PRODUCTS, f"ordering=sku&cursor={cursor('p=a' + chr(0) + 'b')}"),
        (PRODUCTS, f"cursor={cursor('p=2024-01-01T00:00:00+20:00')}"),
        (PRODUCTS, "cursor=%21%21not-base64"),
        (PRODUCTS, f"cursor={cursor('o=x')}"),
        (MAPPINGS, "cursor=cD1ub3QtYS1kYXRl"),
        (MAPPINGS, "ordering=platform_price&cursor=cD1hYmM="),
        (MAPPINGS, "ordering=-match_confidence&cursor=cD1hYmM="),
        (IMPORT_JOBS, "cursor=cD1ub3QtYS1kYXRl"),
        (IMPORT_JOBS, "cursor=cD1hYmM="),
    ],
)
def test_a_tampered_cursor_is_a_400(api, rows, url, params):
    error = error_of(api.get(f"{url}?{params}"), 400, "invalid")
    assert "cursor is invalid" in error["message"]
    assert "cursor" in error["fields"]


def test_the_browsable_api_keeps_its_html_error_page(api, rows):
    response = api.get(f"{PRODUCTS}?cursor=cD1hYmM=", HTTP_ACCEPT="text/html")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert b"cursor is invalid" in response.content


def test_the_cursors_we_issue_still_work(api, rows):
    first = api.get(PRODUCTS, {"page_size": 1, "ordering": "base_price"}).json()
    second = api.get(first["next"])
    assert second.status_code == 200
    assert second.json()["results"][0]["sku"] != first["results"][0]["sku"]


# --- NUL characters in the query string -----------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        f"{PRODUCTS}?tags=a%00b",
        f"{PRODUCTS}?tags_all=a%00b",
        f"{PRODUCTS}?q=%00",
        f"{PRODUCTS}?category=%00",
        f"{PRODUCTS}?sku=x%00&brand=y",
        f"{PRODUCTS}?a%00b=1",  # in a name, even one no filter reads
        f"{MAPPINGS}?platform_product_id=%00",
        f"{IMPORT_JOBS}?anything=%00",
    ],
)
def test_a_nul_in_any_query_parameter_is_a_400(api, rows, query):
    error = error_of(api.get(query), 400, "invalid")
    assert "NUL" in error["message"]


# --- JSON bodies: NUL characters and nesting ------------------------------------------------
def _product_body(product, **changes) -> dict[str, Any]:
    return {"sku": product.sku, "name": product.name, "base_price": "1000", **changes}


@pytest.mark.parametrize(
    ("variants", "field", "where"),
    [
        ([{"sku": "v\u0000"}], "variants", "variants[0].sku"),
        ([{"sku": "A"}, {"sku": "B", "opsi": ["x", "y\u0000"]}], "variants", "variants[1].opsi[1]"),
        ([{"s\u0000ku": "A"}], "variants", "variants[0].s\\u0000ku"),
    ],
)
@pytest.mark.parametrize("method", ["post", "put"])
def test_a_nul_in_json_is_a_400_naming_the_field(owner_api, rows, method, variants, field, where):
    product = rows["product"]
    url = PRODUCTS if method == "post" else f"{PRODUCTS}{product.pk}/"
    body = _product_body(product, sku="NEW-1", variants=variants)
    response = getattr(owner_api, method)(url, body, format="json")
    error = error_of(response, 400, "invalid")
    assert list(error["fields"]) == [field]
    assert where in error["fields"][field][0] and "NUL" in error["fields"][field][0]
    product.refresh_from_db()
    assert product.sku == "KAOS-1"


def test_a_nul_in_an_image_or_another_endpoints_body_is_a_400(owner_api, rows):
    images = [{"url": "https://img.example/a.jpg", "alt": "depan\u0000"}]
    body = _product_body(rows["product"], sku="NEW-2", images=images)
    error = error_of(owner_api.post(PRODUCTS, body, format="json"), 400, "invalid")
    assert "images[0].alt" in error["fields"]["images"][0]
    error = error_of(owner_api.post(QUOTE, {"price": "1", "x\u0000": 1}, format="json"), 400)
    assert "NUL" in str(error["fields"])


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def _nested_targets(rows) -> list[tuple[str, str]]:
    return [
        ("post", PRODUCTS),
        ("put", f"{PRODUCTS}{rows['product'].pk}/"),
        ("patch", f"{PRODUCTS}{rows['product'].pk}/"),
        ("post", QUOTE),
        ("post", IMPORT_JOBS),
        ("post", f"{MAPPINGS}{rows['mapping'].pk}/relink/"),
    ]


def test_json_nested_2000_levels_is_a_400_on_every_write_endpoint(owner_api, rows):
    body = '{"variants": ' + _deep(2000) + "}"
    for method, url in _nested_targets(rows):
        response = getattr(owner_api, method)(url, body, content_type="application/json")
        error = error_of(response, 400, "parse_error")
        assert error["message"] == "JSON nested deeper than 32 levels.", (url, error)
    top_level = owner_api.post(PRODUCTS, _deep(5000), content_type="application/json")
    assert "nested deeper" in error_of(top_level, 400)["message"]


def test_the_depth_limit_is_a_setting_and_brackets_in_strings_do_not_count(
    owner_api, rows, settings
):
    def post(body: str):
        return owner_api.post(QUOTE, body, content_type="application/json")

    # 32 levels (the object is one) reach the serializer, which answers about the fields.
    assert "nested" not in str(error_of(post('{"x": ' + _deep(31) + "}"), 400))
    assert "nested" in error_of(post('{"x": ' + _deep(32) + "}"), 400)["message"]
    assert post(json.dumps({"price": "1000", "note": "[" * 500})).status_code == 200
    settings.API_MAX_JSON_DEPTH = 2
    assert error_of(post('{"x": [[1]]}'), 400)["message"] == "JSON nested deeper than 2 levels."


# --- oversized bodies -----------------------------------------------------------------------
def test_a_10_mb_body_is_a_413_with_the_error_body(owner_api, rows):
    body = json.dumps({"name": "x" * (10 * 1024 * 1024)})
    response = owner_api.post(PRODUCTS, body, content_type="application/json")
    assert error_of(response, 413, "too_large")["message"] == "The request body is too large."


@pytest.mark.parametrize("format_", ["multipart", None])
def test_an_oversized_form_body_is_a_413_too(owner_api, rows, settings, format_):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    url = f"{MAPPINGS}{rows['mapping'].pk}/relink/"
    if format_:
        response = owner_api.post(url, {"master_product": "x" * 2_000}, format=format_)
    else:
        response = owner_api.post(
            url, "master_product=" + "x" * 2_000, content_type="application/x-www-form-urlencoded"
        )
    error_of(response, 413, "too_large")


# --- paths, ids and methods -----------------------------------------------------------------
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/whatever/"),
        ("post", "/api/v1/whatever/"),
        ("get", "/api/v1/products/not-a-uuid/"),
        ("get", "/api/v1/mappings/not-a-number/"),
        ("get", "/api/v1/import-jobs/99999999999999999999/"),
        ("get", "/api/nothing"),
    ],
)
def test_unknown_paths_and_bad_ids_are_a_json_404(api, rows, settings, debug, method, url):
    settings.DEBUG = debug  # in DEBUG Django's own page lists every URL pattern
    response = getattr(api, method)(url)
    error_of(response, 404, "not_found")
    assert len(response.content) < 300 and b"<html" not in response.content.lower()


@pytest.mark.parametrize(
    ("method", "url"), [("delete", MAPPINGS), ("get", QUOTE), ("post", "/api/schema/")]
)
def test_a_wrong_method_is_a_json_405(api, rows, method, url):
    response = getattr(api, method)(url)
    error_of(response, 405, "method_not_allowed")
    assert response["Allow"]


# --- server errors --------------------------------------------------------------------------
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_exception_is_a_json_500_and_is_logged(settings, caplog, debug):
    settings.DEBUG = debug  # DEBUG's page would show the traceback and settings
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/api/v1/boom/")
    error = error_of(response, 500, "server_error")
    assert "hunter2" not in response.content.decode() and "Traceback" not in error["message"]
    assert any(record.exc_info and record.exc_info[0] is RuntimeError for record in caplog.records)


@pytest.mark.django_db(transaction=True)
def test_a_failing_marketplace_is_a_502_with_the_error_body(
    owner_api, sandbox, organization, fast_retries
):
    connection = connect_sandbox(sandbox, organization, "tiktokshop")
    sandbox.stop()  # the marketplace is gone: the connection test cannot reach it
    response = owner_api.post(f"/api/v1/connections/{connection.pk}/test/")
    assert error_of(response, 502, "marketplace_error")
    assert response.json()["ok"] is False
    # In words, as in the admin (issue #19): no error type or exception name.
    message = response.json()["error"]["message"]
    assert "could not be reached" in message and "Nothing was changed." in message
    assert "api_connection_error" not in message and "Error)" not in message

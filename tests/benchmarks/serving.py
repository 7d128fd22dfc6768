"""Serving a 1M-product catalog: REST list and admin changelist latency and query counts.

The catalog is generated directly in the database (set-based INSERT … SELECT), once: later
runs reuse it.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from catalog.models import MasterProduct, PlatformMapping
from core.models import Membership, Organization

SLUG = "bench-serving"
CHUNK = 100_000

PRODUCTS_SQL = """
INSERT INTO master_products (
    id, organization_id, sku, sku_normalized, variant_skus, name, short_description,
    full_description, brand, base_price, cost_price, currency, weight_kg, category, subcategory,
    tags, images, variants, status, quality_score, quality_issues, locked_fields,
    created_at, updated_at)
SELECT gen_random_uuid(), %(org)s, 'BENCH-' || n, 'BENCH' || n, '{}',
       (ARRAY['Kaos Polos Katun', 'Sepatu Lari Pria', 'Tas Ransel Laptop', 'Botol Minum',
              'Kemeja Batik', 'Lampu LED Meja'])[1 + n %% 6] || ' ' || n,
       'Produk ' || n, 'Deskripsi lengkap produk nomor ' || n,
       (ARRAY['Eiger', 'Uniqlo', 'Xiaomi', 'Lock&Lock', ''])[1 + n %% 5],
       10000 + (n %% 500) * 1000, 8000 + (n %% 500) * 700, 'IDR', 0.25 + (n %% 10) * 0.1,
       (ARRAY['Fashion', 'Elektronik', 'Rumah Tangga', 'Olahraga'])[1 + n %% 4], 'Umum',
       '{}', '[]', '[]',
       (ARRAY['active', 'active', 'active', 'inactive', 'archived'])[1 + n %% 5],
       n %% 101, '[]', '{}',
       now() - n * interval '1 second', now() - n * interval '1 second'
FROM generate_series(%(start)s, %(stop)s) AS n
"""

MAPPINGS_SQL = """
INSERT INTO platform_mappings (
    organization_id, master_product_id, platform, platform_product_id, platform_shop_id,
    platform_title, platform_sku, listing_status, listing_platforms, is_source, content_hash,
    variant_links, platform_data, platform_price, fee_percentage, price_breakdown, seo_title,
    seo_keywords, seo_findings, quality_score, quality_issues, sync_enabled, sync_status,
    sync_errors, match_method, review_status, review_reason, match_candidates, created_at,
    updated_at, desired_prices, pending_kinds, publish_ignored, remote_prices, sync_conflict)
SELECT p.organization_id, p.id, 'shopee', substr(p.sku, 7), '1', p.name, p.sku, 'active',
       '{}', true, '', '[]', '{}', p.base_price * 1.12, 11.00, '{}', p.name, '{}', '[]',
       p.quality_score, '[]', true, 'pending', '[]', 'new', 'auto', '', '[]', p.created_at,
       p.updated_at, '{}', '{}', '{}', '{}', '{}'
FROM master_products p
WHERE p.organization_id = %(org)s AND p.sku BETWEEN %(low)s AND %(high)s
"""


def ensure_catalog(products: int) -> Organization:
    organization, _ = Organization.objects.get_or_create(
        slug=SLUG, defaults={"name": "Benchmark serving catalog"}
    )
    have = MasterProduct.objects.filter(organization=organization).count()
    listings = PlatformMapping.objects.filter(organization=organization).count()
    if have >= products and listings >= have:  # a run stopped half-way generates again
        return organization
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM platform_mappings WHERE organization_id = %s", [organization.pk]
        )
        cursor.execute("DELETE FROM master_products WHERE organization_id = %s", [organization.pk])
        for low in range(1, products + 1, CHUNK):
            high = min(products, low + CHUNK - 1)
            cursor.execute(PRODUCTS_SQL, {"org": organization.pk, "start": low, "stop": high})
        # One listing per product (text range over 'BENCH-n' covers every product once).
        cursor.execute(MAPPINGS_SQL, {"org": organization.pk, "low": "BENCH-", "high": "BENCH-~"})
        cursor.execute("ANALYZE master_products")
        cursor.execute("ANALYZE platform_mappings")
    print(f"generated {products} products in {time.perf_counter() - start:.0f} s", flush=True)
    return organization


def _member(organization: Organization) -> Any:
    user, _ = get_user_model().objects.get_or_create(
        username="bench-merchandiser", defaults={"is_staff": True}
    )
    Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": Membership.Role.MERCHANDISER}
    )
    return user


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    quantiles = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "p50_ms": round(quantiles[49] * 1000, 1),
        "p95_ms": round(quantiles[94] * 1000, 1),
        "p99_ms": round(quantiles[98] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "requests": len(samples),
    }


def _measure(get: Callable[[int], Any], requests: int) -> dict[str, Any]:
    get(0)  # warm caches and connections; not counted
    samples, queries = [], []
    for number in range(requests):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = get(number)
            samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        queries.append(len(captured.captured_queries))
    return {**_percentiles(samples), "queries": max(queries)}


def measure_serving(*, products: int = 1_000_000, requests: int = 100) -> dict[str, Any]:
    organization = ensure_catalog(products)
    user = _member(organization)
    token, _ = Token.objects.get_or_create(user=user)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    results: dict[str, Any] = {
        "products": MasterProduct.objects.filter(organization=organization).count()
    }

    def walk(url: str) -> Callable[[int], Any]:
        """Follow next links so later pages (deep cursors) are measured too."""
        state = {"next": url}

        def get(number: int) -> Any:
            response = api.get(state["next"])
            state["next"] = response.json().get("next") or url
            if number % 20 == 19:
                state["next"] = url
            return response

        return get

    results["api_list"] = _measure(walk("/api/v1/products/?page_size=100"), requests)
    results["api_list_filtered"] = _measure(
        walk("/api/v1/products/?page_size=100&status=active&platform=shopee"), requests
    )
    results["api_search"] = _measure(
        lambda n: api.get(f"/api/v1/products/?page_size=100&q=kaos+{n}"), requests
    )
    admin = Client()
    admin.force_login(user)
    results["admin_changelist"] = _measure(
        lambda n: admin.get(f"/admin/catalog/masterproduct/?p={1 + n % 5}"), max(20, requests // 5)
    )
    results["admin_search"] = _measure(
        lambda n: admin.get(f"/admin/catalog/masterproduct/?q=batik+{n}"), max(20, requests // 5)
    )
    return results

"""The naive import the seed describes, as the baseline: every page accumulated in memory,
one API call at a time, then per record a get-or-create and a save.

It does less than the pipeline (no pricing, SEO or quality), so the speed-up it shows is a
lower bound.
"""

from __future__ import annotations

import time
from typing import Any

from catalog.listings import master_values
from catalog.matching import generated_sku, normalize_sku
from catalog.models import MasterProduct, PlatformMapping
from imports.connections import client_for
from imports.models import ImportJob, RawImportRecord
from imports.pipeline.mappings import transform_record
from imports.pipeline.raw_store import content_hash
from imports.platforms.shopee.client import ShopeeClient
from imports.platforms.shopee.rules import MAX_IDS_PER_CALL
from imports.platforms.tiktokshop.client import TikTokShopClient
from tests.benchmarks.importing import PLATFORMS, SandboxCredentials, new_organization
from tests.sandbox_fixtures import connect_sandbox


class CallCount:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, endpoint: str) -> None:
        self.calls += 1


def _shopee_payloads(client: ShopeeClient) -> tuple[list[tuple[str, Any]], dict]:
    categories = client.get_category(language="id")
    context = {
        "categories": {
            str(c["category_id"]): {"name": c.get("original_category_name"), "parent_id": "0"}
            for c in categories
        }
    }
    payloads, offset = [], 0
    while True:
        page = client.get_item_list(offset=offset, page_size=100)
        ids = [int(item["item_id"]) for item in page.get("item") or []]
        for start in range(0, len(ids), MAX_IDS_PER_CALL):
            found, _missing = client.get_item_base_info(ids[start : start + MAX_IDS_PER_CALL])
            for item in found:
                models = client.get_model_list(item["item_id"]) if item.get("has_model") else None
                payloads.append((str(item["item_id"]), {"base_info": item, "models": models}))
        if not page.get("has_next_page") or not ids:
            return payloads, context
        offset = int(page.get("next_offset") or offset + len(ids))


def _tiktok_payloads(client: TikTokShopClient) -> tuple[list[tuple[str, Any]], dict]:
    categories = client.get_categories()
    context = {
        "categories": {
            str(c["id"]): {"name": c.get("local_name"), "parent_id": str(c.get("parent_id"))}
            for c in categories
        }
    }
    payloads, token = [], None
    while True:
        data = client.search_products(page_size=100, page_token=token)
        for product in data.get("products") or []:
            payloads.append((str(product["id"]), client.get_product(str(product["id"]))))
        token = data.get("next_page_token") or None
        if not token or not data.get("products"):
            return payloads, context


def _store(job: ImportJob, product_id: str, payload: Any, context: dict) -> None:
    platform, organization = job.platform, job.organization
    raw = RawImportRecord.objects.create(
        import_job=job,
        organization=organization,
        platform=platform,
        platform_product_id=product_id,
        raw_data=payload,
        content_hash=content_hash(payload),
    )
    record = transform_record(platform, payload, context)
    if not record.valid:
        raw.processing_errors = [issue.as_dict() for issue in record.issues]
        raw.save()
        return
    sku = (record.get("sku") or generated_sku(platform, product_id))[:100]
    master, created = MasterProduct.objects.get_or_create(
        organization=organization,
        sku=sku,
        defaults={**master_values(record), "sku_normalized": normalize_sku(sku)},
    )
    mapping, _ = PlatformMapping.objects.get_or_create(
        organization=organization,
        platform=platform,
        platform_product_id=product_id,
        defaults={"master_product": master, "is_source": created},
    )
    mapping.platform_title = record["name"][:300]
    mapping.platform_sku = (record.get("sku") or "")[:100]
    mapping.content_hash = raw.content_hash
    mapping.save()
    raw.processed = True
    raw.master_product = master
    raw.save()


def naive_import(*, sandbox: dict[str, Any], label: str) -> dict[str, Any]:
    organization = new_organization(f"naive {label}")
    credentials = SandboxCredentials(sandbox)
    result: dict[str, Any] = {"organization_id": organization.pk, "full": {}}
    for platform in PLATFORMS:
        connection = connect_sandbox(credentials, organization, platform, concurrency=1)
        job = ImportJob.objects.create(
            organization=organization, connection=connection, platform=platform
        )
        counter = CallCount()
        client = client_for(connection, on_call=counter)
        start = time.perf_counter()
        if platform == "shopee":
            assert isinstance(client, ShopeeClient)
            payloads, context = _shopee_payloads(client)
        else:
            assert isinstance(client, TikTokShopClient)
            payloads, context = _tiktok_payloads(client)
        fetched = time.perf_counter()
        for product_id, payload in payloads:
            _store(job, product_id, payload, context)
        wall = time.perf_counter() - start
        result["full"][platform] = {
            "wall_seconds": round(wall, 3),
            "fetched": len(payloads),
            "api_calls": counter.calls,
            "stage_seconds": {
                "fetch": round(fetched - start, 3),
                "store": round(start + wall - fetched, 3),
            },
        }
    return result

"""A seller's two shops imported from the sandbox, ready to publish to."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
import requests

from catalog.models import PlatformMapping
from imports.connections import client_for
from imports.models import ChannelConnection
from imports.platforms import adapter_for
from imports.publishing.models import PublishJob
from imports.publishing.reasons import OVERRIDABLE
from imports.publishing.runner import PublishRunner
from imports.publishing.services import publication_start
from imports.sandbox.server import MarketplaceSandbox
from imports.services import import_job_run, import_job_start
from tests.sandbox_fixtures import connect_sandbox


@dataclass
class Shops:
    sandbox: MarketplaceSandbox
    shopee: ChannelConnection
    tiktok: ChannelConnection

    def control(self, platform: str, **body) -> dict:
        response = requests.post(
            f"{self.sandbox.base_url}/_sandbox/publishing",
            json={"platform": platform, **body},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def writes(self, platform: str) -> list[dict]:
        response = requests.get(
            f"{self.sandbox.base_url}/_sandbox/publishing",
            params={"platform": platform},
            timeout=10,
        )
        return response.json()["writes"]

    def read(self, mapping: PlatformMapping):
        """The listing as the platform shows it now (a fresh read through our client)."""
        connection = self.shopee if mapping.platform == "shopee" else self.tiktok
        writer = adapter_for(mapping.platform).writer(client_for(connection))
        return writer.read(mapping.platform_product_id)

    def mappings(self, platform: str, *, variants: bool | None = None, kinds=("price",)):
        found = PlatformMapping.objects.filter(
            platform=platform, listing_status="active", pending_kinds__contains=list(kinds)
        ).order_by("pk")
        if variants is not None:
            found = [
                m for m in found if bool(m.platform_data["listing"].get("variants")) == variants
            ]
        return list(found)


def publish(mappings, **options) -> list[PublishJob]:
    """Publish these listings (every guard confirmed past) and run the jobs here."""
    ids = [mapping.pk for mapping in mappings]
    options.setdefault("overrides", OVERRIDABLE)
    _plan, jobs = publication_start(mappings=PlatformMapping.objects.filter(pk__in=ids), **options)
    return [PublishRunner(job, sleep=lambda _s: None).run() for job in jobs]


def wait_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.time()))


@pytest.fixture
def shops(make_sandbox, organization, seeded_fee_rules, fast_retries) -> Shops:
    sandbox = make_sandbox(products=40)
    shopee = connect_sandbox(sandbox, organization, "shopee")
    tiktok = connect_sandbox(sandbox, organization, "tiktokshop")
    for connection in (shopee, tiktok):
        import_job_run(job_id=import_job_start(connection=connection, queue=False).pk)
    world = Shops(sandbox, shopee, tiktok)
    # Reviews settle only when a test says so.
    world.control("tiktokshop", action="review_mode", mode="manual", delay_seconds=0)
    return world

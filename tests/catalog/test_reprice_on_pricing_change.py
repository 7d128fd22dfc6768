"""A fee rule or pricing profile that changes re-prices its listings, and what is pending."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_q.models import OrmQ

from catalog.listing_prices import mapping_prices_recalculate
from catalog.models import PlatformMapping, SyncStatus
from catalog.tasks import reprice_listings
from pricing.models import PlatformFeeConfig
from tests.factories import MasterProductFactory, PlatformMappingFactory

pytestmark = pytest.mark.django_db


def _queued() -> list[tuple]:
    return [(task.func(), tuple(task.args())) for task in OrmQ.objects.all()]


def test_a_changed_fee_rule_reprices_the_organizations_listings(
    organization, seeded_fee_rules, django_capture_on_commit_callbacks
):
    product = MasterProductFactory(organization=organization, base_price=Decimal("100000"))
    mapping = PlatformMappingFactory(master_product=product, platform="shopee")
    other = PlatformMappingFactory(platform="shopee")  # another organization's
    mapping_prices_recalculate(mappings=PlatformMapping.objects.all())
    mapping.refresh_from_db()
    other.refresh_from_db()
    # The platform shows exactly our price: nothing to publish.
    PlatformMapping.objects.filter(pk=mapping.pk).update(
        remote_prices=mapping.desired_prices, pending_kinds=[], sync_status=SyncStatus.SYNCED
    )
    before = mapping.platform_price

    with django_capture_on_commit_callbacks(execute=True):
        PlatformFeeConfig.objects.create(
            organization=organization,
            platform="shopee",
            commission_percent=Decimal("15"),
            effective_from=date(2020, 1, 1),
        )
    assert _queued() == [("catalog.tasks.reprice_listings", ("shopee", organization.pk))]

    assert reprice_listings("shopee", organization.pk) == "1 of 1 listings re-priced"
    mapping.refresh_from_db()
    assert mapping.platform_price > before
    assert mapping.pending_kinds == ["price"]
    assert mapping.sync_status == SyncStatus.PENDING
    assert Decimal(mapping.desired_prices[""]) == mapping.platform_price
    other_before = other.platform_price
    other.refresh_from_db()
    assert other.platform_price == other_before  # not its organization's rule

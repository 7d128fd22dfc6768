"""The imports app's answers to the catalog's signals."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from catalog.signals import listing_moved
from imports.models import RawImportRecord


@receiver(listing_moved, dispatch_uid="imports.raw_records_follow_listing")
def raw_records_follow_listing(
    sender: Any,
    *,
    organization_id: int,
    platform: str,
    platform_product_id: str,
    master_product_id: Any,
    **kwargs: Any,
) -> None:
    """A listing's raw records name the product it is on now."""
    RawImportRecord.objects.filter(
        organization_id=organization_id, platform=platform, platform_product_id=platform_product_id
    ).update(master_product_id=master_product_id)

"""The catalog follows pricing: a fee rule or a pricing profile that changes re-prices the
listings it applies to (in the background), and with them what is pending publication."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from pricing.models import PlatformFeeConfig, PricingProfile


@receiver(post_save, sender=PlatformFeeConfig, dispatch_uid="catalog.fee_rule_saved")
@receiver(post_delete, sender=PlatformFeeConfig, dispatch_uid="catalog.fee_rule_deleted")
@receiver(post_save, sender=PricingProfile, dispatch_uid="catalog.profile_saved")
@receiver(post_delete, sender=PricingProfile, dispatch_uid="catalog.profile_deleted")
def pricing_changed(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return  # fixtures being loaded: nothing is priced yet
    from django_q.tasks import async_task

    platform, organization_id = instance.platform, instance.organization_id

    def enqueue() -> None:
        async_task(
            "catalog.tasks.reprice_listings",
            platform,
            organization_id,
            task_name=f"reprice-{platform}-{organization_id or 'all'}",
        )

    transaction.on_commit(enqueue)

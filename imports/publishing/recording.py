"""What a publication leaves on a listing: its items' results on the mapping (through the
catalog), the status they add up to across every job, and the listing's admin history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Min
from django.utils import timezone

from catalog.models import PlatformMapping, PublishKind, SyncStatus
from catalog.publication import mapping_publication_record, product_price_lock
from imports.platforms.writing import RemoteListing
from imports.publishing.audit import publication_history_log
from imports.publishing.models import PublishItem, PublishJob


def listing_status(
    mapping_id: int, *, failed: bool = False, rejected: bool = False
) -> tuple[str | None, datetime | None]:
    """The status a listing's open items give it, whichever job holds them: blocked (until
    the earliest lock's end) before in review, before a failure of this run; None when
    nothing is open (the catalog then settles pending or synced)."""
    blocked = PublishItem.objects.filter(
        mapping_id=mapping_id, state=PublishItem.State.BLOCKED
    ).aggregate(until=Min("blocked_until"))["until"]
    if blocked is not None:
        return SyncStatus.BLOCKED, blocked
    if PublishItem.objects.filter(
        mapping_id=mapping_id, state=PublishItem.State.IN_REVIEW
    ).exists():
        return SyncStatus.IN_REVIEW, None
    if rejected:
        return SyncStatus.REJECTED, None
    if failed:
        return SyncStatus.ERROR, None
    return None, None


def item_errors(job: PublishJob, items: list[PublishItem]) -> list[dict[str, Any]]:
    now = timezone.now().isoformat()
    return [
        {
            "kind": item.kind,
            "variant": item.variant,
            "reason": item.reason,
            "code": item.code,
            "message": item.message,
            "job": job.pk,
            "at": now,
        }
        for item in items
        if item.state
        in (PublishItem.State.FAILED, PublishItem.State.BLOCKED, PublishItem.State.REJECTED)
    ]


def listing_results_record(
    job: PublishJob,
    mapping: PlatformMapping,
    items: list[PublishItem],
    after: RemoteListing | None,
    conflict: dict[str, Any] | None,
    read_at: datetime | None = None,
) -> None:
    """Save the items, put what they add up to on the mapping, log it in the history."""
    if after is not None:
        for item in items:
            if item.state in (PublishItem.State.APPLIED, PublishItem.State.BLOCKED):
                shown = after.prices.get(item.variant) if item.kind == "price" else after.title
                item.platform_value = "" if shown is None else str(shown)[:300]
    for item in items:
        item.save()
    states = {item.state for item in items}
    status, blocked_until = listing_status(
        mapping.pk,
        failed=PublishItem.State.FAILED in states,
        rejected=PublishItem.State.REJECTED in states,
    )
    mapping_publication_record(
        mapping_id=mapping.pk,
        status=status,
        remote_title=None if after is None else after.title,
        remote_prices=None if after is None else after.prices,
        errors=item_errors(job, items),
        blocked_until=blocked_until,
        conflict=conflict or None,
        read_at=read_at if after is not None else None,
    )
    if any(i.kind == PublishKind.PRICE and i.state == PublishItem.State.APPLIED for i in items):
        product_price_lock(product_id=mapping.master_product_id)
    publication_history_log(job, mapping, items)


def listings_status_refresh(mapping_ids: set[int]) -> None:
    """After items were cancelled: each listing's status from what is still open."""
    for mapping_id in mapping_ids:
        status, blocked_until = listing_status(mapping_id)
        mapping_publication_record(
            mapping_id=mapping_id, status=status, blocked_until=blocked_until
        )

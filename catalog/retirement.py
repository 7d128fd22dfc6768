"""Listings that are over: stop syncing those of long-archived products, and mark deleted
those their shop no longer lists (the caller says which shops were read in full, and when)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from catalog.models import ListingStatus, MasterProduct, PlatformMapping


@dataclass(frozen=True)
class ShopRead:
    """A shop whose last complete full read began at `started_at`: every listing of it not
    seen since is no longer listed. `shops` are the shop ids its mappings may carry ("" for
    mappings from before shops were recorded, when the organization has only this shop)."""

    organization_id: int
    platform: str
    shops: tuple[str, ...]
    started_at: datetime


@dataclass
class StaleMappingsReport:
    """What `stale_listings_retire` found, and changed unless it was a dry run."""

    archived_products: int  # listings of products archived for longer than the days given
    gone: int  # listings the last complete full import of their shop no longer saw
    dry_run: bool

    def __str__(self) -> str:
        verb = "would stop" if self.dry_run else "stopped"
        return (
            f"{verb} syncing {self.archived_products} listing(s) of products archived for "
            f"longer, and {self.gone} listing(s) their shop no longer lists"
        )


def _of_archived_products(days: int) -> QuerySet[PlatformMapping]:
    return PlatformMapping.objects.filter(
        master_product__status=MasterProduct.Status.ARCHIVED,
        master_product__archived_at__lt=timezone.now() - timedelta(days=days),
        sync_enabled=True,
    )


def _no_longer_listed(reads: Iterable[ShopRead]) -> QuerySet[PlatformMapping]:
    gone = Q(pk__in=[])
    for read in reads:
        gone |= Q(
            organization_id=read.organization_id,
            platform=read.platform,
            platform_shop_id__in=list(read.shops),
        ) & (Q(last_synced_at__isnull=True) | Q(last_synced_at__lt=read.started_at))
    return PlatformMapping.objects.filter(gone).exclude(
        listing_status=ListingStatus.DELETED, sync_enabled=False
    )


def stale_listings_retire(
    *, shop_reads: Iterable[ShopRead], days: int, dry_run: bool = False
) -> StaleMappingsReport:
    """Stop syncing listings that are over: those of products archived more than `days` ago,
    and those their shop no longer lists (marked deleted). A listing a full read saw is never
    touched, however long ago it last changed."""
    gone = _no_longer_listed(shop_reads)
    archived = _of_archived_products(days).exclude(pk__in=gone.values("pk"))
    if dry_run:
        return StaleMappingsReport(archived.count(), gone.count(), True)
    now = timezone.now()
    with transaction.atomic():
        gone_count = gone.update(
            listing_status=ListingStatus.DELETED,
            sync_enabled=False,
            sync_status=PlatformMapping.SyncStatus.DISABLED,
            updated_at=now,
        )
        archived_count = archived.update(
            sync_enabled=False, sync_status=PlatformMapping.SyncStatus.DISABLED, updated_at=now
        )
    return StaleMappingsReport(archived_count, gone_count, False)

"""Housekeeping: old raw payloads, listings that are over, scheduled imports, heartbeat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from catalog.models import ListingStatus, MasterProduct, PlatformMapping
from imports.models import ChannelConnection, ImportJob, RawImportRecord, WorkerHeartbeat
from imports.pipeline.memory import resident_mb


@dataclass
class MaintenanceReport:
    matched: int
    changed: int
    dry_run: bool

    def __str__(self) -> str:
        verb = "would change" if self.dry_run else "changed"
        return f"{self.matched} matched, {self.changed} {verb}"


def raw_records_cleanup(*, older_than: timedelta, dry_run: bool = False) -> MaintenanceReport:
    """Delete processed raw payloads imported before the cut-off; unprocessed ones stay."""
    old = RawImportRecord.objects.filter(
        processed=True, imported_at__lt=timezone.now() - older_than
    )
    matched = old.count()
    if dry_run:
        return MaintenanceReport(matched, matched, True)
    deleted, _ = old.delete()
    return MaintenanceReport(matched, deleted, False)


@dataclass
class StaleMappingsReport:
    """What `stale_mappings_archive` found, and changed unless it was a dry run."""

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


def _no_longer_listed() -> QuerySet[PlatformMapping]:
    """Listings of a shop that its last complete full import did not read.

    Complete: succeeded, not a dry run, nothing left to fetch again; an import that missed
    listings for any reason says nothing about them. A mapping from before shops were
    recorded on mappings counts as the shop's when the organization has one shop there.
    """
    gone = Q(pk__in=[])
    for connection in ChannelConnection.objects.all():
        last_full = (
            ImportJob.objects.filter(
                connection=connection,
                mode=ImportJob.Mode.FULL,
                dry_run=False,
                status=ImportJob.Status.SUCCEEDED,
            )
            .order_by("-started_at")
            .first()
        )
        shop = (connection.shop_id or connection.shop_cipher)[:64]
        if last_full is None or last_full.started_at is None or not shop:
            continue
        shops = [shop]
        siblings = ChannelConnection.objects.filter(
            organization_id=connection.organization_id, platform=connection.platform
        )
        if siblings.count() == 1:
            shops.append("")
        gone |= Q(
            organization_id=connection.organization_id,
            platform=connection.platform,
            platform_shop_id__in=shops,
        ) & (Q(last_synced_at__isnull=True) | Q(last_synced_at__lt=last_full.started_at))
    return PlatformMapping.objects.filter(gone).exclude(
        listing_status=ListingStatus.DELETED, sync_enabled=False
    )


def stale_mappings_archive(*, days: int, dry_run: bool = False) -> StaleMappingsReport:
    """Stop syncing listings that are over: those of products archived more than `days` ago,
    and those their shop no longer lists (marked deleted). A listing an import read is never
    touched, however long ago it last changed."""
    gone = _no_longer_listed()
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


def heartbeat_record(name: str = "django-q2") -> WorkerHeartbeat:
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now(), "rss_mb": round(resident_mb())}
    )
    return beat


def scheduled_import_start(*, connection_id: int) -> ImportJob | None:
    """The scheduled incremental import of one connection (skipped while one is running)."""
    from imports.services import ImportRefused, import_job_start

    connection = ChannelConnection.objects.filter(pk=connection_id).first()
    if connection is None or connection.status != ChannelConnection.Status.ACTIVE:
        return None
    try:
        return import_job_start(connection=connection, mode=ImportJob.Mode.INCREMENTAL)
    except ImportRefused:
        return None

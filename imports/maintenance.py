"""Housekeeping: old raw payloads, listings that are over, scheduled imports, heartbeat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from catalog.retirement import ShopRead, StaleMappingsReport, stale_listings_retire
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


def full_shop_reads() -> list[ShopRead]:
    """Each connected shop's last complete full import: succeeded, not a dry run, nothing left
    to fetch again (an import that missed listings for any reason says nothing about them)."""
    reads = []
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
            shops.append("")  # mappings from before shops were recorded are this shop's
        reads.append(
            ShopRead(
                connection.organization_id, connection.platform, tuple(shops), last_full.started_at
            )
        )
    return reads


def stale_mappings_archive(*, days: int, dry_run: bool = False) -> StaleMappingsReport:
    """Stop syncing listings that are over (catalog.retirement), judged by the shops' last
    complete full imports."""
    return stale_listings_retire(shop_reads=full_shop_reads(), days=days, dry_run=dry_run)


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

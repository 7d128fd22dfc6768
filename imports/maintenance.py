"""Housekeeping: old raw payloads, stale listings, scheduled imports, worker heartbeat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from catalog.models import PlatformMapping
from imports.models import ImportJob, RawImportRecord, WorkerHeartbeat


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


def stale_mappings_archive(*, days: int, dry_run: bool = False) -> MaintenanceReport:
    """Stop syncing listings no import has seen for `days` (their shop stopped listing them)."""
    cutoff = timezone.now() - timedelta(days=days)
    stale = PlatformMapping.objects.filter(updated_at__lt=cutoff, sync_enabled=True)
    matched = stale.count()
    if dry_run:
        return MaintenanceReport(matched, matched, True)
    with transaction.atomic():
        changed = stale.update(
            sync_enabled=False,
            sync_status=PlatformMapping.SyncStatus.DISABLED,
            updated_at=timezone.now(),
        )
    return MaintenanceReport(matched, changed, False)


def heartbeat_record(name: str = "django-q2") -> WorkerHeartbeat:
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now()}
    )
    return beat


def scheduled_import_start(*, connection_id: int) -> ImportJob | None:
    """The scheduled incremental import of one connection (skipped while one is running)."""
    from imports.models import ChannelConnection
    from imports.services import ImportRefused, import_job_start

    connection = ChannelConnection.objects.filter(pk=connection_id).first()
    if connection is None or connection.status != ChannelConnection.Status.ACTIVE:
        return None
    try:
        return import_job_start(connection=connection, mode=ImportJob.Mode.INCREMENTAL)
    except ImportRefused:
        return None

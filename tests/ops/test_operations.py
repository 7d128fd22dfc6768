"""Health, schedules and maintenance commands."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_q.models import Schedule

from catalog.models import PlatformMapping
from imports.models import ChannelConnection, RawImportRecord, WorkerHeartbeat
from imports.schedules import schedules_sync
from tests.factories import PlatformMappingFactory, RawImportRecordFactory
from tests.subprocesses import start_worker, stop_process_group, wait_for

pytestmark = pytest.mark.django_db


def test_health_fails_without_a_worker_and_says_why(client):
    response = client.get("/api/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["worker"]
    assert body["checks"]["database"] == {"ok": True, "detail": "reachable"}
    assert body["checks"]["migrations"] == {"ok": True, "detail": "applied"}
    assert "qcluster" in body["checks"]["worker"]["detail"]


def test_health_is_ok_with_a_recent_heartbeat_and_fails_on_a_stale_one(client, settings):
    WorkerHeartbeat.objects.create(name="django-q2", seen_at=timezone.now())
    ok = client.get("/api/health/")
    assert ok.status_code == 200 and ok.json()["status"] == "ok"
    assert ok.json()["checks"]["worker"]["queue_depth"] == 0
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(minutes=30))
    stale = client.get("/api/health/")
    assert stale.status_code == 503 and stale.json()["failing"] == ["worker"]


def test_health_reports_unapplied_migrations(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [("catalog", "0099_future")]
    )
    WorkerHeartbeat.objects.create(name="django-q2", seen_at=timezone.now())
    response = client.get("/api/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["detail"] == "1 not applied"


def test_health_reports_an_unreachable_database_without_details(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("password=hunter2 could not connect")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/api/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert "hunter2" not in response.content.decode()
    assert body["checks"]["database"]["detail"] == "unreachable (OSError)"


def test_health_lists_the_last_import_per_connection(client, organization):
    connection_row = ChannelConnection.objects.create(
        organization=organization,
        platform="shopee",
        name="Toko",
        base_url="https://x.example",
        access_token="secret-token-value",
    )
    WorkerHeartbeat.objects.create(name="django-q2", seen_at=timezone.now())
    body = client.get("/api/health/").content.decode()
    assert '"name": "Toko"' in body or '"name":"Toko"' in body
    assert "secret-token-value" not in body
    assert connection_row.pk


def test_schedules_are_declared_in_code_and_synced_idempotently(organization):
    first = schedules_sync()
    assert "syncstore:heartbeat" in first["created"]
    again = schedules_sync()
    assert again["created"] == [] and again["updated"] == []
    shop = ChannelConnection.objects.create(
        organization=organization,
        platform="shopee",
        name="Toko",
        base_url="https://x.example",
        import_interval_minutes=30,
    )
    added = schedules_sync()
    assert added["created"] == [f"syncstore:import-{shop.pk}"]
    schedule = Schedule.objects.get(name=f"syncstore:import-{shop.pk}")
    assert (schedule.minutes, schedule.args, schedule.func) == (
        30,
        str(shop.pk),
        "imports.tasks.scheduled_import",
    )
    shop.import_interval_minutes = 0
    shop.save()
    assert schedules_sync()["deleted"] == [f"syncstore:import-{shop.pk}"]


def test_cleanup_raw_imports_deletes_only_old_processed_records():
    old = RawImportRecordFactory(processed=True)
    waiting = RawImportRecordFactory(processed=False)
    recent = RawImportRecordFactory(processed=True)
    RawImportRecord.objects.filter(pk__in=[old.pk, waiting.pk]).update(
        imported_at=timezone.now() - timedelta(days=40)
    )
    out = StringIO()
    call_command("cleanup_raw_imports", "--older-than", "30d", "--dry-run", stdout=out)
    assert "1 matched, 1 would change" in out.getvalue()
    assert RawImportRecord.objects.count() == 3
    call_command("cleanup_raw_imports", "--older-than", "30d", stdout=out)
    assert set(RawImportRecord.objects.values_list("pk", flat=True)) == {waiting.pk, recent.pk}


def test_archive_stale_mappings():
    stale = PlatformMappingFactory()
    fresh = PlatformMappingFactory()
    PlatformMapping.objects.filter(pk=stale.pk).update(
        updated_at=timezone.now() - timedelta(days=100)
    )
    out = StringIO()
    call_command("archive_stale_mappings", "--days", "90", "--dry-run", stdout=out)
    assert "1 matched, 1 would change" in out.getvalue()
    call_command("archive_stale_mappings", "--days", "90", stdout=StringIO())
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.sync_enabled, stale.sync_status) == (False, "disabled")
    assert fresh.sync_enabled


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_a_real_worker_keeps_the_health_check_green(client):
    call_command("sync_schedules", stdout=StringIO())
    worker = start_worker()
    try:
        # The scheduler looks every ~30 s.
        wait_for(WorkerHeartbeat.objects.exists, 90, "the heartbeat schedule to run")
        assert client.get("/api/health/").status_code == 200
    finally:
        stop_process_group(worker)


def test_every_response_carries_a_request_id(client):
    response = client.get("/api/health/", HTTP_X_REQUEST_ID="from-the-proxy")
    assert response["X-Request-Id"] == "from-the-proxy"
    assert len(client.get("/api/health/")["X-Request-Id"]) == 32

"""Health, schedules and maintenance commands."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_q.models import Schedule

from imports.models import ChannelConnection, RawImportRecord, WorkerHeartbeat
from imports.schedules import schedules_sync
from tests.factories import RawImportRecordFactory
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


def test_health_says_when_it_was_taken(client):
    from datetime import datetime

    before = timezone.now()
    body = client.get("/api/health/").json()
    taken = datetime.fromisoformat(body["timestamp"])
    assert taken.tzinfo is not None
    assert before <= taken <= timezone.now()


def test_health_fails_when_the_worker_reports_memory_over_the_limit(client, settings):
    from imports.tasks import heartbeat

    heartbeat()  # the worker's task: records this process's resident memory
    reported = WorkerHeartbeat.objects.get().rss_mb
    assert reported > 1

    settings.IMPORT_MEMORY_LIMIT_MB = reported + 1000
    ok = client.get("/api/health/")
    assert ok.status_code == 200
    assert ok.json()["checks"]["worker"]["rss_mb"] == reported

    settings.IMPORT_MEMORY_LIMIT_MB = 1
    over = client.get("/api/health/")
    assert over.status_code == 503
    body = over.json()
    assert body["failing"] == ["worker"]
    assert body["checks"]["worker"]["detail"] == (
        f"worker uses {reported} MB, over the 1 MB limit (IMPORT_MEMORY_LIMIT_MB)"
    )
    assert body["checks"]["worker"]["memory_limit_mb"] == 1
    for secret in filter(None, [settings.SECRET_KEY, settings.FIELD_ENCRYPTION_KEY]):
        assert secret not in over.content.decode()

    settings.IMPORT_MEMORY_LIMIT_MB = 0  # the guard is off: so is the check
    assert client.get("/api/health/").status_code == 200


def test_the_daily_backup_is_scheduled():
    call_command("sync_schedules", stdout=StringIO())
    schedule = Schedule.objects.get(name="syncstore:backup-database")
    assert (schedule.func, schedule.schedule_type, schedule.minutes, schedule.repeats) == (
        "imports.tasks.backup_database_daily",
        Schedule.MINUTES,
        24 * 60,
        -1,
    )

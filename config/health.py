"""GET /api/health/: is this deployment able to do its work? 200 when yes, 503 with the reason.

Never includes secrets or stack traces: each check says only ok / failing and a short reason.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache


def _database() -> tuple[bool, str]:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "reachable"
    except Exception as error:  # any failure means "not reachable"; the type is enough
        return False, f"unreachable ({type(error).__name__})"


def _migrations() -> tuple[bool, str]:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return (not pending, "applied" if not pending else f"{len(pending)} not applied")


def _worker() -> tuple[bool, str, dict]:
    from django_q.models import OrmQ

    from imports.models import WorkerHeartbeat

    beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    queued = OrmQ.objects.filter(lock__lte=timezone.now()).count()
    limit = timedelta(seconds=settings.HEALTH_WORKER_STALE_SECONDS)
    details = {"queue_depth": queued, "last_heartbeat": beat.seen_at.isoformat() if beat else None}
    if beat is None:
        return False, "no worker has reported (is qcluster running? sync_schedules run?)", details
    if timezone.now() - beat.seen_at > limit:
        return False, f"no heartbeat for more than {limit.seconds // 60} minutes", details
    return True, "alive", details


def _imports() -> list[dict]:
    from imports.models import ChannelConnection, ImportJob

    rows = []
    for connection in ChannelConnection.objects.order_by("pk").only("pk", "name", "platform"):
        job = (
            ImportJob.objects.filter(connection=connection)
            .order_by("-created_at")
            .only("status", "finished_at")
            .first()
        )
        rows.append(
            {
                "connection": connection.pk,
                "name": connection.name,
                "platform": connection.platform,
                "last_import_status": job.status if job else None,
                "last_import_finished": job.finished_at.isoformat()
                if job and job.finished_at
                else None,
            }
        )
    return rows


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    checks: dict[str, dict] = {}
    ok, detail = _database()
    checks["database"] = {"ok": ok, "detail": detail}
    if ok:
        migrated, detail = _migrations()
        checks["migrations"] = {"ok": migrated, "detail": detail}
        alive, detail, extra = _worker()
        checks["worker"] = {"ok": alive, "detail": detail, **extra}
    healthy = all(check["ok"] for check in checks.values())
    body = {
        "status": "ok" if healthy else "failing",
        "failing": [name for name, check in checks.items() if not check["ok"]],
        "checks": checks,
    }
    if checks["database"]["ok"]:
        body["imports"] = _imports()
    return JsonResponse(body, status=200 if healthy else 503)

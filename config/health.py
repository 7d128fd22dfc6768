"""GET /api/health/: is this deployment able to do its work? 200 when yes, 503 with the reason.

Never includes secrets or stack traces. Anyone learns only ok / failing per check; the
reasons, the queue, the worker and each connection's last import are for a trusted monitor
(METRICS_ALLOWED_NETWORKS, METRICS_TOKEN) and logged-in staff (their organizations' imports).

`python -m config.health` is the containers' health probe (Dockerfile HEALTHCHECK, compose):
see `main()`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

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
    from django_q.brokers import get_broker

    from imports.models import WorkerHeartbeat

    beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    try:
        queued = get_broker().queue_size()  # the ORM's queue table, or Redis (Q_BROKER_URL)
    except Exception as error:  # Redis down: say so, the health page must still answer
        return False, f"the task queue does not answer ({type(error).__name__})", {}
    limit = timedelta(seconds=settings.HEALTH_WORKER_STALE_SECONDS)
    details = {"queue_depth": queued, "last_heartbeat": beat.seen_at.isoformat() if beat else None}
    if beat is None:
        return False, "no worker has reported (is qcluster running? sync_schedules run?)", details
    if timezone.now() - beat.seen_at > limit:
        return False, f"no heartbeat for more than {limit.seconds // 60} minutes", details
    # The worker's resident memory at its last heartbeat. Reuses the import memory guard's
    # limit: a worker sitting above it stops every import at the first checkpoint.
    memory_limit = settings.IMPORT_MEMORY_LIMIT_MB
    details["rss_mb"] = beat.rss_mb
    details["memory_limit_mb"] = memory_limit or None
    if memory_limit > 0 and beat.rss_mb is not None and beat.rss_mb > memory_limit:
        return (
            False,
            f"worker uses {beat.rss_mb} MB, over the {memory_limit} MB limit "
            "(IMPORT_MEMORY_LIMIT_MB)",
            details,
        )
    return True, "alive", details


def _imports(organization_ids: Any) -> list[dict]:
    from imports.models import ChannelConnection, ImportJob

    connections = ChannelConnection.objects.order_by("pk").only("pk", "name", "platform")
    if organization_ids is not None:
        connections = connections.filter(organization_id__in=organization_ids)
    rows = []
    for connection in connections:
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
        "timestamp": timezone.now().isoformat(),
        "failing": [name for name, check in checks.items() if not check["ok"]],
    }
    details, organizations = _audience(request)
    if not details:  # anyone: whether each check passes, nothing about the deployment
        body["checks"] = {name: {"ok": check["ok"]} for name, check in checks.items()}
    else:
        body["checks"] = checks
        if checks["database"]["ok"]:
            body["imports"] = _imports(organizations)
    return JsonResponse(body, status=200 if healthy else 503)


def _audience(request: HttpRequest) -> tuple[bool, Any]:
    """(may read the details, whose imports: None for every organization's)."""
    from config.metrics import monitoring_allowed
    from core.selectors import organization_ids_for_user

    user = request.user
    if monitoring_allowed(request) or (user.is_authenticated and user.is_superuser):
        return True, None
    if user.is_authenticated and user.is_staff:
        return True, organization_ids_for_user(user=user)
    return False, None


# --- The container health probe --------------------------------------------------------------

# Gunicorn's bind in the Dockerfile's CMD.
PROBE_URL = "http://127.0.0.1:8000/api/health/"
# The web container is unhealthy only for its own failures: a stopped worker is the worker
# container's (its own probe), and restarting the web server would not bring it back.
WEB_CHECKS = ("database", "migrations")


def _probe_headers() -> dict[str, str]:
    """Headers that get the probe past production's host check and HTTPS redirect."""
    import environ

    # The environment and .env, read as the settings read them: importing the settings could
    # start the embedded database, which a probe must never do.
    environ.Env.read_env(Path(__file__).resolve().parent.parent / ".env", overwrite=False)
    hosts = environ.Env().list("DJANGO_ALLOWED_HOSTS", default=["localhost"])
    host = next((h.lstrip(".") for h in hosts if h.strip(".") and h != "*"), "localhost")
    # Behind the proxy that terminates TLS, Django trusts this header (SECURE_PROXY_SSL_HEADER);
    # without it SECURE_SSL_REDIRECT answers the probe with a redirect, not the health body.
    return {"Host": host, "X-Forwarded-Proto": "https", "Accept": "application/json"}


def probe_web(url: str = PROBE_URL, timeout: float = 5.0) -> tuple[bool, str]:
    request = urllib.request.Request(url, headers=_probe_headers())  # noqa: S310 - http(s) only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:  # a 503 still carries the health body
        status, raw = error.code, error.read()
    except OSError as error:  # refused, timed out, unknown host (URLError is an OSError)
        return False, f"no answer from {url} ({getattr(error, 'reason', error)})"
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return False, f"HTTP {status} without a health body"
    failing = body.get("failing", [])
    own = [name for name in failing if name in WEB_CHECKS]
    if status not in (200, 503) or own:
        return False, f"HTTP {status}, failing: {', '.join(own) or 'unknown'}"
    others = f" (failing elsewhere: {', '.join(failing)})" if failing else ""
    return True, f"HTTP {status}, web checks ok{others}"


def probe_worker() -> tuple[bool, str]:
    """The worker check of /api/health/ (heartbeat age, memory), run in the worker container."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    reachable, detail = _database()
    if not reachable:
        return False, detail
    try:
        alive, detail, _ = _worker()
    except Exception as error:  # e.g. tables not migrated yet; the type is enough
        return False, f"worker check failed ({type(error).__name__})"
    return alive, detail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m config.health",
        description="Container health probe: exit 0 when healthy, 1 when not, with the reason.",
    )
    parser.add_argument("url", nargs="?", default=PROBE_URL, help="the web server's health URL")
    parser.add_argument(
        "--worker", action="store_true", help="check the django-q2 worker instead of the web"
    )
    options = parser.parse_args(argv)
    healthy, detail = probe_worker() if options.worker else probe_web(options.url)
    print(f"{'healthy' if healthy else 'unhealthy'}: {detail}")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())

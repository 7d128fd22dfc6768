"""Writes for connections and import jobs: connect, test, start, cancel, resume."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Organization
from core.platforms import Platform
from imports.clients.errors import MarketplaceError
from imports.connections import client_for
from imports.models import ChannelConnection, ImportJob
from imports.pipeline.joblog import job_log
from imports.pipeline.runner import ImportRunner, stale_before
from imports.platforms import adapter_for


class ImportRefused(Exception):
    """An import that cannot start now; the message says why."""


# --- connections ------------------------------------------------------------------------------
def connection_create_or_update(
    *,
    organization: Organization,
    platform: str,
    name: str,
    base_url: str,
    **fields: Any,
) -> tuple[ChannelConnection, bool]:
    """Create the named connection of the organization, or update it with `fields`."""
    if platform not in Platform.values:
        raise ValueError(f"unknown platform {platform!r}")
    connection = ChannelConnection.objects.filter(organization=organization, name=name).first()
    created = connection is None
    connection = connection or ChannelConnection(organization=organization, name=name)
    connection.platform = platform
    connection.base_url = base_url
    for field_name, value in fields.items():
        if value is not None:
            setattr(connection, field_name, value)
    if connection.access_token and connection.status == ChannelConnection.Status.PENDING:
        connection.status = ChannelConnection.Status.ACTIVE
    connection.full_clean()
    connection.save()
    return connection, created


def connection_test(*, connection: ChannelConnection) -> str:
    """Call the platform's shop endpoint; returns a readable result, records the outcome.

    Someone waits on the answer: one attempt with short timeouts (an import retries, a test
    reports). A failure is raised as it came; `imports.explain` words it for the seller.
    """
    client = client_for(connection, interactive=True)
    try:
        shop = adapter_for(connection.platform).shop(client)
    except MarketplaceError as error:
        connection.last_error = str(error)
        if error.reauthorize:
            connection.status = ChannelConnection.Status.NEEDS_REAUTHORIZATION
        connection.save(update_fields=["last_error", "status", "updated_at"])
        raise
    finally:
        client.close()
    connection.shop_name = shop.name or connection.shop_name
    connection.status = ChannelConnection.Status.ACTIVE
    connection.last_error = ""
    connection.save(update_fields=["shop_name", "status", "last_error", "updated_at"])
    return f"{shop.name} ({shop.region})"


def connection_authorization_start(
    *, connection: ChannelConnection, redirect_uri: str
) -> tuple[str, str]:
    """The platform's authorization URL and the `state` the callback must bring back."""
    connection.clean()  # a row saved before the host allow-list may point anywhere
    state = secrets.token_urlsafe(24)
    client = client_for(connection, with_tokens=False)
    adapter = adapter_for(connection.platform)
    return adapter.authorization_url(client, redirect_uri, state), state


@transaction.atomic
def connection_authorization_complete(
    *, connection: ChannelConnection, code: str, shop_id: str | None = None
) -> ChannelConnection:
    """Exchange the authorization code for tokens and remember the shop."""
    connection = ChannelConnection.objects.select_for_update().get(pk=connection.pk)
    adapter = adapter_for(connection.platform)
    authorization = adapter.exchange_code(client_for(connection, with_tokens=False), code, shop_id)
    grant = authorization.grant
    for name, value in authorization.shop_fields.items():
        setattr(connection, name, value)
    connection.access_token = grant.access_token
    connection.refresh_token = grant.refresh_token
    connection.access_token_expires_at = grant.access_expires_at
    connection.refresh_token_expires_at = grant.refresh_expires_at
    connection.status = ChannelConnection.Status.ACTIVE
    connection.last_error = ""
    connection.save()
    # Some platforms name the shop only to a call made with the new token.
    shop_fields = adapter.authorized_shop(client_for(connection))
    if shop_fields:
        for name, value in shop_fields.items():
            setattr(connection, name, value)
        connection.save(update_fields=[*shop_fields, "updated_at"])
    return connection


# --- import jobs ------------------------------------------------------------------------------
def last_successful_import(connection: ChannelConnection) -> ImportJob | None:
    return (
        ImportJob.objects.filter(
            connection=connection,
            dry_run=False,
            status__in=[ImportJob.Status.SUCCEEDED, ImportJob.Status.PARTIALLY_FAILED],
        )
        .order_by("-started_at")
        .first()
    )


def _incremental_since(connection: ChannelConnection) -> datetime | None:
    previous = last_successful_import(connection)
    if previous is None or previous.started_at is None:
        return None
    return previous.started_at - timedelta(seconds=settings.IMPORT_INCREMENTAL_MARGIN_SECONDS)


def import_job_start(
    *,
    connection: ChannelConnection,
    mode: str = ImportJob.Mode.FULL,
    dry_run: bool = False,
    user: AbstractBaseUser | None = None,
    queue: bool = True,
) -> ImportJob:
    """Create an import job for the connection and (by default) queue it for a worker."""
    if (
        connection.status in (ChannelConnection.Status.PENDING, ChannelConnection.Status.DISABLED)
        or not connection.access_token
    ):
        raise ImportRefused(
            _("%(connection)s is not authorized yet: connect the shop before importing.")
            % {"connection": connection}
        )
    since = _incremental_since(connection) if mode == ImportJob.Mode.INCREMENTAL else None
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                organization_id=connection.organization_id,
                connection=connection,
                platform=connection.platform,
                mode=mode if since or mode == ImportJob.Mode.FULL else ImportJob.Mode.FULL,
                dry_run=dry_run,
                updated_since=since,
                started_by=user if user and user.is_authenticated else None,
            )
    except IntegrityError:
        active = ImportJob.objects.filter(
            connection=connection, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
        ).first()
        raise ImportRefused(
            _("%(connection)s already has an import in progress (#%(job)s, %(status)s).")
            % {
                "connection": connection,
                "job": active.pk if active else "?",
                "status": active.get_status_display().lower() if active else "",
            }
        ) from None
    if mode == ImportJob.Mode.INCREMENTAL and since is None:
        job_log(job, "No earlier successful import: running a full import instead.")
    if queue:
        import_job_queue(job=job)
    return job


def import_job_queue(*, job: ImportJob) -> None:
    """Queue the job for a django-q2 worker once the surrounding transaction commits."""
    from django_q.tasks import async_task

    def enqueue() -> None:
        task_id = async_task(
            "imports.tasks.run_import",
            job.pk,
            task_name=f"import-{job.pk}-{job.attempts + 1}",
            group=f"imports-{job.connection_id}",
        )
        ImportJob.objects.filter(pk=job.pk).update(task_id=task_id)

    transaction.on_commit(enqueue)


def import_job_run(*, job_id: int, progress: Any = None, lanes: int = 1) -> ImportJob:
    """Run the job; with `lanes` > 1 its windows are shared with that many tasks in all."""
    job = ImportJob.objects.select_related("connection").get(pk=job_id)
    runner = ImportRunner(
        job,
        progress=progress,
        lanes=lanes,
        queue_lanes=lambda count: import_job_lanes_queue(job=job, count=count),
    )
    return runner.run()


def import_job_lanes_queue(*, job: ImportJob, count: int) -> None:
    """Queue `count` more tasks to fetch the job's windows alongside the one running."""
    from django_q.tasks import async_task

    for lane in range(count):
        async_task(
            "imports.tasks.run_import_lane",
            job.pk,
            task_name=f"import-{job.pk}-{job.attempts}-lane-{lane + 2}",
            group=f"imports-{job.connection_id}",
        )


def import_job_lane_run(*, job_id: int) -> ImportJob:
    """Another task of a running job: fetch windows no task has taken (`run_import_lane`)."""
    job = ImportJob.objects.select_related("connection").get(pk=job_id)
    return ImportRunner(job, lanes=settings.IMPORT_WINDOW_TASKS).run_lane()


def import_job_cancel(*, job: ImportJob) -> ImportJob:
    """Queued jobs stop now; running jobs stop after the page in flight."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.is_finished:
            return job
        job.cancel_requested = True
        fields = ["cancel_requested", "updated_at"]
        if job.status == ImportJob.Status.QUEUED:
            job.status = ImportJob.Status.CANCELLED
            job.finished_at = timezone.now()
            fields += ["status", "finished_at"]
        job.save(update_fields=fields)
    job_log(job, "Cancel requested.")
    return job


def import_job_resumable(job: ImportJob) -> bool:
    """Failed, interrupted (its worker died), or finished with listings left to fetch again."""
    return (
        job.status == ImportJob.Status.FAILED
        or (job.status == ImportJob.Status.PARTIALLY_FAILED and bool(job.retry_ids))
        or (
            job.status == ImportJob.Status.RUNNING
            and (job.heartbeat_at is None or job.heartbeat_at < stale_before())
        )
    )


def import_job_resume(*, job: ImportJob, queue: bool = True) -> ImportJob:
    """Run a failed or interrupted job again from its checkpoint (and its retry list)."""
    if not import_job_resumable(job):
        raise ImportRefused(
            _(
                "Import #%(job)s is %(status)s: only failed or interrupted imports, or those "
                "with listings left to fetch again, can be resumed."
            )
            % {"job": job.pk, "status": job.get_status_display().lower()}
        )
    try:
        with transaction.atomic():
            job.status = ImportJob.Status.QUEUED
            job.error_type = job.error_message = ""
            job.finished_at = job.auto_resume_at = None
            job.save(
                update_fields=[
                    "status",
                    "error_type",
                    "error_message",
                    "finished_at",
                    "auto_resume_at",
                    "updated_at",
                ]
            )
    except IntegrityError:
        raise ImportRefused(
            _("%(connection)s already has another import in progress.")
            % {"connection": job.connection}
        ) from None
    job_log(job, "Queued again to resume from its checkpoint.")
    if queue:
        import_job_queue(job=job)
    return job


def import_jobs_recover_stale() -> list[int]:
    """Requeue running jobs whose worker stopped sending heartbeats, and failed jobs whose
    passing failure (an outage, the database) set a time to resume by themselves."""
    recovered = []
    due = ImportJob.objects.filter(
        status=ImportJob.Status.FAILED, auto_resume_at__lte=timezone.now()
    )
    stale = ImportJob.objects.filter(
        status=ImportJob.Status.RUNNING, heartbeat_at__lt=stale_before()
    )
    for job in (due | stale).order_by("pk"):
        try:
            import_job_resume(job=job)
        except ImportRefused:  # another import of the shop runs: try again next time
            continue
        recovered.append(job.pk)
    return recovered

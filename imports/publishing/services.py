"""Start, cancel and resume publications; retry blocked changes; settle reviews and conflicts.

Views, admin actions, the API and tasks call these and stay thin.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import PlatformMapping, PublishKind, SyncStatus
from catalog.publication import conflict_resolve, mapping_publication_record
from imports.clients.errors import MarketplaceError
from imports.connections import client_for
from imports.models import ChannelConnection
from imports.platforms import adapter_for
from imports.platforms.writing import ReviewState
from imports.publishing import reasons
from imports.publishing.models import PublishItem, PublishJob
from imports.publishing.plan import Plan, PlanRow, publication_plan
from imports.publishing.recording import item_errors, listing_status, listings_status_refresh
from imports.publishing.runner import PublishRunner, job_counts_refresh


class PublishRefused(Exception):
    """A publication that cannot start or resume, with a sentence saying why."""


def connection_for_listing(
    organization_id: int, platform: str, shop: str
) -> ChannelConnection | None:
    """The connection a listing is written through: its shop's (by id or TikTok cipher)."""
    connections = ChannelConnection.objects.filter(
        organization_id=organization_id, platform=platform
    )
    if shop:
        return connections.filter(Q(shop_id=shop) | Q(shop_cipher=shop)).first()
    return connections.first() if connections.count() == 1 else None


@transaction.atomic
def publication_start(
    *,
    mappings: QuerySet[PlatformMapping],
    user: Any = None,
    kinds: Iterable[str] = (PublishKind.PRICE, PublishKind.TITLE),
    overrides: Iterable[str] = (),
    max_change_percent: Decimal | None = None,
    dry_run: bool = False,
) -> tuple[Plan, list[PublishJob]]:
    """Plan the changes; unless a dry run, one job per shop for the publishable ones."""
    kinds, overrides = [str(k) for k in kinds], [str(o) for o in overrides]
    plan = publication_plan(
        mappings, kinds=kinds, overrides=overrides, max_change_percent=max_change_percent
    )
    by_connection: dict[int, tuple[ChannelConnection, list[PlanRow]]] = {}
    cache: dict[tuple[int, str, str], ChannelConnection | None] = {}
    for row in plan.publishable:
        mapping = row.mapping
        key = (mapping.organization_id, mapping.platform, mapping.platform_shop_id)
        if key not in cache:
            cache[key] = connection_for_listing(*key)
        connection = cache[key]
        if connection is None:
            row.held.append(reasons.NO_CONNECTION)
            continue
        by_connection.setdefault(connection.pk, (connection, []))[1].append(row)
    if dry_run:
        return plan, []
    jobs = []
    for connection, rows in by_connection.values():
        job = PublishJob.objects.create(
            organization_id=connection.organization_id,
            connection=connection,
            platform=connection.platform,
            created_by=user if getattr(user, "pk", None) else None,
            kinds=kinds,
            overrides=overrides,
            total_count=len(rows),
        )
        PublishItem.objects.bulk_create(
            PublishItem(
                job=job,
                mapping=row.mapping,
                platform_product_id=row.mapping.platform_product_id,
                kind=row.kind,
                variant=row.variant,
                old_value=row.old_value[:300],
                new_value=row.new_value[:300],
                change_percent=row.change_percent,
                margin_percent=row.margin_percent,
            )
            for row in rows
        )
        publish_job_queue(job=job)
        jobs.append(job)
    return plan, jobs


def publish_job_queue(*, job: PublishJob) -> None:
    """Queue the job for a django-q2 worker once the surrounding transaction commits."""
    from django_q.tasks import async_task

    def enqueue() -> None:
        task_id = async_task(
            "imports.tasks.run_publish",
            job.pk,
            task_name=f"publish-{job.pk}-{job.attempts + 1}",
            group=f"publish-{job.connection_id}",
        )
        PublishJob.objects.filter(pk=job.pk).update(task_id=task_id)

    transaction.on_commit(enqueue)


def publish_job_run(*, job_id: int) -> PublishJob:
    job = PublishJob.objects.select_related("connection").get(pk=job_id)
    return PublishRunner(job).run()


def publish_job_cancel(*, job: PublishJob) -> PublishJob:
    """A queued or waiting job stops now; a running one after the listing in hand."""
    with transaction.atomic():
        job = PublishJob.objects.select_for_update().get(pk=job.pk)
        if job.is_finished:
            return job
        job.cancel_requested = True
        if job.status in (PublishJob.Status.QUEUED, PublishJob.Status.WAITING):
            left = job.items.filter(state__in=(PublishItem.State.QUEUED, PublishItem.State.BLOCKED))
            held = set(left.values_list("mapping_id", flat=True)) - {None}
            left.update(state=PublishItem.State.CANCELLED, reason=reasons.CANCELLED)
            listings_status_refresh(held)
            job.status = PublishJob.Status.CANCELLED
            job.finished_at = timezone.now()
            job.resume_at = None
        job_counts_refresh(job)
        job.save()
    return job


def publish_job_resume(*, job: PublishJob, blocked: bool = False) -> PublishJob:
    """Run the changes a cancelled, failed or interrupted job left (and, with `blocked`,
    those a lock held): each listing is read again first, so nothing is sent twice."""
    with transaction.atomic():
        job = PublishJob.objects.select_for_update().get(pk=job.pk)
        states = [PublishItem.State.CANCELLED, PublishItem.State.QUEUED]
        if blocked or job.status == PublishJob.Status.WAITING:
            states.append(PublishItem.State.BLOCKED)
        if job.status == PublishJob.Status.RUNNING and not job_stale(job):
            raise PublishRefused(_("Publication #%(job)s is running.") % {"job": job.pk})
        left = job.items.filter(state__in=states)
        if not left.exists():
            raise PublishRefused(
                _("Publication #%(job)s has nothing left to publish.") % {"job": job.pk}
            )
        left.update(state=PublishItem.State.QUEUED, reason="", blocked_until=None)
        job.status = PublishJob.Status.QUEUED
        job.cancel_requested = False
        job.finished_at = job.resume_at = None
        job.error_message = ""
        job_counts_refresh(job)
        job.save()
        publish_job_queue(job=job)
    return job


def job_stale(job: PublishJob) -> bool:
    from imports.services import stale_before

    return job.heartbeat_at is None or job.heartbeat_at < stale_before()


def publish_jobs_resume_due(now=None) -> int:
    """Jobs waiting for locks whose earliest end has passed: their blocked changes again."""
    now = now or timezone.now()
    due = PublishJob.objects.filter(status=PublishJob.Status.WAITING, resume_at__lte=now)
    count = 0
    for job in due:
        publish_job_resume(job=job, blocked=True)
        count += 1
    return count


def publish_reviews_check() -> dict[str, int]:
    """Ask the platform about each title in review: approved is synced, rejected says why."""
    settled: dict[str, int] = defaultdict(int)
    waiting = (
        PublishItem.objects.filter(state=PublishItem.State.IN_REVIEW, mapping__isnull=False)
        .select_related("job__connection", "mapping")
        .order_by("job__connection_id")
    )
    writers: dict[int, Any] = {}
    clients = []
    for item in waiting:
        connection = item.job.connection
        if connection.pk not in writers:
            writers[connection.pk] = adapter_for(connection.platform).writer(client_for(connection))
        try:
            remote = writers[connection.pk].read(item.platform_product_id)
        except MarketplaceError:
            settled["unreachable"] += 1
            continue
        if remote.review == ReviewState.IN_REVIEW:
            settled["waiting"] += 1
            continue
        now = timezone.now()
        if remote.review == ReviewState.REJECTED:
            item.state, item.reason = PublishItem.State.REJECTED, reasons.REVIEW_REJECTED
            item.message = "; ".join(remote.review_reasons)
        elif remote.title.strip() == item.new_value.strip():
            item.state, item.reason = PublishItem.State.APPLIED, ""
        else:
            # Out of review, and not our title: the platform did not take it.
            item.state, item.reason = PublishItem.State.FAILED, reasons.REFUSED
            item.message = remote.status
        item.platform_value, item.finished_at = remote.title[:300], now
        item.save()
        status, blocked_until = listing_status(
            item.mapping_id,
            rejected=item.state == PublishItem.State.REJECTED,
            failed=item.state == PublishItem.State.FAILED,
        )
        mapping_publication_record(
            mapping_id=item.mapping_id,
            status=status,
            remote_title=remote.title,
            remote_prices=remote.prices,
            errors=item_errors(item.job, [item]),
            blocked_until=blocked_until,
            read_at=now,
        )
        job = item.job
        job_counts_refresh(job)
        job.save()
        settled[item.state] += 1
    for client in clients:
        client.close()
    return dict(settled)


def conflict_settle(*, mapping: PlatformMapping, keep: str) -> PlatformMapping:
    """Keep the platform's values or ours (published by the next run) for a conflict."""
    if mapping.sync_status != SyncStatus.CONFLICT:
        raise PublishRefused(_("This listing has no conflict to settle."))
    return conflict_resolve(mapping=mapping, keep=keep)

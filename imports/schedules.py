"""Every recurring task, declared in code; `manage.py sync_schedules` makes django-q2 match it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django_q.models import Schedule

from imports.models import ChannelConnection

PREFIX = "syncstore:"


@dataclass(frozen=True)
class Planned:
    name: str
    func: str
    minutes: int
    args: str = ""


def planned_schedules() -> list[Planned]:
    plans = [
        Planned(f"{PREFIX}heartbeat", "imports.tasks.heartbeat", 1),
        Planned(f"{PREFIX}recover-stale-imports", "imports.tasks.recover_stale_imports", 5),
        Planned(f"{PREFIX}cleanup-raw-imports", "imports.tasks.cleanup_raw_imports", 24 * 60, "30"),
        Planned(
            f"{PREFIX}archive-stale-mappings", "imports.tasks.archive_stale_mappings", 24 * 60, "90"
        ),
        Planned(f"{PREFIX}backup-database", "imports.tasks.backup_database_daily", 24 * 60),
        Planned(f"{PREFIX}prune-rate-counters", "core.tasks.prune_rate_counters", 60),
        # Publishing: blocked changes whose lock has ended, and titles in review.
        Planned(f"{PREFIX}publish-resume", "imports.tasks.publish_jobs_resume_due", 1),
        Planned(
            f"{PREFIX}publish-reviews",
            "imports.tasks.publish_reviews_check",
            max(1, settings.PUBLISH_REVIEW_POLL_SECONDS // 60),
        ),
    ]
    for connection in ChannelConnection.objects.filter(import_interval_minutes__gt=0):
        plans.append(
            Planned(
                f"{PREFIX}import-{connection.pk}",
                "imports.tasks.scheduled_import",
                connection.import_interval_minutes,
                str(connection.pk),
            )
        )
    return plans


def schedules_sync() -> dict[str, list[str]]:
    """Create, update or delete our schedules so they match the plan (idempotent)."""
    plans = {plan.name: plan for plan in planned_schedules()}
    existing = {s.name: s for s in Schedule.objects.filter(name__startswith=PREFIX)}
    report: dict[str, list[str]] = {"created": [], "updated": [], "deleted": [], "kept": []}
    for name, plan in plans.items():
        fields = {
            "func": plan.func,
            "args": plan.args or None,
            "schedule_type": Schedule.MINUTES,
            "minutes": plan.minutes,
        }
        current = existing.pop(name, None)
        if current is None:
            Schedule.objects.create(name=name, repeats=-1, **fields)
            report["created"].append(name)
        elif any(getattr(current, key) != value for key, value in fields.items()):
            for key, value in fields.items():
                setattr(current, key, value)
            current.save()
            report["updated"].append(name)
        else:
            report["kept"].append(name)
    for name, schedule in existing.items():
        schedule.delete()
        report["deleted"].append(name)
    return report

"""Every publication in the listing's admin history: who, when, what, and what came of it."""

from __future__ import annotations

from django.contrib.admin.models import CHANGE, LogEntry

from catalog.models import PlatformMapping
from imports.publishing.models import PublishItem, PublishJob


def publication_history_log(
    job: PublishJob, mapping: PlatformMapping, items: list[PublishItem]
) -> None:
    """One history entry per listing and run, in the structured form the admin translates
    ({"changed": {"fields": [...]}}) plus the job and each change's result."""
    if job.created_by_id is None or not items:
        return
    lines = [
        f"{item.kind}{(' ' + item.variant) if item.variant else ''}: "
        f"{item.old_value or '—'} → {item.new_value} ({item.state})"
        for item in items
    ]
    LogEntry.objects.log_actions(
        user_id=job.created_by_id,
        queryset=[mapping],
        action_flag=CHANGE,
        change_message=[
            {
                "changed": {
                    "fields": sorted({"price" if i.kind == "price" else "title" for i in items}),
                    "name": f"publication #{job.pk}: " + "; ".join(lines),
                    "object": str(mapping),
                }
            }
        ],
        single_object=True,
    )

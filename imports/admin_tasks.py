"""django-q2's Successful, Failed and Queued tasks lists, readable and fitting the screen.

django-q2 shows the time a task took as the bare float of seconds ("0.176067", in Indonesian
"0,176067"): no unit, and more digits than anyone needs. Its admins are re-registered here as
subclasses of its own, so that everything else (read-only pages, the resubmit action,
filters, search) stays as django-q2 ships it.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Importing django_q.admin registers its admins, so they are there to unregister below
# whatever the order of INSTALLED_APPS.
from django_q.admin import FailAdmin, QueueAdmin, TaskAdmin
from django_q.models import Failure, OrmQ, Success, Task


def duration_text(task: Task) -> str:
    """Seconds, two decimals in the reader's number format, with a unit: "0.18 s", "0,18 dtk"."""
    if task.started is None or task.stopped is None:
        return ""
    seconds = (task.stopped - task.started).total_seconds()
    # number_format cuts decimals off (0.176 would show as 0.17): round first. "s" is the
    # unit the import job page already uses for seconds (translated "dtk").
    shown = number_format(round(seconds, 2), decimal_pos=2, use_l10n=True)
    return f"{shown} {gettext('s')}"


class SuccessTaskAdmin(TaskAdmin):
    """django-q2's list of successful tasks; its `time_taken` column gets a unit."""

    @admin.display(description=_("Duration"))
    def time_taken(self, obj: Task) -> str:
        return duration_text(obj)


class FailureTaskAdmin(FailAdmin):
    """django-q2's list of failed tasks, with the same duration column: how long a task ran
    before failing tells a timeout (the cluster's limit) from an immediate error."""

    # "started" gives way to the duration (started = stopped - duration), so the list still
    # fits a 1366 px screen.
    list_display = tuple(
        "time_taken" if column == "started" else column for column in FailAdmin.list_display
    )

    @admin.display(description=_("Duration"))
    def time_taken(self, obj: Task) -> str:
        return duration_text(obj)


class QueuedTaskAdmin(QueueAdmin):
    """django-q2's queued tasks (ORM broker) without the 32-character task id column, so the
    list fits a 1366 px screen; the id stays on each task's page."""

    list_display = tuple(column for column in QueueAdmin.list_display if column != "task_id")


admin.site.unregister(Success)
admin.site.register(Success, SuccessTaskAdmin)
admin.site.unregister(Failure)
admin.site.register(Failure, FailureTaskAdmin)
if admin.site.is_registered(OrmQ):  # django-q2 lists queued tasks for the ORM broker only
    admin.site.unregister(OrmQ)
    admin.site.register(OrmQ, QueuedTaskAdmin)

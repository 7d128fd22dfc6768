"""The publish job admin (*Publications*): counts, a live progress bar, every change with its
outcome in the reader's language, and Cancel / Resume for those whose role may publish."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.models import PublishKind
from core.admin_base import ReadOnlyScopedAdmin, displayed_values, role_action
from core.money import format_rupiah
from core.roles import Capability
from core.templatetags.percent import format_percent
from imports.local_time import local_datetime_text
from imports.publishing import reasons
from imports.publishing.models import PublishItem, PublishJob
from imports.publishing.services import (
    PublishRefused,
    job_stale,
    publish_job_cancel,
    publish_job_resume,
)

# The changes listed on a job's page (the API's /changes/ pages through all of them).
ITEMS_SHOWN = 500
COUNT_FIELDS = (
    "total_count",
    "applied_count",
    "in_review_count",
    "blocked_count",
    "conflict_count",
    "failed_count",
    "skipped_count",
    "api_calls",
)
# What the page's script refreshes from the progress endpoint while the job is queued/running.
LIVE_FIELDS = (
    "status",
    "progress",
    *COUNT_FIELDS,
    "waiting_until",
    "error_message",
    "attempts",
    "started_at",
    "heartbeat_at",
    "finished_at",
)


def job_progress(job: PublishJob) -> dict[str, Any]:
    """What the progress bar needs: how many changes are done of how many, and the counts."""
    total, done = job.total_count, job.done_count
    finished_empty = 100.0 if job.is_finished else 0.0
    percent = round(min(1.0, done / total) * 100, 1) if total else finished_empty
    return {
        "id": job.pk,
        "status": job.status,
        "status_display": job.get_status_display(),
        "active": job.status in PublishJob.ACTIVE,
        "finished": job.is_finished,
        "total": total,
        "done": done,
        "percent": percent,
        "counts": {
            "applied": job.applied_count,
            "in_review": job.in_review_count,
            "blocked": job.blocked_count,
            "conflicts": job.conflict_count,
            "failed": job.failed_count,
            "skipped": job.skipped_count,
            "api_calls": job.api_calls,
        },
        "waiting_until": waiting_text(job),
    }


def waiting_text(job: PublishJob) -> str:
    if job.status != PublishJob.Status.WAITING or job.resume_at is None:
        return ""
    return gettext("waiting until %(time)s") % {
        "time": local_datetime_text(job.resume_at, seconds=True)
    }


def job_resumable(job: PublishJob) -> bool:
    """Whether Resume has something to do: changes left, and no live run holding them."""
    if job.status == PublishJob.Status.QUEUED:
        return False
    if job.status == PublishJob.Status.RUNNING and not job_stale(job):
        return False
    states = [PublishItem.State.CANCELLED, PublishItem.State.QUEUED]
    if job.status == PublishJob.Status.WAITING:
        states.append(PublishItem.State.BLOCKED)
    return job.items.filter(state__in=states).exists()


def _money(item: PublishItem, value: str) -> str:
    if value in ("", None):
        return "—"
    if item.kind != PublishKind.PRICE:
        return value
    try:
        return format_rupiah(Decimal(value))
    except InvalidOperation:
        return value


def _signed_percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{'+' if value > 0 else ''}{format_percent(value)}"


def item_row(item: PublishItem) -> dict[str, Any]:
    """One change as the job's page shows it (money in rupiah, reasons in words)."""
    listing: Any = item.platform_product_id
    if item.mapping_id:
        url = reverse("admin:catalog_platformmapping_change", args=[item.mapping_id])
        listing = format_html('<a href="{}">{}</a>', url, item.platform_product_id)
    price = item.kind == PublishKind.PRICE
    return {
        "id": item.pk,
        "listing": listing,
        "kind": item.get_kind_display(),
        "variant": item.variant or "—",
        "old": _money(item, item.old_value),
        "new": _money(item, item.new_value),
        "change": _signed_percent(item.change_percent) if price else "—",
        "margin": format_percent(item.margin_percent) if price else "—",
        "state": item.state,
        "result": item.get_state_display(),
        "reason": reasons.reason_text(item.reason) if item.reason else "",
        "code": item.code,
        "message": item.message,
        "shown": _money(item, item.platform_value),
        "blocked_until": local_datetime_text(item.blocked_until),
        "attempts": item.attempts,
    }


@admin.register(PublishJob)
class PublishJobAdmin(ReadOnlyScopedAdmin):
    empty_state = _(
        "No publications yet. Under Pending publication, select listings and choose "
        "“Preview and publish the selected listings”."
    )
    # The counts share one column ("5 applied, 1 conflict"): the list fits 1366 px.
    list_display = (
        "id",
        "connection",
        "status",
        "progress",
        "results",
        "created_by",
        "created_at",
        "finished_at",
    )
    list_display_links = ("id",)
    list_filter = ("status", "platform")
    list_select_related = ("connection", "organization", "created_by")
    change_form_template = "admin/imports/publishjob/change_form.html"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "organization",
                    "connection",
                    "platform",
                    "status",
                    "waiting_until",
                    "kinds_shown",
                    "overrides_shown",
                    "error_message",
                    "cancel_requested",
                )
            },
        ),
        (_("Changes"), {"fields": ("progress", *COUNT_FIELDS)}),
        (
            _("Run"),
            {
                "classes": ("collapse",),
                "fields": (
                    "created_by",
                    "attempts",
                    "created_at",
                    "started_at",
                    "heartbeat_at",
                    "finished_at",
                    "task_id",
                ),
            },
        ),
    )
    readonly_fields = tuple(name for _title, options in fieldsets for name in options["fields"])
    actions = ["cancel_jobs", "resume_jobs"]

    # --- columns and fields -----------------------------------------------------------------
    @admin.display(description=_("Progress"))
    def progress(self, obj: PublishJob) -> str:
        return f"{obj.done_count} / {obj.total_count}"

    @admin.display(description=_("Results"))
    def results(self, obj: PublishJob) -> str:
        shown = [
            f"{getattr(obj, name)} {PublishJob._meta.get_field(name).verbose_name}"
            for name in COUNT_FIELDS
            if name not in ("total_count", "api_calls") and getattr(obj, name)
        ]
        return ", ".join(shown) or self.get_empty_value_display()

    @admin.display(description=_("Waiting"))
    def waiting_until(self, obj: PublishJob) -> str:
        # A time someone plans around: the zone is part of the text (WIB, or the user's).
        return waiting_text(obj) or self.get_empty_value_display()

    @admin.display(description=_("What is published"))
    def kinds_shown(self, obj: PublishJob) -> str:
        labels = dict(PublishKind.choices)
        return ", ".join(str(labels.get(kind, kind)) for kind in obj.kinds) or "—"

    @admin.display(description=_("Guards overridden"))
    def overrides_shown(self, obj: PublishJob) -> str:
        return (
            ", ".join(str(reasons.OVERRIDE_TEXT.get(code, code)) for code in obj.overrides) or "—"
        )

    # --- actions ----------------------------------------------------------------------------
    def _may_publish(self, request: HttpRequest, job: PublishJob | None = None) -> bool:
        return self.may(request, Capability.PUBLISH, job)

    def _cancel(self, request: HttpRequest, job: PublishJob) -> None:
        if job.is_finished:
            self.message_user(
                request,
                gettext("Publication #%(id)s has already finished.") % {"id": job.pk},
                messages.WARNING,
            )
            return
        job = publish_job_cancel(job=job)
        if job.status == PublishJob.Status.CANCELLED:
            text = gettext("Publication #%(id)s cancelled: nothing more is sent.")
        else:
            text = gettext(
                "Cancel requested for publication #%(id)s: it stops after the listing in hand."
            )
        self.message_user(request, text % {"id": job.pk}, messages.SUCCESS)

    def _resume(self, request: HttpRequest, job: PublishJob) -> None:
        try:
            publish_job_resume(job=job)
        except PublishRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("Publication #%(id)s queued again.") % {"id": job.pk},
                messages.SUCCESS,
            )

    @role_action(Capability.PUBLISH, description=_("Cancel selected publications"))
    def cancel_jobs(self, request: HttpRequest, queryset):
        for job in queryset:
            self._cancel(request, job)

    @role_action(Capability.PUBLISH, description=_("Resume selected publications"))
    def resume_jobs(self, request: HttpRequest, queryset):
        for job in queryset:
            self._resume(request, job)

    # --- the change page's views ------------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/progress/",
                view(self.progress_view),
                name="imports_publishjob_progress",
            ),
            path(
                "<int:object_id>/cancel/",
                view(self.cancel_view),
                name="imports_publishjob_cancel",
            ),
            path(
                "<int:object_id>/resume/",
                view(self.resume_view),
                name="imports_publishjob_resume",
            ),
            *super().get_urls(),
        ]

    def progress_view(self, request: HttpRequest, object_id: int) -> JsonResponse:
        job = get_object_or_404(self.get_queryset(request), pk=object_id)
        return JsonResponse(
            {**job_progress(job), "fields": displayed_values(self, job, LIVE_FIELDS)}
        )

    def _posted_job(self, request: HttpRequest, object_id: int) -> PublishJob:
        job = get_object_or_404(self.get_queryset(request), pk=object_id)
        if request.method != "POST" or not self._may_publish(request, job):
            raise PermissionDenied
        return job

    def cancel_view(self, request: HttpRequest, object_id: int) -> HttpResponseRedirect:
        self._cancel(request, self._posted_job(request, object_id))
        return redirect("admin:imports_publishjob_change", object_id)

    def resume_view(self, request: HttpRequest, object_id: int) -> HttpResponseRedirect:
        self._resume(request, self._posted_job(request, object_id))
        return redirect("admin:imports_publishjob_change", object_id)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if job is not None:
            may_publish = self._may_publish(request, job)
            items = job.items.order_by("pk")
            extra.update(
                {
                    # Cancel and Resume only where the role in THIS job's organization allows.
                    "may_cancel": may_publish and not job.is_finished,
                    "may_resume": may_publish and job_resumable(job),
                    "item_rows": [item_row(item) for item in items[:ITEMS_SHOWN]],
                    "items_total": job.items.count(),
                    "items_shown": ITEMS_SHOWN,
                    "progress_labels": {
                        "applied": gettext("applied"),
                        "in_review": gettext("in review"),
                        "blocked": gettext("blocked"),
                        "conflicts": gettext("conflicts"),
                        "failed": gettext("failed"),
                        "api_calls": gettext("API calls"),
                    },
                }
            )
        return super().change_view(request, object_id, form_url, extra)

"""The import job admin: its report fieldsets, the event log inline, the cancel and resume
actions, and the progress (JSON) and cancel views behind the change page."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog.shop_skus import placeholder_skus_html
from core.admin_base import ReadOnlyScopedAdmin, displayed_values, pretty_json, role_action
from core.roles import Capability
from core.templatetags.percent import format_percent
from imports.explain import job_failure_explanation
from imports.local_time import local_datetime_text
from imports.models import BUILD_COUNTS, FETCH_COUNTS, ImportJob, ImportJobEvent, count_fields
from imports.pipeline.joblog import event_text
from imports.selectors import import_job_progress, import_job_windows
from imports.services import (
    ImportRefused,
    import_job_cancel,
    import_job_resumable,
    import_job_resume,
)

# What the page's script refreshes from the progress endpoint: every figure that moves while
# an import runs (the rest, like coverage and timing, is final only when it ends: reload).
JOB_STATE_FIELDS = ("status", "stage", "error_type", "error_message", "auto_resume_time")
FETCHING_FIELDS = (
    "total",
    "windows_report",
    *count_fields(FETCH_COUNTS),
    "retry_report",
    "api_calls",
)
BUILDING_FIELDS = (*count_fields(BUILD_COUNTS), "placeholder_skus_report")
LIVE_FIELDS = (
    *JOB_STATE_FIELDS,
    *FETCHING_FIELDS,
    *(name for name in BUILDING_FIELDS if name != "placeholder_skus_report"),
    "attempts",
    "started_at",
    "heartbeat_at",
    "finished_at",
)


class ImportJobEventInline(admin.TabularInline):
    model = ImportJobEvent
    fields = ("created_at", "level", "message_shown", "platform_product_id", "error_type")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ("-id",)
    verbose_name_plural = _("Log (newest first)")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("message"))
    def message_shown(self, obj: ImportJobEvent) -> str:
        return event_text(obj)  # in the reader's language; the stored text is English

    def get_queryset(self, request):
        # The newest 200 lines; the full log stays in the table.
        queryset = super().get_queryset(request)
        job_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        if job_id:
            newest = list(
                queryset.filter(job_id=job_id).order_by("-id").values_list("id", flat=True)[:200]
            )
            queryset = queryset.filter(id__in=newest)
        return queryset


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyScopedAdmin):
    empty_state = _(
        "No imports yet. Under Channel connections, select a shop and choose “Import now (full)”."
    )
    list_display = (
        "__str__",
        "connection",
        "mode",
        "status",
        "stage",
        "progress",
        "failed_count",
        "api_calls",
        "started_at",
        "finished_at",
    )
    list_filter = ("platform", "status", "mode", "dry_run")
    list_select_related = ("connection", "organization")
    inlines = [ImportJobEventInline]
    change_form_template = "admin/imports/importjob/change_form.html"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "organization",
                    "connection",
                    "platform",
                    "mode",
                    "dry_run",
                    "error_policy",
                    "updated_since",
                    *JOB_STATE_FIELDS,
                )
            },
        ),
        (_("Fetching"), {"fields": FETCHING_FIELDS}),
        (_("Building the catalog"), {"fields": BUILDING_FIELDS}),
        # Collapsed: a long table (one row per payload field) for whoever debugs a mapping.
        (_("Field coverage"), {"classes": ("collapse",), "fields": ("coverage_report",)}),
        (_("Where the time went"), {"classes": ("collapse",), "fields": ("timing_report",)}),
        (
            _("Run"),
            {
                "classes": ("collapse",),
                "fields": (
                    "attempts",
                    "started_by",
                    "started_at",
                    "heartbeat_at",
                    "finished_at",
                    "task_id",
                    "checkpoint_pretty",
                ),
            },
        ),
    )
    readonly_fields = tuple(name for _title, options in fieldsets for name in options["fields"])
    actions = ["cancel_jobs", "resume_jobs"]

    @admin.display(description=_("Resumes by itself after"))
    def auto_resume_time(self, obj: ImportJob) -> str:
        # A time someone plans around: the zone is part of the text (WIB, or the user's).
        return local_datetime_text(obj.auto_resume_at, seconds=True) or (
            self.get_empty_value_display()
        )

    @admin.display(description=_("Waiting to be fetched again"))
    def retry_report(self, obj: ImportJob) -> str:
        if not obj.retry_ids:
            return "—"
        return ngettext(
            "%(count)s listing could not be read for now (%(ids)s). The shop's next import "
            "reads it again, or select this import in the list and choose “Resume selected "
            "imports from their checkpoint”.",
            "%(count)s listings could not be read for now (%(ids)s). The shop's next import "
            "reads them again, or select this import in the list and choose “Resume selected "
            "imports from their checkpoint”.",
            len(obj.retry_ids),
        ) % {
            "count": len(obj.retry_ids),
            "ids": ", ".join(obj.retry_ids[:10]) + (" …" if len(obj.retry_ids) > 10 else ""),
        }

    @admin.display(description=_("SKUs not used to match"))
    def placeholder_skus_report(self, obj: ImportJob) -> str:
        return placeholder_skus_html(obj.placeholder_skus)

    @admin.display(description=_("Update-time windows"))
    def windows_report(self, obj: ImportJob) -> str:
        windows = import_job_windows(obj)
        if not windows["planned"]:
            return "—"
        return _("%(done)s of %(planned)s done, %(fetching)s being fetched now") % {
            key: number_format(value, force_grouping=True) for key, value in windows.items()
        }

    @admin.display(description=_("Progress"))
    def progress(self, obj: ImportJob) -> str:
        data = import_job_progress(obj)
        if data["percent"] is None:
            return "—"
        return f"{data['processed']}/{data['total']} ({data['percent']:.0f}%)"

    @admin.display(description=_("Seconds per stage"))
    def timing_report(self, obj: ImportJob) -> str:
        seconds = obj.stage_seconds or {}
        if not seconds:
            return "—"
        rows = sorted(seconds.items(), key=lambda item: -item[1])
        return format_html(
            "<p>{}</p><table><tbody>{}</tbody></table>",
            _(
                "Stages overlap: pages are fetched (fetch) while earlier ones are written; "
                "db_read and db_write are the database's share of the others."
            ),
            format_html_join(
                "",
                "<tr><td><code>{}</code></td><td>{}</td></tr>",
                ((k, f"{v:.2f}") for k, v in rows),
            ),
        )

    @admin.display(description=_("Source fields"))
    def coverage_report(self, obj: ImportJob) -> str:
        coverage = obj.field_coverage or {}
        fields = coverage.get("fields") or {}
        if not fields:
            return "—"
        rows = sorted(fields.items(), key=lambda item: (item[1]["coverage"], item[0]))
        return format_html(
            "<p>{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
            "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("%(n)d payloads analysed. Rarely present or often empty fields first.")
            % {"n": coverage.get("records", 0)},
            _("Field"),
            _("Present"),
            _("Empty"),
            _("Types"),
            _("Examples"),
            format_html_join(
                "",
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        path,
                        format_percent(entry["coverage"], places=1),
                        entry["empty"],
                        ", ".join(f"{k} {v}" for k, v in entry["types"].items())
                        + (" ⚠" if entry.get("odd_types") else ""),
                        " · ".join(entry["examples"]),
                    )
                    for path, entry in rows
                ),
            ),
        )

    @admin.display(description=_("Checkpoint"))
    def checkpoint_pretty(self, obj: ImportJob) -> str:
        return pretty_json(obj.checkpoint) if obj.checkpoint else "—"

    def _may_run(self, request: HttpRequest, job: ImportJob | None = None) -> bool:
        return self.may(request, Capability.RUN_IMPORTS, job)

    @role_action(Capability.RUN_IMPORTS, description=_("Cancel selected imports"))
    def cancel_jobs(self, request, queryset):
        for job in queryset:
            import_job_cancel(job=job)
        self.message_user(request, _("Cancel requested."), messages.SUCCESS)

    @role_action(
        Capability.RUN_IMPORTS, description=_("Resume selected imports from their checkpoint")
    )
    def resume_jobs(self, request, queryset):
        for job in queryset:
            try:
                import_job_resume(job=job)
            except ImportRefused as refusal:
                self.message_user(request, str(refusal), messages.WARNING)
            else:
                self.message_user(
                    request, _("Import #%(id)s queued again.") % {"id": job.pk}, messages.SUCCESS
                )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/progress/",
                view(self.progress_view),
                name="imports_importjob_progress",
            ),
            path(
                "<int:object_id>/cancel/", view(self.cancel_view), name="imports_importjob_cancel"
            ),
            path(
                "<int:object_id>/resume/", view(self.resume_view), name="imports_importjob_resume"
            ),
            *super().get_urls(),
        ]

    def progress_view(self, request: HttpRequest, object_id: int) -> JsonResponse:
        job = get_object_or_404(self.get_queryset(request), pk=object_id)
        return JsonResponse(
            {**import_job_progress(job), "fields": displayed_values(self, job, LIVE_FIELDS)}
        )

    def resume_view(self, request: HttpRequest, object_id: int) -> HttpResponseRedirect:
        """The list action's Resume for one job, from its page (same rule, same role check)."""
        job = get_object_or_404(self.get_queryset(request), pk=object_id)
        if request.method != "POST" or not self._may_run(request, job):
            raise PermissionDenied
        self.resume_jobs(request, ImportJob.objects.filter(pk=job.pk))
        return redirect("admin:imports_importjob_change", job.pk)

    def cancel_view(self, request: HttpRequest, object_id: int) -> HttpResponseRedirect:
        job = get_object_or_404(self.get_queryset(request), pk=object_id)
        if request.method != "POST" or not self._may_run(request, job):
            raise PermissionDenied
        import_job_cancel(job=job)
        self.message_user(
            request,
            _("Cancel requested: the import stops after the current page."),
            messages.SUCCESS,
        )
        return redirect("admin:imports_importjob_change", job.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        may_run = job is not None and self._may_run(request, job)
        failure = None
        if job is not None and job.status == ImportJob.Status.FAILED:
            what, todo = job_failure_explanation(
                job, may_resume=may_run and import_job_resumable(job)
            )
            failure = {"what": what, "todo": todo}
        extra_context = {
            **(extra_context or {}),
            # Cancel and Resume only where the role in THIS job's organization allows it.
            "may_run": may_run,
            "may_resume": may_run and import_job_resumable(job),
            "failure": failure,
            "progress_labels": {
                "eta": _("ETA"),
                "min": _("min"),
                "s": _("s"),
                "stored": _("stored"),
                "failed": _("failed"),
                "api_calls": _("API calls"),
                "created": _("products created"),
                "linked": _("linked"),
                "to_review": _("to review"),
            },
        }
        return super().change_view(request, object_id, form_url, extra_context)

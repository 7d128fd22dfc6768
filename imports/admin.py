"""Connections, import jobs and raw payloads in the admin."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog.admin_base import OrganizationScopedAdmin, ReadOnlyScopedAdmin, pretty_json
from catalog.selectors import Role
from catalog.shop_skus import placeholder_skus_html, shop_placeholder_skus
from imports.clients.errors import MarketplaceError
from imports.forms import ChannelConnectionForm
from imports.models import ChannelConnection, ImportJob, ImportJobEvent, RawImportRecord
from imports.selectors import import_job_progress
from imports.services import (
    ImportRefused,
    connection_authorization_start,
    connection_test,
    import_job_cancel,
    import_job_resume,
    import_job_start,
)
from imports.views import OAUTH_SESSION_KEY


def _secret_state(value: str) -> str:
    return _("set") if value else _("not set")


@admin.register(ChannelConnection)
class ChannelConnectionAdmin(OrganizationScopedAdmin):
    form = ChannelConnectionForm
    write_roles = (Role.OWNER,)  # owners manage connections; merchandisers run imports
    empty_state = _(
        "No shops connected yet. Add a channel connection with your app's credentials, "
        "then press “Connect” on it to authorize the shop."
    )
    list_display = (
        "name",
        "platform",
        "organization",
        "shop_name",
        "status",
        "access_token_expires_at",
        "last_import",
    )
    list_filter = ("platform", "status")
    list_select_related = ("organization",)
    search_fields = ("name", "shop_name", "shop_id")
    readonly_fields = (
        "status",
        "shop_name",
        "partner_key_state",
        "app_secret_state",
        "access_token_state",
        "refresh_token_state",
        "access_token_expires_at",
        "refresh_token_expires_at",
        "callback_url",
        "last_error",
        "placeholder_skus",
    )
    actions = ["import_full", "import_incremental", "test_connection"]
    change_form_template = "admin/imports/channelconnection/change_form.html"

    def get_fieldsets(self, request, obj=None):
        return (
            (None, {"fields": ("organization", "platform", "name", "status", "shop_name")}),
            (
                _("Endpoints"),
                {"fields": ("base_url", "auth_base_url", "authorize_url", "callback_url")},
            ),
            (_("Shopee app"), {"fields": ("partner_id", "partner_key", "partner_key_state")}),
            (
                _("TikTok Shop app"),
                {"fields": ("app_key", "app_secret", "app_secret_state", "service_id")},
            ),
            (
                _("Shop and tokens"),
                {
                    "fields": (
                        "shop_id",
                        "shop_cipher",
                        "access_token_state",
                        "access_token_expires_at",
                        "refresh_token_state",
                        "refresh_token_expires_at",
                    )
                },
            ),
            (_("Limits"), {"fields": ("rate_limit_qps", "concurrency")}),
            (_("Problems"), {"fields": ("last_error", "placeholder_skus")}),
        )

    @admin.display(description=_("SKUs not used to match"))
    def placeholder_skus(self, obj: ChannelConnection) -> str:
        if obj is None or not obj.pk:
            return "—"
        rows = shop_placeholder_skus(
            organization_id=obj.organization_id,
            platform=obj.platform,
            shop_id=(obj.shop_id or obj.shop_cipher)[:64],
        )
        return placeholder_skus_html(rows)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        latest = ImportJob.objects.filter(connection=OuterRef("pk")).order_by("-created_at")
        return (
            super()
            .get_queryset(request)
            .annotate(
                last_import_status=Subquery(latest.values("status")[:1]),
                last_import_at=Subquery(latest.values("created_at")[:1]),
            )
        )

    @admin.display(description=_("Last import"), ordering="last_import_at")
    def last_import(self, obj: ChannelConnection) -> str:
        if not obj.last_import_at:
            return "—"
        label = dict(ImportJob.Status.choices).get(obj.last_import_status, "")
        return f"{label} · {obj.last_import_at:%Y-%m-%d %H:%M}"

    @admin.display(description=_("Partner key"))
    def partner_key_state(self, obj: ChannelConnection) -> str:
        return _secret_state(obj.partner_key)

    @admin.display(description=_("App secret"))
    def app_secret_state(self, obj: ChannelConnection) -> str:
        return _secret_state(obj.app_secret)

    @admin.display(description=_("Access token"))
    def access_token_state(self, obj: ChannelConnection) -> str:
        return _secret_state(obj.access_token)

    @admin.display(description=_("Refresh token"))
    def refresh_token_state(self, obj: ChannelConnection) -> str:
        return _secret_state(obj.refresh_token)

    @admin.display(description=_("Callback URL to register with the platform"))
    def callback_url(self, obj: ChannelConnection) -> str:
        request = getattr(self, "_request", None)
        if obj.pk is None or request is None:
            return "—"
        return request.build_absolute_uri(reverse("imports:oauth_callback", args=[obj.platform]))

    def get_readonly_fields(self, request, obj=None):
        self._request = request
        return super().get_readonly_fields(request, obj)

    # --- permissions: merchandisers may start imports, owners manage ---------------------------
    def _may_import(self, request: HttpRequest, connection: ChannelConnection) -> bool:
        return self._has_role(request, (Role.OWNER, Role.MERCHANDISER), connection)

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self._has_role(request, (Role.OWNER, Role.MERCHANDISER))

    # --- actions ----------------------------------------------------------------------------
    def _start_imports(self, request: HttpRequest, queryset: QuerySet, mode: str) -> None:
        for connection in queryset:
            if not self._may_import(request, connection):
                self.message_user(
                    request,
                    _("%(c)s: you may not start imports here.") % {"c": connection},
                    messages.ERROR,
                )
                continue
            try:
                job = import_job_start(connection=connection, mode=mode, user=request.user)
            except ImportRefused as refusal:
                self.message_user(request, str(refusal), messages.WARNING)
                continue
            url = reverse("admin:imports_importjob_change", args=[job.pk])
            self.message_user(
                request,
                format_html(
                    '{}: <a href="{}">{}</a>.',
                    connection,
                    url,
                    _("import #%(id)s queued") % {"id": job.pk},
                ),
                messages.SUCCESS,
            )

    @admin.action(description=_("Import now (full)"), permissions=["import"])
    def import_full(self, request, queryset):
        self._start_imports(request, queryset, ImportJob.Mode.FULL)

    @admin.action(
        description=_("Import now (changes since the last import)"), permissions=["import"]
    )
    def import_incremental(self, request, queryset):
        self._start_imports(request, queryset, ImportJob.Mode.INCREMENTAL)

    @admin.action(description=_("Test connection"), permissions=["import"])
    def test_connection(self, request, queryset):
        for connection in queryset:
            try:
                result = connection_test(connection=connection)
            except (MarketplaceError, ValueError) as error:
                self.message_user(request, f"{connection}: {error}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(c)s: connected to %(shop)s.") % {"c": connection, "shop": result},
                    messages.SUCCESS,
                )

    # --- connecting a shop ------------------------------------------------------------------
    def get_urls(self):
        return [
            path(
                "<int:object_id>/connect/",
                self.admin_site.admin_view(self.connect_view),
                name="imports_channelconnection_connect",
            ),
            *super().get_urls(),
        ]

    def connect_view(self, request: HttpRequest, object_id: int) -> HttpResponseRedirect:
        connection = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, connection):
            raise PermissionDenied
        callback = request.build_absolute_uri(
            reverse("imports:oauth_callback", args=[connection.platform])
        )
        url, state = connection_authorization_start(connection=connection, redirect_uri=callback)
        states = request.session.get(OAUTH_SESSION_KEY, {})
        states[state] = connection.pk
        request.session[OAUTH_SESSION_KEY] = dict(list(states.items())[-10:])
        return redirect(url)


class ImportJobEventInline(admin.TabularInline):
    model = ImportJobEvent
    fields = ("created_at", "level", "message", "platform_product_id", "error_type")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ("-id",)
    verbose_name_plural = _("Log (newest first)")

    def has_add_permission(self, request, obj=None):
        return False

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
                    "status",
                    "stage",
                    "error_type",
                    "error_message",
                    "auto_resume_at",
                )
            },
        ),
        (
            _("Fetching"),
            {
                "fields": (
                    "total",
                    "listed_count",
                    "fetched_count",
                    "stored_count",
                    "failed_count",
                    "retried_count",
                    "recovered_count",
                    "retry_report",
                    "api_calls",
                )
            },
        ),
        (
            _("Building the catalog"),
            {
                "fields": (
                    "processed_count",
                    "created_count",
                    "updated_count",
                    "linked_count",
                    "title_linked_count",
                    "suggested_count",
                    "placeholder_skus_report",
                    "unchanged_count",
                    "invalid_count",
                )
            },
        ),
        (_("Field coverage"), {"fields": ("coverage_report",)}),
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
                "<tr><td><code>{}</code></td><td>{}%</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        path,
                        entry["coverage"],
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
        return self._has_role(request, (Role.OWNER, Role.MERCHANDISER), job)

    def has_run_permission(self, request: HttpRequest) -> bool:
        return self._may_run(request)

    @admin.action(description=_("Cancel selected imports"), permissions=["run"])
    def cancel_jobs(self, request, queryset):
        for job in queryset:
            if self._may_run(request, job):
                import_job_cancel(job=job)
        self.message_user(request, _("Cancel requested."), messages.SUCCESS)

    @admin.action(
        description=_("Resume selected imports from their checkpoint"), permissions=["run"]
    )
    def resume_jobs(self, request, queryset):
        for job in queryset:
            if not self._may_run(request, job):
                continue
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
            *super().get_urls(),
        ]

    def progress_view(self, request: HttpRequest, object_id: int) -> JsonResponse:
        job = get_object_or_404(self.get_queryset(request), pk=object_id)
        return JsonResponse(import_job_progress(job))

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
        extra_context = {
            **(extra_context or {}),
            "may_run": self._may_run(request),
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


class HasErrorsFilter(admin.SimpleListFilter):
    title = _("has errors")
    parameter_name = "has_errors"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(processing_errors=[])
        if self.value() == "no":
            return queryset.filter(processing_errors=[])
        return queryset


@admin.register(RawImportRecord)
class RawImportRecordAdmin(ReadOnlyScopedAdmin):
    empty_state = _("No raw payloads yet: every import keeps what the marketplaces sent here.")
    list_display = (
        "platform_product_id",
        "platform",
        "import_job",
        "processed",
        "error_count",
        "imported_at",
        "processed_at",
    )
    list_filter = ("platform", "processed", HasErrorsFilter)
    search_fields = ("platform_product_id",)
    fields = (
        "import_job",
        "organization",
        "platform",
        "platform_product_id",
        "content_hash",
        "processed",
        "processed_at",
        "master_product",
        "imported_at",
        "errors_pretty",
        "raw_data_pretty",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            # The payloads can be large; the list never shows them.
            queryset = queryset.defer("raw_data")
        return queryset

    @admin.display(description=_("Errors"))
    def error_count(self, obj: RawImportRecord) -> int:
        return len(obj.processing_errors or [])

    @admin.display(description=_("Raw data"))
    def raw_data_pretty(self, obj: RawImportRecord) -> str:
        return pretty_json(obj.raw_data)

    @admin.display(description=_("Processing errors"))
    def errors_pretty(self, obj: RawImportRecord) -> str:
        return pretty_json(obj.processing_errors) if obj.processing_errors else "—"

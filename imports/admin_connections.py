"""The channel connection admin: credentials, token state, the import and test actions, and
the view that starts a shop's OAuth authorization ("Connect")."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalog.shop_skus import placeholder_skus_html, shop_placeholder_skus
from core.admin_base import OrganizationScopedAdmin, role_action
from core.roles import Capability
from imports.clients.errors import MarketplaceError
from imports.explain import connection_test_failure_message
from imports.forms import ChannelConnectionForm
from imports.local_time import local_datetime_text
from imports.models import ChannelConnection, ImportJob
from imports.services import (
    ImportRefused,
    connection_authorization_start,
    connection_test,
    import_job_start,
)
from imports.views import OAUTH_SESSION_KEY


def _secret_state(value: str) -> str:
    return _("set") if value else _("not set")


@admin.register(ChannelConnection)
class ChannelConnectionAdmin(OrganizationScopedAdmin):
    form = ChannelConnectionForm
    # Owners manage connections and credentials; merchandisers run imports and tests.
    write_capability = Capability.MANAGE_CONNECTIONS
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
                # When it ended (else began, else was queued): "last import" is a moment.
                last_import_at=Subquery(
                    latest.annotate(
                        moment=Coalesce("finished_at", "started_at", "created_at")
                    ).values("moment")[:1]
                ),
            )
        )

    @admin.display(description=_("Last import"), ordering="last_import_at")
    def last_import(self, obj: ChannelConnection) -> str:
        if not obj.last_import_at:
            return "—"
        label = dict(ImportJob.Status.choices).get(obj.last_import_status, "")
        return f"{label} · {local_datetime_text(obj.last_import_at)}"

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

    # --- actions ----------------------------------------------------------------------------
    def _start_imports(self, request: HttpRequest, queryset: QuerySet, mode: str) -> None:
        for connection in queryset:
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

    @role_action(Capability.RUN_IMPORTS, description=_("Import now (full)"))
    def import_full(self, request, queryset):
        self._start_imports(request, queryset, ImportJob.Mode.FULL)

    @role_action(
        Capability.RUN_IMPORTS, description=_("Import now (changes since the last import)")
    )
    def import_incremental(self, request, queryset):
        self._start_imports(request, queryset, ImportJob.Mode.INCREMENTAL)

    @role_action(Capability.TEST_CONNECTIONS, description=_("Test connection"))
    def test_connection(self, request, queryset):
        for connection in queryset:
            try:
                result = connection_test(connection=connection)
            except MarketplaceError as error:
                sentence = connection_test_failure_message(error, platform=connection.platform)
                self.message_user(request, f"{connection}: {sentence}", messages.ERROR)
            except ValueError as error:  # our own configuration checks: already readable
                self.message_user(request, f"{connection}: {error}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(c)s: connected to %(shop)s.") % {"c": connection, "shop": result},
                    messages.SUCCESS,
                )

    def save_model(self, request: HttpRequest, obj: ChannelConnection, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.tokens_dropped:
            self.message_user(
                request,
                _(
                    "The API address or the app credentials changed, so the shop's tokens "
                    "were deleted: connect the shop again with the Connect button at the top "
                    "of this page."
                ),
                messages.WARNING,
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
        try:
            url, state = connection_authorization_start(
                connection=connection, redirect_uri=callback
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect("admin:imports_channelconnection_change", connection.pk)
        states = request.session.get(OAUTH_SESSION_KEY, {})
        states[state] = connection.pk
        request.session[OAUTH_SESSION_KEY] = dict(list(states.items())[-10:])
        return redirect(url)

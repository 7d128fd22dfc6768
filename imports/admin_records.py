"""The raw import record admin: the marketplaces' payloads as stored, read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin_base import ReadOnlyScopedAdmin, pretty_json
from imports.models import RawImportRecord


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

"""Import jobs and the raw payloads they fetch, kept verbatim."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import MasterProduct, Organization, Platform, TimeStampedModel


class ImportJob(TimeStampedModel):
    """One run of pulling a shop's listings into the raw store (extended by the import issue)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIALLY_FAILED = "partially_failed", _("Partially failed")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="import_jobs"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="import_jobs_org_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} import #{self.pk}"


class RawImportRecord(models.Model):
    """One listing's payload exactly as the marketplace returned it."""

    import_job = models.ForeignKey(
        ImportJob,
        on_delete=models.CASCADE,
        related_name="raw_records",
        verbose_name=_("import job"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="raw_records"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    platform_product_id = models.CharField(_("platform product id"), max_length=64)
    raw_data = models.JSONField(_("raw data"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    processed = models.BooleanField(_("processed"), default=False)
    processing_errors = models.JSONField(_("processing errors"), default=list, blank=True)
    master_product = models.ForeignKey(
        MasterProduct,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="raw_records",
    )
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        db_table = "raw_import_data"
        ordering = ["-imported_at", "id"]
        verbose_name = _("raw import record")
        verbose_name_plural = _("raw import records")
        constraints = [
            models.UniqueConstraint(
                fields=["import_job", "platform_product_id"],
                name="raw_import_data_unique_job_product",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "platform", "platform_product_id"],
                name="raw_import_data_listing",
            ),
            models.Index(
                fields=["import_job", "id"],
                condition=Q(processed=False),
                name="raw_import_data_unprocessed",
            ),
            models.Index(fields=["imported_at"], name="raw_import_data_imported"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_platform_display()} {self.platform_product_id} (job {self.import_job_id})"
        )

"""A publish job and its items: every change sent to a marketplace, and what came of it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import PlatformMapping, PublishKind
from core.models import Organization, TimeStampedModel
from core.platforms import Platform


class PublishJob(TimeStampedModel):
    """One confirmed publication to one shop, run in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        WAITING = "waiting", _("Waiting for locks to end")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIALLY_FAILED = "partially_failed", _("Partially failed")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    FINISHED = (Status.SUCCEEDED, Status.PARTIALLY_FAILED, Status.FAILED, Status.CANCELLED)

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="publish_jobs",
        verbose_name=_("organization"),
    )
    connection = models.ForeignKey(
        "imports.ChannelConnection",
        on_delete=models.PROTECT,
        related_name="publish_jobs",
        verbose_name=_("connection"),
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    kinds = ArrayField(
        models.CharField(max_length=10, choices=PublishKind.choices),
        default=list,
        verbose_name=_("what is published"),
    )
    overrides = ArrayField(
        models.CharField(max_length=30),
        default=list,
        blank=True,
        verbose_name=_("guards overridden"),
        help_text=_("Checks the merchandiser confirmed past (a large change, below cost)."),
    )
    total_count = models.PositiveIntegerField(_("changes"), default=0)
    applied_count = models.PositiveIntegerField(_("applied"), default=0)
    in_review_count = models.PositiveIntegerField(_("in review"), default=0)
    blocked_count = models.PositiveIntegerField(_("blocked"), default=0)
    conflict_count = models.PositiveIntegerField(_("conflicts"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    api_calls = models.PositiveIntegerField(_("API calls"), default=0)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    resume_at = models.DateTimeField(
        _("resumes at"),
        null=True,
        blank=True,
        help_text=_("When the earliest lock ends and the blocked changes are tried again."),
    )
    error_message = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("runs"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        app_label = "imports"
        ordering = ["-created_at"]
        verbose_name = _("publish job")
        verbose_name_plural = _("publish jobs")
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="publish_jobs_org_created"),
            models.Index(fields=["status", "resume_at"], name="publish_jobs_resume"),
        ]

    def __str__(self) -> str:
        return _("%(platform)s publication #%(id)s") % {
            "platform": self.get_platform_display(),
            "id": self.pk,
        }

    @property
    def done_count(self) -> int:
        return (
            self.applied_count
            + self.in_review_count
            + self.conflict_count
            + self.failed_count
            + self.skipped_count
        )

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class PublishItem(models.Model):
    """One change of one listing (a variant's price, or the title) and its outcome."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        APPLIED = "applied", _("Applied")
        IN_REVIEW = "in_review", _("In review")
        REJECTED = "rejected", _("Rejected in review")
        BLOCKED = "blocked", _("Blocked")
        CONFLICT = "conflict", _("Conflict")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")
        CANCELLED = "cancelled", _("Cancelled")

    job = models.ForeignKey(
        PublishJob, on_delete=models.CASCADE, related_name="items", verbose_name=_("job")
    )
    mapping = models.ForeignKey(
        PlatformMapping,
        on_delete=models.SET_NULL,
        null=True,
        related_name="publish_items",
        verbose_name=_("listing"),
    )
    platform_product_id = models.CharField(_("platform product id"), max_length=64)
    kind = models.CharField(_("change"), max_length=10, choices=PublishKind.choices)
    variant = models.CharField(_("variant"), max_length=64, blank=True)
    old_value = models.CharField(_("before"), max_length=300, blank=True)
    new_value = models.CharField(_("published value"), max_length=300)
    change_percent = models.DecimalField(
        _("price change %"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    margin_percent = models.DecimalField(
        _("margin after fees %"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    state = models.CharField(
        _("result"), max_length=20, choices=State.choices, default=State.QUEUED
    )
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    code = models.CharField(_("platform code"), max_length=80, blank=True)
    message = models.TextField(_("platform message"), blank=True)
    platform_value = models.CharField(
        _("platform shows"),
        max_length=300,
        blank=True,
        help_text=_("Read back from the platform after the write."),
    )
    blocked_until = models.DateTimeField(_("blocked until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    request_id = models.CharField(_("request id"), max_length=80, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        app_label = "imports"
        ordering = ["job", "platform_product_id", "kind", "variant"]
        verbose_name = _("published change")
        verbose_name_plural = _("published changes")
        constraints = [
            models.UniqueConstraint(
                fields=["job", "mapping", "kind", "variant"], name="publish_items_unique_change"
            ),
        ]
        indexes = [
            models.Index(fields=["job", "state"], name="publish_items_job_state"),
            models.Index(fields=["mapping", "-id"], name="publish_items_mapping"),
        ]

    def __str__(self) -> str:
        return f"{self.platform_product_id} {self.kind} {self.variant}".strip()


class PendingPublication(PlatformMapping):
    """The listings with something to publish or a publication to look at (the admin's
    *Pending publication* page); the rows are the catalog's mappings."""

    class Meta:
        proxy = True
        app_label = "imports"
        verbose_name = _("listing to publish")
        verbose_name_plural = _("pending publication")

"""Import jobs and the raw payloads they fetch, kept verbatim."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import MasterProduct
from core.models import Organization, TimeStampedModel
from core.platforms import Platform
from imports.encryption import EncryptedTextField
from imports.hosts import url_origin, validate_marketplace_url
from imports.local_time import local_datetime_text

ACTIVE_JOB_STATUSES = ("queued", "running")


class ChannelConnection(TimeStampedModel):
    """One seller shop on one marketplace, with the app credentials and tokens to read it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for authorization")
        ACTIVE = "active", _("Active")
        NEEDS_REAUTHORIZATION = "needs_reauthorization", _("Needs re-authorization")
        DISABLED = "disabled", _("Disabled")

    SECRET_FIELDS = ("partner_key", "app_secret", "access_token", "refresh_token")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="connections",
        verbose_name=_("organization"),
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.PENDING
    )
    base_url = models.URLField(
        _("API base URL"),
        help_text=_(
            "Shopee: https://partner.shopeemobile.com; "
            "TikTok Shop: https://open-api.tiktokglobalshop.com"
        ),
    )
    auth_base_url = models.URLField(
        _("token host URL"),
        blank=True,
        help_text=_("TikTok Shop only: https://auth.tiktok-shops.com"),
    )
    authorize_url = models.URLField(
        _("seller authorization page"),
        blank=True,
        help_text=_("TikTok Shop only: https://services.tiktokshop.com/open/authorize"),
    )
    # Shopee app credentials
    partner_id = models.BigIntegerField(_("partner id"), null=True, blank=True)
    partner_key = EncryptedTextField(_("partner key"), blank=True)
    # TikTok Shop app credentials
    app_key = models.CharField(_("app key"), max_length=100, blank=True)
    app_secret = EncryptedTextField(_("app secret"), blank=True)
    service_id = models.CharField(_("service id"), max_length=100, blank=True)
    # The shop
    shop_id = models.CharField(_("shop id"), max_length=64, blank=True)
    shop_cipher = models.CharField(_("shop cipher"), max_length=200, blank=True)
    shop_name = models.CharField(_("shop name"), max_length=200, blank=True)
    access_token = EncryptedTextField(_("access token"), blank=True)
    refresh_token = EncryptedTextField(_("refresh token"), blank=True)
    access_token_expires_at = models.DateTimeField(_("access token expires"), null=True, blank=True)
    refresh_token_expires_at = models.DateTimeField(
        _("refresh token expires"), null=True, blank=True
    )
    rate_limit_qps = models.DecimalField(
        _("rate limit (calls/s)"),
        max_digits=6,
        decimal_places=2,
        default=10,
        help_text=_("Calls per second this connection may make to the platform."),
    )
    concurrency = models.PositiveSmallIntegerField(
        _("parallel calls"),
        default=4,
        help_text=_("Detail calls in flight at once (still within the rate limit)."),
    )
    last_error = models.TextField(_("last error"), blank=True)
    import_interval_minutes = models.PositiveIntegerField(
        _("incremental import every (minutes)"),
        default=0,
        help_text=_("0: no scheduled imports. Applied by `manage.py sync_schedules`."),
    )

    class Meta:
        ordering = ["organization__name", "name"]
        verbose_name = _("channel connection")
        verbose_name_plural = _("channel connections")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="channel_connections_unique_org_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"

    # Tokens are issued to one app for one host: a connection whose host or app credentials
    # change keeps none of them (the new host must never receive them), and the seller
    # authorizes again.
    TOKEN_BINDING_FIELDS = (
        "platform",
        "base_url",
        "auth_base_url",
        "partner_id",
        "partner_key",
        "app_key",
        "app_secret",
    )
    TOKEN_FIELDS = (
        "access_token",
        "refresh_token",
        "access_token_expires_at",
        "refresh_token_expires_at",
    )
    URL_FIELDS = ("base_url", "auth_base_url", "authorize_url")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember_token_binding()
        return instance

    def _remember_token_binding(self) -> None:
        loaded = self.__dict__
        names = (*self.TOKEN_BINDING_FIELDS, "access_token", "refresh_token")
        self._stored_binding = (
            {name: self._binding_value(name) for name in names}
            if all(n in loaded for n in names)
            else None
        )

    def _binding_value(self, name: str) -> object:
        """What the tokens are bound to: for a URL its origin (a new path on the same host
        keeps them)."""
        value = getattr(self, name)
        return url_origin(value) if name in self.URL_FIELDS else value

    def clean(self) -> None:
        errors = {}
        for name in self.URL_FIELDS:
            try:
                validate_marketplace_url(self.platform, getattr(self, name))
            except ValidationError as error:
                errors[name] = error
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        self.tokens_dropped = self._drop_tokens_if_rebound()
        update_fields = kwargs.get("update_fields")
        if self.tokens_dropped and update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *self.TOKEN_FIELDS, "status"}
        super().save(*args, **kwargs)
        self._remember_token_binding()

    def _drop_tokens_if_rebound(self) -> bool:
        stored = getattr(self, "_stored_binding", None)
        if stored is None or not (stored["access_token"] or stored["refresh_token"]):
            return False
        rebound = any(
            self._binding_value(name) != stored[name] for name in self.TOKEN_BINDING_FIELDS
        )
        # New tokens saved together with the new host (connect_shop) belong to it: keep them.
        new_tokens = (self.access_token, self.refresh_token) != (
            stored["access_token"],
            stored["refresh_token"],
        )
        if not rebound or new_tokens:
            return False
        for name in self.TOKEN_FIELDS:
            setattr(self, name, None if name.endswith("_at") else "")
        if self.status == self.Status.ACTIVE:
            self.status = self.Status.NEEDS_REAUTHORIZATION
        return True


# The job's counters, each stored as <name>_count: one list for the runner that writes them,
# the job page and the API that show them.
FETCH_COUNTS = ("listed", "fetched", "stored", "failed", "retried", "recovered")
BUILD_COUNTS = (
    "processed",  # the catalog report's counts (catalog.listings.PopulateReport)
    "created",
    "updated",
    "linked",
    "title_linked",
    "suggested",
    "unchanged",
    "invalid",
)


def count_fields(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{name}_count" for name in names)


class ImportJob(TimeStampedModel):
    """One run of pulling a shop's listings into the raw store."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIALLY_FAILED = "partially_failed", _("Partially failed")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Mode(models.TextChoices):
        FULL = "full", _("Full")
        INCREMENTAL = "incremental", _("Incremental")

    class Stage(models.TextChoices):
        PENDING = "pending", _("Pending")
        PLANNING = "planning", _("Planning")
        FETCHING = "fetching", _("Fetching")
        ANALYSING = "analysing", _("Analysing")
        PROCESSING = "processing", _("Building the catalog")
        DONE = "done", _("Done")

    class ErrorPolicy(models.TextChoices):
        SKIP = "skip", _("Skip invalid records")
        REJECT = "reject", _("Reject a batch with invalid records")

    FINISHED = (Status.SUCCEEDED, Status.PARTIALLY_FAILED, Status.FAILED, Status.CANCELLED)

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("organization"),
    )
    connection = models.ForeignKey(
        ChannelConnection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name=_("connection"),
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.PENDING
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.FULL)
    dry_run = models.BooleanField(_("dry run"), default=False)
    error_policy = models.CharField(
        _("error policy"), max_length=10, choices=ErrorPolicy.choices, default=ErrorPolicy.SKIP
    )
    updated_since = models.DateTimeField(
        _("changes since"),
        null=True,
        blank=True,
        help_text=_("Incremental imports fetch listings updated after this moment."),
    )
    total = models.PositiveIntegerField(_("listings to fetch"), null=True, blank=True)
    listed_count = models.PositiveIntegerField(_("listed"), default=0)
    fetched_count = models.PositiveIntegerField(_("fetched"), default=0)
    stored_count = models.PositiveIntegerField(_("stored"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    retry_ids = models.JSONField(
        _("waiting to be fetched again"),
        default=list,
        blank=True,
        help_text=_(
            "Listings whose fetch failed for a passing reason (connection, timeout, rate limit, "
            "server error): this run, Resume or the next import reads them again."
        ),
    )
    retried_count = models.PositiveIntegerField(_("fetches retried"), default=0)
    recovered_count = models.PositiveIntegerField(_("recovered by a retry"), default=0)
    api_calls = models.PositiveIntegerField(_("API calls"), default=0)
    api_stats = models.JSONField(
        _("API calls per endpoint"),
        default=dict,
        blank=True,
        help_text=_("Calls, seconds, failures and retries per marketplace endpoint."),
    )
    stage_seconds = models.JSONField(
        _("time per stage"),
        default=dict,
        blank=True,
        help_text=_("Seconds spent in each stage, and in the database, summed over attempts."),
    )
    # Building the catalog from the fetched records
    processed_count = models.PositiveIntegerField(_("processed"), default=0)
    created_count = models.PositiveIntegerField(_("products created"), default=0)
    updated_count = models.PositiveIntegerField(_("products updated"), default=0)
    linked_count = models.PositiveIntegerField(_("linked by SKU"), default=0)
    title_linked_count = models.PositiveIntegerField(_("linked by title"), default=0)
    suggested_count = models.PositiveIntegerField(_("suggested matches"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    invalid_count = models.PositiveIntegerField(_("invalid"), default=0)
    placeholder_skus = models.JSONField(
        _("placeholder SKUs"),
        default=list,
        blank=True,
        help_text=_("SKUs that many listings of the shop share, so they were not used to match."),
    )
    field_coverage = models.JSONField(
        _("field coverage"),
        default=dict,
        blank=True,
        help_text=_("Which source fields the fetched payloads carry, and how often."),
    )
    checkpoint = models.JSONField(_("checkpoint"), default=dict, blank=True)
    reference_data = models.JSONField(
        _("reference data"),
        default=dict,
        blank=True,
        help_text=_("Shop-level data the records refer to (categories, limits)."),
    )
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    error_type = models.CharField(_("error type"), max_length=40, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("runs"), default=0)
    auto_resume_at = models.DateTimeField(
        _("resumes by itself at"),
        null=True,
        blank=True,
        help_text=_("A run stopped by a passing failure (database, connection) resumes then."),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="import_jobs_org_created"),
            models.Index(fields=["connection", "status"], name="import_jobs_connection"),
        ]
        constraints = [
            # One active job per connection, enforced by the database itself.
            models.UniqueConstraint(
                fields=["connection"],
                condition=Q(status__in=ACTIVE_JOB_STATUSES),
                name="import_jobs_one_active_per_connection",
            ),
        ]

    def __str__(self) -> str:
        return _("%(platform)s import #%(id)s") % {
            "platform": self.get_platform_display(),
            "id": self.pk,
        }

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def processed(self) -> int:
        return self.stored_count + self.failed_count


class ImportJobEvent(models.Model):
    """A line of a job's log; errors carry the listing and the reason."""

    class Level(models.TextChoices):
        INFO = "info", _("Info")
        WARNING = "warning", _("Warning")
        ERROR = "error", _("Error")

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="events", verbose_name=_("import job")
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.INFO)
    message = models.TextField(_("message"))  # in English, as the logs have it
    # The message's English msgid and its values, to show it in the reader's language (see
    # imports.pipeline.joblog.event_text); empty on rows written before they were kept.
    template = models.TextField(_("message template"), blank=True, default="")
    params = models.JSONField(_("message values"), null=True, blank=True)
    platform_product_id = models.CharField(_("listing"), max_length=64, blank=True)
    error_type = models.CharField(_("error type"), max_length=40, blank=True)

    class Meta:
        ordering = ["job", "id"]
        verbose_name = _("import job event")
        verbose_name_plural = _("import job events")
        indexes = [models.Index(fields=["job", "level"], name="import_events_job_level")]

    def __str__(self) -> str:
        return f"[{self.level}] {self.message[:80]}"


class RawImportRecord(models.Model):
    """One listing's payload exactly as the marketplace returned it."""

    import_job = models.ForeignKey(
        ImportJob,
        on_delete=models.CASCADE,
        related_name="raw_records",
        verbose_name=_("import job"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="raw_records",
        verbose_name=_("organization"),
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
        verbose_name=_("master product"),
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
        return _("%(platform)s %(listing)s (import #%(job)s)") % {
            "platform": self.get_platform_display(),
            "listing": self.platform_product_id,
            "job": self.import_job_id,
        }


class WorkerHeartbeat(models.Model):
    """Written by a scheduled task: proof that a django-q2 worker is running tasks."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    seen_at = models.DateTimeField(_("last seen"))
    # The worker's resident memory at that heartbeat (/api/health/ compares it to the limit).
    rss_mb = models.PositiveIntegerField(_("resident memory (MB)"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} at {local_datetime_text(self.seen_at, seconds=True)}"


# Publishing's tables belong to this app (imports/publishing/models.py).
from imports.publishing.models import (  # noqa: E402, F401
    PendingPublication,
    PublishItem,
    PublishJob,
)

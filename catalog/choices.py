"""The catalog's enumerations, at module level so the tables' CHECK constraints can name them
(a row written with COPY skips model validation: the database keeps the values)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    ARCHIVED = "archived", _("Archived")


class ListingStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    REVIEWING = "reviewing", _("In review")
    DRAFT = "draft", _("Draft")
    BANNED = "banned", _("Banned")
    DELETED = "deleted", _("Deleted")


class SyncStatus(models.TextChoices):
    """Whether the marketplace shows what SyncStore computed (publishing, issue #21)."""

    PENDING = "pending", _("Pending")
    SYNCED = "synced", _("Synced")
    ERROR = "error", _("Error")
    DISABLED = "disabled", _("Disabled")
    CONFLICT = "conflict", _("Conflict")
    BLOCKED = "blocked", _("Blocked")
    IN_REVIEW = "in_review", _("In review")
    REJECTED = "rejected", _("Rejected")


class PublishKind(models.TextChoices):
    PRICE = "price", _("Price")
    TITLE = "title", _("Title")


class MatchMethod(models.TextChoices):
    SKU = "sku", _("Same SKU")
    SIMILARITY = "similarity", _("Similar title")
    MANUAL = "manual", _("Manual")
    NEW = "new", _("New product")


class ReviewStatus(models.TextChoices):
    AUTO = "auto", _("Automatic")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class ReviewReason(models.TextChoices):
    NONE = "", _("—")
    AMBIGUOUS = "ambiguous", _("Several products fit")
    UNCERTAIN = "uncertain", _("Similar, not certain")
    DUPLICATE_SKU = "duplicate_sku", _("SKU already used by another listing")
    SKU_CONFLICT = "sku_conflict", _("Same SKU, different size or model")
